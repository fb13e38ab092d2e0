"""The only matplotlib importer: static, self-contained SVG charts.

Charts are drawn on a bare :class:`matplotlib.figure.Figure` with the SVG canvas:
no pyplot, so no global figure registry to leak from and no interactive backend
(the notebook kernel never imports ``matplotlib.pyplot``). Output is deterministic:
a fixed ``svg.hashsalt`` derived from the chart's key, no date nor creator in the
metadata, text kept as text (``svg.fonttype = "none"``, DejaVu Sans) so the PDF is
crisp and searchable.

Everything the reader sees (axis labels, legends) is French; numbers go through
:mod:`snppe_report.formatting`.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Mapping

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from snppe_report.formatting import format_number, format_percent

__all__ = ["trajectory_svg", "svg_data_uri", "PALETTE", "LEGEND"]

#: Sober publication palette (shared with the report CSS).
PALETTE = {
    "serie": "#1b3a6b",  # realised values
    "cible": "#1b3a6b",  # local target (hollow marker, dashed path)
    "nationale": "#8a5a00",  # national target reference line
    "grille": "#d9dde3",
    "texte": "#2b2b2b",
}

#: What each mark means, in the order drawn (for the legend written under a chart).
LEGEND = (
    ("realise", "Réalisé (diagnostic 2019 puis valeurs annuelles)"),
    ("cible", "Cible de la collectivité"),
    ("nationale", "Cible nationale"),
)

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 7,
    "axes.edgecolor": "#9aa3ad",
    "axes.linewidth": 0.6,
    "axes.labelcolor": PALETTE["texte"],
    "xtick.color": PALETTE["texte"],
    "ytick.color": PALETTE["texte"],
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "path.simplify": True,
}
# None drops the key from the SVG metadata: no date, no creator, no URL.
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


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
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"snppe-{key}"}):
        fig = Figure(figsize=(width, height))
        FigureCanvasSVG(fig)
        ax = fig.add_axes((0.15, 0.15, 0.82, 0.8))
        _draw(ax, real, goals, cible_nationale)
        _style_axes(ax, real, goals, cible_nationale, unite, format_tick)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata=_METADATA)
    # No pyplot: the figure is in no global registry, the garbage collector frees it.
    del fig, ax
    return _strip_prolog(buf.getvalue())


def svg_data_uri(svg: str) -> str:
    """Encode an SVG document as a ``data:`` URI (self-contained ``<img src>``)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _finite(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _draw(ax, real, goals, nationale) -> None:
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
        ax.axhline(nationale, color=PALETTE["nationale"], lw=1.1, ls=(0, (1, 2)), zorder=1)


def _style_axes(ax, real, goals, nationale, unite, format_tick) -> None:
    years = sorted({y for y, _ in real} | {y for y, _ in goals})
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years])
    if years:
        ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    values = [v for _, v in real] + [v for _, v in goals]
    if nationale is not None:
        values.append(nationale)
    top = max(values, default=1.0) or 1.0
    ax.set_ylim(min(0.0, min(values, default=0.0)), top * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3))
    fmt = format_tick or (_percent_tick if unite == "pourcentage" else _number_tick)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))
    ax.grid(axis="y", color=PALETTE["grille"], lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _number_tick(value: float) -> str:
    return format_number(value, 0 if abs(value) >= 10 or value == int(value) else 1)


def _percent_tick(value: float) -> str:
    return format_percent(value, None)


def _strip_prolog(svg: str) -> str:
    """Drop the XML prolog and DOCTYPE so the SVG can also be inlined in HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
