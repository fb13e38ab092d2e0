"""Unit words after numbers, and when a value and a target are in different units."""

from __future__ import annotations

import pytest

from snppe_report.analysis.status import rules
from snppe_report.analysis.units import implied_units, unit_mismatch, unit_word, units_compatible

IGNORED = rules()["statuts"]["mots_non_unite"]


@pytest.mark.parametrize(
    ("brut", "word"),
    [
        ("10 familles", "famille"), ("32", ""), ("997,5 heures", "heure"), ("9,5 mois", "mois"),
        ("250 enfants repérés", "enfant"), ("2 journées déprogrammées COVID", "journee"),
        ("0, à défaut de places à l'ENPJJ", ""), ("0 (COVID)", ""), ("1 + installation", ""),
        ("16997 dont 8374 de moins de 2 ans", ""), ("7 688", ""), ("Protocole signé", ""),
        ("4 réunions CDPE partenaires", "reunion"), ("", ""),
    ],
)  # fmt: skip
def test_unit_word(brut, word):
    assert unit_word(brut, IGNORED) == word


@pytest.mark.parametrize(
    ("value", "target", "implied", "expected"),
    [
        (("nombre", "32"), ("nombre", "10 familles"), {"place"}, ("nombre", "famille")),
        (("nombre", "19"), ("nombre", "15 familles"), {"famille"}, None),
        (("nombre", "19"), ("nombre", "15"), set(), None),
        (("heures", "997,5 heures"), ("heures", "1000 heures"), set(), None),
        (("heures", "940"), ("heures", "1000"), set(), None),  # a unit column
        (("heures", "997,5 heures"), ("nombre", "1000"), set(), ("heure", "nombre")),
        (("nombre", "4"), ("mois", "3 mois"), {"mois"}, None),  # a delay of the catalogue
        (("nombre", "2917"), ("pourcentage", "95 %"), set(), ("nombre", "pourcentage")),
        (("pourcentage", "10 %"), ("pourcentage", "15 % COVID"), set(), None),
        (("nombre", "2 journées"), ("nombre", "2 journées : 1 journée jeunes"), set(), None),
    ],
)  # fmt: skip
def test_unit_mismatch(value, target, implied, expected):
    assert unit_mismatch(value, target, frozenset(implied), IGNORED) == expected


def test_implied_units_are_the_label_words_and_the_catalogue_unit():
    words = implied_units("Nombre de familles différentes accompagnées", "nombre")
    assert {"famille", "nombre"} <= words
    assert "mois" in implied_units("Délai d'évaluation des IP", "mois")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("nombre", "heures", True), ("mois", "mois", True), ("nombre", "pourcentage", False),
     ("heures", "mois", False)],
)  # fmt: skip
def test_units_compatible(a, b, expected):
    assert units_compatible(a, b) is expected
