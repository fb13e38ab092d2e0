"""The typed content of one cell (:class:`ParsedValue`) and its two constructors.

Shared by the number-cell and text-cell parsers; see :mod:`snppe_report.read.values`
for the rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["STATUTS", "UNITES", "ParsedValue", "EMPTY", "texte", "ok"]

UNITES = ("nombre", "pourcentage", "heures", "mois", "jours", "euros", "texte")
STATUTS = ("ok", "ND", "SO", "NC", "texte")


@dataclass(frozen=True)
class ParsedValue:
    """One cell's typed content.

    Attributes
    ----------
    valeur : float or None
        The number; percentages as fractions (3,6 % -> 0.036).
    unite : str
        One of :data:`UNITES`.
    statut : str
        One of :data:`STATUTS`: ``ok`` when ``valeur`` is a number.
    note : str
        Comment, reference year, rest of a compound text or the text itself.
    """

    valeur: float | None
    unite: str
    statut: str
    note: str = ""


EMPTY = ParsedValue(None, "texte", "texte", "")


def texte(note: str) -> ParsedValue:
    """A cell that holds no number: ``texte`` with ``note``."""
    return ParsedValue(None, "texte", "texte", note)


def ok(value: Decimal | float, unite: str, note: str = "") -> ParsedValue:
    """A number in ``unite``; out-of-range values become a ``texte`` saying so."""
    try:
        number = float(value)
    except (OverflowError, ValueError, InvalidOperation):
        number = math.inf
    if not math.isfinite(number):
        return texte(f"nombre hors limites : {note}" if note else "nombre hors limites")
    return ParsedValue(number, unite, "ok", note)
