import pytest

from snppe_report.read.formula import compute_formula, evaluate_formula
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


# --------------------------------------------------------------------------- other sheets, chains


def _named(name: str, values: dict[str, object]) -> Sheet:
    sheet = _sheet(values)
    return Sheet(name, sheet.cells)


DONNEES = _named("Données", {"C4": 7688, "C5": 278, "C6": "=C5/C4", "C7": "=C6*100"})
ESPACE = _named("Feuille d'été 1", {"B2": 40, "B3": 10})
DASHBOARD = _named(
    "Tableau de bord",
    {
        "D5": 7688,
        "D6": "=D5+1",  # a formula without value, used by others
        "D7": "=D6*2",
        "D8": "=D9+1",  # a cycle
        "D9": "=D8+1",
        "D10": "=D10",
        "F1": "texte",
    },
)
BOOK = [DASHBOARD, DONNEES, ESPACE]


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=Données!C5/Données!C4", 278 / 7688),
        ("=données!$C$5/DONNÉES!$C$4", 278 / 7688),
        ("='Données'!C5/'Données'!C4", 278 / 7688),
        ("='Feuille d''été 1'!B2/'Feuille d''été 1'!B3", 4.0),
        ("=SUM(Données!C4:C5)", 7688 + 278),
        ("=SUM('Feuille d''été 1'!B2:B3)/2", 25.0),
        ("=Données!C6", 278 / 7688),  # a formula of the other sheet, computed first
        ("=Données!C7", 278 / 7688 * 100),  # a chain across sheets
        ("=D7", (7688 + 1) * 2),  # a chain on the same sheet
        ("=D5+Données!C5", 7688 + 278),
        ("of:=[Données.C5]/[Données.C4]", 278 / 7688),
        ("of:=[$Données.$C$5]/[$Données.$C$4]", 278 / 7688),
        ("of:=['Feuille d''été 1'.B2]/['Feuille d''été 1'.B3]", 4.0),
        ("of:=SUM([Données.C4:.C5])", 7688 + 278),
        ("of:=SUM([Données.C4:Données.C5])", 7688 + 278),
        ("of:=[.D7]", (7688 + 1) * 2),
    ],
)
def test_other_sheets_and_chains(formula, expected):
    assert compute_formula(formula, DASHBOARD, BOOK).value == pytest.approx(expected)
    assert evaluate_formula(formula, DASHBOARD, BOOK) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("formula", "reason"),
    [
        ("=D8", "référence circulaire"),
        ("=D10", "référence circulaire"),
        ("=Feuil2!D5", "la feuille « Feuil2 » n'existe pas dans le classeur"),
        ("of:=[Feuil2.D5]", "la feuille « Feuil2 » n'existe pas dans le classeur"),
        ("=[1]Feuil1!A1", "référence à un autre classeur"),
        ("=D5/Données!Z9", "la cellule Données!Z9 est vide"),
        ("=F1*2", "la cellule Tableau de bord!F1 ne contient pas un nombre"),
        ("=D5/0", "division par zéro"),
        ("=VLOOKUP(D5,A1:B2,2)", "fonction VLOOKUP non prise en charge"),
        ("=SUM(Données!C4:Feuil2!C5)", "formule trop complexe"),
        ("of:=SUM([Données.C4:ESPACE.C5])", "plage à cheval sur plusieurs feuilles"),
        ("=" + "+".join(["D5"] * 400), "formule trop longue"),
    ],
)
def test_what_cannot_be_computed_says_why(formula, reason):
    result = compute_formula(formula, DASHBOARD, BOOK)
    assert result.value is None
    assert result.reason.startswith(reason)


def test_a_long_chain_stops():
    cells = {"A1": 1, **{f"A{i}": f"=A{i - 1}+1" for i in range(2, 200)}}
    sheet = _sheet(cells)
    assert compute_formula("=A20", sheet).value == 20
    assert compute_formula("=A199", sheet).reason == "chaîne de formules trop longue"
