"""The only matplotlib importer: static, self-contained SVG charts.

The same SVG goes into the HTML report (``<img>`` with a ``data:`` URI) and into the
Typst PDF (``image(bytes(...))``). Charts are drawn on a bare
:class:`matplotlib.figure.Figure` with the SVG canvas: no pyplot, so no global figure
registry to leak from and no interactive backend. Output is deterministic: a fixed
``svg.hashsalt`` derived from the chart's key, no date nor creator in the metadata.
Text is kept as text (``svg.fonttype = "none"``) in the report font, named in the SVG
(:data:`FONT_FAMILY`, DejaVu Sans, the font Typst embeds in the PDF), so the PDF's
chart labels are crisp, searchable and in the document's font.

Speed (12 charts per report): one figure and one axes per thread are drawn again for
every chart instead of being built each time, and the axes machinery (``Axis``,
``Tick`` objects: two thirds of the time) is switched off; the few grid lines and
tick labels are drawn as plain lines and texts. A chart costs about 6 ms instead of
about 22 ms (benchmarks/bench_report.py measures the 12 charts of a report).

Everything the reader sees (axis labels, legends) is French; numbers go through
:mod:`snppe_report.formatting`.
"""

from __future__ import annotations

import base64
import io
import math
import threading
from collections.abc import Callable, Mapping

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from snppe_report.formatting import format_number, format_percent

__all__ = ["trajectory_svg", "svg_data_uri", "PALETTE", "LEGEND", "FONT_FAMILY"]

#: The font named in the SVG text (the report's PDF font).
FONT_FAMILY = "DejaVu Sans"

#: Sober publication palette (shared with the report CSS).
PALETTE = {
    "serie": "#1b3a6b",  # realised values
    "cible": "#1b3a6b",  # local target (hollow marker, dashed path)
    "nationale": "#8a5a00",  # national target reference line
    "grille": "#d9dde3",
    "axe": "#9aa3ad",
    "texte": "#2b2b2b",
}

#: What each mark means, in the order drawn (for the legend written under a chart).
LEGEND = (
    ("realise", "Réalisé (diagnostic 2019 puis valeurs annuelles)"),
    ("cible", "Cible de la collectivité"),
    ("nationale", "Cible nationale"),
)

_RC = {
    "font.family": FONT_FAMILY,
    "font.size": 7,
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "path.simplify": True,
}
# None drops the key from the SVG metadata: no date, no creator, no URL.
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_AXES_BOX = (0.15, 0.15, 0.82, 0.8)
_local = threading.local()


def trajectory_svg(
    *,
    valeurs: Mapping[int, float | None],
    cibles: Mapping[int, float | None],
    unite: str,
    cible_nationale: float | None = None,
    key: str = "chart",
    format_tick: Callable[[float], str] | None = None,
    width: float = 3.4,
    height: float = 1.6,
) -> str:
    """Draw one indicator's trajectory and return the SVG document as text.

    Parameters
    ----------
    valeurs : mapping of int to float or None
        Realised values by year (the 2019 diagnostic included); ``None`` is skipped.
    cibles : mapping of int to float or None
        The collectivité's targets by year; ``None`` is skipped.
    unite : str
        ``"pourcentage"`` draws a 0-based percentage axis (values are fractions).
    cible_nationale : float or None
        The national target, drawn as a horizontal reference line.
    key : str
        Stable identifier of the chart (e.g. the indicator id); it salts the SVG
        element ids, so several charts inlined in one page never share an id and
        the output is byte-for-byte reproducible.
    format_tick : callable, optional
        Formatter of the y tick labels; defaults to :mod:`snppe_report.formatting`
        (``20 %``, ``1 000``, ``0,5``).
    width, height : float
        Size in inches: about the printed size (half an A4 text width), so that
        the 7-point text prints at 7 points.

    Returns
    -------
    str
        A standalone SVG document. There is no legend inside (it would cost a third
        of the drawing time): the caller writes it under the chart, see :data:`LEGEND`.
    """
    real = sorted((y, v) for y, v in valeurs.items() if _finite(v))
    goals = sorted((y, v) for y, v in cibles.items() if _finite(v))
    nationale = cible_nationale if _finite(cible_nationale) else None
    fig, ax = _canvas(width, height)
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"snppe-{key}"}):
        try:
            bottom, top, x0, x1 = _limits(real, goals, nationale)
            fmt = format_tick or (_percent_tick if unite == "pourcentage" else _number_tick)
            _draw_frame(ax, real, goals, bottom, top, x0, x1, fmt)
            _draw_series(ax, real, goals, nationale, x0, x1)
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata=_METADATA)
        finally:
            for artist in [*ax.lines, *ax.texts]:
                artist.remove()
    return _strip_prolog(buf.getvalue())


def svg_data_uri(svg: str) -> str:
    """Encode an SVG document as a ``data:`` URI (self-contained ``<img src>``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _canvas(width: float, height: float) -> tuple[Figure, object]:
    """This thread's figure and axes (created once, axes machinery off)."""
    cached = getattr(_local, "canvas", None)
    if cached is None or cached[0] != (width, height):
        with matplotlib.rc_context(_RC):
            fig = Figure(figsize=(width, height))
            FigureCanvasSVG(fig)
            ax = fig.add_axes(_AXES_BOX)
            ax.set_axis_off()
        cached = _local.canvas = ((width, height), fig, ax)
    return cached[1], cached[2]


def _finite(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _limits(real, goals, nationale) -> tuple[float, float, float, float]:
    years = sorted({y for y, _ in real} | {y for y, _ in goals}) or [0]
    values = [v for _, v in real] + [v for _, v in goals]
    if nationale is not None:
        values.append(nationale)
    top = (max(values, default=1.0) or 1.0) * 1.18
    bottom = min(0.0, min(values, default=0.0))
    if top <= bottom:
        top = bottom + 1.0
    return bottom, top, years[0] - 0.4, years[-1] + 0.4


def _draw_frame(ax, real, goals, bottom, top, x0, x1, fmt) -> None:
    """Grid lines, the two axis lines and the tick labels, as plain artists."""
    ax.set_xlim(x0, x1)
    ax.set_ylim(bottom, top)
    text = PALETTE["texte"]
    locator = MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3)
    left = offset_copy(ax.transData, fig=ax.figure, x=-3, y=0, units="points")
    below = offset_copy(ax.transData, fig=ax.figure, x=0, y=-4, units="points")
    for tick in locator.tick_values(bottom, top):
        if not bottom - 1e-12 <= tick <= top + 1e-12:
            continue
        if tick != bottom:
            ax.plot((x0, x1), (tick, tick), color=PALETTE["grille"], lw=0.6, zorder=0)
        ax.text(x0, tick, fmt(tick), ha="right", va="center", color=text, transform=left)
    ax.plot((x0, x1), (bottom, bottom), color=PALETTE["axe"], lw=0.6, zorder=1)
    ax.plot((x0, x0), (bottom, top), color=PALETTE["axe"], lw=0.6, zorder=1)
    for year in sorted({y for y, _ in real} | {y for y, _ in goals}):
        ax.text(year, bottom, str(year), ha="center", va="top", color=text, transform=below)


def _draw_series(ax, real, goals, nationale, x0, x1) -> None:
    color = PALETTE["serie"]
    if real:
        xs, ys = zip(*real, strict=True)
        ax.plot(xs, ys, color=color, lw=1.6, marker="o", ms=4, zorder=3)
    if goals:
        start = [real[-1]] if real else []
        path = start + [g for g in goals if not real or g[0] >= real[-1][0]]
        if len(path) > 1:
            px, py = zip(*path, strict=True)
            ax.plot(px, py, color=color, lw=1.1, ls=(0, (4, 3)), zorder=2)
        gx, gy = zip(*goals, strict=True)
        ax.plot(
            gx, gy, ls="none", marker="D", ms=5, mfc="white", mec=color, mew=1.3, zorder=4,
        )  # fmt: skip
    if nationale is not None:
        ax.plot((x0, x1), (nationale, nationale), color=PALETTE["nationale"], lw=1.1,
                ls=(0, (1, 2)), zorder=1)  # fmt: skip


def _number_tick(value: float) -> str:
    return format_number(value, 0 if abs(value) >= 10 or value == int(value) else 1)


def _percent_tick(value: float) -> str:
    return format_percent(value, None)


def _strip_prolog(svg: str) -> str:
    """Drop the XML prolog and DOCTYPE so the SVG can also be inlined in HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
