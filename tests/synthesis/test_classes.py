"""Colour classes of the synthesis maps (snppe_report.synthesis.classes)."""

from __future__ import annotations

import math

import pytest

from snppe_report.synthesis.classes import (
    CLASS_COLOURS,
    MISSING_COLOUR,
    class_breaks,
    class_labels,
    class_of,
    legend,
)


def test_class_breaks_are_quarters_of_the_national_target():
    assert class_breaks([0.01, 0.5], cible_nationale=0.2) == pytest.approx([0.05, 0.1, 0.15, 0.2])


@pytest.mark.parametrize("values", [[3.0, 17.0, 42.0], [0.0, 0.0], [], [1.0, 1.05, 1.9, math.nan]])
def test_class_breaks_without_target_are_increasing(values):
    breaks = class_breaks(values)
    assert len(breaks) == 4
    assert breaks == sorted(breaks)


def test_class_breaks_without_target_cover_the_values():
    breaks = class_breaks([3.0, 17.0, 42.0])
    assert breaks == [10.0, 20.0, 30.0, 40.0]


def test_class_labels_are_french():
    labels = class_labels([0.05, 0.1, 0.15, 0.2], "pourcentage", cible_nationale=0.2)
    assert labels == [
        "moins de 5 %",
        "de 5 % à 10 %",
        "de 10 % à 15 %",
        "de 15 % à 20 %",
        "20 % et plus (cible atteinte)",
    ]
    assert class_labels([1500.0, 3000.0], "nombre")[-1] == "3 000 et plus"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, 0), (0.049, 0), (0.05, 1), (0.19999, 3), (0.2, 4), (0.9, 4), (None, None),
     (math.nan, None), (True, None)],
)  # fmt: skip
def test_class_of(value, expected):
    assert class_of(value, [0.05, 0.1, 0.15, 0.2]) == expected


def test_legend_ends_with_the_missing_values():
    entries = legend(["a", "b", "c", "d", "e"])
    assert [c for c, _ in entries] == [*CLASS_COLOURS, MISSING_COLOUR]
    assert entries[-1][1] == "non renseigné"
    with pytest.raises(ValueError):
        legend(["a"])
