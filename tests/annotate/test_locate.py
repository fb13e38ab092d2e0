"""Where a finding belongs: its cell, its indicator's row, or after its objective."""

import pytest

from snppe_report.annotate.locate import Place, locate, parse_source
from snppe_report.read.catalogue import load_catalogue
from snppe_report.read.findings import Finding

SHEETS = ["Indications", "TDB 2023", "Feuille!bizarre", "L'été"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("TDB 2023!E12", ("TDB 2023", 12, 5)),
        ("TDB 2023!$E$12", ("TDB 2023", 12, 5)),
        ("'TDB 2023'!AB3", ("TDB 2023", 3, 28)),
        ("'L''été'!C4", ("L'été", 4, 3)),
        ("Feuille!bizarre!D2", ("Feuille!bizarre", 2, 4)),  # "!" inside a sheet name
        ("TDB 2023!D5:D7", ("TDB 2023", 5, 4)),  # a range: its first cell
        ("TDB 2023!D11, TDB 2023!E11", ("TDB 2023", 11, 4)),  # a list: its first cell
        ("Autre feuille!D5", None),  # not a sheet of this workbook
        ("TDB 2023!ligne 5", None),
        ("TDB 2023", None),
        ("", None),
        ("TDB 2023!ABCD1", None),
    ],
)
def test_parse_source(source, expected):
    assert parse_source(source, SHEETS) == expected


ROWS = [
    {"indicateur": "Nombre de naissances vivantes", "indicateur_id": "naissances",
     "source": "TDB 2023!D7", "ligne": 7},
    {"indicateur": "Nombre de naissances vivantes", "indicateur_id": "naissances",
     "source": "TDB 2023!E7", "ligne": 7},
    {"indicateur": "Nombre d'entretiens du 4e mois réalisés par la PMI",
     "indicateur_id": "epp-entretiens", "source": "TDB 2023!D8", "ligne": 8},
    {"indicateur": "Délai moyen", "indicateur_id": "local-delai", "source": "TDB 2023!D20",
     "ligne": 20},
]  # fmt: skip
EPP_PART = "Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la PMI"


@pytest.mark.parametrize(
    ("source", "indicateur", "expected", "label"),
    [
        ("TDB 2023!E7", "Nombre de naissances vivantes", Place("TDB 2023", 7, 5), "TDB 2023!E7"),
        ("", "Délai moyen", Place("TDB 2023", 20), "TDB 2023, ligne 20"),
        # a harmonised indicator absent from the workbook: after its objective's rows
        ("", EPP_PART, Place("TDB 2023", 8, after=True), "TDB 2023, après la ligne 8"),
        ("", "Un indicateur inconnu", Place(), "non situé dans le classeur"),
        ("", "", Place(), "non situé dans le classeur"),
        ("Ailleurs!D4", "", Place(), "non situé dans le classeur"),
    ],
)
def test_locate(source, indicateur, expected, label):
    finding = Finding("un_code_quelconque", "avertissement", "…", source, indicateur)
    place = locate(finding, ROWS, SHEETS, load_catalogue())
    assert place == expected
    assert place.label() == label
    assert place.has_cell == (expected.col is not None)


def test_locate_without_catalogue_stops_at_the_rows():
    finding = Finding("x", "info", "…", "", EPP_PART)
    assert locate(finding, ROWS, SHEETS) == Place()


def test_place_ref_points_at_the_row_when_there_is_no_cell():
    assert Place("TDB 2023", 12).ref == "A12"
    assert Place("TDB 2023", 12, 4).ref == "D12"
    assert Place().ref == ""
