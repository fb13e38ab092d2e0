"""Pure: the colour classes shared by the synthesis maps and their legends.

A value falls in one of five sequential classes, light (far from the national target)
to dark (target reached): with a target, the classes are its quarters; without one,
round breaks over the values' range. Labels are French, numbers formatted by
:mod:`snppe_report.formatting`. No plotting library here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

from snppe_report.formatting import format_number, format_percent

__all__ = [
    "CLASS_COLOURS",
    "MISSING_COLOUR",
    "MISSING_LABEL",
    "class_breaks",
    "class_labels",
    "class_of",
    "legend",
    "value_formatter",
]

#: Sequential classes, light (far from the target) to dark (target reached).
CLASS_COLOURS = ("#e4ecf5", "#b9cde4", "#7fa3cc", "#3f6fa8", "#1b3a6b")
#: Départements without a value.
MISSING_COLOUR = "#ffffff"
MISSING_LABEL = "non renseigné"


def class_breaks(
    values: Sequence[float], cible_nationale: float | None = None, classes: int = 5
) -> list[float]:
    """Upper bounds of the colour classes (``classes - 1`` inner breaks).

    With a national target the breaks are its quarters (25, 50, 75 and 100 % of the
    target), so that the darkest class reads "target reached" whatever the indicator.
    Without one, round breaks evenly spaced over the values' range.

    Parameters
    ----------
    values : sequence of float
        The values to classify (non-finite ones are ignored).
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
    finite = [float(v) for v in values if finite_number(v)]
    if not finite:
        return [float(i + 1) for i in range(inner)]
    low, high = min(finite), max(finite)
    if math.isclose(low, high):
        high = low + (abs(low) or 1.0)
    step = nice_step((high - low) / classes)
    first = math.floor(low / step) * step + step
    ticks = [first + i * step for i in range(inner)]
    if ticks[-1] > high:  # the round step overshot: evenly spaced breaks instead
        step = (high - low) / classes
        ticks = [low + step * (i + 1) for i in range(inner)]
    return ticks


def class_labels(
    breaks: Sequence[float], unite: str, cible_nationale: float | None = None
) -> list[str]:
    """French legend labels of the classes defined by ``breaks``.

    Parameters
    ----------
    breaks : sequence of float
        Inner breaks, see :func:`class_breaks`.
    unite : str
        ``"pourcentage"`` (values are fractions) or another unit.
    cible_nationale : float, optional
        When it equals the last break, the last label says so.

    Returns
    -------
    list of str
        ``len(breaks) + 1`` labels: ``"moins de 5 %"``, ``"de 5 % à 10 %"``, …,
        ``"20 % et plus (cible atteinte)"``.
    """
    fmt = value_formatter(unite)
    labels = [f"moins de {fmt(breaks[0])}"]
    labels += [f"de {fmt(a)} à {fmt(b)}" for a, b in zip(breaks, breaks[1:], strict=False)]
    last = f"{fmt(breaks[-1])} et plus"
    if cible_nationale is not None and math.isclose(breaks[-1], cible_nationale):
        last += " (cible atteinte)"
    labels.append(last)
    return labels


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """Index of the class of ``value`` (None for a missing or non-finite value)."""
    if not finite_number(value):
        return None
    for index, bound in enumerate(breaks):
        if value < bound - 1e-12:
            return index
    return len(breaks)


def legend(labels: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``(colour, label)`` of every class, then of the missing values."""
    if len(labels) != len(CLASS_COLOURS):
        raise ValueError(f"{len(CLASS_COLOURS)} libellés attendus, pas {len(labels)}")
    return (*zip(CLASS_COLOURS, labels, strict=True), (MISSING_COLOUR, MISSING_LABEL))


def value_formatter(unite: str) -> Callable[[float], str]:
    """French formatting of a class bound or an axis tick in ``unite``."""
    if unite == "pourcentage":
        return lambda v: format_percent(v, None if _round_pct(v) else 1)
    return lambda v: format_number(v, None)


def nice_step(raw: float) -> float:
    """The round step (1, 2, 5 × 10^n) nearest above ``raw``."""
    exponent = math.floor(math.log10(raw))
    base = raw / 10**exponent
    nice = 1 if base < 1.5 else 2 if base < 3.5 else 5 if base < 7.5 else 10
    return nice * 10**exponent


def finite_number(value: object) -> bool:
    """Whether ``value`` is a real, finite number (not a bool)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _round_pct(v: float) -> bool:
    return abs(v * 100 - round(v * 100)) < 1e-9
