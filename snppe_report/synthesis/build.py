"""The national synthesis: every collectivité's harmonised indicators side by side.

:func:`build_synthesis` reads the consolidated rows of a batch (``consolide.parquet``,
the tidy table of every collectivité plus ``fichier``) and the batch manifest, and
computes what the notebook ``notebooks/synthese_nationale.ipynb`` shows:

* for each harmonised ratio of the catalogue, the latest value of every collectivité
  (the declared ratio; when only its numerator and denominator are given, their
  quotient, marked as computed), its distribution against the national target, its
  ranking and a tile-grid map of France (:mod:`snppe_report.synthesis.maps`);
* the completeness of each collectivité: share of the harmonised indicators filled
  (ratios with their numerators and denominators), of 2019 values, of ratios with a
  target, ND / NC codes and ratios inconsistent with their terms.

The HTML fragments come from the Jinja2 template ``data/synthese-nationale.html.j2``.
:func:`render_synthesis` executes the notebook with papermill and converts it with the
helpers of :mod:`snppe_report.report.render` (template ``snppe``), then publishes
``synthese-nationale.html`` / ``.pdf`` atomically.

This module holds the public API and the data model; the internals live in private
modules: :mod:`.inputs` (reading the consolidated rows and the manifest),
:mod:`.tables` (ratios, completeness, collectivités) and :mod:`.html`
(the HTML sections).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report._paths import NOTEBOOKS
from snppe_report.exceptions import InputError, ParameterError
from snppe_report.read.catalogue import Indicator, load_catalogue
from snppe_report.report.model import generation_date
from snppe_report.report.publish import discard, publish
from snppe_report.synthesis.html import (
    completeness_html,
    cover_html,
    indicators_html,
    method_html,
    overview_html,
)
from snppe_report.synthesis.inputs import load_consolidated, load_manifest
from snppe_report.synthesis.model import IndicatorSection, Synthesis
from snppe_report.synthesis.tables import OPTIONAL_OBJECTIVES as OPTIONAL_OBJECTIVES  # re-exported
from snppe_report.synthesis.tables import (
    _by_departement,
    _collectivites,
    _name,
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

log = logging.getLogger(__name__)

#: The synthesis notebook (thin: parameters, then calls into this module).
NOTEBOOK = NOTEBOOKS / "synthese_nationale.ipynb"
#: Stem of the published files: ``synthese-nationale.html`` / ``.pdf``.
STEM = "synthese-nationale"


# --------------------------------------------------------------------------- building


def build_synthesis(
    consolide: str | os.PathLike[str] | pd.DataFrame,
    manifest: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    annee: int | None = None,
    *,
    figures: bool = True,
) -> Synthesis:
    """Compute the national synthesis of a batch.

    Parameters
    ----------
    consolide : path-like or DataFrame
        ``consolide.parquet`` of a batch (or ``.csv``), or its rows: the tidy columns
        (``departement``, ``indicateur_id``, ``annee``, ``nature``, ``valeur``,
        ``unite``, ``statut``, ``brut``…) plus ``fichier``. A relative path is also
        looked for from the ``notebooks`` folder.
    manifest : path-like or mapping, optional
        ``manifest.json`` of the batch, or its content: the collectivités and their
        campaign, failed workbooks, and whether the data is fictive. Without it, the
        collectivités are those of the rows and fictive files are recognised by name.
    annee : int, optional
        Ignore values after this year; defaults to the manifest's year, else all years.
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
    collectivites = _collectivites(rows, man)
    ratios = latest_ratios(rows, annee)
    sections = tuple(
        _section(ind, ratios, len(collectivites), figures) for ind in load_catalogue().ratios()
    )
    table = completeness(rows, collectivites, annee, ratios=ratios)
    compl_map = _completeness_map(table) if figures else ""
    fictive = bool(man.get("fictif")) or any(
        "fictif" in str(f).lower() for f in rows.get("fichier", pd.Series(dtype=str)).unique()
    )
    failures = tuple(e for e in man.get("entrees", ()) if e.get("statut") == "echec")
    source = "" if isinstance(consolide, pd.DataFrame) else Path(consolide).name
    return Synthesis(annee, fictive, generation_date(), collectivites, sections, table, compl_map,
                     failures, source)  # fmt: skip


def _section(
    ind: Indicator, ratios: pd.DataFrame, expected: int, figures: bool
) -> IndicatorSection:
    from snppe_report.synthesis.maps import distribution_svg, tile_map_svg

    mine = ratios[ratios["indicateur_id"] == ind.id]
    latest = mine.sort_values("annee", kind="stable").groupby("departement").tail(1)
    target = ind.national_target
    table = pd.DataFrame({
        "code": latest["departement"].astype(str),
        "nom": [_name(c) for c in latest["departement"]],
        "valeur": latest["valeur"].astype(float),
        "annee": latest["annee"].astype(int),
        "calcule": latest["est_calcule"].astype(bool),
        "coherent": latest["coherent"],
    })  # fmt: skip
    table["atteint"] = table["valeur"] >= (target - 1e-9) if target is not None else False
    table = table.sort_values(["valeur", "nom"], ascending=[False, True], kind="stable")
    table.insert(0, "rang", range(1, len(table) + 1))
    table = table.reset_index(drop=True)
    both = mine.dropna(subset=["numerateur", "denominateur"])
    both = both.sort_values("annee", kind="stable").groupby("departement").tail(1)
    total = both["denominateur"].sum()
    aggregate = float(both["numerateur"].sum() / total) if total > 0 else None
    objective = load_catalogue().objective(ind.objective).title
    map_svg = dist_svg = ""
    if figures and len(table):
        by_dep = _by_departement(dict(zip(table["code"], table["valeur"], strict=True)))
        map_svg = tile_map_svg(by_dep, cible_nationale=target, key=ind.id,
                               titre_legende="Dernière valeur déclarée")  # fmt: skip
        dist_svg = distribution_svg(list(table["valeur"]), cible_nationale=target, key=ind.id)
    return IndicatorSection(ind, objective, table, expected, aggregate, map_svg, dist_svg)


def _completeness_map(table: pd.DataFrame) -> str:
    from snppe_report.synthesis.maps import tile_map_svg

    values = dict(zip(table["code"], table["part_renseignes"], strict=True))
    return tile_map_svg(
        _by_departement(values), seuils=[0.5, 0.7, 0.9, 0.999], key="completude",
        libelles=["moins de 50 %", "de 50 % à 70 %", "de 70 % à 90 %",
                  "de 90 % à moins de 100 %", "100 % (complet)"],
        titre_legende="Indicateurs renseignés",
    )  # fmt: skip


# --------------------------------------------------------------------------- rendering


def render_synthesis(
    consolide_parquet: str | os.PathLike[str],
    manifest: str | os.PathLike[str] | Mapping[str, Any] | None,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = ("html", "pdf"),
    *,
    annee: int | None = None,
    kernel_name: str = "python3",
) -> dict[str, Path]:
    """Execute the synthesis notebook and publish ``synthese-nationale.html`` / ``.pdf``.

    Parameters
    ----------
    consolide_parquet : path-like
        The batch's ``consolide.parquet``.
    manifest : path-like, mapping or None
        The batch's ``manifest.json`` or its content.
    out_dir : path-like
        Destination folder; files are replaced atomically, a failed run leaves the
        previous ones and keeps ``synthese-nationale.echec.ipynb`` for audit.
    formats : iterable of str
        Among ``"html"`` and ``"pdf"``.
    annee : int, optional
        Ignore values after this year (default: the manifest's year).
    kernel_name : str
        Jupyter kernel.

    Returns
    -------
    dict of str to Path
        Published files by format.

    Raises
    ------
    ParameterError
        Unknown format.
    SnppeError
        The notebook, the HTML or the PDF step failed (:class:`RenderError`), or the
        inputs are unreadable (:class:`InputError`).
    """
    from snppe_report.report import render

    wanted = tuple(dict.fromkeys(str(f).lower() for f in ([formats] if isinstance(formats, str)
                                                          else formats)))  # fmt: skip
    bad = [f for f in wanted if f not in ("html", "pdf")]
    if bad or not wanted:
        raise ParameterError(f"format(s) inconnu(s) : {', '.join(bad) or '(aucun)'} ; "
                             "formats possibles : html, pdf")  # fmt: skip
    consolide = Path(consolide_parquet).expanduser().resolve()
    if not consolide.is_file():
        raise InputError("données consolidées introuvables", file=consolide)
    load_consolidated(consolide)  # unreadable data stops here, before any kernel starts
    dest = Path(out_dir)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="snppe-synthese-") as tmp:
        work = Path(tmp)
        manifest_path = _manifest_file(manifest, work)
        parameters = render.validate_parameters(
            NOTEBOOK,
            {"consolide": str(consolide), "manifest": manifest_path, "annee": annee},
        )
        nb, _durations = render.execute_notebook(
            NOTEBOOK, parameters, workdir=work, kernel_name=kernel_name,
            failed_path=dest / f"{STEM}.echec.ipynb",
        )  # fmt: skip
        html = render.notebook_to_html(nb, title="Synthèse nationale SNPPE")
        staged: dict[str, Path] = {}
        if "html" in wanted:
            staged["html"] = work / f"{STEM}.html"
            staged["html"].write_text(html, encoding="utf-8")
        if "pdf" in wanted:
            staged["pdf"] = render.html_to_pdf(html, work / f"{STEM}.pdf")
        published = publish(staged, dest)
    discard(dest / f"{STEM}.echec.ipynb")
    return published


def _manifest_file(manifest: Any, work: Path) -> str | None:
    if manifest is None:
        return None
    if isinstance(manifest, Mapping):
        path = work / "manifest.json"
        path.write_text(json.dumps(dict(manifest), ensure_ascii=False, default=str), "utf-8")
        return str(path)
    return str(Path(manifest).expanduser().resolve())
