"""Building the national synthesis: one campaign's collectivités side by side.

:func:`build_synthesis` reads the consolidated rows of a batch (``consolide.parquet``,
the tidy table of every collectivité plus ``fichier``) and the batch manifest, keeps
one campaign (:mod:`.campaign`) and computes what the notebook
``notebooks/synthese_nationale.ipynb`` shows:

* for each harmonised ratio of the catalogue, the cross-section value of every
  collectivité of the campaign (the declared ratio; when only its numerator and
  denominator are given, their quotient, marked as computed), its distribution and
  ranking against the national target, the progress since 2019, the statuses counted
  across collectivités, the view by region and ARS, the collectivités without a value
  or with an inconsistent one (:mod:`.measures`), and a map of France (:mod:`.maps`);
* the completeness of each collectivité's dashboard (:mod:`.tables`);
* the key messages, written from those figures (:mod:`.messages`).

:func:`render_synthesis` (:mod:`.render`) executes the notebook and publishes the HTML
and the Typst PDF.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report.read.catalogue import Indicator, load_catalogue
from snppe_report.read.regions import region_of
from snppe_report.report.model import generation_date
from snppe_report.synthesis import measures
from snppe_report.synthesis.campaign import Campaign, select_campaign, workbook_campaigns
from snppe_report.synthesis.html import (
    completeness_html,
    cover_html,
    indicators_html,
    method_html,
    overview_html,
)
from snppe_report.synthesis.inputs import indicator_statuses, load_consolidated, load_manifest
from snppe_report.synthesis.messages import completeness_alt, key_messages, map_alt, map_titles
from snppe_report.synthesis.model import IndicatorSection, MapFigure, Synthesis
from snppe_report.synthesis.render import NOTEBOOK, STEM, render_synthesis
from snppe_report.synthesis.tables import OPTIONAL_OBJECTIVES as OPTIONAL_OBJECTIVES  # re-exported
from snppe_report.synthesis.tables import (
    _by_departement,
    _collectivites,
    completeness,
    latest_ratios,
)

__all__ = [
    "NOTEBOOK",
    "STEM",
    "Synthesis",
    "IndicatorSection",
    "build_synthesis",
    "latest_ratios",
    "completeness",
    "cover_html",
    "overview_html",
    "indicators_html",
    "completeness_html",
    "method_html",
    "render_synthesis",
]

_COMPLETENESS_BREAKS = [0.5, 0.7, 0.9, 0.999]
_COMPLETENESS_LABELS = ["moins de 50 %", "de 50 % à 70 %", "de 70 % à 90 %",
                        "de 90 % à moins de 100 %", "100 % (complet)"]  # fmt: skip


def build_synthesis(
    consolide: str | os.PathLike[str] | pd.DataFrame,
    manifest: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    annee: int | None = None,
    *,
    figures: bool = True,
) -> Synthesis:
    """Compute the national synthesis of one campaign of a batch.

    Parameters
    ----------
    consolide : path-like or DataFrame
        ``consolide.parquet`` of a batch (or ``.csv``), or its rows: the tidy columns
        (``departement``, ``indicateur_id``, ``annee``, ``nature``, ``valeur``,
        ``unite``, ``statut``, ``brut``…) plus ``fichier``. A relative path is also
        looked for from the ``notebooks`` folder.
    manifest : path-like or mapping, optional
        ``manifest.json`` of the batch, or its content: the collectivités and the
        campaign of each workbook, failed workbooks, whether the data is fictive.
        Without it, the campaign of a workbook is the latest year of its values and
        fictive files are recognised by name.
    annee : int, optional
        The campaign year; default the manifest's ``annee``, else the most frequent
        campaign among the workbooks. Values after it are ignored.
    figures : bool
        Draw the maps and histograms (False: tables only, faster).

    Returns
    -------
    Synthesis

    Raises
    ------
    InputError
        When the consolidated file is missing or lacks the tidy columns.
    """
    rows = consolide if isinstance(consolide, pd.DataFrame) else load_consolidated(consolide)
    man = load_manifest(manifest) if manifest is not None else {}
    if annee is None and man.get("annee") is not None:
        annee = int(man["annee"])
    campaign = select_campaign(workbook_campaigns(rows, man), annee)
    annee = campaign.annee
    collectivites = _campaign_collectivites(_collectivites(rows, man), campaign)
    codes = list(collectivites["code"])
    series_rows = rows[rows["departement"].astype(str).isin(codes)]
    own_rows = _campaign_rows(series_rows, campaign)
    series = latest_ratios(series_rows, annee)
    cross = latest_ratios(own_rows, annee)
    ratios = load_catalogue().ratios()
    statuses = indicator_statuses(rows, codes, annee, [ind.id for ind in ratios])
    names = dict(zip(collectivites["code"], collectivites["nom"], strict=True))
    order = _status_order()
    shared = Counter(ind.objective for ind in ratios)
    sections = tuple(
        _section(ind, cross, series, statuses, names, order, figures, annee,
                 title=ind.label if shared[ind.objective] > 1 else "")
        for ind in ratios
    )  # fmt: skip
    table = completeness(own_rows, collectivites, annee, ratios=cross)
    compl_map = _completeness_map(table) if figures else None
    fictive = bool(man.get("fictif")) or any(
        "fictif" in str(f).lower() for f in rows.get("fichier", pd.Series(dtype=str)).unique()
    )
    failures = tuple(e for e in man.get("entrees", ()) if e.get("statut") == "echec")
    source = "" if isinstance(consolide, pd.DataFrame) else Path(consolide).name
    synthesis = Synthesis(annee, fictive, generation_date(), collectivites, sections, table,
                          compl_map, failures, source, campaign, order)  # fmt: skip
    return replace(synthesis, messages=key_messages(synthesis))


def _status_order() -> tuple[str, ...]:
    from snppe_report.analysis.status import STATUTS

    return tuple(STATUTS)


def _campaign_collectivites(table: pd.DataFrame, campaign: Campaign) -> pd.DataFrame:
    if campaign.annee is not None:
        table = table[table["code"].isin(campaign.codes)].copy()
        table["annee_campagne"] = campaign.annee
    found = [region_of(str(c)) for c in table["code"]]
    table = table.assign(region=[r.nom if r else "" for r in found],
                         ars=[r.ars if r else "" for r in found])  # fmt: skip
    return table.reset_index(drop=True)


def _campaign_rows(rows: pd.DataFrame, campaign: Campaign) -> pd.DataFrame:
    """The rows read from the campaign's own workbooks (all rows without that information)."""
    if campaign.annee is None or "fichier" not in rows.columns:
        return rows
    names = rows["fichier"].map(lambda f: Path(str(f)).name)
    return rows[names.isin(campaign.files)]


def _section(
    ind: Indicator,
    cross: pd.DataFrame,
    series: pd.DataFrame,
    statuses: pd.DataFrame,
    names: dict[str, str],
    order: tuple[str, ...],
    figures: bool,
    annee: int | None,
    title: str = "",
) -> IndicatorSection:
    mine = cross[cross["indicateur_id"] == ind.id]
    latest = mine.sort_values("annee", kind="stable").groupby("departement").tail(1)
    own_statuses = statuses[statuses["indicateur_id"] == ind.id]
    table = measures.ranking(
        latest, series[series["indicateur_id"] == ind.id], target=ind.national_target,
        direction=ind.direction, statuses=own_statuses, names=names,
    )  # fmt: skip
    both = mine.dropna(subset=["numerateur", "denominateur"])
    both = both.sort_values("annee", kind="stable").groupby("departement").tail(1)
    total = both["denominateur"].sum()
    aggregate = float(both["numerateur"].sum() / total) if total > 0 else None
    given = set(table["code"])
    missing = tuple((c, n) for c, n in names.items() if c not in given)
    section = IndicatorSection(
        ind, load_catalogue().objective(ind.objective).title, table, len(names), aggregate,
        missing, measures.by_region(table, names), measures.status_counts(
            own_statuses, names, order), measures.progress(table), title=title,
    )  # fmt: skip
    if not figures or not len(table):
        return section
    from snppe_report.synthesis.classes import class_breaks, class_labels, legend
    from snppe_report.synthesis.distribution import distribution_svg
    from snppe_report.synthesis.maps import france_map_svg

    breaks = class_breaks(list(table["valeur"]), ind.national_target)
    by_dep = _by_departement(dict(zip(table["code"], table["valeur"], strict=True)))
    alt = map_alt(section, annee)
    figure = MapFigure(
        france_map_svg(by_dep, breaks, titres=map_titles(table, by_dep), alt=alt),
        legend(class_labels(breaks, ind.unit, ind.national_target)),
        "Valeur de la campagne", alt,
    )  # fmt: skip
    dist = distribution_svg(list(table["valeur"]), cible_nationale=ind.national_target,
                            key=ind.id)  # fmt: skip
    return replace(section, map=figure, distribution_svg=dist)


def _completeness_map(table: pd.DataFrame) -> MapFigure:
    from snppe_report.synthesis.classes import legend
    from snppe_report.synthesis.maps import france_map_svg

    values = _by_departement(dict(zip(table["code"], table["part_renseignes"], strict=True)))
    alt = completeness_alt(table)
    svg = france_map_svg(values, _COMPLETENESS_BREAKS, alt=alt)
    return MapFigure(svg, legend(_COMPLETENESS_LABELS), "Indicateurs renseignés", alt)
