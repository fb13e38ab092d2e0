"""The report's sections as objects the notebook displays, in HTML and in Typst.

Each ``*_section`` function returns a :class:`Section`, whose rich display
(``_repr_mimebundle_``) gives two representations of the same view models:

* ``text/html``: the HTML fragment of :mod:`snppe_report.report.model` (JupyterLab,
  the HTML report, unchanged);
* ``text/vnd.typst``: Typst markup, from one Jinja template per section
  (``snppe_report/data/rapport-*.typ.j2``, environment
  :func:`snppe_report.report.jinja.typst_environment`: every text escaped), which the
  nbconvert exporter (:mod:`snppe_report.report.exporter`) assembles into the PDF.

The Typst sections call the report library ``templates/snppe_typst/static/rapport.typ``
(page layout, tiles, statuses), which the exporter's template writes first;
:func:`report_typst` assembles the whole document without a notebook (tests,
previews). The PDF differs from the HTML by design: the cover carries the issuer
block and no file details (they move to a colophon at the end), and the annex
"Tous les chiffres et leur cellule" stays in the HTML and the executed notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from snppe_report import _paths
from snppe_report.report import cells, model
from snppe_report.report.model import Report
from snppe_report.report.typst import MEDIA_TYPE

__all__ = [
    "LIBRARY",
    "Section",
    "annexes_section",
    "cover_section",
    "engagements_section",
    "positionnement_section",
    "quality_section",
    "report_typst",
    "synthese_section",
    "toc_section",
]

#: The report's Typst library, written once at the top of the document.
LIBRARY = _paths.TEMPLATES / "snppe_typst" / "static" / "rapport.typ"


@dataclass(frozen=True)
class Section:
    """One section of the report, displayed with both of its representations.

    Attributes
    ----------
    titre : str
        Name of the section (French), shown as plain text.
    html : str
        The HTML fragment (escaped).
    typst : str
        The Typst markup (escaped).
    """

    titre: str
    html: str
    typst: str

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {
            "text/html": self.html,
            MEDIA_TYPE: self.typst,
            "text/plain": f"Section « {self.titre} » du rapport",
        }

    def _repr_html_(self) -> str:
        return self.html


def cover_section(report: Report) -> Section:
    """Couverture; in Typst also the document's set-up (title, header, fictive data)."""
    return Section("Couverture", model.cover_html(report), cover_typst(report))


def toc_section(report: Report) -> Section:
    """Sommaire (in the PDF, with page numbers)."""
    return Section("Sommaire", model.toc_html(report), toc_typst(report))


def synthese_section(report: Report) -> Section:
    """Synthèse: status counts and one tile per harmonised indicator."""
    return Section("Synthèse", model.synthese_html(report), synthese_typst(report))


def positionnement_section(report: Report) -> Section:
    """Positionnement among a batch's collectivités; empty without consolidated data."""
    return Section(
        "Positionnement", model.positionnement_html(report), positionnement_typst(report)
    )


def engagements_section(report: Report) -> Section:
    """One section per engagement: every indicator in a table, charts."""
    return Section("Engagements", model.engagements_html(report), engagements_typst(report))


def quality_section(report: Report) -> Section:
    """Qualité des données: findings and recomputed ratios."""
    return Section("Qualité des données", model.quality_html(report), quality_typst(report))


def annexes_section(report: Report) -> Section:
    """Annexes (the PDF ends with the colophon, without the list of every figure)."""
    return Section("Annexes", model.annexes_html(report), annexes_typst(report))


# -- Typst ------------------------------------------------------------------------------


def cover_typst(report: Report) -> str:
    """Typst of the cover, starting with ``#show: rapport.with(...)`` (document set-up)."""
    return _render("rapport-couverture.typ.j2", report)


def toc_typst(report: Report) -> str:
    """Typst of the table of contents (Typst's outline: page numbers)."""
    return _render("rapport-sommaire.typ.j2", report)


def synthese_typst(report: Report) -> str:
    """Typst of the synthèse."""
    return _render("rapport-synthese.typ.j2", report)


def positionnement_typst(report: Report) -> str:
    """Typst of the Positionnement section; "" without consolidated data."""
    if report.positionnement is None:
        return ""
    return _render("rapport-positionnement.typ.j2", report, p=report.positionnement)


def engagements_typst(report: Report) -> str:
    """Typst of the engagement sections (tables with repeated headers, charts)."""
    return _render("rapport-engagements.typ.j2", report)


def quality_typst(report: Report) -> str:
    """Typst of the data-quality section."""
    return _render(
        "rapport-qualite.typ.j2",
        report,
        constats=cells.findings_view(report.constats),
        ratios=cells.ratios_view(report.ratios),
    )


def annexes_typst(report: Report) -> str:
    """Typst of the annexes and of the colophon."""
    return _render("rapport-annexes.typ.j2", report, codes=cells.CODES)


def report_typst(report: Report) -> str:
    """The whole Typst document of a report, without a notebook (library + sections)."""
    parts = (
        LIBRARY.read_text(encoding="utf-8"),
        cover_typst(report),
        toc_typst(report),
        synthese_typst(report),
        positionnement_typst(report),
        engagements_typst(report),
        quality_typst(report),
        annexes_typst(report),
    )
    return "\n".join(parts)


def _render(name: str, report: Report, **extra: Any) -> str:
    return _environment().get_template(name).render(r=report, **extra)


@cache
def _environment() -> Any:
    from snppe_report.report.jinja import typst_environment

    env = typst_environment()
    env.globals.update(cells.TEMPLATE_GLOBALS)
    env.filters.update(cells.TEMPLATE_FILTERS)
    return env
