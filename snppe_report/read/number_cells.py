"""Non-text cells: numbers with their number format, dates, times and durations.

See :mod:`snppe_report.read.values` for the rules.
"""

from __future__ import annotations

import math
import numbers
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from snppe_report.read.parsed import ParsedValue, ok, texte

__all__ = ["format_unit", "parse_number", "parse_temporal"]


def parse_temporal(raw: date | time | timedelta) -> ParsedValue:
    """A date or time is no number; a duration is in hours."""
    if isinstance(raw, timedelta):
        return ok(raw.total_seconds() / 3600, "heures")
    if isinstance(raw, time):
        return texte(f"heure {raw.hour:02d}:{raw.minute:02d}, pas un nombre")
    try:
        shown = f"{raw.day:02d}/{raw.month:02d}/{raw.year}"
        if isinstance(raw, datetime) and (raw.hour or raw.minute):
            shown += f" {raw.hour:02d}:{raw.minute:02d}"
    except (TypeError, ValueError):  # pandas NaT and the like
        return texte("date non valide, pas un nombre")
    return texte(f"date {shown}, pas un nombre")


def parse_number(raw: numbers.Real | Decimal, number_format: str) -> ParsedValue:
    """A number cell, in the unit its number format shows."""
    try:
        number = float(raw)
    except (OverflowError, ValueError, TypeError):
        return texte("nombre hors limites")
    if math.isnan(number):
        return texte("nombre non défini (NaN)")
    if math.isinf(number):
        return texte("nombre infini")
    unite, factor = format_unit(number_format)
    if factor != 1.0:  # points to a fraction, exactly: 41 -> 0.41, not 0.41000000000000003
        number = float(Decimal(repr(number)) * Decimal(repr(factor)))
    return ParsedValue(number, unite, "ok")


def format_unit(number_format: str) -> tuple[str, float]:
    """The unit an Excel number format shows, and the factor to apply to the value.

    ``0.0%`` shows a fraction as a percentage: (pourcentage, 1). A ``%`` written as
    text (``0.0" %"``, ``0\\%``) only follows the number, which is then in points:
    41 shown "41,0 %" is (pourcentage, 0.01). ``€`` and quoted words give euros,
    heures, mois, jours.

    Parameters
    ----------
    number_format : str
        The cell's number format (first section used).

    Returns
    -------
    tuple of (str, float)
    """
    section = (number_format or "").split(";")[0]
    literals = " ".join(re.findall(r'"([^"]*)"', section)).lower()
    escaped = "".join(re.findall(r"\\(.)", section))
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)
    if "%" in code:
        return "pourcentage", 1.0
    if "%" in literals or "%" in escaped:
        return "pourcentage", 0.01
    if "€" in section or re.search(r"\beur(?:os?)?\b", literals):
        return "euros", 1.0
    for word, unite in (("heure", "heures"), ("mois", "mois"), ("jour", "jours")):
        if word in literals:
            return unite, 1.0
    return "nombre", 1.0
