"""Pure: the tendance and the position nationale of an indicator.

The second and third of an indicator's judgements, never mixed with its statut
(:mod:`snppe_report.analysis.status`):

* :func:`trend`: en hausse / stable / en baisse since the starting point (the stability
  band of ``status_rules.yaml``), and whether that is favourable for this indicator;
* :func:`national_position`: for a harmonised indicator with a national target (the
  ratios, the CRIP delay), ``au
  niveau`` or ``en dessous`` of it, the gap, and whether its horizon
  (``statuts.horizon_national``, 2022) has passed (a value of that year or later).
"""

from __future__ import annotations

from dataclasses import dataclass

from snppe_report.analysis.status import Observation, qualitative_level, rules, stability_band
from snppe_report.analysis.units import units_compatible
from snppe_report.formatting import format_number, format_percent, format_value

__all__ = ["TENDANCES", "Position", "Trend", "national_position", "trend"]

TENDANCES = ("hausse", "stable", "baisse")
_ARROWS = {"hausse": "↗", "stable": "→", "baisse": "↘"}


@dataclass(frozen=True)
class Trend:
    """Direction of the change since the starting point.

    ``favorable`` is None when the indicator has no good direction (context figures)
    or there is no trend.
    """

    tendance: str = ""
    favorable: bool | None = None

    @property
    def fleche(self) -> str:
        """``↗``, ``→``, ``↘`` or ``""``."""
        return _ARROWS.get(self.tendance, "")

    @property
    def texte(self) -> str:
        """``en hausse (favorable)``, ``stable``, ``""``."""
        if not self.tendance:
            return ""
        word = "stable" if self.tendance == "stable" else f"en {self.tendance}"
        if self.favorable is None or self.tendance == "stable":
            return word
        return f"{word} ({'favorable' if self.favorable else 'défavorable'})"


def trend(start: Observation | None, latest: Observation | None, direction: str) -> Trend:
    """Tendance from the starting point to the latest value.

    Parameters
    ----------
    start, latest : Observation or None
        Starting point and latest value; the start must be of an earlier year.
    direction : str
        "hausse", "baisse", or "neutre" / "" (no good direction: ``favorable`` None).

    Returns
    -------
    Trend
        Empty when a point is missing, the years are the same or the units differ;
        texts are compared by level (non réalisé < en cours < réalisé).
    """
    if start is None or latest is None or start.annee >= latest.annee:
        return Trend()
    if start.valeur is not None and latest.valeur is not None:
        if not units_compatible(start.unite, latest.unite):
            return Trend()
        delta = latest.valeur - start.valeur
        band = stability_band(start.valeur, latest.unite)
    elif start.valeur is None and latest.valeur is None:
        before = 0 if start.statut == "SO" else qualitative_level(start.brut)
        after = qualitative_level(latest.brut)
        if before is None or after is None:
            return Trend()
        delta, band = after - before, 0
    else:
        return Trend()
    if abs(delta) <= band:
        return Trend("stable", None)
    tendance = "hausse" if delta > 0 else "baisse"
    if direction not in ("hausse", "baisse"):
        return Trend(tendance, None)
    return Trend(tendance, tendance == direction)


@dataclass(frozen=True)
class Position:
    """Where the latest value stands against the national target."""

    position: str = ""  # "au niveau" | "en dessous" | ""
    ecart: float | None = None  # latest - national target, in the value's unit
    horizon_passe: bool | None = None
    texte: str = ""


def national_position(
    latest: Observation | None, target: float | None, unite: str, direction: str, label: str = ""
) -> Position:
    """Position of the latest value against a national target.

    Parameters
    ----------
    latest : Observation or None
        Latest value of the indicator.
    target : float or None
        The national target (``catalogue.Indicator.national_target``).
    unite : str
        The indicator's unit ("pourcentage": the gap is in points).
    direction : str
        "baisse" when lower is better (a delay).
    label : str, optional
        The target as the national texts word it, quoted in the sentence.

    Returns
    -------
    Position
        Empty when there is no national target or no numeric latest value.
    """
    if target is None or latest is None or latest.valeur is None:
        return Position()
    if not units_compatible(latest.unite, unite):
        return Position()
    horizon = int(rules()["statuts"]["horizon_national"])
    passed = latest.annee >= horizon
    gap = latest.valeur - target
    level = gap <= 0 if direction == "baisse" else gap >= 0
    shown = (
        format_percent(target, None)
        if unite == "pourcentage"
        else format_value(target, unite, None)
    )
    when = f"horizon {horizon} {'passé' if passed else 'à venir'}"
    where = f"{latest.shown()} en {latest.annee}"
    if level:
        text = f"Au niveau de la cible nationale ({shown}) : {where} ; {when}."
        return Position("au niveau", gap, passed, text)
    # a delay above its national maximum is "en dessous" of the target, said "au-delà"
    side = "Au-delà du maximum national" if direction == "baisse" else "En dessous de la cible"
    side += "" if direction == "baisse" else " nationale"
    text = f"{side} ({shown}) de {_gap(gap, unite)} : {where} ; {when}."
    return Position("en dessous", gap, passed, text)


def _gap(gap: float, unite: str) -> str:
    if unite == "pourcentage":
        points = format_number(abs(gap) * 100, 1)
        return f"{points} point{'s' if abs(gap) * 100 >= 2 else ''}"
    return format_value(abs(gap), unite, 1)
