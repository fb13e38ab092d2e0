"""The histogram of an indicator across collectivités (snppe_report.synthesis.distribution)."""

from __future__ import annotations

import math

from snppe_report.synthesis.distribution import distribution_svg


def test_distribution_svg_shows_target_and_median():
    values = [0.02, 0.05, 0.1, 0.12, 0.2, 0.31, math.nan]
    svg = distribution_svg(values, cible_nationale=0.2, key="epp")
    assert svg.startswith("<svg")
    assert "Cible nationale : 20 %" in svg
    assert "Médiane : 11 %" in svg
    assert "Collectivités" in svg
    assert svg == distribution_svg(values, cible_nationale=0.2, key="epp")
    assert "<dc:date>" not in svg


def test_distribution_svg_with_no_value():
    svg = distribution_svg([], cible_nationale=0.8)
    assert "Cible nationale : 80 %" in svg
    assert "Médiane" not in svg


def test_distribution_svg_counts():
    svg = distribution_svg([10.0, 20.0, 20.0, 35.0], unite="nombre")
    assert "Médiane : 20" in svg
