"""Tile-grid map of France and distribution charts (snppe_report.synthesis.maps)."""

from __future__ import annotations

import math
import re

import pytest

from snppe_report.read.collectivites import departements
from snppe_report.synthesis.maps import (
    CLASS_COLOURS,
    class_breaks,
    class_labels,
    distribution_svg,
    tile_map_svg,
    tile_positions,
)


def test_every_departement_has_its_own_tile():
    tiles = tile_positions()
    assert set(tiles) == {d.code for d in departements()}
    assert len(tiles) == 101
    assert len(set(tiles.values())) == 101


def test_overseas_departements_sit_on_a_row_of_their_own():
    tiles = tile_positions()
    overseas = {code: pos for code, pos in tiles.items() if len(code) == 3}
    assert set(overseas) == {"971", "972", "973", "974", "976"}
    rows = {row for _, row in overseas.values()}
    assert len(rows) == 1
    (row,) = rows
    mainland = [r for code, (_, r) in tiles.items() if len(code) < 3]
    assert row > max(mainland)


@pytest.mark.parametrize(
    ("north", "south"), [("59", "13"), ("62", "80"), ("75", "91"), ("67", "68"), ("2B", "2A")]
)
def test_tiles_keep_north_above_south(north, south):
    tiles = tile_positions()
    assert tiles[north][1] < tiles[south][1]


@pytest.mark.parametrize(("west", "east"), [("29", "67"), ("33", "13"), ("78", "77"), ("64", "66")])
def test_tiles_keep_west_left_of_east(west, east):
    tiles = tile_positions()
    assert tiles[west][0] < tiles[east][0]


def test_class_breaks_are_quarters_of_the_national_target():
    assert class_breaks([0.01, 0.5], cible_nationale=0.2) == pytest.approx([0.05, 0.1, 0.15, 0.2])


def test_class_breaks_without_target_cover_the_values():
    breaks = class_breaks([3.0, 17.0, 42.0])
    assert len(breaks) == 4
    assert breaks == sorted(breaks)
    assert 3.0 < breaks[0] and breaks[-1] <= 42.0


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


def test_tile_map_svg_draws_every_code_and_the_legend():
    values = {"59": 0.25, "48": 0.01, "974": 0.12, "69M": 0.5, "13": None}
    svg = tile_map_svg(values, cible_nationale=0.2, titre_legende="Part EPP", key="epp")
    assert svg.startswith("<svg")
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert set(tile_positions()) <= {t.strip() for t in texts}
    assert "non renseigné" in svg
    assert "20 % et plus (cible atteinte)" in svg
    assert "Outre-mer" in svg
    assert CLASS_COLOURS[4] in svg  # the Nord reached the target
    assert "69M" not in svg  # a collectivité code is not a tile


def test_tile_map_svg_is_deterministic_and_salted_by_key():
    values = {"01": 0.1, "2A": 0.3}
    first = tile_map_svg(values, cible_nationale=0.2, key="a")
    assert first == tile_map_svg(values, cible_nationale=0.2, key="a")
    # Clip paths are referenced by hashed ids: those must differ between two figures.
    hashed = re.compile(r'id="(p[0-9a-f]{10})"')
    ids_a = set(hashed.findall(first))
    ids_b = set(hashed.findall(tile_map_svg(values, cible_nationale=0.2, key="b")))
    assert ids_a and ids_b and not ids_a & ids_b
    assert "<dc:date>" not in first


def test_tile_map_svg_without_any_value():
    svg = tile_map_svg({}, unite="nombre")
    assert svg.count("non renseigné") == 1


def test_distribution_svg_shows_target_and_median():
    values = [0.02, 0.05, 0.1, 0.12, 0.2, 0.31, math.nan]
    svg = distribution_svg(values, cible_nationale=0.2, key="epp")
    assert svg.startswith("<svg")
    assert "Cible nationale : 20 %" in svg
    assert "Médiane : 11 %" in svg
    assert "Collectivités" in svg
    assert svg == distribution_svg(values, cible_nationale=0.2, key="epp")


def test_distribution_svg_with_no_value():
    svg = distribution_svg([], cible_nationale=0.8)
    assert "Cible nationale : 80 %" in svg
    assert "Médiane" not in svg


def test_distribution_svg_counts():
    svg = distribution_svg([10.0, 20.0, 20.0, 35.0], unite="nombre")
    assert "Médiane : 20" in svg
