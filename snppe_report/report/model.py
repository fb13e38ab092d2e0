"""The report's content: a frozen :class:`Report` built from an extraction, and its sections.

:func:`build_report` computes everything once (indicator table, statuses, findings,
charts, French texts); each ``*_html`` function then lays one section out with a
Jinja2 template stored in the package (``snppe_report/data/rapport-*.html.j2``),
autoescape on: every workbook text is escaped (a cell may hold ``<script>``).
The notebook shows the fragments with :class:`IPython.display.HTML`.

Sections: :func:`cover_html` (couverture), :func:`toc_html` (sommaire),
:func:`synthese_html`, :func:`engagements_html` (one section per engagement),
:func:`quality_html` (qualité des données) and :func:`annexes_html`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report import _paths
from snppe_report.report import cells, positioning, views
from snppe_report.report import jinja as _templates
from snppe_report.report.cells import Cellule
from snppe_report.report.extraction import (  # re-exported: the notebook's first call
    load_extraction,
    locate_workbook,
    merge_series,
    save_extraction,
)
from snppe_report.report.positioning import Positionnement
from snppe_report.report.views import Engagement, Graphique, Retard, Tuile

__all__ = [
    "Report",
    "Cellule",
    "Engagement",
    "Graphique",
    "Retard",
    "Tuile",
    "build_report",
    "load_extraction",
    "locate_workbook",
    "merge_series",
    "save_extraction",
    "cover_html",
    "toc_html",
    "synthese_html",
    "engagements_html",
    "quality_html",
    "positionnement_html",
    "annexes_html",
    "report_html",
    "key_values",
]

NOTEBOOKS = _paths.NOTEBOOKS  # relative workbook paths are tried from here too
KEY_VALUES_MIMETYPE = "application/vnd.snppe.valeurs-cles+json"


@dataclass(frozen=True)
class Report:
    """Everything the report shows, computed once; the templates only lay it out.

    Attributes
    ----------
    collectivite : Collectivite
        The collectivité whose figures the workbook holds.
    parent : Collectivite or None
        The collectivité exercising the powers when it is another one (CeA for 68).
    annee : int
        Campaign year.
    fichier, feuille, sha256 : str
        Source file name, dashboard sheet, SHA-256 of the file.
    origine : str
        How the collectivité was determined (French sentence).
    genere_le : date
        Generation date.
    fictive : bool
        Fictive data: banner on the page and in every page margin.
    indicateurs : DataFrame
        :func:`snppe_report.analysis.indicators.indicator_frames` (the detailed table
        behind :func:`snppe_report.analysis.indicators.indicator_table`).
    ratios : DataFrame
        :func:`snppe_report.analysis.indicators.recompute_ratios`.
    comptes : DataFrame
        :func:`snppe_report.analysis.indicators.status_counts` (contexte excluded).
    constats : tuple of Finding
        Findings of the extraction and of :func:`snppe_report.analysis.checks.check_rows`.
    tuiles, engagements : tuple
        View models of the synthèse and of the engagement sections.
    definitions : tuple of (str, str, str)
        (indicateur, définition, source) from the workbook or else the catalogue.
    definitions_origine : str
        Where the definitions come from (French).
    regles : tuple of str
        Status rules (:func:`snppe_report.analysis.status.status_rules`).
    chiffres : tuple of dict
        Every figure with its cell, for the annex.
    annees_valeurs, annees_cibles : tuple of int
        Years with values, years with targets (the table columns).
    avec_atteinte : bool
        Whether the workbook reports attainment levels.
    autres_fichiers : tuple of str
        Workbooks of other years merged into the series (oldest first).
    feuilles : tuple of str
        Every dashboard sheet read (a dashboard may span one sheet per engagement).
    retards : tuple of Retard
        The indicators en retard, en recul, non atteint (synthèse), in that order.
    nb_contexte : int
        Context rows (numerators, denominators, populations), shown but not counted.
    valeurs_jusqu_a : int or None
        Latest year with a value up to the campaign year.
    cibles_annee : int or None
        Year of the targets retained for the campaign (N, else the nearest).
    positionnement : Positionnement or None
        The collectivité among the others of a batch (given its consolidated data).
    emetteur : str
        Issuer block of the cover (``"Préfecture du Haut-Rhin — ARS Grand Est"``),
        empty by default.
    """

    collectivite: Any
    parent: Any
    annee: int
    fichier: str
    feuille: str
    sha256: str
    origine: str
    genere_le: date
    fictive: bool
    indicateurs: pd.DataFrame = field(repr=False)
    ratios: pd.DataFrame = field(repr=False)
    comptes: pd.DataFrame = field(repr=False)
    constats: tuple = field(repr=False)
    tuiles: tuple[Tuile, ...] = field(repr=False)
    engagements: tuple[Engagement, ...] = field(repr=False)
    definitions: tuple[tuple[str, str, str], ...] = field(repr=False)
    definitions_origine: str = ""
    regles: tuple[str, ...] = field(default=(), repr=False)
    chiffres: tuple[dict, ...] = field(default=(), repr=False)
    annees_valeurs: tuple[int, ...] = ()
    annees_cibles: tuple[int, ...] = ()
    avec_atteinte: bool = False
    autres_fichiers: tuple[str, ...] = ()
    feuilles: tuple[str, ...] = ()
    retards: tuple[Retard, ...] = field(default=(), repr=False)
    nb_contexte: int = 0
    valeurs_jusqu_a: int | None = None
    cibles_annee: int | None = None

    @property
    def campagne(self) -> str:
        """What the figures are: ``Campagne 2023 — valeurs jusqu'à 2022, cibles 2023``."""
        parts = []
        if self.valeurs_jusqu_a is not None:
            parts.append(f"valeurs jusqu'à {self.valeurs_jusqu_a}")
        if self.cibles_annee is not None:
            parts.append(f"cibles {self.cibles_annee}")
        return f"Campagne {self.annee}" + (f" — {', '.join(parts)}" if parts else "")

    @property
    def origine_texte(self) -> str:
        """How the collectivité was determined, as a sentence of the cover."""
        from snppe_report.read.collectivites import ORIGIN_OPTION

        if self.origine == ORIGIN_OPTION:
            return "Collectivité indiquée à la production du rapport (le classeur ne la nomme pas)."
        text = self.origine.strip()
        return f"{text[:1].upper()}{text[1:]}." if text else ""

    positionnement: Positionnement | None = field(default=None, repr=False)
    emetteur: str = ""

    @property
    def titre(self) -> str:
        """Document title: ``Rapport SNPPE 2023 — Haut-Rhin``."""
        return f"Rapport SNPPE {self.annee} — {self.collectivite.nom}"

    @property
    def feuilles_texte(self) -> str:
        """``feuille « Tableau de bord »`` or ``feuilles « Engagement 1 », « Engagement 2 »``."""
        names = self.feuilles or (self.feuille,)
        quoted = ", ".join(f"« {name} »" for name in names)
        return f"feuille{'s' if len(names) > 1 else ''} {quoted}"

    @property
    def titre_collectivite(self) -> str:
        """``Haut-Rhin (68)``."""
        return cells.collectivite_label(self.collectivite)

    @property
    def titre_parent(self) -> str:
        """``Collectivité européenne d'Alsace`` or ``""``."""
        return self.parent.nom if self.parent is not None else ""

    @property
    def largeur_libelle(self) -> int:
        """Width (%) of the indicator column: what the figure columns leave, 28 at least."""
        figures = len(self.annees_valeurs) + len(self.annees_cibles) + int(self.avec_atteinte)
        return max(28, 100 - 10 - 14 - 9 * figures)

    @property
    def entete(self) -> str:
        """Running page header: collectivité, campaign and what the figures are."""
        return f"{self.titre_collectivite} · Rapport SNPPE · {self.campagne}"


# Longest texts shown in the report; the extraction table keeps the full texts.
# A 32 767-character cell would fill pages of a table, and no reader needs more than
# this in one.
DISPLAY_LIMITS = {
    "brut": 300,
    "note": 200,
    "indicateur": 400,
    "objectif": 600,
    "mesure": 400,
    "engagement": 300,
}


def _other_files(rows: pd.DataFrame, main: str) -> tuple[str, ...]:
    if "fichier" not in rows:
        return ()
    return tuple(f for f in dict.fromkeys(rows["fichier"].dropna()) if f and f != main)


def display_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with over-long texts cut (ending with "…") for display."""
    out = rows.copy()
    for column, limit in DISPLAY_LIMITS.items():
        texts = out[column].astype("string")
        long = texts.str.len() > limit
        if long.any():
            out.loc[long, column] = texts[long].str.slice(0, limit - 1) + "…"
    return out


def build_report(
    extraction: Any,
    *,
    annee: int | None = None,
    generated: date | None = None,
    consolide: str | os.PathLike[str] | None = None,
    emetteur: str | None = None,
) -> Report:
    """Compute the report's content from an extraction.

    Parameters
    ----------
    extraction : table.Extraction
        The workbook read by :func:`snppe_report.read.table.extract`.
    annee : int, optional
        Campaign year; defaults to the workbook's.
    generated : date, optional
        Generation date; defaults to ``SOURCE_DATE_EPOCH`` when set, else today.
    consolide : path-like, optional
        A batch's ``consolide.parquet`` (or ``.csv``): the report then places the
        collectivité among the others (section "Positionnement").
    emetteur : str, optional
        Issuer block of the cover (``"Préfecture du Haut-Rhin — ARS Grand Est"``);
        none by default.

    Returns
    -------
    Report
    """
    from dataclasses import replace

    from snppe_report.analysis import indicators, status

    year = int(annee if annee is not None else extraction.annee)
    rows = display_rows(extraction.rows)
    table, findings = indicators.indicator_frames(replace(extraction, rows=rows), year)
    lines = cells.finding_lines(tuple(findings))
    index = cells.mark_cells(cells.cell_index(rows), lines)
    years_v = cells.years(rows, "valeur")
    years_c = cells.years(rows, "cible")
    definitions, origin = cells.definitions(extraction.definitions, set(rows["indicateur_id"]))
    return Report(
        collectivite=extraction.collectivite,
        parent=cells.parent_of(extraction.collectivite),
        annee=year,
        fichier=Path(extraction.path).name,
        feuille=str(extraction.sheet),
        feuilles=tuple(extraction.sheets or (str(extraction.sheet),)),
        sha256=str(extraction.sha256),
        origine=str(extraction.collectivite_origine),
        genere_le=generated or generation_date(),
        fictive=bool(extraction.fictive),
        indicateurs=table,
        ratios=indicators.recompute_ratios(rows),
        comptes=indicators.status_counts(table),
        constats=tuple(findings),
        tuiles=views.tiles(table, year, lines),
        engagements=views.engagements(table, index, years_v, years_c, year, lines),
        retards=views.late_list(indicators.late_items(table)),
        nb_contexte=int((table["statut"] == "contexte").sum()),
        valeurs_jusqu_a=_year_of(table["dernier_annee"]),
        cibles_annee=_year_of(table["cible_annee"], most_common=True),
        definitions=definitions,
        definitions_origine=origin,
        regles=tuple(status.status_rules()),
        chiffres=cells.figures(rows),
        annees_valeurs=years_v,
        annees_cibles=years_c,
        avec_atteinte=bool((rows["nature"] == "atteinte").any()),
        autres_fichiers=_other_files(rows, Path(extraction.path).name),
        positionnement=_positionnement(extraction, year, consolide),
        emetteur=" ".join(str(emetteur or "").split())[:200],
    )


def _year_of(years: pd.Series, most_common: bool = False) -> int | None:
    """The latest year of a column (or its most frequent, the earliest on a tie)."""
    found = [int(y) for y in years.dropna()]
    if not found:
        return None
    return int(pd.Series(found).mode().min()) if most_common else max(found)


def _positionnement(extraction: Any, year: int, consolide: Any) -> Positionnement | None:
    if consolide is None:
        return None
    path = locate_workbook(consolide)
    others = positioning.load_consolidated_rows(path)
    code = str(extraction.collectivite.code)
    return positioning.positionnement(extraction.rows, others, code, year, path.name)


# -- sections ---------------------------------------------------------------------------


def cover_html(report: Report) -> str:
    """Cover page: collectivité and parent, year, source file and SHA-256, date, origin."""
    return _render("rapport-couverture.html.j2", report)


def toc_html(report: Report) -> str:
    """Table of contents (page numbers in the PDF)."""
    return _render("rapport-sommaire.html.j2", report)


def synthese_html(report: Report) -> str:
    """Synthèse: status counts and one tile per harmonised indicator."""
    return _render("rapport-synthese.html.j2", report)


def engagements_html(report: Report) -> str:
    """One section per engagement: every indicator in a table, charts."""
    return _render("rapport-engagements.html.j2", report)


def quality_html(report: Report) -> str:
    """Qualité des données: findings and recomputed ratios."""
    return _render(
        "rapport-qualite.html.j2",
        report,
        constats=cells.findings_view(report.constats),
        ratios=cells.ratios_view(report.ratios),
    )


def positionnement_html(report: Report) -> str:
    """Positionnement among the batch's collectivités; "" without consolidated data."""
    if report.positionnement is None:
        return ""
    return _render("rapport-positionnement.html.j2", report, p=report.positionnement)


def annexes_html(report: Report) -> str:
    """Annexes: definitions and sources, legend, status rules, every figure with its cell."""
    return _render("rapport-annexes.html.j2", report, codes=cells.CODES)


def report_html(report: Report) -> str:
    """All sections, in order (for tests and previews outside a notebook)."""
    parts: Iterable[str] = (
        cover_html(report),
        toc_html(report),
        synthese_html(report),
        positionnement_html(report),
        engagements_html(report),
        quality_html(report),
        annexes_html(report),
    )
    return "\n".join(parts)


def key_values(report: Report) -> KeyValues:
    """The key values to record in the executed notebook (scrapbook-style roll-up).

    Display the result in a cell: the notebook then holds them under the MIME type
    :data:`KEY_VALUES_MIMETYPE`, readable with nbformat without parsing any HTML.
    """
    return KeyValues(cells.key_values(report))


@dataclass(frozen=True)
class KeyValues:
    """Key values of a report; rich display as JSON under a private MIME type."""

    data: dict

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        text = f"Valeurs clés enregistrées : {len(self.data.get('indicateurs', []))} indicateurs"
        return {KEY_VALUES_MIMETYPE: json.loads(json.dumps(self.data)), "text/plain": text}


# -- internals --------------------------------------------------------------------------


def _render(name: str, report: Report, **extra: Any) -> str:
    return _environment().get_template(name).render(r=report, **extra)


@cache
def _environment():
    env = _templates.environment()
    env.globals.update(cells.TEMPLATE_GLOBALS)
    env.filters.update(cells.TEMPLATE_FILTERS)
    return env


def generation_date() -> date:
    """Today, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()
