"""Pure: the statut of one indicator against the collectivité's own target.

The first of the three judgements of an indicator (the other two, tendance and
position nationale, are in :mod:`snppe_report.analysis.trends`), one of :data:`STATUTS`:

* ``atteint``: the latest value meets the target (direction-aware; texts by level);
* ``non atteint``: the target's year has passed (a value of that year or later is
  known) and it is not met;
* otherwise the paces are compared, as Eurostat's SDG progress assessment does:
  observed pace = (latest - start) / its years, required pace = (target - latest) /
  years left, both oriented by the direction; ratio >= ``seuil_bonne_voie`` ->
  ``en bonne voie``; moved away from the target beyond the stability band ->
  ``en recul``; else ``en retard`` (no movement included);
* texts: "réalisé" level >= target -> atteint; "en cours" before the deadline -> en bonne
  voie; "non réalisé" (or 0 where something is due) -> en retard;
* ``non évaluable`` always with its reason (no target, no value, one point only,
  different units, texts not comparable, campaign year outside the workbook);
* ``contexte`` (numerators, denominators, populations) is decided by
  :mod:`snppe_report.analysis.series`, never here.

The only I/O reads ``data/status_rules.yaml`` once (:func:`rules`); :func:`status_rules`
prints the rules with their thresholds for the report's annex.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from snppe_report.analysis.units import unit_mismatch
from snppe_report.formatting import format_number, format_percent, format_signed, format_value
from snppe_report.read.values import apply_unit, parse_value
from snppe_report.text import normalize

__all__ = [
    "COUNTED", "STATUTS", "LATE", "Observation", "Status", "attainment_rate",
    "compute_status", "qualitative_level", "rules", "status_rules",
]  # fmt: skip

STATUTS = (
    "atteint", "en bonne voie", "en retard", "en recul", "non atteint", "non évaluable",
    "contexte",
)  # fmt: skip
ATTEINT, BONNE_VOIE, RETARD, RECUL, NON_ATTEINT, NON_EVALUABLE, CONTEXTE = STATUTS
#: Statuses counted in the synthèse (contexte rows are shown, never counted).
COUNTED = STATUTS[:-1]
#: Statuses listed first in the synthèse: what is late.
LATE = (RETARD, RECUL, NON_ATTEINT)
_LEVELS = {"non_realise": 0, "en_cours": 1, "realise": 2}
_LEVEL_NAMES = {0: "non réalisé", 1: "en cours", 2: "réalisé"}


@cache
def rules() -> dict[str, Any]:
    """The content of ``snppe_report/data/status_rules.yaml`` (read once)."""
    path = resources.files("snppe_report").joinpath("data/status_rules.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


@dataclass(frozen=True)
class Observation:
    """One value or target of an indicator, with its cell.

    ``origine`` says where a value not read from its own cell comes from ("calculé":
    numerator / denominator; or the row it was typed on).
    """

    annee: int
    valeur: float | None
    unite: str = "nombre"
    brut: str = ""
    statut: str = "ok"
    source: str = ""
    origine: str = ""

    def shown(self) -> str:
        """French rendering: the formatted number, or the text between « ».

        A "sans objet" counted as 0 (:mod:`snppe_report.analysis.series`) says so:
        "0 (sans objet)", never a bare 0 the workbook does not hold.
        """
        if self.valeur is None:
            return f"« {' '.join(self.brut.split())} »"
        if self.unite == "pourcentage":
            text = format_percent(self.valeur, None)
        else:
            text = format_value(self.valeur, self.unite, None)
        return f"{text} (sans objet)" if self.statut == "SO" else text


@dataclass(frozen=True)
class Status:
    """The statut, its French reason, the paces compared and the attainment rate.

    Paces are signed, in the indicator's unit per year (percentages as fractions).
    """

    statut: str
    raison: str
    rythme_observe: float | None = None
    rythme_requis: float | None = None
    taux_atteinte: float | None = None


def attainment_rate(
    start: float | None, latest: float | None, target: float | None, direction: str
) -> float | None:
    """Share of the way from the start to the target: ``(latest - start) / (target - start)``.

    1.0 when the start already met the target and the latest still does; None when a
    value is missing or the start already met the target and the latest does not.
    """
    if start is None or latest is None or target is None:
        return None
    gap = target - start
    if gap == 0 or (gap < 0) == (direction != "baisse"):
        return 1.0 if _reached(latest, target, direction) else None
    return (latest - start) / gap


def compute_status(
    start: Observation | None,
    latest: Observation | None,
    target: Observation | None,
    direction: str = "hausse",
    implied_units: frozenset[str] = frozenset(),
) -> Status:
    """Statut of one indicator from its starting point, latest value and target.

    Parameters
    ----------
    start : Observation or None
        The starting point (diagnostic); a pace needs it before the latest value.
    latest : Observation or None
        The latest value (year <= campaign year).
    target : Observation or None
        The target retained for the campaign year.
    direction : str
        "hausse" or "baisse".
    implied_units : frozenset of str
        Unit words a bare number of this indicator stands for
        (:func:`snppe_report.analysis.units.implied_units`).

    Returns
    -------
    Status
        See the module docstring.
    """
    if target is None:
        return Status(NON_EVALUABLE, "Non évaluable : aucune cible de la collectivité.")
    if latest is None:
        return Status(NON_EVALUABLE, "Non évaluable : aucune valeur renseignée.")
    if latest.valeur is None or target.valeur is None:
        return _text_status(start, latest, target)
    ignored = rules()["statuts"]["mots_non_unite"]
    units = unit_mismatch(
        (latest.unite, latest.brut), (target.unite, target.brut), implied_units, ignored
    )
    if units is not None:
        return Status(NON_EVALUABLE, (
            f"Non évaluable : unités différentes, valeur {latest.annee} {_quoted(latest)} "
            f"({units[0]}) et cible {target.annee} {_quoted(target)} ({units[1]})."
        ))  # fmt: skip
    return _numeric_status(start, latest, target, direction)


def _numeric_status(
    start: Observation | None, latest: Observation, target: Observation, direction: str
) -> Status:
    sign = 1 if direction != "baisse" else -1
    usable = start is not None and start.valeur is not None and start.annee < latest.annee
    rate = attainment_rate(start.valeur if usable else None, latest.valeur, target.valeur,
                           direction)  # fmt: skip
    where = f"{latest.shown()} en {latest.annee}"
    goal = f"cible {target.annee} : {target.shown()}"
    observed = None
    if usable:
        observed = (latest.valeur - start.valeur) / (latest.annee - start.annee)
    exact = _exact_values_note(*((start,) if usable else ()), latest, target)
    if _reached(latest.valeur, target.valeur, direction):
        cmp = "≤" if direction == "baisse" else "≥"
        return Status(ATTEINT, f"Atteint : {where} {cmp} {goal}.{exact}", observed, None,
                      1.0 if rate is None else rate)  # fmt: skip
    if latest.annee >= target.annee:
        return Status(NON_ATTEINT, (
            f"Non atteint : {where}, {goal}, année de la cible passée.{exact}"
        ), observed, None, rate)  # fmt: skip
    required = (target.valeur - latest.valeur) / (target.annee - latest.annee)
    if not usable:
        return Status(NON_EVALUABLE, (
            f"Non évaluable : une seule valeur ({where}), pas de rythme observé à comparer "
            f"au rythme requis de {_pace(required, latest.unite)} ({goal}).{exact}"
        ), None, required, rate)  # fmt: skip
    conf = rules()["statuts"]
    moved = f"de {start.shown()} en {start.annee} à {where}"
    paces = (
        f"rythme observé {_pace(observed, latest.unite)} ({moved}), rythme requis "
        f"{_pace(required, latest.unite)} ({goal})"
    )
    delta = (latest.valeur - start.valeur) * sign
    if delta < -_band(start.valeur, latest.unite):
        return Status(RECUL, (
            f"En recul : {moved}, la valeur s'éloigne de la {goal}.{exact}"
        ), observed, required, rate)  # fmt: skip
    ratio = (observed * sign) / (required * sign)
    share = f"{format_percent(max(ratio, 0.0), 0)} du rythme requis"
    threshold = format_percent(conf["seuil_bonne_voie"], 0)
    if ratio >= conf["seuil_bonne_voie"]:
        return Status(BONNE_VOIE, (
            f"En bonne voie : {paces}, soit {share} (seuil {threshold}).{exact}"
        ), observed, required, rate)  # fmt: skip
    return Status(RETARD, (
        f"En retard : {paces}, soit {share} (seuil {threshold}).{exact}"
    ), observed, required, rate)  # fmt: skip


def _pace(pace: float, unite: str) -> str:
    return f"{format_signed(pace, unite, 1)} par an"


def _quoted(obs: Observation) -> str:
    return f"« {' '.join(obs.brut.split())} »" if obs.brut else obs.shown()


def _exact_values_note(*observations: Observation) -> str:
    """Say so when the figures quoted are more precise than the workbook displays them."""
    rounded = [
        f"{obs.shown()} affiché {' '.join(obs.brut.split())}"
        for obs in observations
        if obs.valeur is not None and not obs.origine and _displayed_rounded(obs)
    ]
    if not rounded:
        return ""
    return f" Calcul sur les valeurs exactes des cellules ({' ; '.join(rounded)})."


def _displayed_rounded(obs: Observation) -> bool:
    if not obs.brut:
        return False
    unit = "%" if obs.unite == "pourcentage" else obs.unite
    shown = apply_unit(parse_value(obs.brut), unit).valeur
    return shown is not None and not math.isclose(shown, obs.valeur, rel_tol=1e-9)


def _text_status(start: Observation | None, latest: Observation, target: Observation) -> Status:
    goal_text = target.brut if target.valeur is None else target.shown()
    goal = _target_level(normalize(goal_text))
    passed = latest.annee >= target.annee
    pair = f"valeur {latest.annee} {latest.shown()}, cible {target.annee} {target.shown()}"
    if latest.valeur is not None:
        if latest.valeur == 0 and goal is not None:  # nothing done where something is due
            statut = NON_ATTEINT if passed else RETARD
            return Status(statut, f"{_cap(statut)} : rien de réalisé ({pair}).")
        return Status(NON_EVALUABLE, (
            f"Non évaluable : la cible est un texte et la valeur un nombre ({pair})."
        ))  # fmt: skip
    if normalize(latest.brut) == normalize(goal_text):
        same = f"Atteint : valeur identique à la cible ({pair})."
        return Status(ATTEINT, same, taux_atteinte=1.0)
    level = qualitative_level(latest.brut)
    if level is None or goal is None:
        return Status(NON_EVALUABLE, f"Non évaluable : textes non comparables ({pair}).")
    described = f"{pair} ; niveau {_LEVEL_NAMES[level]}"
    if level >= goal:
        return Status(ATTEINT, f"Atteint : {described}.", taux_atteinte=1.0)
    if passed:
        return Status(NON_ATTEINT, f"Non atteint : {described}, année de la cible passée.")
    if level == _LEVELS["en_cours"]:
        return Status(BONNE_VOIE, f"En bonne voie : {described}, avant l'échéance.")
    return Status(RETARD, f"En retard : {described}, avant l'échéance.")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reached(latest: float, target: float, direction: str) -> bool:
    return latest <= target if direction == "baisse" else latest >= target


def _band(start: float, unite: str) -> float:
    conf = rules()["statuts"]
    if unite == "pourcentage":
        return conf["bande_stabilite_points"]
    return conf["bande_stabilite_relative"] * abs(start)


def stability_band(start: float, unite: str) -> float:
    """Largest change still counted as stable, in the value's unit."""
    return _band(start, unite)


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


def qualitative_level(text: str) -> int | None:
    """0 non réalisé, 1 en cours, 2 réalisé, or None (unknown, or not a level).

    Texts are compared without accents, case or HTML and classified by the word lists
    of ``status_rules.yaml`` (``qualitatif``), in the order inconnu, non réalisé, en
    cours, réalisé.
    """
    return _LEVELS.get(_classify(normalize(text)) or "")


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
        "seuil_bonne_voie": format_percent(conf["seuil_bonne_voie"], None),
        "horizon_national": conf["horizon_national"],
        "mots_contexte": ", ".join(f"« {word} »" for word in conf["mots_contexte"]),
        "tolerance_ratio_points": f"{format_number(checks['tolerance_ratio_points'])} point",
    }
    return [" ".join(sentence.format(**values).split()) for sentence in rules()["annexe"]]
