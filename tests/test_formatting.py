"""Tests of formatting.py: tables of value -> French text, then property tests."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snppe_report.formatting import (
    MISSING,
    format_date,
    format_number,
    format_percent,
    format_points,
    format_signed,
    format_value,
)


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (7688, None, "7 688"),
        (7688.0, None, "7 688"),
        (16997, None, "16 997"),
        (997.5, None, "997,5"),
        (-1234.567, None, "-1 234,57"),
        (-1234.567, 2, "-1 234,57"),
        (0.3, None, "0,3"),
        (0.3, 2, "0,30"),
        (0, None, "0"),
        (0, 1, "0,0"),
        (-0.0, None, "0"),
        (-0.001, None, "0"),
        (-0.004, 2, "0,00"),
        (-0.4, 0, "0"),
        (-0.5, 0, "-1"),
        (2.675, 2, "2,68"),  # half up on the written decimal, not on the binary float
        (0.125, 2, "0,13"),
        (1.005, None, "1,01"),
        (999.999, None, "1 000"),
        (123, None, "123"),
        (1234, None, "1 234"),
        (1234567.891, 1, "1 234 567,9"),
        (10**21, None, "1 000 000 000 000 000 000 000"),
        (1e21, None, "1 000 000 000 000 000 000 000"),
        (Decimal("1250.50"), None, "1 250,5"),
        (Fraction(1, 3), 3, "0,333"),
        (1 / 3, None, "0,33"),
        (None, None, MISSING),
        (math.nan, None, MISSING),
        (math.inf, None, MISSING),
        (-math.inf, 2, MISSING),
        (Decimal("NaN"), None, MISSING),
    ],
)
def test_format_number(x: object, decimals: int | None, expected: str) -> None:
    assert format_number(x, decimals) == expected


@pytest.mark.parametrize(
    ("fraction", "decimals", "expected"),
    [
        (0.036, 1, "3,6 %"),
        (0.036, None, "3,6 %"),
        (0.2046, 2, "20,46 %"),
        (0.4452, 2, "44,52 %"),
        (0.0304, 2, "3,04 %"),
        (278 / 7688, 1, "3,6 %"),
        (146 / 714, 2, "20,45 %"),
        (126 / 175, 0, "72 %"),
        (0.72, 1, "72,0 %"),
        (1, 0, "100 %"),
        (1, 1, "100,0 %"),
        (12.5, 0, "1 250 %"),
        (-0.0004, 1, "0,0 %"),
        (-0.05, 1, "-5,0 %"),
        (None, 1, MISSING),
        (math.nan, 1, MISSING),
    ],
)
def test_format_percent(fraction: object, decimals: int | None, expected: str) -> None:
    assert format_percent(fraction, decimals) == expected


def test_format_percent_default_is_one_decimal() -> None:
    assert format_percent(0.036) == "3,6 %"
    assert format_percent(0.2) == "20,0 %"


@pytest.mark.parametrize(
    ("valeur", "unite", "decimals", "expected"),
    [
        (7688, "nombre", None, "7 688"),
        (997.5, "nombre", None, "997,5"),
        (0.036, "pourcentage", None, "3,6 %"),
        (0.2046, "pourcentage", 2, "20,46 %"),
        (940, "heures", None, "940 heures"),
        (997.5, "heures", None, "997,5 heures"),
        (1, "heures", None, "1 heure"),
        (1.5, "heures", None, "1,5 heure"),
        (2, "heures", None, "2 heures"),
        (0, "heures", None, "0 heure"),
        (9.5, "mois", None, "9,5 mois"),
        (1, "mois", None, "1 mois"),
        (6, "mois", None, "6 mois"),
        (3, "jours", None, "3 jours"),
        (1, "jours", None, "1 jour"),
        (-3, "jours", None, "-3 jours"),
        (1250, "euros", None, "1 250 €"),
        (1250.0, "euros", None, "1 250 €"),
        (1250.5, "euros", None, "1 250,50 €"),
        (1250.5, "euros", 0, "1 251 €"),
        (1_500_000, "euros", None, "1 500 000 €"),
        (12, "texte", None, "12"),
        ("Protocole signé", "texte", None, "Protocole signé"),
        ("  En cours ", "texte", None, "En cours"),
        ("", "texte", None, MISSING),
        (None, "texte", None, MISSING),
        (None, "nombre", None, MISSING),
        (None, "pourcentage", None, MISSING),
        (math.nan, "heures", None, MISSING),
        (math.nan, "euros", None, MISSING),
    ],
)
def test_format_value(valeur: object, unite: str, decimals: int | None, expected: str) -> None:
    assert format_value(valeur, unite, decimals) == expected


def test_format_value_refuses_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unité inconnue"):
        format_value(3, "semaines")


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 22), "22 novembre 2026"),
        (date(2021, 9, 1), "1er septembre 2021"),
        (date(2022, 2, 2), "2 février 2022"),
        (date(2023, 8, 15), "15 août 2023"),
        (date(2020, 12, 31), "31 décembre 2020"),
        (datetime(2021, 1, 1, 10, 30), "1er janvier 2021"),
        ("2026-11-22", "22 novembre 2026"),
        ("2026-11-22T10:00:00", "22 novembre 2026"),
        (None, MISSING),
    ],
)
def test_format_date(d: object, expected: str) -> None:
    assert format_date(d) == expected


def test_format_date_refuses_non_dates() -> None:
    with pytest.raises(TypeError):
        format_date(2021)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("delta", "decimals", "expected"),
    [
        (0.023, 1, "+2,3 pts"),
        (-0.023, 1, "-2,3 pts"),
        (0.0764, 1, "+7,6 pts"),
        (0.005, 1, "+0,5 pt"),
        (-0.01, 1, "-1,0 pt"),
        (0.019, 1, "+1,9 pt"),
        (0.02, 1, "+2,0 pts"),
        (0.0199999, 1, "+2,0 pts"),
        (0.0, 1, "0,0 pt"),
        (-0.0001, 1, "0,0 pt"),
        (0.2046 - 0.013, 2, "+19,16 pts"),
        (0.05, 0, "+5 pts"),
        (None, 1, MISSING),
        (math.nan, 1, MISSING),
    ],
)
def test_format_points(delta: object, decimals: int | None, expected: str) -> None:
    assert format_points(delta, decimals) == expected


@pytest.mark.parametrize(
    ("delta", "unite", "decimals", "expected"),
    [
        (12, "nombre", None, "+12"),
        (-5, "nombre", None, "-5"),
        (1234.5, "nombre", None, "+1 234,5"),
        (0, "nombre", None, "0"),
        (0.0001, "nombre", None, "0"),
        (-0.0001, "nombre", None, "0"),
        (-3.5, "mois", None, "-3,5 mois"),
        (57.5, "heures", None, "+57,5 heures"),
        (1, "jours", None, "+1 jour"),
        (-250, "euros", None, "-250 €"),
        (0.023, "pourcentage", None, "+2,3 pts"),
        (0.023, "pourcentage", 2, "+2,30 pts"),
        (None, "nombre", None, MISSING),
        (math.nan, "mois", None, MISSING),
    ],
)
def test_format_signed(delta: object, unite: str, decimals: int | None, expected: str) -> None:
    assert format_signed(delta, unite, decimals) == expected


def test_format_signed_default_unit_is_nombre() -> None:
    assert format_signed(-1234.567) == "-1 234,57"


@pytest.mark.parametrize("bad", ["12", True, [1], object()])
def test_non_numbers_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        format_number(bad)


def test_negative_decimals_are_refused() -> None:
    with pytest.raises(ValueError):
        format_number(12, -1)


def test_pandas_like_missing_values() -> None:
    class NA:  # behaves like pandas.NA: comparisons give NA, which refuses bool()
        def __ne__(self, other: object) -> NA:
            return self

        def __bool__(self) -> bool:
            raise TypeError("boolean value of NA is ambiguous")

    assert format_number(NA()) == MISSING
    assert format_date(NA()) == MISSING  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------
_FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)


@settings(max_examples=200, deadline=None)
@given(_FINITE, st.none() | st.integers(0, 4))
def test_number_round_trips_through_french_text(x: float, decimals: int | None) -> None:
    text = format_number(x, decimals)
    assert "  " not in text and "\u00a0" not in text
    back = Decimal(text.replace(" ", "").replace(",", "."))
    assert abs(back - Decimal(repr(x))) <= Decimal(1).scaleb(-(2 if decimals is None else decimals))
    assert text.split(",")[0].lstrip("-").replace(" ", "").isdigit()


@settings(max_examples=200, deadline=None)
@given(_FINITE, st.integers(0, 3))
def test_no_negative_zero(x: float, decimals: int) -> None:
    for text in (format_number(x, decimals), format_percent(x, decimals)):
        digits = text.rstrip(" %")
        if set(digits) <= set("-0, "):
            assert not digits.startswith("-")


@settings(max_examples=200, deadline=None)
@given(_FINITE)
def test_signed_sign_matches_rounded_value(x: float) -> None:
    text = format_signed(x)
    shown = Decimal(text.lstrip("+").replace(" ", "").replace(",", "."))
    assert (text[0] == "+") == (shown > 0)
    assert (text[0] == "-") == (shown < 0)
