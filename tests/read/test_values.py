"""Tests of values.py: tables of cell content -> ParsedValue, then property tests."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snppe_report.read.values import (
    STATUTS,
    UNITES,
    ParsedValue,
    apply_unit,
    clean_text,
    is_empty,
    parse_value,
    split_stacked,
)

EMPTY = ParsedValue(None, "texte", "texte", "")


def ok(valeur: float, unite: str = "nombre", note: str = "") -> ParsedValue:
    return ParsedValue(valeur, unite, "ok", note)


def texte(note: str) -> ParsedValue:
    return ParsedValue(None, "texte", "texte", note)


def code(statut: str, note: str = "") -> ParsedValue:
    return ParsedValue(None, "texte", statut, note)


NUMBERS = [
    ("7 688", ok(7688)),
    ("7\u00a0688", ok(7688)),
    ("7\u202f688", ok(7688)),
    ("1&nbsp;250", ok(1250)),
    ("16997", ok(16997)),
    ("0", ok(0)),
    ("0,30", ok(0.3)),
    ("997.5", ok(997.5)),
    ("-1 234,57", ok(-1234.57)),
    ("\u22123", ok(-3)),
    ("+5", ok(5)),
    ("1 250 000", ok(1_250_000)),
    ("1.250.000", ok(1_250_000)),
    ("1.250,5", ok(1250.5)),
    ("2917", ok(2917)),
    ("  5 450  ", ok(5450)),
    ("<p>12</p>", ok(12)),
    ("<p><i>1 291</i></p>", ok(1291)),
    ("2021", ok(2021)),
]

PERCENTAGES = [
    ("3,6%", ok(0.036, "pourcentage")),
    ("44,52%", ok(0.4452, "pourcentage")),
    ("63,34%", ok(0.6334, "pourcentage")),
    ("20,00 %", ok(0.2, "pourcentage")),
    ("20,46\u00a0%", ok(0.2046, "pourcentage")),
    ("1,30 %", ok(0.013, "pourcentage")),
    ("100%", ok(1.0, "pourcentage")),
    ("0%", ok(0.0, "pourcentage")),
    ("10%", ok(0.1, "pourcentage")),
    ("72,00 %", ok(0.72, "pourcentage")),
    ("12 pour cent", ok(0.12, "pourcentage")),
]

CODES = [
    ("SO", code("SO")),
    ("so", code("SO")),
    ("S.O.", code("SO")),
    ("N/A", code("SO")),
    ("NA", code("SO")),
    ("n/a", code("SO")),
    ("Sans objet", code("SO")),
    ("Non applicable", code("SO")),
    ("ND", code("ND")),
    ("nd", code("ND")),
    ("ND.", code("ND")),
    ("Non disponible", code("ND")),
    ("Non connu", code("NC")),
    ("NC", code("NC")),
    ("Non communiqué", code("NC")),
    ("non communique", code("NC")),
    ("Non communiqué par le PCPE", code("NC", "Non communiqué par le PCPE")),
    ("ND en 2019", code("ND", "ND en 2019")),
    ("<p>SO</p>", code("SO")),
    ("Non renseigné", code("NC")),
    ("non renseignée en 2022", code("NC", "non renseignée en 2022")),
    ("Pas de données", code("NC")),
    ("NR", texte("NR")),  # "non réalisé" or "non renseigné": left as written
    ("-", texte("-")),  # nothing, zero or not applicable: left as written
]

UNITS = [
    ("940 heures", ok(940, "heures")),
    ("997,5 heures", ok(997.5, "heures")),
    ("1000 heures", ok(1000, "heures")),
    ("1 heure", ok(1, "heures")),
    ("3h", ok(3, "heures")),
    ("9,5 mois", ok(9.5, "mois")),
    ("6 mois", ok(6, "mois")),
    ("4,5 mois", ok(4.5, "mois")),
    ("3 mois", ok(3, "mois")),
    ("3 jours", ok(3, "jours")),
    ("1 jour", ok(1, "jours")),
    ("1 250 €", ok(1250, "euros")),
    ("1 250 euros", ok(1250, "euros")),
    ("1250€", ok(1250, "euros")),
    ("5 k€", ok(5000, "euros")),
    ("1,5 M€", ok(1_500_000, "euros")),
]

COMMENTED = [
    ("10 % COVID", ok(0.1, "pourcentage", "COVID")),
    ("10% COVID", ok(0.1, "pourcentage", "COVID")),
    ("10 % faute de médecin", ok(0.1, "pourcentage", "faute de médecin")),
    ("8 % faute de médecin", ok(0.08, "pourcentage", "faute de médecin")),
    ("0, à défaut de places à l'ENPJJ", ok(0, note="à défaut de places à l'ENPJJ")),
    (
        "1 + installation de l'Observatoire Alsacien",
        ok(1, note="+ installation de l'Observatoire Alsacien"),
    ),
    ("0 (COVID)", ok(0, note="COVID")),
    ("0 COVID", ok(0, note="COVID")),
    ("2 550 (2018)", ok(2550, note="année de référence 2018")),
    ("2 550 (année 2018)", ok(2550, note="année de référence 2018")),
    ("2 550 en 2018", ok(2550, note="année de référence 2018")),
    ("10 familles", ok(10, note="familles")),
    ("1751 VAD en post et pré natal", ok(1751, note="VAD en post et pré natal")),
    ("694 femmes vues en pré et post natal", ok(694, note="femmes vues en pré et post natal")),
    ("250 enfants repérés", ok(250, note="enfants repérés")),
    ("27 % en pré et post natal", ok(0.27, "pourcentage", "en pré et post natal")),
    ("2 journées déprogrammées COVID", ok(2, note="journées déprogrammées COVID")),
    (
        "4 réunions CDPE partenaires correspondant au protocole",
        ok(4, note="réunions CDPE partenaires correspondant au protocole"),
    ),
    ("9 PMI", ok(9, note="PMI")),
    ("1 journée", ok(1, note="journée")),
    ("12 réunions en 2022", ok(12, note="réunions en 2022")),
    ("3 réunions depuis le 01/09/2021", ok(3, note="réunions depuis le 01/09/2021")),
    ("6 mois - COVID", ok(6, "mois", "COVID")),
    ("≥ 20 %", ok(0.2, "pourcentage", "≥ 20 %")),
    ("environ 300", ok(300, note="environ 300")),
    ("au moins 15 %", ok(0.15, "pourcentage", "au moins 15 %")),
]

COMPOUND = [
    ("16997 dont 8374 de moins de 2 ans", ok(16997, note="dont 8374 de moins de 2 ans")),
    (
        "16997 enfants dont 8374 de moins de 2 ans",
        ok(16997, note="enfants dont 8374 de moins de 2 ans"),
    ),
    (
        "11,6 % des moins de 6 ans et 23,6 % de moins de 2 ans",
        ok(0.116, "pourcentage", "des moins de 6 ans et 23,6 % de moins de 2 ans"),
    ),
    ("15 % mais 24,5 % moins de 2 ans", ok(0.15, "pourcentage", "mais 24,5 % moins de 2 ans")),
    ("25 % moins de 2 ans", ok(0.25, "pourcentage", "moins de 2 ans")),
    ("12 (8 en 2020)", ok(12, note="8 en 2020")),
    (
        "2 journées : 1 journée jeunes majeurs et MNA, 1 journée mineurs du placement",
        ok(2, note="journées : 1 journée jeunes majeurs et MNA, 1 journée mineurs du placement"),
    ),
    ("354 mineurs + 10 majeurs soit 21,4%", texte("354 mineurs + 10 majeurs soit 21,4%")),
    ("436 mineurs 14 majeurs", texte("436 mineurs 14 majeurs")),
    ("440 mineurs 17 majeurs", texte("440 mineurs 17 majeurs")),
    ("41 + 9 logements autonomes", texte("41 + 9 logements autonomes")),
    ("10 et 12", texte("10 et 12")),
    ("126 sur 175", texte("126 sur 175")),
    (
        "88 MNA en famille d'accueil 20 contrats jeunes majeurs ex MNA en famille d'accueil "
        "29 contrats jeunes majeurs en situation d'autonomie",
        texte(
            "88 MNA en famille d'accueil 20 contrats jeunes majeurs ex MNA en famille "
            "d'accueil 29 contrats jeunes majeurs en situation d'autonomie"
        ),
    ),
    # stacked values whose line breaks the export lost: never one number
    ("1112 718 9 1,30 %", texte("1112 718 9 1,30 %")),
    ("796 714 146 20,46 %", texte("796 714 146 20,46 %")),
    ("175 126 72,00 %", texte("175 126 72,00 %")),
    ("81 20 33", texte("81 20 33")),
    ("1 0", texte("1 0")),
    ("1112\n718\n9\n1,30 %", texte("1112 718 9 1,30 %")),
]

INTERVALS = [
    ("0 4 mois", texte("intervalle de 0 à 4 mois")),
    ("0 à 4 mois", texte("intervalle de 0 à 4 mois")),
    ("de 2 à 3 mois", texte("intervalle de 2 à 3 mois")),
    ("2-3 mois", texte("intervalle de 2 à 3 mois")),
    ("entre 80 et 90 %", texte("intervalle de 80 à 90 %")),
    ("entre 80 % et 90 %", texte("intervalle de 80 à 90 %")),
    ("12 6 mois", texte("12 6 mois")),
    ("1 250 mois", ok(1250, "mois")),
]

QUALITATIVE = [
    "Protocole signé",
    "En cours",
    "oui",
    "Non",
    "Réalisé",
    "Non réalisé en 2022",
    "Objectif atteint depuis le 01/09/2021",
    "Quantifier les EPP",
    "Plan de contrôle mais pas de programmation prévisionnelle",
    "Programmation prévisionnelle",
    "COVID",
    "signature nouveau protocole",
    "Actualisation du protocole (nouveaux partenaires : Police, Gendarmerie, PF3S, sanitaire)",
    "Prestation d'accompagnement et ingénierie",
    "Fonctionnement de l'ODPE Participation des jeunes et des familles",
    "Dispositif fusionné avec action « Créer des dispositifs adaptés ASE / handicap »",
    "1er semestre 2022",
    "4e trimestre",
    "3/4",
    "01/09/2021",
    "Moins de professionnels formés",
    "Nantes",
    "Soutien",
]

SPECIAL_TEXTS = [
    ("#DIV/0!", texte("erreur de formule : #DIV/0!")),
    ("#N/A", texte("erreur de formule : #N/A")),
    ("#VALEUR!", texte("erreur de formule : #VALEUR!")),
    ("Err:502", texte("erreur de formule : Err:502")),
    ("<i>Cible</i> 20 %", texte("Cible 20 %")),
    ("R&amp;D", texte("R&D")),
    ("a <br> b", texte("a b")),
    ("1\u200b250", ok(1250)),
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    NUMBERS + PERCENTAGES + CODES + UNITS + COMMENTED + COMPOUND + INTERVALS + SPECIAL_TEXTS,
)
def test_parse_text(raw: str, expected: ParsedValue) -> None:
    assert parse_value(raw) == expected


@pytest.mark.parametrize("raw", QUALITATIVE)
def test_qualitative_text_is_kept_as_note(raw: str) -> None:
    assert parse_value(raw) == texte(raw)


def test_percentage_with_question_keeps_value() -> None:
    assert parse_value("100% des enfants ?") == ok(1.0, "pourcentage", "des enfants ?")


def test_percentages_are_exact_decimal_fractions() -> None:
    assert parse_value("44,52%").valeur == float(Decimal("0.4452"))
    assert parse_value("3,6%").valeur == 0.036
    assert parse_value("20,46 %").valeur == 0.2046


@pytest.mark.parametrize(
    ("raw", "number_format", "expected"),
    [
        (7688, None, ok(7688)),
        (7688, "General", ok(7688)),
        (997.5, "0.0", ok(997.5)),
        (-3, "0", ok(-3)),
        (0.036, "0.0%", ok(0.036, "pourcentage")),
        (0.036, "0,00 %", ok(0.036, "pourcentage")),
        (0.2, "0%", ok(0.2, "pourcentage")),
        (1, "0%", ok(1.0, "pourcentage")),
        (0.5, "0.0%;[Red]-0.0%", ok(0.5, "pourcentage")),
        # a % written as text does not scale: 12 shows "12 %", i.e. 12 points
        (12, '0" %"', ok(0.12, "pourcentage")),
        (12, r"0\%", ok(0.12, "pourcentage")),
        (41, '0.0" %"', ok(0.41, "pourcentage")),
        (1250, '#,##0 "€"', ok(1250, "euros")),
        (1250, "#,##0.00 [$€-40C]", ok(1250, "euros")),
        (940, '0" heures"', ok(940, "heures")),
        (6, '0" mois"', ok(6, "mois")),
        (3, '0" jours"', ok(3, "jours")),
        (Decimal("2.5"), None, ok(2.5)),
        (Fraction(1, 4), None, ok(0.25)),
        (timedelta(hours=940), "[h]:mm", ok(940, "heures")),
        (timedelta(minutes=90), None, ok(1.5, "heures")),
    ],
)
def test_parse_numeric_cell(raw: object, number_format: str | None, expected) -> None:
    assert parse_value(raw, number_format) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, texte("valeur logique VRAI, pas un nombre")),
        (False, texte("valeur logique FAUX, pas un nombre")),
        (datetime(2021, 9, 1), texte("date 01/09/2021, pas un nombre")),
        (datetime(2021, 9, 1, 10, 30), texte("date 01/09/2021 10:30, pas un nombre")),
        (date(2026, 11, 22), texte("date 22/11/2026, pas un nombre")),
        (time(10, 5), texte("heure 10:05, pas un nombre")),
        (math.nan, texte("nombre non défini (NaN)")),
        (math.inf, texte("nombre infini")),
        (-math.inf, texte("nombre infini")),
        (10**400, texte("nombre hors limites")),
        (Decimal("NaN"), texte("nombre non défini (NaN)")),
        ("1" * 400, texte("nombre hors limites")),
        (None, EMPTY),
        ("", EMPTY),
        ("   ", EMPTY),
        ("\u00a0\n\t", EMPTY),
        ("<p></p>", EMPTY),
        ("&nbsp;", EMPTY),
    ],
)
def test_parse_non_numbers(raw: object, expected: ParsedValue) -> None:
    assert parse_value(raw) == expected


def test_number_format_is_ignored_for_text() -> None:
    assert parse_value("12", "0.0%") == ok(12)


def test_object_with_failing_str_is_text() -> None:
    class Weird:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    assert parse_value(Weird()) == texte("contenu illisible")


def test_parsed_value_is_frozen() -> None:
    with pytest.raises(AttributeError):
        parse_value("12").valeur = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, True),
        ("", True),
        (" \n ", True),
        ("\u00a0", True),
        ("&nbsp;", True),
        ("<p></p>", True),
        ("<p> <br/> </p>", True),
        ("0", False),
        ("SO", False),
        (0, False),
        (0.0, False),
        (False, False),
        (math.nan, False),
    ],
)
def test_is_empty(raw: object, expected: bool) -> None:
    assert is_empty(raw) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1112\n718\n9\n1,30 %", ["1112", "718", "9", "1,30 %"]),
        ("1112\r\n718\r9", ["1112", "718", "9"]),
        ("  a  \n\n  b  \n", ["a", "b"]),
        ("175<br>126<br/>72,00 %", ["175", "126", "72,00 %"]),
        ("175<BR />126", ["175", "126"]),
        ("<p>Nombre d'IP</p> <p>Taux</p>", ["Nombre d'IP", "Taux"]),
        ("<p>a <i>b</i></p>", ["a <i>b</i>"]),
        ("a\u2028b", ["a", "b"]),
        ("a\n&nbsp;\n<i></i>\nb", ["a", "b"]),
        ("un seul", ["un seul"]),
        ("", []),
        ("\n \n", []),
        (None, []),
    ],
)
def test_split_stacked(text: str, expected: list[str]) -> None:
    assert split_stacked(text) == expected


def test_split_stacked_pieces_parse_one_by_one() -> None:
    pieces = split_stacked("796\n714\n146\n20,46 %")
    assert [parse_value(p).valeur for p in pieces] == [796, 714, 146, 0.2046]


def test_split_stacked_refuses_non_text() -> None:
    with pytest.raises(TypeError):
        split_stacked(12)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>Cible <i>nationale</i></p>", "Cible nationale"),
        ("a&nbsp;&amp;&nbsp;b", "a & b"),
        ("&lt;p&gt;", "<p>"),
        ("< 3 mois", "< 3 mois"),
        ("a\n\tb\u202fc", "a b c"),
    ],
)
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text) == expected


# --- properties ---------------------------------------------------------------------
def _check_invariants(parsed: ParsedValue) -> None:
    assert isinstance(parsed, ParsedValue)
    assert parsed.unite in UNITES
    assert parsed.statut in STATUTS
    assert isinstance(parsed.note, str)
    if parsed.valeur is None:
        assert parsed.statut != "ok"
        assert parsed.unite == "texte"
    else:
        assert parsed.statut == "ok"
        assert isinstance(parsed.valeur, float)
        assert math.isfinite(parsed.valeur)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(raw: str) -> None:
    _check_invariants(parse_value(raw))


_CELL_ALPHABET = st.sampled_from(list("0123456789 ,.%+-()/:;€hjmoisdntSONDAC<>pib&;\u00a0\n"))


@settings(max_examples=300, deadline=None)
@given(st.text(_CELL_ALPHABET, max_size=30), st.none() | st.text(max_size=12))
def test_never_raises_on_cell_like_text(raw: str, number_format: str | None) -> None:
    _check_invariants(parse_value(raw, number_format))


@settings(max_examples=200, deadline=None)
@given(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.datetimes()
    | st.dates()
    | st.times()
    | st.timedeltas(),
    st.none() | st.sampled_from(["General", "0%", "0.00%", '0" mois"', "#,##0 €"]) | st.text(),
)
def test_never_raises_on_any_cell_value(raw: object, number_format: str | None) -> None:
    _check_invariants(parse_value(raw, number_format))


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    st.sampled_from([" ", "\u00a0", "\u202f"]),
)
def test_french_number_round_trip(number: Decimal, separator: str) -> None:
    text = f"{number:,.2f}".replace(",", separator).replace(".", ",")
    assert parse_value(text) == ok(float(number))
    assert parse_value(f"{text} %") == ok(float(number / 100), "pourcentage")


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_split_stacked_never_raises(text: str) -> None:
    for piece in split_stacked(text):
        assert piece == piece.strip()
        assert not is_empty(piece)


@pytest.mark.parametrize(
    ("raw", "number_format", "unit", "expected"),
    [
        (41, None, "%", (0.41, "pourcentage")),
        (41, None, "en %", (0.41, "pourcentage")),
        (5, None, "(en %)", (0.05, "pourcentage")),
        (5, None, "Unité : %", (0.05, "pourcentage")),
        (0.41, None, "%", (0.0041, "pourcentage")),  # what the workbook shows: 0,41 %
        (4.5, None, "mois", (4.5, "mois")),
        (4.5, None, "en mois", (4.5, "mois")),
        (3, None, "Jours", (3.0, "jours")),
        (7, None, "h", (7.0, "heures")),
        (12, None, "k€", (12000.0, "euros")),
        (7, None, "Nombre", (7.0, "nombre")),
        (7, None, "places", (7.0, "nombre")),  # not a unit: unchanged
        (0.036, "0.0%", "%", (0.036, "pourcentage")),  # the cell's own % format wins
        ("4,5 mois", None, "%", (4.5, "mois")),  # the cell's own unit wins
        ("ND", None, "%", (None, "texte")),
    ],
)
def test_apply_unit_from_a_unit_column(raw, number_format, unit, expected):
    parsed = apply_unit(parse_value(raw, number_format), unit)
    assert (parsed.valeur, parsed.unite) == (
        pytest.approx(expected[0]) if expected[0] is not None else None,
        expected[1],
    )
