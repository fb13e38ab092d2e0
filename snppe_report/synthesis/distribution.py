"""The histogram of an indicator across collectivités (matplotlib, SVG).

With :mod:`snppe_report.report.charts`, the only matplotlib importer. Same rules as
there: a bare :class:`~matplotlib.figure.Figure` on the SVG canvas (no pyplot, no
global registry, nothing to leak), deterministic output (``svg.hashsalt`` from the
figure's key, no date nor creator), text kept as text, figures cleared once drawn.
Bars at or above the national target are dark, the others light; the target and the
median are vertical lines named in the legend. Everything the reader sees is French.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from snppe_report.formatting import format_number
from snppe_report.synthesis.classes import CLASS_COLOURS, finite_number, nice_step, value_formatter

__all__ = ["distribution_svg"]

_TARGET_COLOUR = "#8a5a00"
_TEXT = "#2b2b2b"
_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.edgecolor": "#9aa3ad",
    "axes.linewidth": 0.6,
    "axes.labelcolor": _TEXT,
    "xtick.color": _TEXT,
    "ytick.color": _TEXT,
    "svg.fonttype": "none",
    "path.simplify": True,
}
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def distribution_svg(
    valeurs: Sequence[float],
    *,
    unite: str = "pourcentage",
    cible_nationale: float | None = None,
    libelle_cible: str = "Cible nationale",
    key: str = "distribution",
    width: float = 4.2,
    height: float = 2.5,
) -> str:
    """Draw the histogram of an indicator's values across collectivités.

    Bars at or above the national target are dark, the others light; the target
    and the median are vertical lines named in the legend.

    Parameters
    ----------
    valeurs : sequence of float
        One value per collectivité (non-finite values are skipped).
    unite : str
        ``"pourcentage"`` formats the axis as percentages (values are fractions).
    cible_nationale : float, optional
        National target (higher is better).
    libelle_cible : str
        Legend label of the target line.
    key : str
        Stable identifier of the figure (salts the SVG ids).
    width, height : float
        Size in inches.

    Returns
    -------
    str
        A standalone SVG document (no XML prolog).
    """
    data = sorted(float(v) for v in valeurs if finite_number(v))
    fmt = value_formatter(unite)
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"snppe-distribution-{key}"}):
        fig = Figure(figsize=(width, height))
        FigureCanvasSVG(fig)
        ax = fig.add_axes((0.12, 0.14, 0.85, 0.66))
        edges = _bin_edges(data, cible_nationale)
        counts = [0] * (len(edges) - 1)
        for v in data:
            counts[_bin_of(v, edges)] += 1
        for (left, right), count in zip(zip(edges, edges[1:], strict=False), counts, strict=True):
            reached = cible_nationale is not None and left >= cible_nationale - 1e-12
            ax.bar(
                left, count, width=right - left, align="edge", linewidth=0.6,
                color=CLASS_COLOURS[4] if reached else CLASS_COLOURS[2], edgecolor="white",
            )  # fmt: skip
        if cible_nationale is not None:
            ax.axvline(
                cible_nationale, color=_TARGET_COLOUR, lw=1.2, ls=(0, (1, 2)),
                label=f"{libelle_cible} : {fmt(cible_nationale)}",
            )  # fmt: skip
        if data:
            median = _median(data)
            ax.axvline(
                median, color=_TEXT, lw=1.0, ls=(0, (4, 2)), label=f"Médiane : {fmt(median)}"
            )
        ax.set_xlim(edges[0], edges[-1])
        ax.set_ylim(0, max(counts, default=0) * 1.15 + 1)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, 0)))
        ax.set_ylabel("Collectivités")
        ax.grid(axis="y", color="#d9dde3", lw=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(
                loc="lower left", bbox_to_anchor=(0.0, 1.04), frameon=False, fontsize=7,
                handlelength=2.2, borderaxespad=0, ncol=2,
            )  # fmt: skip
        return _to_svg(fig)


def _bin_edges(data: Sequence[float], target: float | None) -> list[float]:
    """Round bin edges covering the data, the target being one of them."""
    points = list(data) + ([target] if target is not None else [])
    if not points:
        return [0.0, 1.0]
    low, high = min(0.0, min(points)), max(points)
    if math.isclose(low, high):
        high = low + (abs(low) or 1.0)
    step = nice_step((high - low) / 14)
    if target is not None and target > 0:
        # Make the target fall on an edge: the step divides it.
        per = max(1, round(target / step))
        step = target / per
    start = math.floor(low / step) * step
    count = max(1, math.ceil((high - start) / step + 1e-9))
    if data and _bin_of_edge(max(data), start, step, count):
        count += 1
    return [start + i * step for i in range(count + 1)]


def _bin_of_edge(value: float, start: float, step: float, count: int) -> bool:
    """Whether ``value`` sits on the last edge (it would fall outside the bins)."""
    return math.isclose(value, start + count * step)


def _bin_of(value: float, edges: Sequence[float]) -> int:
    for index in range(len(edges) - 1):
        if value < edges[index + 1] - 1e-12:
            return index
    return len(edges) - 2


def _median(data: Sequence[float]) -> float:
    n = len(data)
    mid = n // 2
    return data[mid] if n % 2 else (data[mid - 1] + data[mid]) / 2


def _to_svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata=_METADATA)
    fig.clear()
    svg = buf.getvalue()
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
