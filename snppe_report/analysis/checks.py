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
atteinte_divergente (avertissement)
    The workbook's own "niveau d'atteinte" says the target is met and the computed
    statut is not ``atteint``, or the reverse (texts by level, "100 %" met).
revision (avertissement)
    Raised by :func:`snppe_report.analysis.history.merge_extractions`: two workbooks give
    different values for the same indicator, year and nature.

The checks live in :mod:`snppe_report.analysis.completeness` and
:mod:`snppe_report.analysis.consistency`; this module runs them and formats them.

Rows are "counts" or "shares" by the catalogue's unit for harmonised indicators, else
by the first word of the label (``libelles_nombre`` / ``libelles_part``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report.analysis.completeness import missing_2019, missing_harmonised, missing_targets
from snppe_report.analysis.consistency import (
    attainment_findings,
    ratio_findings,
    reference_years,
    unit_findings,
)  # fmt: skip
from snppe_report.analysis.ratios import indicator_groups
from snppe_report.read.catalogue import Catalogue, load_catalogue
from snppe_report.read.findings import SEVERITES, Finding

__all__ = [
    "SEVERITES", "Finding", "check_extraction", "check_rows", "findings_frame", "format_findings",
]  # fmt: skip


def check_rows(
    rows: pd.DataFrame,
    annee: int,
    catalogue: Catalogue | None = None,
    details: pd.DataFrame | None = None,
) -> list[Finding]:
    """Completeness and consistency findings of a tidy table.

    Parameters
    ----------
    rows : DataFrame
        The tidy table (``table.COLUMNS``; ``ligne`` and ``ordre`` used when present).
    annee : int
        Campaign year N: targets are expected for N or N+1.
    catalogue : Catalogue, optional
        Harmonised indicators; default ``catalogue.load_catalogue()``.
    details : DataFrame, optional
        :func:`snppe_report.analysis.series.indicator_details` of these rows for N,
        when already computed (the declared attainment is compared with its statuses).

    Returns
    -------
    list of Finding
        In this order: unit slips, reference years, missing harmonised indicators,
        missing 2019 values, missing targets, ratio checks, declared attainment.
    """
    from snppe_report.analysis.series import indicator_details

    cat = catalogue or load_catalogue()
    groups = indicator_groups(rows)
    records = [row for group in groups for row in group]
    if details is None:
        details = indicator_details(rows, annee, cat)
    return [
        *unit_findings(records, cat),
        *reference_years(records),
        *missing_harmonised(records, cat),
        *missing_2019(groups),
        *missing_targets(groups, annee, cat),
        *ratio_findings(rows, cat),
        *attainment_findings(details),
    ]


def check_extraction(
    extraction: Any, annee: int | None = None, details: pd.DataFrame | None = None
) -> list[Finding]:
    """Findings of a read workbook: those raised while reading, then :func:`check_rows`.

    Parameters
    ----------
    extraction : table.Extraction
        Needs ``rows``, ``annee`` and ``findings``.
    annee : int, optional
        Campaign year; default the workbook's.
    details : DataFrame, optional
        As for :func:`check_rows`.

    Returns
    -------
    list of Finding
    """
    year = int(extraction.annee if annee is None else annee)
    return [*extraction.findings, *check_rows(extraction.rows, year, details=details)]


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
