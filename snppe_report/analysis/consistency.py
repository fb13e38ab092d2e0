"""Pure: consistency findings (units, reference years, ratios, declared attainment).

Codes ``ratio_incoherent``, ``denominateur_nul``, ``numerateur_superieur_denominateur``,
``pourcentage_dans_un_nombre``, ``cible_sur_mauvaise_ligne``, ``pourcentage_hors_bornes``,
``valeur_non_numerique``, ``part_sans_pourcentage``, ``annee_de_reference`` and
``atteinte_divergente``: see :mod:`snppe_report.analysis.checks`.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from snppe_report.analysis.ratios import recompute_ratios
from snppe_report.analysis.series import _lookup
from snppe_report.analysis.status import ATTEINT, CONTEXTE, NON_EVALUABLE, qualitative_level, rules
from snppe_report.formatting import NATURES, format_number, format_percent
from snppe_report.frames import records as frame_records
from snppe_report.read.catalogue import Catalogue
from snppe_report.read.findings import Finding
from snppe_report.text import normalize

__all__ = [
    "attainment_findings",
    "expected_unit",
    "ratio_findings",
    "reference_years",
    "unit_findings",
]

_REFERENCE_YEAR = re.compile(r"ann[ée]e de r[ée]f[ée]rence\s+((?:19|20)\d{2})", re.I)
Row = dict[str, Any]


def expected_unit(row: dict[str, Any], cat: Catalogue) -> str | None:
    """What a row should hold: "nombre", "pourcentage" or None (anything)."""
    ind = _lookup(cat, row["indicateur_id"])
    if ind is not None:
        return ind.unit if ind.unit in ("nombre", "pourcentage") else None
    word = re.match(r"[a-z]*", normalize(row["indicateur"])).group()
    conf = rules()["controles"]
    return "nombre" if word in conf["libelles_nombre"] else (
        "pourcentage" if word in conf["libelles_part"] else None
    )  # fmt: skip


def unit_findings(records: list[Row], cat: Catalogue) -> list[Finding]:
    out = []
    for row in (r for r in records if r["nature"] in ("valeur", "cible")):
        expected = expected_unit(row, cat)
        label, where = row["indicateur"], f"{NATURES[row['nature']]} {row['annee']}"
        shown = _quote(row["brut"])
        if expected == "nombre" and row["unite"] == "pourcentage":
            if row["nature"] == "cible":
                rate = _rate_row(records, row, cat)
                hint = f" : elle concerne sans doute « {rate} »" if rate else ""
                out.append(Finding("cible_sur_mauvaise_ligne", "erreur", (
                    f"{where} {shown} : un pourcentage sur une ligne de nombre{hint}."
                ), row["source"], label))  # fmt: skip
            else:
                out.append(Finding("pourcentage_dans_un_nombre", "erreur", (
                    f"{where} {shown} : un pourcentage sur une ligne de nombre."
                ), row["source"], label))  # fmt: skip
        elif expected == "pourcentage" and row["unite"] == "pourcentage":
            if not 0 <= row["valeur"] <= 1:
                out.append(Finding("pourcentage_hors_bornes", "erreur", (
                    f"{where} {shown} : une part doit être comprise entre 0 et 100 %."
                ), row["source"], label))  # fmt: skip
        elif expected is not None and row["statut"] == "texte":
            out.append(Finding("valeur_non_numerique", "info", (
                f"{where} {shown} : un texte là où un {expected} est attendu."
            ), row["source"], label))  # fmt: skip
    return out + _bare_shares(records, cat)


_PER_THOUSAND = re.compile(r"pour (?:1 ?000|mille|10 ?000|100 ?000)|‰")


def _bare_shares(records: list[Row], cat: Catalogue) -> list[Finding]:
    """Shares or rates typed as bare numbers (41 without %): one finding per indicator."""
    bare: dict[str, list[Row]] = {}
    for row in records:
        if (
            row["nature"] in ("valeur", "cible")
            and row["unite"] == "nombre"
            and row["statut"] == "ok"
            and expected_unit(row, cat) == "pourcentage"
            and not _PER_THOUSAND.search(normalize(row["indicateur"]))
        ):
            bare.setdefault(row["indicateur"], []).append(row)
    out = []
    for label, rows in bare.items():
        cells = ", ".join(
            f"{NATURES[r['nature']].lower()} {r['annee']} {_quote(r['brut'])}" for r in rows
        )
        s_ = "s" if len(rows) > 1 else ""
        out.append(Finding("part_sans_pourcentage", "avertissement", (
            f"{cells[0].upper()}{cells[1:]} : nombre{s_} sans % sur une ligne de part ou de "
            f"taux, lu{s_} comme nombre{s_} et non comme pourcentage{s_}. S'il s'agit de "
            "pourcentages, donnez aux cellules le format % ou ajoutez une colonne « Unité »."
        ), rows[0]["source"], label))  # fmt: skip
    return out


def _rate_row(records: list[Row], row: Row, cat: Catalogue) -> str:
    """Label of a share row of the same objective, if any."""
    for other in records:
        same = other["objectif"] == row["objectif"] and other["indicateur"] != row["indicateur"]
        if same and expected_unit(other, cat) == "pourcentage":
            return other["indicateur"]
    return ""


def reference_years(records: list[Row]) -> list[Finding]:
    out = []
    for row in records:
        found = _REFERENCE_YEAR.search(row["note"] if isinstance(row["note"], str) else "")
        year = int(found.group(1)) if found else row["annee"]
        if year != row["annee"]:
            out.append(Finding("annee_de_reference", "info", (
                f"{NATURES.get(row['nature'], 'Valeur')} {row['annee']} {_quote(row['brut'])} : "
                f"chiffre de l'année {year}, pas de {row['annee']}."
            ), row["source"], row["indicateur"]))  # fmt: skip
    return out


def ratio_findings(rows: pd.DataFrame, cat: Catalogue) -> list[Finding]:
    tolerance = rules()["controles"]["tolerance_ratio_points"]
    out = []
    for rec in frame_records(recompute_ratios(rows, cat)):
        cells = rec["sources"].split(", ")
        declared = rec["ratio_declare"] is not None and not pd.isna(rec["ratio_declare"])
        ratio_cell, num_cell = (cells[0], cells[1:2]) if declared else ("", cells[:1])
        terms = f"{format_number(rec['numerateur'])} / {format_number(rec['denominateur'])}"
        label, year = rec["indicateur"], rec["annee"]
        if rec["denominateur"] == 0:
            out.append(Finding("denominateur_nul", "avertissement", (
                f"Valeur {year} : dénominateur nul ({terms}), ratio non calculable."
            ), cells[-1], label))  # fmt: skip
            continue
        if _known(rec["numerateur"]) and _known(rec["denominateur"]):
            if rec["numerateur"] > rec["denominateur"]:
                out.append(Finding("numerateur_superieur_denominateur", "erreur", (
                    f"Valeur {year} : numérateur supérieur au dénominateur ({terms}) "
                    "pour une part."
                ), (num_cell or [""])[0], label))  # fmt: skip
        if rec["coherent"] is False:
            out.append(Finding("ratio_incoherent", "avertissement", (
                f"Valeur {year} : taux déclaré {format_percent(rec['ratio_declare'], None)}, "
                f"mais {terms} = {format_percent(rec['ratio_calcule'], 2)} "
                f"(écart {_points(rec['ecart_points'])}, au-delà de "
                f"l'arrondi du taux déclaré et de la tolérance de "
                f"{_points(tolerance)})."
            ), ratio_cell, label))  # fmt: skip
    return out


def _quote(text: Any) -> str:
    return f"« {' '.join(str(text).split())} »"


def _points(value: float) -> str:
    text = format_number(abs(value), None)
    return f"{text} {'point' if abs(value) < 2 else 'points'}"


def _known(value: Any) -> bool:
    return value is not None and not pd.isna(value)


def attainment_findings(details: pd.DataFrame) -> list[Finding]:
    """The workbook's own "niveau d'atteinte" against the computed statut.

    A declared level is "met" when it is a percentage of at least 100 % or a text of
    the "réalisé" level (« Atteint », « oui »…), "not met" for a lower percentage or a
    lower level (« Non atteint », « En cours »…); other texts are not compared, nor
    are indicators ``non évaluable`` or ``contexte``.
    """
    out = []
    for rec in frame_records(details):
        declared = declared_met(rec["atteinte_brut"])
        if declared is None or rec["statut"] in (NON_EVALUABLE, CONTEXTE):
            continue
        if declared != (rec["statut"] == ATTEINT):
            out.append(Finding("atteinte_divergente", "avertissement", (
                f"Niveau d'atteinte déclaré {_quote(rec['atteinte_brut'])}, statut calculé "
                f"« {rec['statut']} » : {rec['raison'].split(' : ', 1)[-1]}"
            ), rec["atteinte_source"], rec["indicateur"]))  # fmt: skip
    return out


def declared_met(text: Any) -> bool | None:
    """Whether a declared attainment level says the target is met (None: unknown)."""
    if not isinstance(text, str) or not text.strip():
        return None
    from snppe_report.read.values import parse_value

    parsed = parse_value(text)
    if parsed.unite == "pourcentage" and parsed.valeur is not None:
        return parsed.valeur >= 1 - 1e-9
    level = qualitative_level(text)
    return None if level is None else level == 2
