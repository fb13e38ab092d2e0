"""Pure: completeness and consistency findings on the tidy table (``snppe check``).

A :class:`Finding` has a stable snake_case code, a severity (``erreur``: the figure is
certainly wrong; ``avertissement``: missing or doubtful; ``info``: worth knowing), a
French message and, when there is one, the cell (``source``, e.g. ``"TDB 2023!E12"``).
Tolerances come from ``data/status_rules.yaml`` (``controles``); which harmonised
indicators are expected comes from the catalogue.

Codes
-----
indicateur_harmonise_absent (avertissement)
    An objective of the catalogue is in the workbook (one of its indicators is) but one
    of its core indicators has no value cell. Core: the objective's ratios with their
    numerator and denominator; for an objective without ratio, all its indicators.
    When a local label of the workbook resembles the missing one (difflib ratio ≥
    ``controles.similarite_suggestion``), the message names it and its row: advice
    only, the matching stays exact.
valeur_2019_absente (avertissement; info when the cell says ND / NC)
    No 2019 (diagnostic) value. "SO" (sans objet) is an answer and is not reported.
cible_absente (avertissement)
    No target for the campaign year N nor N+1, unless marked SO / N/A or the
    indicator is "sans objet" every year. Not asked of the catalogue's context figures
    ("neutre") nor of the other harmonised indicators of an objective that has a ratio
    (its terms, breakdowns, other sources): their target is the ratio's.
ratio_incoherent (avertissement)
    A reported harmonised ratio differs from numerator / denominator by more than the
    rounding of its last significant decimal plus ``tolerance_ratio_points``.
denominateur_nul (avertissement)
    A ratio's denominator is 0.
numerateur_superieur_denominateur (erreur)
    A share whose numerator exceeds its denominator.
pourcentage_dans_un_nombre (erreur)
    A percentage as the value of a count row ("Nombre d'enfants … : 44,52 %").
cible_sur_mauvaise_ligne (erreur)
    A percentage target on a count row: it belongs to the objective's rate row.
pourcentage_hors_bornes (erreur)
    A share below 0 % or above 100 %.
valeur_non_numerique (info)
    A text where a number is expected (a count or a share).
part_sans_pourcentage (avertissement)
    A share or rate row holding bare numbers (41, or 0,35, without % format nor unit
    column): read as numbers, they are not compared with a target in %. One finding
    per indicator; rates "pour 1 000" are not shares and are left alone.
annee_de_reference (info)
    A value whose reference year differs from its column's ("2 550 (2018)" in 2019).
revision (avertissement)
    Raised by :func:`snppe_report.analysis.history.merge_extractions`: two workbooks give
    different values for the same indicator, year and nature.

Rows are "counts" or "shares" by the catalogue's unit for harmonised indicators, else
by the first word of the label (``libelles_nombre`` / ``libelles_part``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, fields
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report.analysis.indicators import _lookup, indicator_groups, recompute_ratios
from snppe_report.analysis.status import rules
from snppe_report.formatting import NATURES, format_number, format_percent
from snppe_report.read.catalogue import LOCAL_PREFIX, Catalogue, load_catalogue
from snppe_report.read.findings import SEVERITES, Finding
from snppe_report.text import normalize

__all__ = [
    "SEVERITES", "Finding", "check_extraction", "check_rows", "findings_frame", "format_findings",
]  # fmt: skip

_REFERENCE_YEAR = re.compile(r"ann[ée]e de r[ée]f[ée]rence\s+((?:19|20)\d{2})", re.I)
Row = dict[str, Any]


def check_rows(rows: pd.DataFrame, annee: int, catalogue: Catalogue | None = None) -> list[Finding]:
    """Completeness and consistency findings of a tidy table.

    Parameters
    ----------
    rows : DataFrame
        The tidy table (``table.COLUMNS``; ``ligne`` and ``ordre`` used when present).
    annee : int
        Campaign year N: targets are expected for N or N+1.
    catalogue : Catalogue, optional
        Harmonised indicators; default ``catalogue.load_catalogue()``.

    Returns
    -------
    list of Finding
        In this order: unit slips, reference years, missing harmonised indicators,
        missing 2019 values, missing targets, ratio checks.
    """
    cat = catalogue or load_catalogue()
    groups = indicator_groups(rows)
    records = [row for group in groups for row in group]
    return [
        *_unit_findings(records, cat),
        *_reference_years(records),
        *_missing_harmonised(records, cat),
        *_missing_2019(groups),
        *_missing_targets(groups, annee, cat),
        *_ratio_findings(rows, cat),
    ]


def check_extraction(extraction: Any, annee: int | None = None) -> list[Finding]:
    """Findings of a read workbook: those raised while reading, then :func:`check_rows`.

    Parameters
    ----------
    extraction : table.Extraction
        Needs ``rows``, ``annee`` and ``findings``.
    annee : int, optional
        Campaign year; default the workbook's.

    Returns
    -------
    list of Finding
    """
    year = int(extraction.annee if annee is None else annee)
    return [*extraction.findings, *check_rows(extraction.rows, year)]


def format_findings(extraction: Any, findings: Iterable[Finding]) -> str:
    """French text of the findings of one workbook, for ``snppe check``.

    Parameters
    ----------
    extraction : table.Extraction
        Gives the file name, the collectivité and the campaign year of the heading.
    findings : iterable of Finding

    Returns
    -------
    str
        A heading with the count by severity, then one line per finding, errors first:
        ``  [erreur] Feuille!D11 · indicator : message (code)``.
    """
    frame = findings_frame(findings)
    place = getattr(extraction, "collectivite", None)
    who = f" — {place.nom} ({place.code})" if place is not None else ""
    counts = [(frame["severity"] == s).sum() for s in SEVERITES]
    words = ("erreur", "avertissement", "information")
    summary = ", ".join(
        f"{n} {w}{'s' if n > 1 else ''}" for n, w in zip(counts, words, strict=True)
    )
    heading = f"{Path(str(extraction.path)).name}{who}, campagne {extraction.annee} : "
    lines = [heading + (summary if len(frame) else "aucun constat")]
    for f in frame.itertuples(index=False):
        where = " · ".join(part for part in (f.source, f.indicateur) if part)
        lines.append(f"  [{f.severity}] {where + ' : ' if where else ''}{f.message} ({f.code})")
    return "\n".join(lines)


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a table, errors first.

    Parameters
    ----------
    findings : iterable of Finding

    Returns
    -------
    DataFrame
        Columns ``code, severity, message, source, indicateur``, sorted by severity
        (erreur, avertissement, info), keeping the given order within a severity.
    """
    columns = [f.name for f in fields(Finding)]
    frame = pd.DataFrame([asdict(f) for f in findings], columns=columns)
    rank = frame["severity"].map({s: i for i, s in enumerate(SEVERITES)}).fillna(len(SEVERITES))
    return frame.iloc[rank.argsort(kind="stable")].reset_index(drop=True)


def _expected(row: dict[str, Any], cat: Catalogue) -> str | None:
    """What a row should hold: "nombre", "pourcentage" or None (anything)."""
    ind = _lookup(cat, row["indicateur_id"])
    if ind is not None:
        return ind.unit if ind.unit in ("nombre", "pourcentage") else None
    word = re.match(r"[a-z]*", normalize(row["indicateur"])).group()
    conf = rules()["controles"]
    return "nombre" if word in conf["libelles_nombre"] else (
        "pourcentage" if word in conf["libelles_part"] else None
    )  # fmt: skip


def _unit_findings(records: list[Row], cat: Catalogue) -> list[Finding]:
    out = []
    for row in (r for r in records if r["nature"] in ("valeur", "cible")):
        expected = _expected(row, cat)
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
            and _expected(row, cat) == "pourcentage"
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
        if same and _expected(other, cat) == "pourcentage":
            return other["indicateur"]
    return ""


def _reference_years(records: list[Row]) -> list[Finding]:
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


def _missing_harmonised(records: list[Row], cat: Catalogue) -> list[Finding]:
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
    targets = [normalize(label) for label in (ind.label, *ind.variants)]
    best, best_row = threshold, None
    seen = set()
    for row in records:
        label = row["indicateur"]
        if not str(row["indicateur_id"]).startswith(LOCAL_PREFIX) or label in seen:
            continue
        seen.add(label)
        key = normalize(label)
        score = max(SequenceMatcher(None, key, target).ratio() for target in targets)
        if score >= best:
            best, best_row = score, row
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


def _missing_2019(groups: list[list[Row]]) -> list[Finding]:
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


def _missing_targets(groups: list[list[Row]], annee: int, cat: Catalogue) -> list[Finding]:
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


def _ratio_findings(rows: pd.DataFrame, cat: Catalogue) -> list[Finding]:
    tolerance = rules()["controles"]["tolerance_ratio_points"]
    out = []
    for rec in recompute_ratios(rows, cat).to_dict("records"):
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
