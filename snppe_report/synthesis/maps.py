"""Figures of the national synthesis: tile-grid map of France and distributions.

Besides :mod:`snppe_report.report.charts`, the only matplotlib importer. Same rules as
there: a bare :class:`~matplotlib.figure.Figure` on the SVG canvas (no pyplot, no
global registry, nothing to leak), deterministic output (``svg.hashsalt`` from the
figure's key, no date nor creator), text kept as text, figures cleared once drawn.

* :func:`tile_map_svg` draws every département as a square tile at its fixed grid
  position (``snppe_report/data/tuiles.csv``: ``code, colonne, ligne``, ligne 0 in
  the north), the overseas départements on a row of their own, each tile coloured
  by the class of its value and labelled with its code.
* :func:`distribution_svg` draws the histogram of an indicator across
  collectivités, with the national target and the median.

Everything the reader sees is French; numbers go through
:mod:`snppe_report.formatting`.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from snppe_report.formatting import format_number, format_percent

__all__ = [
    "CLASS_COLOURS",
    "MISSING_COLOUR",
    "class_breaks",
    "class_labels",
    "distribution_svg",
    "tile_map_svg",
    "tile_positions",
]

#: Sequential classes, light (far from the target) to dark (target reached).
CLASS_COLOURS = ("#e4ecf5", "#b9cde4", "#7fa3cc", "#3f6fa8", "#1b3a6b")
#: Tiles without a value.
MISSING_COLOUR = "#ffffff"
_MISSING_EDGE = "#aab1ba"
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
_OVERSEAS_LABEL = "Outre-mer"


@cache
def tile_positions() -> dict[str, tuple[int, int]]:
    """Grid position of every département, read once from ``data/tuiles.csv``.

    Returns
    -------
    dict of str to (int, int)
        ``code -> (colonne, ligne)``; column 0 is the west, row 0 the north. The
        101 départements, overseas ones (971-976) on the last row.
    """
    text = resources.files("snppe_report").joinpath("data", "tuiles.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return {row["code"]: (int(row["colonne"]), int(row["ligne"])) for row in rows}


def class_breaks(
    values: Sequence[float], cible_nationale: float | None = None, classes: int = 5
) -> list[float]:
    """Upper bounds of the colour classes (``classes - 1`` inner breaks).

    With a national target the breaks are its quarters (25, 50, 75 and 100 % of
    the target), so that the darkest class reads "target reached" whatever the
    indicator. Without one, evenly spaced round breaks over the values' range.

    Parameters
    ----------
    values : sequence of float
        The finite values to classify.
    cible_nationale : float, optional
        The national target (higher is better).
    classes : int
        Number of classes (colours), 5 by default.

    Returns
    -------
    list of float
        Increasing inner breaks; a value ``v`` falls in class ``i`` when
        ``breaks[i-1] <= v < breaks[i]``.
    """
    inner = classes - 1
    if cible_nationale is not None and cible_nationale > 0:
        return [cible_nationale * (i + 1) / inner for i in range(inner)]
    finite = [v for v in values if _finite(v)]
    if not finite:
        return [float(i + 1) for i in range(inner)]
    low, high = min(finite), max(finite)
    if math.isclose(low, high):
        high = low + (abs(low) or 1.0)
    locator = MaxNLocator(nbins=classes, steps=[1, 2, 2.5, 5, 10])
    ticks = [t for t in locator.tick_values(low, high) if low < t <= high]
    if len(ticks) < inner:
        step = (high - low) / classes
        ticks = [low + step * (i + 1) for i in range(inner)]
    return ticks[:inner]


def class_labels(
    breaks: Sequence[float], unite: str, cible_nationale: float | None = None
) -> list[str]:
    """French legend labels of the classes defined by ``breaks``.

    Parameters
    ----------
    breaks : sequence of float
        Inner breaks, see :func:`class_breaks`.
    unite : str
        ``"pourcentage"`` (values are fractions) or another unit of
        :func:`formatting.format_value`.
    cible_nationale : float, optional
        When it equals the last break, the last label says so.

    Returns
    -------
    list of str
        ``len(breaks) + 1`` labels: ``"moins de 5 %"``, ``"de 5 à 10 %"``, …,
        ``"20 % et plus (cible atteinte)"``.
    """
    fmt = _formatter(unite)
    labels = [f"moins de {fmt(breaks[0])}"]
    labels += [f"de {fmt(a)} à {fmt(b)}" for a, b in zip(breaks, breaks[1:], strict=False)]
    last = f"{fmt(breaks[-1])} et plus"
    if cible_nationale is not None and math.isclose(breaks[-1], cible_nationale):
        last += " (cible atteinte)"
    labels.append(last)
    return labels


def tile_map_svg(
    valeurs: Mapping[str, float | None],
    *,
    unite: str = "pourcentage",
    cible_nationale: float | None = None,
    seuils: Sequence[float] | None = None,
    libelles: Sequence[str] | None = None,
    titre_legende: str = "",
    key: str = "carte",
    width: float = 4.0,
) -> str:
    """Draw the tile-grid map of France coloured by one value per département.

    Parameters
    ----------
    valeurs : mapping of str to float or None
        Value by département code (``"01"``, ``"2A"``, ``"974"``); codes absent or
        ``None`` are drawn as tiles "non renseigné". Codes that are not tiles (a
        collectivité code such as ``"69M"``) are ignored: map its départements.
    unite : str
        Unit of the values, for the legend (``"pourcentage"``: fractions).
    cible_nationale : float, optional
        National target: the classes are its quarters (see :func:`class_breaks`).
    seuils : sequence of float, optional
        Four increasing inner breaks of the five classes, instead of the default ones.
    libelles : sequence of str, optional
        The five legend labels, instead of :func:`class_labels`.
    titre_legende : str
        Title of the legend.
    key : str
        Stable identifier of the figure; salts the SVG ids (several maps inlined in
        one page never share an id; the output is reproducible byte for byte).
    width : float
        Width in inches.

    Returns
    -------
    str
        A standalone SVG document (no XML prolog, so it can be inlined in HTML).
    """
    tiles = tile_positions()
    present = {c: v for c, v in valeurs.items() if c in tiles and _finite(v)}
    breaks = list(seuils) if seuils else class_breaks(list(present.values()), cible_nationale)
    if len(breaks) != len(CLASS_COLOURS) - 1:
        raise ValueError(f"{len(CLASS_COLOURS) - 1} seuils attendus, pas {len(breaks)}")
    labels = list(libelles) if libelles else class_labels(breaks, unite, cible_nationale)
    if len(labels) != len(CLASS_COLOURS):
        raise ValueError(f"{len(CLASS_COLOURS)} libellés attendus, pas {len(labels)}")
    ncols = max(col for col, _ in tiles.values()) + 1
    nrows = max(row for _, row in tiles.values()) + 1
    height = width * (nrows + 0.4) / (ncols + 0.4)
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"snppe-carte-{key}"}):
        fig = Figure(figsize=(width, height))
        FigureCanvasSVG(fig)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_xlim(-0.2, ncols + 0.2)
        ax.set_ylim(nrows + 0.2, -0.2)
        ax.set_aspect("equal")
        ax.axis("off")
        _tiles(ax, {code: _index(present.get(code), breaks) for code in tiles}, tiles)
        overseas_row = max(row for code, (_, row) in tiles.items() if len(code) == 3)
        ax.text(0.0, overseas_row - 0.12, _OVERSEAS_LABEL, fontsize=7, color=_TEXT, va="bottom")
        handles = [
            Patch(facecolor=c, edgecolor="white", label=lab)
            for c, lab in zip(CLASS_COLOURS, labels, strict=True)
        ]
        handles.append(
            Patch(facecolor=MISSING_COLOUR, edgecolor=_MISSING_EDGE, label="non renseigné")
        )
        ax.legend(
            handles=handles, loc="lower right", frameon=False, fontsize=6.5,
            title=titre_legende or None, title_fontsize=7, alignment="left",
            handlelength=1.4, handleheight=1.0, borderaxespad=0.1, labelspacing=0.35,
        )  # fmt: skip
        return _to_svg(fig)


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
    data = sorted(float(v) for v in valeurs if _finite(v))
    fmt = _formatter(unite)
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


# -- helpers -----------------------------------------------------------------------------


def _index(value: float | None, breaks: Sequence[float]) -> int | None:
    return None if value is None else _class_of(value, breaks)


def _tiles(ax, classes: Mapping[str, int | None], tiles: Mapping[str, tuple[int, int]]) -> None:
    """All tiles as one collection (one artist: fast to draw), then their codes."""
    boxes, faces, edges = [], [], []
    for code, (col, row) in tiles.items():
        index = classes[code]
        boxes.append(Rectangle((col + 0.04, row + 0.04), 0.92, 0.92))
        faces.append(MISSING_COLOUR if index is None else CLASS_COLOURS[index])
        edges.append(_MISSING_EDGE if index is None else "white")
    ax.add_collection(PatchCollection(boxes, facecolors=faces, edgecolors=edges, linewidths=0.6))
    for code, (col, row) in tiles.items():
        index = classes[code]
        colour = _TEXT if index is None or index < 3 else "white"
        if index is None:
            colour = "#7a828c"
        size = 6.2 if len(code) < 3 else 5.4
        ax.text(col + 0.5, row + 0.52, code, ha="center", va="center", fontsize=size,
                color=colour)  # fmt: skip


def _class_of(value: float, breaks: Sequence[float]) -> int:
    for index, bound in enumerate(breaks):
        if value < bound - 1e-12:
            return index
    return len(breaks)


def _bin_edges(data: Sequence[float], target: float | None) -> list[float]:
    """Round bin edges covering the data, the target being one of them."""
    points = list(data) + ([target] if target is not None else [])
    if not points:
        return [0.0, 1.0]
    low, high = min(0.0, min(points)), max(points)
    if math.isclose(low, high):
        high = low + (abs(low) or 1.0)
    step = _nice_step((high - low) / 14)
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


def _nice_step(raw: float) -> float:
    exponent = math.floor(math.log10(raw))
    base = raw / 10**exponent
    nice = 1 if base < 1.5 else 2 if base < 3.5 else 5 if base < 7.5 else 10
    return nice * 10**exponent


def _median(data: Sequence[float]) -> float:
    n = len(data)
    mid = n // 2
    return data[mid] if n % 2 else (data[mid - 1] + data[mid]) / 2


def _formatter(unite: str):
    if unite == "pourcentage":
        return lambda v: format_percent(v, None if _round_pct(v) else 1)
    return lambda v: format_number(v, None)


def _round_pct(v: float) -> bool:
    return abs(v * 100 - round(v * 100)) < 1e-9


def _finite(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _to_svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata=_METADATA)
    fig.clear()
    svg = buf.getvalue()
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
