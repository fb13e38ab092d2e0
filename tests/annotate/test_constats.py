"""The "Constats" sheet: first, active, a unique name, a table even with no finding."""

import openpyxl

from snppe_report.annotate.constats import HEADER, constats_title, write_constats
from snppe_report.annotate.locate import Place
from snppe_report.annotate.notes import entries
from snppe_report.read.findings import Finding


def test_constats_title_avoids_the_workbook_own_sheets():
    assert constats_title(["TDB"]) == "Constats"
    assert constats_title(["constats"]) == "Constats snppe"
    assert constats_title(["Constats", "Constats snppe"]) == "Constats snppe 3"


def _book():
    book = openpyxl.Workbook()
    book.active.title = "L'été"
    book.active.sheet_view.tabSelected = True
    return book


def test_constats_sheet_first_and_active_with_links():
    book = _book()
    found = entries(
        [Finding("x", "info", "m1", "L'été!D5", "=Nombre"), Finding("y", "erreur", "m2")],
        [Place("L'été", 5, 4), Place("L'été", 9, after=True)],
    )
    header = write_constats(book, "Constats", ["Titre"], found, ["note"], [("Règles", ["r"])],
                            {"L'été": "L'été"})  # fmt: skip
    ws = book.worksheets[0]
    assert book.active is ws and ws.title == "Constats"
    assert not book["L'été"].sheet_view.tabSelected
    assert [ws.cell(header, c).value for c in range(1, 7)] == list(HEADER)
    first, second = ([ws.cell(header + i, c) for c in range(1, 7)] for i in (1, 2))
    assert [c.value for c in first[:2]] == [1, "Erreur"]  # errors first
    assert first[4].value == "L'été, après la ligne 9"
    assert first[4].hyperlink.location == "'L''été'!A9"
    assert second[4].hyperlink.location == "'L''été'!D5"
    assert (second[2].value, second[2].data_type) == ("=Nombre", "s")
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.auto_filter.ref == f"A{header}:F{header + 2}"


def test_constats_without_finding_keeps_its_table():
    book = _book()
    header = write_constats(book, "Constats", ["Titre"], [], [], [], {})
    ws = book.worksheets[0]
    assert ws.cell(header - 3, 1).value.startswith("Aucun constat")
    assert ws.auto_filter.ref == f"A{header}:F{header}"
