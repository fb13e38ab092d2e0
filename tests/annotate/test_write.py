"""The annotated copy, read back: the whole workbook kept, every finding on its cell.

Each copy is read back twice: with openpyxl (formulas, styles, comments, hyperlinks)
and with the package's own reader (what a later ``snppe check`` of the copy sees).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from snppe_report.analysis.checks import check_extraction
from snppe_report.annotate import annotate_file, annotated_name, write_annotated
from snppe_report.annotate.locate import locate_all
from snppe_report.exceptions import InputError, OutputError
from snppe_report.read.catalogue import load_catalogue
from snppe_report.read.table import extract_workbook
from snppe_report.read.workbook import read_workbook

from ..conftest import EXAMPLE_2021, EXAMPLE_2023
from ..make_bad_inputs import HEADER, ROWS, TITLE, _dashboard, _ods, build_corpus

LIBREOFFICE = Path(__file__).parents[1] / "fixtures" / "libreoffice"
EXAMPLES = [(EXAMPLE_2023, None), (EXAMPLE_2021, "39")]
MARK = "FFC00000"
#: Texts a spreadsheet would turn into formulas if they were written as typed.
HOSTILE = ["=1+1", "+33 6 12 34 56 78", "-5 en 2022", "@SUM(A1:A2)", "=cmd|' /C calc'!A0"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _annotate(path: Path, out: Path, departement: str | None = None):
    """Annotate ``path`` and return (copy path, findings, read workbook), hashing around."""
    before = _sha(path)
    workbook = read_workbook(path)
    extraction = extract_workbook(workbook, departement)
    findings = check_extraction(extraction)
    written = write_annotated(workbook, extraction, findings, out)
    assert _sha(path) == before, "the original was modified"
    assert written.path == out / annotated_name(extraction)
    return written, findings, workbook, extraction


def _fill(fill) -> tuple:
    colour = fill.fgColor
    return (fill.fill_type, colour.type, colour.rgb, colour.theme, colour.indexed, colour.tint)


def _snapshot(path: Path, skip: str | None = None) -> dict:
    """Everything a copy must keep, sheet by sheet, as openpyxl reads it back."""
    book = openpyxl.load_workbook(path)  # formulas, not cached values
    out = {}
    for ws in book.worksheets:
        if ws.title == skip:
            continue
        cells = {}
        for key, cell in ws._cells.items():
            if isinstance(cell, MergedCell):
                continue
            cells[key] = (
                cell.value, cell.data_type, cell.number_format, _fill(cell.fill),
                cell.font.b, cell.font.i, cell.font.sz, cell.alignment.wrap_text,
            )  # fmt: skip
        out[ws.title] = {
            "cells": cells,
            "borders": {k: repr(c.border) for k, c in ws._cells.items()},
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "heights": {k: d.height for k, d in ws.row_dimensions.items()},
            "hidden": (
                ws.sheet_state,
                sorted(k for k, d in ws.row_dimensions.items() if d.hidden),
                sorted(k for k, d in ws.column_dimensions.items() if d.hidden),
            ),
        }
    return out


def _comments(path: Path, skip: str) -> dict[tuple[str, str], str]:
    book = openpyxl.load_workbook(path)
    return {
        (ws.title, c.coordinate): c.comment.text
        for ws in book.worksheets
        if ws.title != skip
        for row in ws.iter_rows()
        for c in row
        if c.comment is not None
    }


def _constats(path: Path):
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "N°")
    rows = []
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, 1).value is None:
            break
        rows.append([ws.cell(r, c) for c in range(1, 7)])
    return book, ws, header, rows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("corpus"))


# -- the two examples ---------------------------------------------------------------


@pytest.mark.parametrize(("example", "departement"), EXAMPLES)
def test_examples_copied_whole_with_every_finding(example, departement, tmp_path):
    written, findings, workbook, extraction = _annotate(example, tmp_path, departement)
    original, copy = _snapshot(example), _snapshot(written.path, skip="Constats")
    book = openpyxl.load_workbook(written.path)
    assert book.sheetnames == ["Constats", *openpyxl.load_workbook(example).sheetnames]
    assert book.active.title == "Constats"
    places = locate_all(findings, extraction.rows.to_dict("records"),
                        [s.name for s in workbook.sheets], load_catalogue())  # fmt: skip
    marked = {(p.sheet, p.row, p.col) for p in places if p.has_cell}
    assert findings and marked
    for title, sheet in original.items():
        mine = copy[title]
        # values, formulas, types, number formats, fills, fonts: cell by cell
        assert mine["cells"] == sheet["cells"], title
        for key in ("merged", "widths", "heights", "hidden"):
            assert mine[key] == sheet[key], (title, key)
        # borders: changed on the marked cells only
        for key, border in sheet["borders"].items():
            if (title, *key) not in marked:
                assert mine["borders"].get(key) == border, (title, key)
    # every finding with a cell: a comment on its cell, and the mark around it
    comments = _comments(written.path, "Constats")
    ws = book[extraction.sheet]
    for sheet, row, col in marked:
        cell = book[sheet].cell(row, col)
        assert (sheet, cell.coordinate) in comments
        assert cell.border.left.color.rgb == MARK and cell.border.left.style == "thick"
    assert len(comments) == len(marked) == written.commented
    blocks = sum(len(re.findall(r"^Règle : contrôle", t, re.M)) for t in comments.values())
    assert blocks == sum(p.has_cell for p in places)
    for f, p in zip(findings, places, strict=True):
        if p.has_cell:
            assert f.message in comments[(p.sheet, book[p.sheet].cell(p.row, p.col).coordinate)]
    assert ws is not None
    # the Constats sheet lists every finding, sorted by severity
    _, constats, header, rows = _constats(written.path)
    assert len(rows) == len(findings) == written.findings
    order = {"Erreur": 0, "Avertissement": 1, "Information": 2}
    ranks = [order[r[1].value] for r in rows]
    assert ranks == sorted(ranks)
    assert sorted(r[3].value for r in rows) == sorted(f.message for f in findings)
    assert constats.freeze_panes == f"A{header + 1}"
    assert constats.auto_filter.ref == f"A{header}:F{header + len(rows)}"
    assert constats.column_dimensions["D"].width >= 60
    for r in rows:
        link = r[4].hyperlink
        if r[4].value == "non situé dans le classeur":
            assert link is None
        else:
            sheet, _, ref = link.location.rpartition("!")
            assert sheet.strip("'") in book.sheetnames and re.fullmatch(r"[A-Z]+\d+", ref)
    texts = " ".join(str(c.value) for row in constats.iter_rows() for c in row if c.value)
    assert "bordure rouge épaisse" in texts and "Règles de complétude" in texts


def test_findings_without_cell_are_listed_with_their_row(tmp_path):
    written, findings, *_ = _annotate(EXAMPLE_2023, tmp_path)
    _, _, _, rows = _constats(written.path)
    places = {r[4].value for r in rows}
    assert any(p.endswith(", ligne 14") for p in places)  # a missing target: its row
    assert any(", après la ligne " in p for p in places)  # a missing harmonised indicator
    missing = [r for r in rows if r[5].value == "indicateur_harmonise_absent"]
    assert missing and all(r[4].hyperlink is not None for r in missing)


def test_the_copy_reads_like_the_original(tmp_path):
    """A later ``snppe check`` of the copy finds the same table."""
    written, *_ = _annotate(EXAMPLE_2023, tmp_path)
    again = extract_workbook(read_workbook(written.path))
    first = extract_workbook(read_workbook(EXAMPLE_2023))
    cols = ["indicateur", "annee", "nature", "brut", "valeur", "source"]
    assert again.rows[cols].fillna(-1).values.tolist() == (
        first.rows[cols].fillna(-1).values.tolist()
    )
    # and the formulas still carry the values the original had cached
    cached = openpyxl.load_workbook(written.path, data_only=True)["Tableau de bord"]
    original = openpyxl.load_workbook(EXAMPLE_2023, data_only=True)["Tableau de bord"]
    formulas = openpyxl.load_workbook(EXAMPLE_2023)["Tableau de bord"]
    refs = [c.coordinate for row in formulas.iter_rows() for c in row if c.data_type == "f"]
    assert refs and [cached[r].value for r in refs] == [original[r].value for r in refs]


# -- hostile texts, macros, links -----------------------------------------------------


def _hostile_rows() -> list[list]:
    rows = [list(r) for r in ROWS]
    rows.append([None, None, "Nombre de visites", HOSTILE[4], HOSTILE[0], HOSTILE[3]])
    rows.append([None, None, "=Nombre de places", HOSTILE[1], HOSTILE[2], None])
    return rows


def _hostile_xlsx(path: Path) -> Path:
    def edit(wb, ws):
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # typed as text, as a user would have

    return _dashboard(path, rows=_hostile_rows(), edit=edit)


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_hostile_texts_stay_texts(kind, tmp_path):
    if kind == "xlsx":
        path = _hostile_xlsx(tmp_path / "68-hostile.xlsx")
    else:
        path = _ods(tmp_path / "68-hostile.ods", rows=[[TITLE], [], HEADER, *_hostile_rows()])
    written, findings, *_ = _annotate(path, tmp_path / "out")
    book = openpyxl.load_workbook(written.path)
    seen = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    seen[cell.value] = cell.data_type
    assert set(HOSTILE) <= set(seen)
    assert all(t == "s" for t in seen.values()), seen
    with zipfile.ZipFile(written.path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    # the hostile texts reach the comments and the Constats sheet as plain text
    _, constats, _, rows = _constats(written.path)
    assert any(r[2].value == "=Nombre de places" and r[2].data_type == "s" for r in rows)
    comments = _comments(written.path, "Constats")
    for text in (HOSTILE[4], HOSTILE[0], HOSTILE[3]):  # commented cells holding them
        assert any(f"« {text} »" in comment for comment in comments.values()), text
    assert len(rows) == len(findings)


def test_xlsm_gives_an_xlsx_without_macros(corpus, tmp_path):
    written, *_ = _annotate(corpus["macros_xlsm"], tmp_path)
    assert written.path.suffix == ".xlsx"
    with zipfile.ZipFile(written.path) as archive:
        names = archive.namelist()
        types = archive.read("[Content_Types].xml").decode()
    assert not any("vba" in n.lower() for n in names)
    assert "macroEnabled" not in types and "vbaProject" not in types
    texts = [c.value for row in _constats(written.path)[1].iter_rows() for c in row if c.value]
    assert "Non repris dans la copie : macros VBA (jamais exécutées) : 1." in texts


def test_external_links_not_carried_formulas_keep_their_values(corpus, tmp_path):
    written, *_ = _annotate(corpus["liens_externes"], tmp_path)
    with zipfile.ZipFile(written.path) as archive:
        assert not any("externalLink" in n for n in archive.namelist())
    ws = openpyxl.load_workbook(written.path)["Tableau de bord"]
    assert (ws["D5"].value, ws["E5"].value, ws["F5"].value) == (278, 312, None)
    texts = [c.value for row in _constats(written.path)[1].iter_rows() for c in row if c.value]
    assert any("3 formules vers d'autres classeurs remplacées" in str(t) for t in texts)
    assert any("liaisons vers d'autres classeurs : 1" in str(t) for t in texts)


def test_hidden_sheets_rows_columns_kept(corpus, tmp_path):
    written, *_ = _annotate(corpus["caches"], tmp_path)
    copy, original = _snapshot(written.path, skip="Constats"), _snapshot(corpus["caches"])
    assert list(copy) == list(original) == ["Tableau de bord", "Ancien tableau", "Très cachée"]
    for title, sheet in original.items():
        assert {k: v for k, v in copy[title].items() if k != "borders"} == {
            k: v for k, v in sheet.items() if k != "borders"
        }
    assert [s["hidden"][0] for s in copy.values()] == ["visible", "hidden", "veryHidden"]


# -- other formats: rebuilt from the read cells ----------------------------------------


@pytest.mark.parametrize(("example", "departement"), EXAMPLES)
def test_ods_gives_an_xlsx_copy_of_the_read_cells(example, departement, tmp_path):
    ods = LIBREOFFICE / f"{example.stem}-libreoffice.ods"
    written, findings, workbook, _ = _annotate(ods, tmp_path, departement)
    assert written.converted and written.path.suffix == ".xlsx"
    again = read_workbook(written.path)
    assert [s.name for s in again.sheets] == ["Constats", *(s.name for s in workbook.sheets)]
    for sheet, copied in zip(workbook.sheets, again.sheets[1:], strict=True):
        assert sorted(copied.merged) == sorted(sheet.merged)
        assert {k: (c.value, c.number_format, c.grey) for k, c in copied.cells.items()} == {
            k: (c.value, c.number_format, c.grey) for k, c in sheet.cells.items()
        }
    texts = [c.value for row in _constats(written.path)[1].iter_rows() for c in row if c.value]
    assert any(str(t).startswith("Classeur .ods converti en .xlsx") for t in texts)
    assert len(_constats(written.path)[3]) == len(findings)


def test_sheet_names_excel_refuses_are_changed_and_said(tmp_path):
    rows = "".join(
        "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p>'
            "</table:table-cell>" for v in row
        ) + "</table:table-row>"
        for row in ([TITLE], ["x"])
    )  # fmt: skip
    path = _ods(tmp_path / "68-noms.ods")
    with zipfile.ZipFile(path) as zf:
        content = zf.read("content.xml").decode()
    content = content.replace(
        "</office:spreadsheet>",
        f'<table:table table:name="Notes [2023]: à/revoir ? et bien plus long que trente et un">'
        f"{rows}</table:table></office:spreadsheet>",
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    written, *_ = _annotate(path, tmp_path / "out")
    book = openpyxl.load_workbook(written.path)
    assert book.sheetnames[2] == "Notes _2023__ à_revoir _ et bie"  # 31 characters
    texts = [c.value for row in book["Constats"].iter_rows() for c in row if c.value]
    assert any(str(t).startswith("Feuilles renommées") for t in texts)


# -- safety of the output ---------------------------------------------------------------


def test_a_changed_original_writes_nothing(tmp_path):
    path = tmp_path / "68-haut-rhin.xlsx"
    shutil.copy(EXAMPLE_2023, path)
    workbook = read_workbook(path)
    extraction = extract_workbook(workbook)
    path.write_bytes(path.read_bytes() + b"\0")  # changed after it was read
    out = tmp_path / "out"
    with pytest.raises(InputError, match="a changé"):
        write_annotated(workbook, extraction, check_extraction(extraction), out)
    assert not out.exists() or not any(out.iterdir())


def test_a_failed_save_keeps_the_previous_copy(tmp_path, monkeypatch):
    first = annotate_file(EXAMPLE_2023, tmp_path)
    previous = first.path.read_bytes()

    def broken(self, filename):
        Path(filename).write_bytes(b"moitie")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OutputError, match="annote.xlsx » : écriture impossible : disque plein"):
        annotate_file(EXAMPLE_2023, tmp_path)
    assert first.path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.path.name]


# -- opened by another application ------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) absent")
def test_libreoffice_opens_the_copy(tmp_path):
    """LibreOffice headless converts the copy to .ods; the package reads it back with the
    same dashboard as the original (a file needing repair would not convert cleanly)."""
    written, *_ = _annotate(EXAMPLE_2023, tmp_path)
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", "--norestore",
         f"-env:UserInstallation=file://{tmp_path / 'profil'}",
         "--convert-to", "ods", "--outdir", str(out), str(written.path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    converted = out / (written.path.stem + ".ods")
    assert converted.is_file()
    back = read_workbook(converted)
    assert back.sheets[0].name == "Constats"
    original = extract_workbook(read_workbook(EXAMPLE_2023))
    again = extract_workbook(back)
    cols = ["indicateur", "annee", "nature", "brut", "statut", "source"]
    assert again.rows[cols].fillna(-1).values.tolist() == (
        original.rows[cols].fillna(-1).values.tolist()
    )
    # LibreOffice keeps 15 significant digits of a cached value
    assert again.rows.valeur.tolist() == pytest.approx(
        original.rows.valeur.tolist(), rel=1e-14, nan_ok=True
    )
    with zipfile.ZipFile(converted) as archive:
        content = archive.read("content.xml").decode()
    assert content.count("<office:annotation") == written.commented
