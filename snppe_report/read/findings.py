"""A finding: one completeness or consistency problem, in French, with its cell.

Raised while reading (a formula without cached value, a duplicate cell) and by the
checks of :mod:`snppe_report.analysis.checks`, which documents every code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SEVERITES", "Finding"]

SEVERITES = ("erreur", "avertissement", "info")


@dataclass(frozen=True)
class Finding:
    """One completeness or consistency problem, in French, with its cell."""

    code: str
    severity: str
    message: str
    source: str = ""
    indicateur: str = ""
