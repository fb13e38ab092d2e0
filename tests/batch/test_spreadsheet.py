"""batch.spreadsheet: the formatted workbook and the French-Excel CSV, read back."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from snppe_report.batch.spreadsheet import (
    PERCENT,
    Column,
    Sheet,
    neutralise,
    write_french_csv,
    write_workbook,
)

INJECTIONS = ["=1+2", "+33 6 12", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+33 6 12 34 56", "'+33 6 12 34 56"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Protocole signé", "Protocole signé"),
        ("1 + installation", "1 + installation"),
        ("", ""),
        ("'déjà cité", "'déjà cité"),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError):
        Column("x", "X", "date")


FRAME = pd.DataFrame(
    {
        "departement": ["68", "2A", "971", "39"],
        "brut": INJECTIONS[:4],
        "valeur": [0.452, 7688.0, -3.5, None],
        "unite": ["pourcentage", "nombre", "nombre", "nombre"],
        "annee": pd.array([2019, 2022, None, 2023], dtype="Int64"),
        "fictif": [True, False, True, False],
        "note": INJECTIONS[4:] + ["ordinaire"],
    }
)
COLUMNS = (
    Column("departement", "Code", width=7),
    Column("brut", "Texte de la cellule", width=20),
    Column("valeur", "Valeur", "valeur", 12),
    Column("unite", "Unité"),
    Column("annee", "Année", "annee", 8),
    Column("fictif", "Données fictives", "booleen", 9),
    Column("note", "Note", width=30),
    Column("absente", "Colonne absente du tableau"),
)
SHEET = Sheet("Cellules", "Une ligne par cellule.", FRAME, COLUMNS)


def test_french_csv_reads_back_in_pandas_and_neutralises_formulas(tmp_path):
    path = tmp_path / "consolide-excel.csv"
    write_french_csv(path, SHEET)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    assert b";" in raw.splitlines()[0] and b"\r\n" in raw
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"Code": str})
    assert list(back.columns) == [
        "Code", "Texte de la cellule", "Valeur", "Unité", "Année", "Données fictives", "Note",
    ]  # fmt: skip
    assert back["Code"].tolist() == ["68", "2A", "971", "39"]
    assert back["Valeur"].tolist()[:3] == [0.452, 7688.0, -3.5]  # numbers stay numbers
    assert pd.isna(back["Valeur"].iloc[3])
    assert back["Données fictives"].tolist() == ["oui", "non", "oui", "non"]
    texts = [*back["Texte de la cellule"], *back["Note"][:3]]
    assert texts == ["'" + t for t in INJECTIONS]  # every formula start neutralised
    assert "0,452" in raw.decode("utf-8-sig") and "-3,5" in raw.decode("utf-8-sig")


def test_workbook_sheets_frozen_header_filters_widths_formats(tmp_path):
    path = tmp_path / "consolide.xlsx"
    write_workbook(path, [SHEET], title="Données consolidées", notes=["DONNÉES FICTIVES"])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["À lire", "Cellules"]
    about = book["À lire"]
    assert about["A1"].value == "Données consolidées" and about["A2"].value == "DONNÉES FICTIVES"
    assert ["Cellules", "Une ligne par cellule."] in [
        [c.value for c in row] for row in about.iter_rows(max_col=2)
    ]
    ws = book["Cellules"]
    assert ws.freeze_panes == "B2"  # header row and code column stay in view
    assert ws.auto_filter.ref == "A1:G5"
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS[:-1]]
    assert ws.column_dimensions["B"].width == 20
    value = {r: ws.cell(r, 3) for r in range(2, 6)}
    assert value[2].value == pytest.approx(0.452) and value[2].number_format == PERCENT
    assert value[3].value == 7688 and value[3].number_format == "#,##0"
    assert value[4].value == -3.5 and value[4].number_format == "#,##0.0##"
    assert value[5].value is None
    assert [ws.cell(r, 5).value for r in range(2, 6)] == [2019, 2022, None, 2023]
    assert [ws.cell(r, 6).value for r in range(2, 6)] == ["oui", "non", "oui", "non"]
    for r, text in enumerate(INJECTIONS[:4], start=2):
        cell = ws.cell(r, 2)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert ws.cell(5, 7).quotePrefix is False  # an ordinary text


def test_pandas_reads_the_workbook(tmp_path):
    path = tmp_path / "consolide.xlsx"
    write_workbook(path, [SHEET], title="Données consolidées")
    back = pd.read_excel(path, sheet_name=None, dtype={"Code": str})
    assert list(back) == ["À lire", "Cellules"]
    assert back["Cellules"]["Code"].tolist() == ["68", "2A", "971", "39"]
    assert back["Cellules"]["Texte de la cellule"].tolist() == INJECTIONS[:4]
