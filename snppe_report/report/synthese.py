"""Private: the synthèse's view models (tiles, late items) and the judgement labels.

A tile shows one harmonised indicator and its three judgements (statut, tendance,
position nationale); a :class:`Retard` is one late indicator in one line with its
figures. :func:`judged_label` and :func:`trend_text` are shared with the engagement
tables (:mod:`snppe_report.report.views`, which re-exports this module's names).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import pandas as pd

from snppe_report.formatting import format_percent, format_signed
from snppe_report.frames import records as frame_records
from snppe_report.report.cells import (
    CODES,
    QUANTITATIVE,
    VIDE,
    Cellule,
    clean_text,
    number,
    show_value,
    shown_decimals,
    year_text,
)

__all__ = ["Retard", "Tuile", "judged_label", "late_list", "objective_title", "tiles",
           "trend_text"]  # fmt: skip


@dataclass(frozen=True)
class Tuile:
    """A synthèse tile: one harmonised indicator and its three judgements."""

    indicateur: str
    dernier: Cellule
    dernier_annee: str
    diagnostic: Cellule
    cible: Cellule
    cible_annee: str
    cible_nationale: str
    statut: str
    avancement: str
    jauge: int | None
    explication: str
    #: Year of the starting point shown (``"2019"``).
    diagnostic_annee: str = ""
    #: ``"Atteint — valeur 2019"`` when the statut rests on an older value.
    statut_libelle: str = ""
    tendance_fleche: str = ""
    tendance_texte: str = ""
    #: "au niveau" | "en dessous" | "" and its sentence (gap, horizon).
    position_nationale: str = ""
    position_texte: str = ""
    #: The workbook's own "niveau d'atteinte" (empty cell when none).
    atteinte: Cellule = VIDE
    #: Findings on the tile's figures, one line each (the figures carry the mark).
    constats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retard:
    """One late indicator of the synthèse (en retard, en recul, non atteint), in one line."""

    indicateur: str
    statut: str
    statut_libelle: str
    chiffres: str
    objectif: str = ""


# -- synthèse ---------------------------------------------------------------------------


def tiles(
    table: pd.DataFrame, annee: int, lines: dict[str, str] | None = None
) -> tuple[Tuile, ...]:
    """One tile per harmonised indicator that has a national target.

    ``lines``: cell -> its findings in one line (:func:`report.cells.finding_lines`).
    """
    lines = lines or {}
    out = []
    seen: set[str] = set()
    for rec in frame_records(table):
        if not rec["harmonise"] or not rec["cible_nationale"] or rec["indicateur_id"] in seen:
            continue
        seen.add(rec["indicateur_id"])
        unite = rec["unite"]
        rate = number(rec["taux_atteinte"])
        cell = _cells(rec, unite, lines)
        out.append(Tuile(
            indicateur=clean_text(rec["indicateur"]),
            dernier=cell("dernier_valeur", "dernier_brut", "dernier_source"),
            dernier_annee=year_text(rec["dernier_annee"]),
            diagnostic=cell("diagnostic", "diagnostic_brut", "diagnostic_source"),
            diagnostic_annee=year_text(rec["depart_annee"]),
            cible=cell("cible", "cible_brut", "cible_source"),
            cible_annee=year_text(rec["cible_annee"]),
            cible_nationale=clean_text(rec["cible_nationale"]),
            statut=rec["statut"],
            statut_libelle=judged_label(rec),
            avancement=format_percent(rate, 0) if rate is not None else "",
            jauge=None if rate is None else int(round(max(0.0, min(rate, 1.0)) * 100)),
            explication=clean_text(rec["raison"]),
            tendance_fleche=_arrow(rec["tendance"]),
            tendance_texte=trend_text(rec),
            position_nationale=rec["position_nationale"] or "",
            position_texte=clean_text(rec["position_texte"]),
            atteinte=_declared(rec),
            constats=_finding_lines(rec, lines),
        ))  # fmt: skip
    return tuple(out)


def judged_label(rec: dict) -> str:
    """``"En retard"``, or ``"Atteint — valeur 2019"`` when it rests on an older value."""
    label = rec["statut"][:1].upper() + rec["statut"][1:]
    old = year_text(rec.get("valeur_ancienne"))
    return f"{label} — valeur {old}" if old and rec["statut"] != "contexte" else label


def trend_text(rec: dict) -> str:
    """``"en hausse (favorable)"``, ``"stable"``, ``""``."""
    tendance = rec["tendance"] or ""
    if not tendance:
        return ""
    if tendance == "stable":
        return "stable"
    favorable = rec.get("tendance_favorable")
    if favorable is None or favorable != favorable:
        return f"en {tendance}"
    return f"en {tendance} ({'favorable' if favorable else 'défavorable'})"


def _arrow(tendance: str) -> str:
    return {"hausse": "↗", "stable": "→", "baisse": "↘"}.get(tendance or "", "")


def _declared(rec: dict) -> Cellule:
    brut = clean_text(rec["atteinte_brut"])
    return Cellule(texte=brut, source=rec["atteinte_source"] or "") if brut else VIDE


def _finding_lines(rec: dict, lines: dict[str, str]) -> tuple[str, ...]:
    cells = [s for s in str(rec.get("sources") or "").split(", ") if s]
    return tuple(dict.fromkeys(lines[c] for c in cells if c in lines))


def _cells(rec: dict, unite: str, lines: dict[str, str]):
    def make(value_key: str, brut_key: str, source_key: str) -> Cellule:
        cell = _summary_cell(rec, value_key, brut_key, source_key, unite)
        repris = (rec.get("repris") or {}).values()
        origin = next((o.origine for o in repris if o.source == cell.source and cell.source), "")
        if origin:
            cell = dataclasses.replace(cell, note=origin)
        first = cell.source.split(", ")[0]
        return dataclasses.replace(cell, marque=lines[first]) if first in lines else cell

    return make


def late_list(table: pd.DataFrame) -> tuple[Retard, ...]:
    """The synthèse's list of late indicators, each in one line with its figures.

    ``table``: :func:`snppe_report.analysis.indicators.late_items` of the indicator table.
    """
    out = []
    for rec in frame_records(table):
        unite = rec["unite"]
        parts = []
        start, last = _figure(rec, "diagnostic", unite), _figure(rec, "dernier_valeur", unite)
        y0, y1 = year_text(rec["depart_annee"]), year_text(rec["dernier_annee"])
        if start and y0 and y0 != y1:
            parts.append(f"{start} en {y0} → {last} en {y1}")
        elif last:
            parts.append(f"{last} en {y1}")
        goal = _figure(rec, "cible", unite)
        if goal:
            parts.append(f"cible {goal} en {year_text(rec['cible_annee'])}")
        observed, required = number(rec["rythme_observe"]), number(rec["rythme_requis"])
        if observed is not None and required is not None:
            parts.append(
                f"rythme observé {format_signed(observed, unite, 1)} par an, requis "
                f"{format_signed(required, unite, 1)} par an"
            )
        out.append(Retard(
            indicateur=clean_text(rec["indicateur"]), statut=rec["statut"],
            statut_libelle=judged_label(rec), chiffres=" ; ".join(parts),
            objectif=objective_title(pd.Series(rec)),
        ))  # fmt: skip
    return tuple(out)


def _figure(rec: dict, key: str, unite: str) -> str:
    value = number(rec[key])
    brut_key = {"diagnostic": "diagnostic_brut", "dernier_valeur": "dernier_brut",
                "cible": "cible_brut"}[key]  # fmt: skip
    brut = clean_text(rec[brut_key])
    if value is not None and unite in QUANTITATIVE:
        shown = show_value(value, unite, shown_decimals(brut))
        if brut.upper() in CODES:  # a code counted as a value: "SO" in 2019 is 0 (series)
            return f"{shown} ({CODES[brut.upper()].lower()})"
        return shown
    if brut.upper() in CODES:
        return CODES[brut.upper()].lower()  # "sans objet"
    return f"« {brut} »" if brut else ""


def _summary_cell(rec: dict, value_key: str, brut_key: str, source_key: str, unite: str) -> Cellule:
    value = number(rec[value_key])
    brut = clean_text(rec[brut_key])
    source = rec[source_key] or ""
    if value is not None and unite in QUANTITATIVE:
        text = show_value(value, unite, shown_decimals(brut))
        return Cellule(texte=text, source=source, numerique=True)
    code = brut.upper() if brut.upper() in CODES else ""
    return Cellule(texte=brut, source=source, code=code)


def objective_title(rec: pd.Series) -> str:
    text = clean_text(rec["objectif"])
    text = re.sub(r"\s*Cible nationale\b.*$", "", text, flags=re.IGNORECASE).strip()
    num = rec.get("objectif_num")
    if num is not None and not pd.isna(num) and not re.match(r"(?i)objectif\s*n", text):
        return f"Objectif n° {int(num)} — {text}" if text else f"Objectif n° {int(num)}"
    return text or "Objectif non précisé"
