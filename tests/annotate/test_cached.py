"""Formulas keep the value the original had cached, whatever its type."""

import datetime as dt

import openpyxl

from snppe_report.annotate.cached import cached_values, restore_cached


def test_cached_values_of_every_type_are_put_back(tmp_path):
    original = openpyxl.Workbook()
    ws = original.active
    ws.title = "Feuille"
    for ref, formula in {
        "A1": "=1+1",
        "A2": '="a"&"b"',
        "A3": "=1=1",
        "A4": "=1/0",
        "A5": "=DATE(2022,9,1)",
        "A6": "=A1*1.5",
        "A7": "=A1",
    }.items():
        ws[ref] = formula  # fmt: skip
    ws["A5"].number_format = "dd/mm/yyyy"
    ws["B1"] = "texte"
    source = tmp_path / "source.xlsx"
    original.save(source)
    values = openpyxl.load_workbook(source)  # a stand-in for the data_only load
    cached = {"A1": 2, "A2": "a<b>&", "A3": True, "A4": "#DIV/0!", "A6": 3.0000000000000004,
              "A5": dt.datetime(2022, 9, 1)}  # fmt: skip
    for ref, value in cached.items():
        values["Feuille"][ref].value = value
        values["Feuille"][ref].data_type = "e" if ref == "A4" else "n"
    values["Feuille"]["A7"].value = None  # a formula never computed
    formulas = openpyxl.load_workbook(source)
    found = cached_values(formulas, values)
    assert set(found["Feuille"]) == set(cached)  # A7: no cached value, left empty
    copy = tmp_path / "copie.xlsx"
    formulas.save(copy)
    assert restore_cached(copy, {"Feuille": "xl/worksheets/sheet1.xml"}, found) == 6
    back = openpyxl.load_workbook(copy, data_only=True)["Feuille"]
    assert [back[r].value for r in ("A1", "A2", "A3", "A4", "A6", "A7", "B1")] == [
        2, "a<b>&", True, "#DIV/0!", 3.0000000000000004, None, "texte",
    ]  # fmt: skip
    assert back["A5"].value == dt.datetime(2022, 9, 1)
    again = openpyxl.load_workbook(copy)["Feuille"]
    assert again["A2"].value == '="a"&"b"' and again["A4"].value == "=1/0"


def test_nothing_to_restore_leaves_the_file_alone(tmp_path):
    book = openpyxl.Workbook()
    path = tmp_path / "c.xlsx"
    book.save(path)
    before = path.read_bytes()
    assert restore_cached(path, {"Sheet": "xl/worksheets/sheet1.xml"}, {}) == 0
    assert path.read_bytes() == before
