"""Private: the HTML sections of the national synthesis.

Each public function renders one macro of the Jinja2 template
``data/synthese-nationale.html.j2`` for a :class:`~snppe_report.synthesis.model.Synthesis`;
they are re-exported by :mod:`snppe_report.synthesis.build`, where the notebook
``notebooks/synthese_nationale.ipynb`` calls them.
"""

from __future__ import annotations

import base64
import math
from functools import cache
from typing import TYPE_CHECKING

from snppe_report.read.catalogue import load_catalogue
from snppe_report.report import jinja as _templates
from snppe_report.synthesis.tables import _tolerance_points

if TYPE_CHECKING:
    from snppe_report.synthesis.model import Synthesis

__all__ = ["cover_html", "overview_html", "indicators_html", "completeness_html", "method_html"]


def cover_html(s: Synthesis) -> str:
    """Cover page: title, scope, fictive banner, batch facts."""
    return _macro("couverture", s)


def overview_html(s: Synthesis) -> str:
    """One line per harmonised ratio: coverage, median, share at the national target."""
    return _macro("vue_ensemble", s)


def indicators_html(s: Synthesis) -> str:
    """One chapter per harmonised ratio: map, distribution, ranking."""
    return _macro("indicateurs", s)


def completeness_html(s: Synthesis) -> str:
    """The completeness chapter: map and table by collectivité."""
    return _macro("completude", s)


def method_html(s: Synthesis) -> str:
    """How the figures were computed."""
    return _macro("methode", s)


def _macro(name: str, s: Synthesis) -> str:
    return str(getattr(_template().module, name)(s))


@cache
def _template():
    from snppe_report.formatting import format_date, format_number, format_percent

    env = _templates.environment()
    env.filters.update(
        pct=lambda v, d=1: format_percent(v, d),
        nombre=lambda v, d=None: format_number(v, d),
        date_fr=format_date,
        img=_data_uri,
    )
    env.globals.update(
        isnan=lambda v: v is None or (isinstance(v, float) and math.isnan(v)),
        catalogue_label=lambda ident: load_catalogue().get(ident).label,
        tolerance=_tolerance_points,
    )
    return env.get_template("synthese-nationale.html.j2")


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
