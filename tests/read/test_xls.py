"""Excel 97-2003 workbooks (.xls) read like the same workbook saved as .xlsx.

The fixtures are the examples of ``data/`` saved by LibreOffice Calc as .xls
(``scripts/make_libreoffice_fixtures.py``): cell by cell, the values, number formats,
grey fills, merged ranges and document properties match the original .xlsx.
"""

import shutil
from pathlib import Path

import pytest

from snppe_report.read.workbook import read_workbook

DATA = Path(__file__).resolve().parents[2] / "data"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice"
EXAMPLES = ["68-haut-rhin-tdb-snppe-2023", "tdb-snppe-2021-departement-non-nomme"]


def _shown(cell):
    value = cell.value
    if isinstance(value, float):
        value = float(f"{value:.14g}")  # LibreOffice keeps 15 significant digits
    return value, cell.number_format, cell.grey


@pytest.mark.parametrize("stem", EXAMPLES)
def test_xls_cells_match_the_xlsx(stem):
    original = read_workbook(DATA / f"{stem}.xlsx")
    saved = read_workbook(FIXTURES / f"{stem}-libreoffice.xls")
    assert saved.kind == "xls"
    assert [s.name for s in saved.sheets] == [s.name for s in original.sheets]
    for old, new in zip(original.sheets, saved.sheets):
        assert sorted(new.merged) == sorted(old.merged)
        assert set(new.cells) == set(old.cells)
        for key, cell in old.cells.items():
            assert _shown(new.cells[key]) == _shown(cell), (old.name, cell.coord)
        assert (new.hidden, new.hidden_rows, new.hidden_cols) == (
            old.hidden,
            old.hidden_rows,
            old.hidden_cols,
        )
    for key in ("title", "subject", "description", "creator"):
        assert saved.properties[key] == original.properties[key]


@pytest.mark.parametrize(
    ("number_format", "grey"),
    [("0.0%", False), ("0%", False), ("#,##0", False), ("General", True)],
)
def test_xls_keeps_formats_and_fills(number_format, grey):
    sheet = read_workbook(FIXTURES / f"{EXAMPLES[0]}-libreoffice.xls").sheets[0]
    assert any(c.number_format == number_format and c.grey is grey for c in sheet.cells.values())


def test_xls_renamed_xlsx_is_read_by_its_content(tmp_path):
    renamed = tmp_path / "68-tableau.xlsx"
    shutil.copy(FIXTURES / f"{EXAMPLES[0]}-libreoffice.xls", renamed)
    book = read_workbook(renamed)
    assert book.kind == "xls" and book.sheets[0].name == "Tableau de bord"


def test_xls_over_the_cell_limit_is_refused(monkeypatch):
    from snppe_report.exceptions import UnsafeWorkbookError
    from snppe_report.read import cells

    monkeypatch.setitem(cells.LIMITS, "cells", 50)
    with pytest.raises(UnsafeWorkbookError, match="plus de 50 cellules"):
        read_workbook(FIXTURES / f"{EXAMPLES[0]}-libreoffice.xls")


@pytest.mark.parametrize(
    ("codepage", "codec"),
    [(-535, "utf-8"), (65001, "utf-8"), (1200, "utf-8"), (1252, "cp1252"), (-3, "cp1252")],
)
def test_property_code_pages(codepage, codec):
    from snppe_report.read.xls import _codec

    assert _codec(codepage) == codec


@pytest.mark.parametrize("cut", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_truncated_xls_is_refused_in_french(tmp_path, cut):
    from snppe_report.exceptions import SnppeError

    data = (FIXTURES / f"{EXAMPLES[0]}-libreoffice.xls").read_bytes()
    path = tmp_path / "68-tronque.xls"
    path.write_bytes(data[: int(len(data) * cut)])
    try:
        read_workbook(path)
    except SnppeError as err:
        assert "Error" not in str(err) and ".xls" in str(err)


@pytest.mark.parametrize("seed", range(8))
def test_damaged_xls_never_raises_a_python_exception(tmp_path, seed):
    """Bytes of the workbook stream overwritten at random: read, or refused in French."""
    import random

    from snppe_report.exceptions import SnppeError

    data = bytearray((FIXTURES / f"{EXAMPLES[0]}-libreoffice.xls").read_bytes())
    rng = random.Random(seed)
    for _ in range(40):
        data[rng.randrange(1536, len(data))] = rng.randrange(256)
    path = tmp_path / "68-abime.xls"
    path.write_bytes(bytes(data))
    try:
        read_workbook(path)
    except SnppeError as err:
        assert "Error" not in str(err)


def test_xls_over_the_size_limit_is_refused_before_parsing(monkeypatch):
    from snppe_report.exceptions import UnsafeWorkbookError
    from snppe_report.read import cells

    monkeypatch.setitem(cells.LIMITS, "xls_bytes", 10_000)
    with pytest.raises(UnsafeWorkbookError, match="limite de sécurité 0 Mo|Excel 97-2003"):
        read_workbook(FIXTURES / f"{EXAMPLES[0]}-libreoffice.xls")


def test_hidden_rows_columns_and_sheets_match_the_xlsx():
    """The first example with row 7, column E and a sheet hidden, saved by LibreOffice
    as .xls and as .xlsx: the same hidden content, the same table and findings."""
    from snppe_report.read.table import COLUMNS, extract

    xls = FIXTURES / f"{EXAMPLES[0]}-libreoffice-caches.xls"
    xlsx = FIXTURES / f"{EXAMPLES[0]}-libreoffice-caches.xlsx"
    old, new = read_workbook(xlsx), read_workbook(xls)
    assert [(s.name, s.hidden, s.hidden_rows, s.hidden_cols) for s in new.sheets] == [
        (s.name, s.hidden, s.hidden_rows, s.hidden_cols) for s in old.sheets
    ]
    assert new.sheets[0].hidden_rows == {7} and new.sheets[0].hidden_cols == {5}
    assert new.sheets[1].hidden
    a, b = extract(xlsx), extract(xls)
    cols = [c for c in COLUMNS if c != "valeur"]
    assert b.rows[cols].astype(object).fillna("∅").values.tolist() == (
        a.rows[cols].astype(object).fillna("∅").values.tolist()
    )
    assert [f.code for f in b.findings] == [f.code for f in a.findings]
    assert "ligne_masquee" in {f.code for f in b.findings}
