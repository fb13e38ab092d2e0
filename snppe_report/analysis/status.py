"""Pure: the status of one indicator, its attainment rate and the status rules.

The only I/O reads the thresholds and the annex sentences of ``data/status_rules.yaml``,
once (:func:`rules`, also read by :mod:`snppe_report.analysis.indicators` and
:mod:`snppe_report.analysis.checks`).

Status of an indicator for campaign year N, one of :data:`STATUTS`:

* target: the ``cible`` of N, else the nearest later one, else the latest earlier one;
* latest value: the latest ``valeur`` year <= N holding a number in the indicator's
  unit (a text when it has no number: qualitative); SO / ND / NC are no value;
* starting point: the 2019 value; "SO" in 2019 counts as 0 for an indicator going up
  (the action did not exist); else the earliest year with a value;
* direction: the catalogue's; for local and "neutre" indicators, "baisse" when the
  label starts with a ``mots_baisse`` word (délai…), else the target's side of the
  starting point, else "baisse" for a duration (``unites_baisse``), else "hausse";
* atteint (latest reaches the target), en progrès / stable / en recul (moved toward
  the target beyond / within the stability band / away from it), non évaluable
  (something missing, units differ, texts not comparable): see :func:`compute_status`
  and :func:`compare_qualitative`. :func:`status_rules` prints them for the annex.

:func:`snppe_report.analysis.indicators.indicator_table` picks the target, latest value, starting
point and direction from an indicator's series; this module compares them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from snppe_report.formatting import format_number, format_percent, format_value
from snppe_report.read.values import apply_unit, parse_value
from snppe_report.text import normalize

__all__ = [
    "STATUTS", "Observation", "Status", "attainment_rate", "compare_qualitative",
    "compute_status", "rules", "status_rules", "units_compatible",
]  # fmt: skip

STATUTS = ("atteint", "en progrès", "stable", "en recul", "non évaluable")
ATTEINT, PROGRES, STABLE, RECUL, NON_EVALUABLE = STATUTS
_QUANTITIES = ("nombre", "heures", "mois", "jours", "euros")
_LEVELS = {"non_realise": 0, "en_cours": 1, "realise": 2}
_LEVEL_NAMES = {0: " (non réalisé)", 1: " (en cours)", 2: " (réalisé)"}


@cache
def rules() -> dict[str, Any]:
    """The content of ``snppe_report/data/status_rules.yaml`` (read once)."""
    path = resources.files("snppe_report").joinpath("data/status_rules.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


@dataclass(frozen=True)
class Observation:
    """One value or target of an indicator, as :func:`compute_status` compares them."""

    annee: int
    valeur: float | None
    unite: str = "nombre"
    brut: str = ""
    statut: str = "ok"
    source: str = ""

    def shown(self) -> str:
        """French rendering: the formatted number, or the text between « »."""
        if self.valeur is None:
            return f"« {' '.join(self.brut.split())} »"
        if self.unite == "pourcentage":
            return format_percent(self.valeur, None)
        return format_value(self.valeur, self.unite, None)


@dataclass(frozen=True)
class Status:
    """A status, its attainment rate and its French explanation."""

    statut: str
    taux_atteinte: float | None
    explication: str


def units_compatible(a: str, b: str) -> bool:
    """Whether two units compare: the same, or a bare number and a quantity unit."""
    return a == b or ({a, b} <= set(_QUANTITIES) and "nombre" in (a, b))


def attainment_rate(
    diagnostic: float | None, latest: float | None, target: float | None, direction: str
) -> float | None:
    """Progress from the diagnostic toward the target.

    Parameters
    ----------
    diagnostic, latest, target : float or None
        Starting value, latest value and target, in one unit.
    direction : str
        "hausse" (higher is better) or "baisse".

    Returns
    -------
    float or None
        ``(latest - diagnostic) / (target - diagnostic)``: 0 no progress, 1.0 target
        reached (more when exceeded, negative when receding). When the diagnostic
        already met the target: 1.0 if the latest still does, else None. None when a
        value is missing.
    """
    if diagnostic is None or latest is None or target is None:
        return None
    gap = target - diagnostic
    if gap == 0 or (gap < 0) == (direction != "baisse"):
        return 1.0 if _reached(latest, target, direction) else None
    return (latest - diagnostic) / gap


def compare_qualitative(
    latest_text: str, target_text: str, diagnostic_text: str = ""
) -> str | None:
    """Status of a text value against a text (or "100 %") target.

    Texts are compared without accents, case or HTML, and classified by the word lists
    of ``status_rules.yaml`` (``qualitatif``): réalisé ("oui", "Réalisé", "Protocole
    signé", "Objectif atteint depuis…", "100 %"), en cours ("En cours"…), non réalisé
    ("Non réalisé en 2022"…). Any other target text is an action to carry out
    (réalisé); a number other than 100 % is no qualitative target.

    Parameters
    ----------
    latest_text, target_text : str
        Latest value and target as written.
    diagnostic_text : str, optional
        Starting value as written; "" or "SO" mean nothing done yet.

    Returns
    -------
    str or None
        "atteint" when the texts are equal or the value reaches the target's level;
        else, comparing the value's level with the diagnostic's, "en progrès", "stable"
        (so "Non réalisé" after a "sans objet" diagnostic) or "en recul"; None when the
        texts cannot be compared.
    """
    latest, target = normalize(latest_text), normalize(target_text)
    if not latest or not target:
        return None
    if latest == target:
        return ATTEINT
    level, goal = _level(latest), _target_level(target)
    if level is None or goal is None:
        return None
    if level >= goal:
        return ATTEINT
    start = _level(normalize(diagnostic_text)) or 0
    return PROGRES if level > start else STABLE if level == start else RECUL


def compute_status(
    diagnostic: Observation | None,
    latest: Observation | None,
    target: Observation | None,
    direction: str = "hausse",
) -> Status:
    """Status of one indicator from its starting point, latest value and target.

    Parameters
    ----------
    diagnostic : Observation or None
        The starting point; used only when its year is before the latest value's.
    latest : Observation or None
        The latest value (year <= N).
    target : Observation or None
        The target retained for year N.
    direction : str
        "hausse" or "baisse".

    Returns
    -------
    Status
        See the module docstring; texts go through :func:`compare_qualitative`.
    """
    if target is None:
        return Status(NON_EVALUABLE, None, "Aucune cible n'est renseignée.")
    if latest is None:
        return Status(NON_EVALUABLE, None, "Aucune valeur n'est renseignée.")
    if latest.valeur is None or target.valeur is None:
        return _text_status(diagnostic, latest, target)
    if not units_compatible(latest.unite, target.unite):
        return Status(NON_EVALUABLE, None, (
            f"La cible {target.annee} ({target.shown()}) est en {target.unite} et la valeur "
            f"{latest.annee} ({latest.shown()}) en {latest.unite} : elles ne se comparent pas."
        ))  # fmt: skip
    usable = diagnostic is not None and diagnostic.valeur is not None
    usable = usable and units_compatible(diagnostic.unite, latest.unite)
    start = diagnostic if usable and diagnostic.annee < latest.annee else None
    return _numeric_status(start, latest, target, direction)


def _numeric_status(
    start: Observation | None, latest: Observation, target: Observation, direction: str
) -> Status:
    rate = attainment_rate(start and start.valeur, latest.valeur, target.valeur, direction)
    where, goal = f"{latest.shown()} en {latest.annee}", f"cible {target.annee} : {target.shown()}"
    exact = _exact_values_note(latest, target)  # the figures the sentence quotes
    if _reached(latest.valeur, target.valeur, direction):
        sign = "≤" if direction == "baisse" else "≥"
        done = 1.0 if rate is None else rate
        return Status(ATTEINT, done, f"Atteint : {where} {sign} {goal}.{exact}")
    if start is None:
        return Status(NON_EVALUABLE, None, (
            f"{goal[0].upper()}{goal[1:]} non atteinte ({where}) et aucune valeur antérieure "
            f"ne permet de mesurer la progression.{exact}"
        ))  # fmt: skip
    delta, move = latest.valeur - start.valeur, f"De {start.shown()} en {start.annee} à {where}"
    exact = _exact_values_note(start, latest, target)
    if abs(delta) <= _band(start.valeur, latest.unite):
        return Status(
            STABLE, rate, f"{move} : variation dans la bande de stabilité ({goal}).{exact}"
        )
    if (delta > 0) == (direction != "baisse"):
        done = f", {format_percent(rate, 0)} du chemin parcouru" if rate is not None else ""
        return Status(PROGRES, rate, f"{move}, vers la {goal}{done}.{exact}")
    return Status(RECUL, rate, f"{move}, en s'éloignant de la {goal}.{exact}")


def _exact_values_note(*observations: Observation) -> str:
    """Say so when the explanation's figures are more precise than the workbook shows.

    The rate is computed on the cells' exact values (3,62 %), which the workbook may
    display rounded by its number format (3,6 %): the reader who recomputes from the
    displayed figures must know why the result differs slightly.
    """
    rounded = [
        f"{obs.shown()} affiché {' '.join(obs.brut.split())}"
        for obs in observations
        if obs.valeur is not None and _displayed_rounded(obs)
    ]
    if not rounded:
        return ""
    return f" Calcul sur les valeurs exactes des cellules ({' ; '.join(rounded)})."


def _displayed_rounded(obs: Observation) -> bool:
    """Whether the cell's displayed text is a rounding of its value.

    The displayed text is read in the observation's unit, as a unit column gives it
    ("41" on a row whose unit is % is 41 %, not a rounding of 0,41).
    """
    if not obs.brut:
        return False
    unit = "%" if obs.unite == "pourcentage" else obs.unite
    shown = apply_unit(parse_value(obs.brut), unit).valeur
    return shown is not None and not math.isclose(shown, obs.valeur, rel_tol=1e-9)


def _text_status(diag: Observation | None, latest: Observation, target: Observation) -> Status:
    if latest.valeur is not None:
        return Status(NON_EVALUABLE, None, (
            f"La cible {target.annee} est un texte ({target.shown()}) et la valeur "
            f"{latest.annee} un nombre ({latest.shown()}) : elles ne se comparent pas."
        ))  # fmt: skip
    before = diag is not None and diag.valeur is None and diag.annee < latest.annee
    goal = target.brut if target.valeur is None else target.shown()
    statut = compare_qualitative(latest.brut, goal, diag.brut if before else "")
    level = _LEVEL_NAMES.get(_level(normalize(latest.brut)), "")
    pair = f"valeur {latest.annee} {latest.shown()}{level}, cible {target.annee} {target.shown()}"
    if statut is None:
        return Status(NON_EVALUABLE, None, f"Textes non comparables ({pair}).")
    return Status(statut, 1.0 if statut == ATTEINT else None, f"Textes comparés : {pair}.")


def _reached(latest: float, target: float, direction: str) -> bool:
    return latest <= target if direction == "baisse" else latest >= target


def _band(start: float, unite: str) -> float:
    conf = rules()["statuts"]
    if unite == "pourcentage":
        return conf["bande_stabilite_points"]
    return conf["bande_stabilite_relative"] * abs(start)


@cache
def _classes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    conf = rules()["qualitatif"]
    out = []
    for name in ("inconnu", "non_realise", "en_cours", "realise"):
        words = sorted((normalize(w) for w in conf[name]), key=len, reverse=True)
        out.append((name, re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)")))
    return tuple(out)


def _classify(text: str) -> str | None:
    text = re.sub(r"\s*%", " %", text)
    return next((name for name, pattern in _classes() if pattern.search(text)), None)


def _level(text: str) -> int | None:
    return _LEVELS.get(_classify(text) or "")


def _target_level(text: str) -> int | None:
    if re.fullmatch(r"[\d\s,.%]+", text):
        return _LEVELS["realise"] if re.fullmatch(r"100(?:[,.]0*)?\s*%", text) else None
    name = _classify(text)
    return _LEVELS["realise"] if name is None else {"en_cours": 1, "realise": 2}.get(name)


def status_rules() -> list[str]:
    """The status rules in French, with the thresholds in force, for the report's annex.

    Returns
    -------
    list of str
        One sentence per rule (``annexe`` of ``status_rules.yaml``, thresholds filled).
    """
    conf, checks = rules()["statuts"], rules()["controles"]
    values = {
        "annee_diagnostic": conf["annee_diagnostic"],
        "mots_baisse": ", ".join(f"« {word} »" for word in conf["mots_baisse"]),
        "unites_baisse": " ou ".join(conf["unites_baisse"]),
        "bande_stabilite_relative": format_percent(conf["bande_stabilite_relative"], None),
        "bande_stabilite_points": f"{format_number(conf['bande_stabilite_points'] * 100)} point",
        "tolerance_ratio_points": f"{format_number(checks['tolerance_ratio_points'])} point",
    }
    return [" ".join(sentence.format(**values).split()) for sentence in rules()["annexe"]]
