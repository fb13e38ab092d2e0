"""Pure: completeness findings (missing harmonised indicators, 2019 values, targets).

Codes ``indicateur_harmonise_absent``, ``valeur_2019_absente`` and ``cible_absente``:
see :mod:`snppe_report.analysis.checks`.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

import pandas as pd

from snppe_report.analysis.series import _lookup
from snppe_report.analysis.status import rules
from snppe_report.read.catalogue import LOCAL_PREFIX, Catalogue
from snppe_report.read.findings import Finding
from snppe_report.text import normalize

__all__ = ["missing_2019", "missing_harmonised", "missing_targets"]

Row = dict[str, Any]


def missing_harmonised(records: list[Row], cat: Catalogue) -> list[Finding]:
    present = {row["indicateur_id"] for row in records}
    valued = {row["indicateur_id"] for row in records if row["nature"] == "valeur"}
    objectives = {ind.objective for ind in (_lookup(cat, i) for i in present) if ind}
    out = []
    for objective in sorted(objectives):
        for ident in _core(cat, objective):
            if ident not in valued:
                ind = cat.get(ident)
                out.append(Finding("indicateur_harmonise_absent", "avertissement", (
                    f"Indicateur harmonisé absent ou non renseigné, alors que "
                    f"l'objectif « {cat.objective(objective).title} » figure au tableau de bord."
                    + _suggestion(ind, records)
                ), "", ind.label))  # fmt: skip
    return out


def _suggestion(ind, records: list[Row]) -> str:
    """Name the workbook's local label closest to a missing harmonised indicator.

    Advice only: matching itself stays exact (see :mod:`snppe_report.read.catalogue`).
    The similarity is difflib's ratio on normalised labels, best over the
    indicator's label and variants; below ``similarite_suggestion`` nothing is said.
    """
    threshold = rules()["controles"]["similarite_suggestion"]
    matchers = []  # one per target: difflib caches its index of the second sequence
    for label in (ind.label, *ind.variants):
        matcher = SequenceMatcher(None)
        matcher.set_seq2(normalize(label))
        matchers.append(matcher)
    best, best_row = threshold, None
    seen = set()
    for row in records:
        label = row["indicateur"]
        if not str(row["indicateur_id"]).startswith(LOCAL_PREFIX) or label in seen:
            continue
        seen.add(label)
        key = normalize(label)
        for matcher in matchers:
            matcher.set_seq1(key)
            # the cheap upper bounds first: ratio() <= quick_ratio() <= real_quick_ratio()
            if (
                matcher.real_quick_ratio() >= best
                and matcher.quick_ratio() >= best
                and matcher.ratio() >= best
            ):
                best, best_row = matcher.ratio(), row
    if best_row is None:
        return ""
    return (
        f" Libellé proche dans le classeur : « {best_row['indicateur']} »{_line([best_row])} ;"
        " s'il s'agit du même indicateur, reprenez le libellé national pour qu'il soit reconnu."
    )


def _core(cat: Catalogue, objective: str) -> list[str]:
    """Core harmonised ids of an objective: its ratios and their terms, else all."""
    mine = [ind for ind in cat if ind.objective == objective]
    ratios = [ind for ind in mine if ind.kind == "ratio"]
    if not ratios:
        return [ind.id for ind in mine]
    ids = [i for r in ratios for i in (r.numerator, r.denominator, r.id)]
    return list(dict.fromkeys(i for i in ids if i))


def _line(group: list[Row]) -> str:
    line = group[0].get("ligne")
    if line is None or pd.isna(line):
        return ""
    sheet = str(group[0]["source"]).rpartition("!")[0]
    return f" ({sheet}, ligne {int(line)})" if sheet else ""


def missing_2019(groups: list[list[Row]]) -> list[Finding]:
    year0 = rules()["statuts"]["annee_diagnostic"]
    out = []
    for group in groups:
        label = group[0]["indicateur"]
        cells = [r for r in group if r["nature"] == "valeur" and r["annee"] == year0]
        if not cells:
            out.append(Finding("valeur_2019_absente", "avertissement", (
                f"Pas de valeur {year0} (diagnostic){_line(group)}."
            ), "", label))  # fmt: skip
        elif all(r["statut"] in ("ND", "NC") for r in cells):
            out.append(Finding("valeur_2019_absente", "info", (
                f"Valeur {year0} (diagnostic) non disponible : {_quote(cells[0]['brut'])}."
            ), cells[0]["source"], label))  # fmt: skip
    return out


def missing_targets(groups: list[list[Row]], annee: int, cat: Catalogue) -> list[Finding]:
    exempt = _ratio_terms(cat)
    out = []
    for group in groups:
        label = group[0]["indicateur"]
        soon = [r for r in group if r["annee"] in (annee, annee + 1)]
        targets = [r for r in soon if r["nature"] == "cible" and r["statut"] in ("ok", "texte")]
        statuts = {r["statut"] for r in group if r["nature"] == "valeur"}
        marked = any(r["statut"] == "SO" for r in soon) or statuts == {"SO"}
        if group[0]["indicateur_id"] in exempt or targets or marked:
            continue
        out.append(Finding("cible_absente", "avertissement", (
            f"Pas de cible {annee} ni {annee + 1}{_line(group)}."
        ), "", label))  # fmt: skip
    return out


def _ratio_terms(cat: Catalogue) -> set[str]:
    """Harmonised ids whose target is their ratio's: the other indicators of an objective
    that has a ratio (terms, breakdowns, other sources), and context figures."""
    with_ratio = {r.objective for r in cat.ratios()}
    return {
        ind.id
        for ind in cat
        if ind.direction == "neutre" or (ind.kind != "ratio" and ind.objective in with_ratio)
    }


def _quote(text: Any) -> str:
    return f"« {' '.join(str(text).split())} »"
