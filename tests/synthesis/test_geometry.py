"""The départements' outlines (snppe_report.synthesis.geometry)."""

from __future__ import annotations

import pytest

from snppe_report.read.collectivites import departements
from snppe_report.synthesis.geometry import (
    FRAME,
    OVERSEAS,
    Box,
    bounds,
    inset_transform,
    overseas_boxes,
    paris_frame,
    shapes,
    union,
)


def test_every_departement_has_a_shape_or_an_inset():
    codes = {d.code for d in departements()}
    assert set(shapes()) | set(OVERSEAS) == codes
    assert len(shapes()) == 96
    assert shapes()["59"].nom == "Nord" and shapes()["2A"].nom == "Corse-du-Sud"


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        ("m 1,2 3,4 z", Box(1, 2, 3, 4)),  # relative line-to after a move
        ("M 1,2 3,4 z", Box(1, 2, 2, 2)),  # absolute
        ("m 1,1 2,0 0,2 z m 5,5 1,1 z", Box(1, 1, 6, 6)),  # after z: from the start point
        ("m 0,0 -1.5e1,0 z", Box(-15, 0, 15, 0)),
    ],
)
def test_bounds(d, expected):
    assert bounds(d) == pytest.approx(expected)


def test_bounds_of_an_empty_path():
    with pytest.raises(ValueError):
        bounds("z")


@pytest.mark.parametrize(("north", "south"), [("59", "13"), ("62", "80"), ("2B", "2A")])
def test_shapes_keep_north_above_south(north, south):
    assert bounds(shapes()[north].d).y < bounds(shapes()[south].d).y


@pytest.mark.parametrize(("west", "east"), [("29", "67"), ("33", "13"), ("64", "66")])
def test_shapes_keep_west_left_of_east(west, east):
    assert bounds(shapes()[west].d).x < bounds(shapes()[east].d).x


def test_every_shape_lies_in_the_frame():
    width, height = FRAME
    for shape in shapes().values():
        b = bounds(shape.d)
        assert 0 <= b.x and b.x + b.width <= width + 1 and 0 <= b.y and b.y + b.height <= height


def _overlap(a: Box, b: Box) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def test_insets_sit_in_empty_corners():
    boxes = list(overseas_boxes().values())
    _, paris = paris_frame()
    mainland = [bounds(s.d) for s in shapes().values()]
    for inset in [*boxes, paris]:
        assert not any(_overlap(inset, m) for m in mainland)
    assert set(overseas_boxes()) == set(OVERSEAS)


def test_inset_transform_maps_the_area_onto_the_frame():
    area, frame = Box(10, 20, 5, 5), Box(0, 0, 50, 50)
    assert inset_transform(area, frame) == "matrix(10.0000 0 0 10.0000 -100.000 -200.000)"
    assert union([Box(0, 0, 1, 1), Box(2, 3, 1, 1)]) == Box(0, 0, 3, 4)
