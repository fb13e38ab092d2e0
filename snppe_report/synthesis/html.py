"""The HTML sections of the national synthesis.

Each public function renders one macro of the Jinja2 template
``data/synthese-nationale.html.j2`` for a :class:`~snppe_report.synthesis.model.Synthesis`
(autoescaped; the maps are SVG built by :mod:`.maps`, inlined with their text
alternative). :mod:`.sections` pairs each of them with its Typst twin for the notebook.
"""

from __future__ import annotations

import base64
import math
from functools import cache
from typing import TYPE_CHECKING

from snppe_report.read.catalogue import load_catalogue
from snppe_report.report import jinja as _templates
from snppe_report.synthesis import messages
from snppe_report.synthesis.tables import _name, _tolerance_points

if TYPE_CHECKING:
    from snppe_report.synthesis.model import Synthesis

__all__ = [
    "MACROS",
    "completeness_html",
    "cover_html",
    "indicators_html",
    "messages_html",
    "method_html",
    "overview_html",
    "section_html",
]

#: The sections, in the order of the document.
MACROS = ("couverture", "messages", "vue_ensemble", "indicateurs", "completude", "methode")


def cover_html(s: Synthesis) -> str:
    """Cover page: title, campaign, fictive banner, batch facts."""
    return section_html("couverture", s)


def messages_html(s: Synthesis) -> str:
    """The key messages, written from the figures."""
    return section_html("messages", s)


def overview_html(s: Synthesis) -> str:
    """One line per harmonised ratio, statuses, workbooks set aside."""
    return section_html("vue_ensemble", s)


def indicators_html(s: Synthesis) -> str:
    """One chapter per harmonised ratio: map, distribution, progress, regions, ranking."""
    return section_html("indicateurs", s)


def completeness_html(s: Synthesis) -> str:
    """The completeness chapter: map and table by collectivité."""
    return section_html("completude", s)


def method_html(s: Synthesis) -> str:
    """How the figures were computed."""
    return section_html("methode", s)


def section_html(name: str, s: Synthesis) -> str:
    """One macro of :data:`MACROS` rendered for ``s``."""
    if name not in MACROS:
        raise ValueError(f"section inconnue : {name!r}")
    return str(getattr(_template().module, name)(s))


@cache
def _template():
    env = _templates.environment()
    add_helpers(env)
    env.filters["img"] = _data_uri
    return env.get_template("synthese-nationale.html.j2")


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def add_helpers(env) -> None:
    """The filters and globals both synthesis templates (HTML and Typst) use."""
    from snppe_report.formatting import format_date, format_number, format_percent, format_points

    env.filters.update(
        pct=lambda v, d=1: format_percent(v, d),
        nombre=lambda v, d=None: format_number(v, d),
        points=lambda v: format_points(v, 1),
        date_fr=format_date,
    )
    env.globals.update(
        isnan=lambda v: v is None or (isinstance(v, float) and math.isnan(v)),
        catalogue_label=lambda ident: load_catalogue().get(ident).label,
        collectivite_name=_name,
        map_source=messages.MAP_SOURCE,
        annee_valeurs=messages.value_year,
        progress_sentence=messages.progress_sentence,
        status_columns=messages.status_columns,
        method_items=lambda s: messages.method_items(s, _tolerance_points()),
    )
