import pytest

from snppe_report.read.formula import evaluate_formula
from snppe_report.read.workbook import Cell, Sheet


def _sheet(values: dict[str, object]) -> Sheet:
    cells = {}
    for ref, value in values.items():
        col = ord(ref[0]) - 64
        row = int(ref[1:])
        formula = value if isinstance(value, str) and value.startswith("=") else None
        cells[(row, col)] = Cell(row, col, None if formula else value, formula=formula)
    return Sheet("S", cells)


SHEET = _sheet({"D5": 7688, "D6": 278, "E5": 50805, "E6": 1544, "F1": "texte", "G1": "=A1"})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=D6/D5", 278 / 7688),
        ("=$D$6/$D$5", 278 / 7688),
        ("=(D6+E6)/(D5+E5)", (278 + 1544) / (7688 + 50805)),
        ("=SUM(D5:E5)", 7688 + 50805),
        ("=SUM(D5;E5)", 7688 + 50805),
        ("=AVERAGE(D5,E5)", (7688 + 50805) / 2),
        ("=-D6*2", -556.0),
        ("=2.5e1", 25.0),
        ("of:=[.D6]/[.D5]", 278 / 7688),
    ],
)
def test_supported(formula, expected):
    assert evaluate_formula(formula, SHEET) == pytest.approx(expected)


@pytest.mark.parametrize(
    "formula",
    [
        "=D6/Z99",
        "=D6/0",
        "=F1*2",
        "=G1+1",
        "=VLOOKUP(D5,A1:B2,2)",
        "=Feuil2!D5",
        "=D6/",
        "=(D6",
        "=" + "+".join(["D5"] * 400),
        "=__import__('os')",
    ],
)
def test_unsupported_gives_none(formula):
    assert evaluate_formula(formula, SHEET) is None
