"""``index.html`` of a batch: every collectivité, its reports, its headline ratios.

:func:`render_index` lays the page out with ``data/index.html.j2`` (Jinja2, autoescape
on): the reports' look (the colour and font tokens of
``templates/snppe/static/report.css``, read from that file), a table that a small
inline script makes sortable and filterable (no network; with scripts off it is a plain
table), shown as one card per collectivité on narrow screens (no sideways scrolling
at 390 px). :func:`write_index` writes it atomically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from snppe_report.output import atomic_path

__all__ = ["render_index", "write_index", "STATUS_WORDS"]

#: Words of the report statuses of the manifest.
STATUS_WORDS = {
    "ok": "rapport produit",
    "inchange": "inchangé",
    "echec": "échec",
    "en_attente": "en attente",
}
_ROOT_TOKENS = re.compile(r":root\s*\{[^}]*\}")


def render_index(manifest: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> str:
    """The HTML of ``index.html``.

    Parameters
    ----------
    manifest : mapping
        The batch manifest (entries, synthesis, consolidated files, fictive flag).
    rows : sequence of mapping
        One per collectivité, sorted by code: ``code``, ``nom``, ``statut``,
        ``messages``, ``liens`` (format -> relative URL), ``precedent`` (links are
        those of a previous good report), ``fichiers``, ``indicateurs``
        (id -> headline), ``revisions``.
    """
    from snppe_report.batch.consolidated import SHORT_LABELS
    from snppe_report.read.catalogue import load_catalogue
    from snppe_report.read.regions import region_of

    catalogue = load_catalogue()
    ratios = [
        {
            "id": i.id,
            "libelle": i.label,
            "court": SHORT_LABELS.get(i.id, i.label),
            "objectif": catalogue.objective(i.objective).title,
        }
        for i in catalogue.ratios()
    ]
    lines = []
    for position, row in enumerate(rows):
        region = region_of(str(row["code"]))
        lines.append({**row, "ordre": position, "region": region.nom if region else ""})
    failures = [e for e in manifest.get("entrees", ()) if e.get("statut") == "echec"]
    synthese = manifest.get("synthese") or {}
    if synthese.get("statut") == "echec":
        failures = [*failures, {"fichier": "synthèse nationale", **synthese}]
    template = _environment().get_template("index.html.j2")
    return template.render(
        m=manifest,
        lignes=lines,
        ratios=ratios,
        regions=sorted({line["region"] for line in lines if line["region"]}),
        echecs=failures,
        mots=STATUS_WORDS,
        date=_when(manifest.get("genere_le")),
        absents=_without_dashboard(r["code"] for r in rows),
        jetons=_tokens(),
    )


def write_index(path: Path, html: str) -> None:
    """Write ``index.html`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(html, encoding="utf-8")


@cache
def _tokens() -> str:
    """The ``:root`` block (colours) of the reports' stylesheet."""
    from snppe_report._paths import TEMPLATES

    css = (Path(TEMPLATES) / "snppe" / "static" / "report.css").read_text(encoding="utf-8")
    found = _ROOT_TOKENS.search(css)
    return found.group(0) if found else ""


def _without_dashboard(codes: Iterable[str]) -> list[str]:
    """The départements covered by none of the collectivités of the batch."""
    from snppe_report.exceptions import CollectiviteError
    from snppe_report.read.collectivites import departements, get_collectivite

    covered: set[str] = set()
    for code in codes:
        try:
            covered.update(get_collectivite(code).departements)
        except CollectiviteError:  # an unknown code cannot cover anything
            continue
    return [f"{d.nom} ({d.code})" for d in departements() if d.code not in covered]


def _when(stamp: str | None) -> str:
    """'2026-11-22T22:39:05+01:00' -> '22 novembre 2026 à 22 h 39'."""
    from snppe_report.formatting import format_date

    if not stamp:
        return ""
    moment = datetime.fromisoformat(stamp)
    return f"{format_date(moment)} à {moment.hour} h {moment.minute:02d}"


@cache
def _environment():
    from snppe_report.report import jinja

    return jinja.environment()
