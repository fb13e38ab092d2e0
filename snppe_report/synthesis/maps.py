"""The choropleth map of France by département, as a standalone SVG document.

Drawn from the départements' real outlines (:mod:`snppe_report.synthesis.geometry`),
each filled with the colour of its value's class (:mod:`snppe_report.synthesis.classes`)
and holding a ``<title>`` (its name from the reference table, code and value: a tooltip
in a browser). Paris and
its inner ring are repeated enlarged in an inset, the overseas départements are square
insets named below them. The legend is not inside the SVG: the HTML and Typst renderers
draw it from :func:`snppe_report.synthesis.classes.legend`, readable at any width.

Pure string building, deterministic, no plotting library, no ``id`` (several maps
inlined in one page never clash); every text is XML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from snppe_report.read.collectivites import departements
from snppe_report.synthesis.classes import CLASS_COLOURS, MISSING_COLOUR, class_of
from snppe_report.synthesis.geometry import (
    FRAME,
    OVERSEAS_NAMES,
    PARIS_INSET,
    Box,
    bounds,
    inset_transform,
    overseas_boxes,
    paris_frame,
    shapes,
)

__all__ = ["france_map_svg"]

_EDGE = "#ffffff"
_MISSING_EDGE = "#8a939d"
_TEXT = "#2b2b2b"
_FONT = "DejaVu Sans, Verdana, sans-serif"
_DARK = set(CLASS_COLOURS[3:])


def france_map_svg(
    valeurs: Mapping[str, float | None],
    breaks: Sequence[float],
    *,
    titres: Mapping[str, str] | None = None,
    alt: str = "",
) -> str:
    """Draw France by département, each coloured by the class of its value.

    Parameters
    ----------
    valeurs : mapping of str to float or None
        Value by département code (``"01"``, ``"2A"``, ``"974"``); absent codes and
        None are drawn white with a grey outline ("non renseigné"). Other codes (a
        collectivité such as ``"69M"``) are ignored: give its départements.
    breaks : sequence of float
        The four inner class breaks (:func:`classes.class_breaks`).
    titres : mapping of str to str, optional
        Tooltip text by département (default: its name and code).
    alt : str
        Text alternative: when given, the SVG is ``role="img"`` with this
        ``aria-label`` (for inlining in HTML); else it is ``aria-hidden``.

    Returns
    -------
    str
        An SVG document without XML prolog.
    """
    if len(breaks) != len(CLASS_COLOURS) - 1:
        raise ValueError(f"{len(CLASS_COLOURS) - 1} seuils attendus, pas {len(breaks)}")
    every = shapes()
    names = {code: shape.nom for code, shape in every.items()} | OVERSEAS_NAMES
    names |= {d.code: d.nom for d in departements() if d.code in names}  # the reference names
    titles = {code: (titres or {}).get(code) or f"{names[code]} ({code})" for code in names}
    fills = {code: _fill(valeurs.get(code), breaks) for code in names}
    width, height = FRAME
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" font-family="{_FONT}"'
    )
    head += f' role="img" aria-label={quoteattr(alt)}>' if alt else ' aria-hidden="true">'
    parts = [head, '<g stroke-width="0.5" stroke-linejoin="round">']
    parts += [_path(shape.d, fills[code], titles[code]) for code, shape in every.items()]
    parts.append("</g>")
    parts += _paris_inset(fills, titles)
    parts += _overseas(fills, titles)
    parts.append("</svg>")
    return "".join(parts)


def _fill(value: float | None, breaks: Sequence[float]) -> tuple[str, str]:
    index = class_of(value, breaks)
    return (MISSING_COLOUR, _MISSING_EDGE) if index is None else (CLASS_COLOURS[index], _EDGE)


def _path(d: str, fill: tuple[str, str], title: str) -> str:
    return (
        f'<path d="{d}" fill="{fill[0]}" stroke="{fill[1]}"><title>{escape(title)}</title></path>'
    )


def _rect(box: Box, fill: str, stroke: str, extra: str = "") -> str:
    return (
        f'<rect x="{box.x:.2f}" y="{box.y:.2f}" width="{box.width:.2f}" '
        f'height="{box.height:.2f}" fill="{fill}" stroke="{stroke}" stroke-width="0.6"{extra}'
    )


def _code(x: float, y: float, code: str, fill: str, size: float) -> str:
    colour = "#ffffff" if fill in _DARK else _TEXT
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="middle" '
        f'dominant-baseline="central" fill="{colour}">{code}</text>'
    )


def _paris_inset(fills: Mapping[str, tuple[str, str]], titles: Mapping[str, str]) -> list[str]:
    area, frame = paris_frame()
    every = shapes()
    scale = frame.width / area.width
    parts = [
        _rect(area, "none", _TEXT, "/>"),
        _rect(frame, "#f7f8fa", _TEXT, "/>"),
        f'<g transform="{inset_transform(area, frame)}" stroke-width="{0.6 / scale:.3f}" '
        'stroke-linejoin="round">',
        *(_path(every[code].d, fills[code], titles[code]) for code in PARIS_INSET),
        "</g>",
        _label(frame.x, frame.y - 5, "Paris et petite couronne"),
    ]
    for code in PARIS_INSET:
        b = bounds(every[code].d)
        x = frame.x + (b.x + b.width / 2 - area.x) * scale
        y = frame.y + (b.y + b.height / 2 - area.y) * scale
        parts.append(_code(x, y, code, fills[code][0], 9))
    return parts


def _overseas(fills: Mapping[str, tuple[str, str]], titles: Mapping[str, str]) -> list[str]:
    parts = []
    for code, box in overseas_boxes().items():
        fill, edge = fills[code]
        stroke = _TEXT if edge == _EDGE else edge
        title = f' rx="3"><title>{escape(titles[code])}</title></rect>'
        parts.append(_rect(box, fill, stroke, title))
        parts.append(_code(box.x + box.width / 2, box.y + box.height / 2, code, fill, 12))
        parts.append(_label(box.x + box.width / 2, box.y + box.height + 12,
                            OVERSEAS_NAMES[code], "middle"))  # fmt: skip
    return parts


def _label(x: float, y: float, text: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" fill="{_TEXT}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )
