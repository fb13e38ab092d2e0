"""What a batch writes besides the reports: keys, manifest, consolidated data, index.

* :func:`inputs_digest` fingerprints everything a report depends on besides its
  workbooks (report notebook, nbconvert templates, package code and data, version);
  :func:`report_key` combines it with the workbooks' hashes and the options into the
  incremental key stored as ``cle`` in the manifest;
* :func:`write_manifest` / :func:`load_manifest`: ``manifest.json``, written atomically;
* :func:`write_machine_data`: ``consolide.parquet`` and ``.csv`` (machine contract);
  :func:`write_people_data`: ``consolide.xlsx`` (one sheet per level) and
  ``consolide-excel.csv`` (French Excel);
* :func:`headlines`: the latest value of each harmonised ratio of a collectivité;
* :func:`render_index` / :func:`write_index`: ``index.html``
  (:mod:`snppe_report.batch.index`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report import __version__
from snppe_report.batch.index import render_index, write_index  # noqa: F401 (re-exported)
from snppe_report.output import atomic_path, write_table
from snppe_report.read.table import COLUMNS

__all__ = [
    "MANIFEST",
    "INDEX",
    "CONSOLIDATED",
    "inputs_digest",
    "report_key",
    "file_sha256",
    "load_manifest",
    "write_manifest",
    "write_machine_data",
    "write_people_data",
    "values_digest",
    "consolidated_digest",
    "headlines",
    "render_index",
]

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
INDEX = "index.html"
CONSOLIDATED = ("consolide.csv", "consolide.xlsx", "consolide.parquet")
#: The cells in a French Excel's CSV dialect.
EXCEL_CSV = "consolide-excel.csv"
#: Columns of the consolidated files: the ``snppe extract`` contract plus the workbook.
CONSOLIDATED_COLUMNS = (*COLUMNS, "fichier")
_PACKAGE = Path(__file__).resolve().parent.parent  # the whole snppe_report package
_MANIFEST_VERSION = 1


# -- fingerprints -----------------------------------------------------------------------


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_digest(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(file_sha256(path).encode())
    return digest.hexdigest()


def inputs_digest(notebook: Path, templates: Path) -> str:
    """Fingerprint of what every report depends on besides its workbooks.

    Computed again by every batch (about 20 ms), never cached for the life of the
    process: a long-lived process (a test session, a notebook, a service) must give
    the keys the same inputs as a fresh ``snppe batch`` would, whatever changed on
    disk since its first batch.

    Parameters
    ----------
    notebook : Path
        The report notebook.
    templates : Path
        The nbconvert templates folder.

    Returns
    -------
    str
        SHA-256 over the notebook, the templates, the package's code and data files
        and its version: change any of them and every report is rendered again.
    """
    parts = {
        "version": __version__,
        "notebook": file_sha256(notebook) if notebook.is_file() else "absent",
        "gabarits": _tree_digest(templates.rglob("*"), templates) if templates.is_dir() else "",
        "paquet": _tree_digest(_PACKAGE.rglob("*"), _PACKAGE),
    }
    return _sha(parts)


def report_key(
    shas: Sequence[str],
    principal: str,
    *,
    annee: int | None,
    formats: Sequence[str],
    kernel_name: str,
    digest: str,
    emetteur: str = "",
) -> str:
    """The incremental key of one collectivité's report (``cle`` in the manifest)."""
    data = {
        "classeurs": sorted(shas),
        "principal": principal,
        "annee": annee,
        "formats": sorted(formats),
        "noyau": kernel_name,
        "entrees": digest,
    }
    if emetteur:  # keys without issuer stay those of earlier batches
        data["emetteur"] = emetteur
    return _sha(data)


def _sha(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# -- manifest ---------------------------------------------------------------------------


def load_manifest(path: Path) -> dict | None:
    """The previous run's manifest, or None when absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version_manifeste") != _MANIFEST_VERSION:
        return None
    return data


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write ``manifest.json`` atomically (UTF-8, indented, keys in insertion order)."""
    data = {"version_manifeste": _MANIFEST_VERSION, **manifest}
    with atomic_path(path) as tmp:
        tmp.write_text(
            json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )


# -- consolidated data ------------------------------------------------------------------


def consolidated_frame(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The merged rows of every collectivité, with :data:`CONSOLIDATED_COLUMNS`."""
    kept = [f.reindex(columns=list(CONSOLIDATED_COLUMNS)) for f in frames if len(f)]
    if not kept:
        frame = pd.DataFrame(columns=list(CONSOLIDATED_COLUMNS))
    else:
        frame = pd.concat(kept, ignore_index=True)
    frame["fichier"] = frame["fichier"].fillna("").astype(str)
    return frame.astype({"annee": "int64", "valeur": "float64"})


def write_machine_data(frame: pd.DataFrame, out_dir: Path) -> dict[str, str]:
    """Write ``consolide.parquet`` and ``consolide.csv`` (atomically): the machine contract.

    The tidy cells (:data:`CONSOLIDATED_COLUMNS`); CSV in UTF-8, comma, decimal point.
    Written before the reports, which read the parquet to place their collectivité.

    Returns
    -------
    dict
        Kind (``parquet``, ``csv``) -> file name in ``out_dir``.
    """
    written = {}
    for name in (CONSOLIDATED[2], CONSOLIDATED[0]):
        write_table(frame, out_dir / name)
        written[name.rsplit(".", 1)[1]] = name
    return written


def write_people_data(
    frame: pd.DataFrame,
    out_dir: Path,
    members: Sequence[Any],
    values: pd.DataFrame | None = None,
) -> dict[str, str]:
    """Write ``consolide.xlsx`` and ``consolide-excel.csv`` (atomically): data for people.

    * ``consolide.xlsx``: one sheet per level (collectivités, indicators, cells) with
      names, regions, French headers, frozen header, filters, widths and formats
      (:func:`snppe_report.batch.consolidated.consolidated_sheets`);
    * ``consolide-excel.csv``: the cells sheet in a French Excel's dialect (semicolon,
      decimal comma, UTF-8 with BOM, no text read as a formula).

    Parameters
    ----------
    frame : DataFrame
        :func:`consolidated_frame`.
    out_dir : Path
        Output folder.
    members : sequence of consolidated.Member
        The collectivités of the batch (names, campaigns, fictive flags).
    values : DataFrame, optional
        :func:`snppe_report.analysis.peers.ratio_values` of ``frame`` when computed.

    Returns
    -------
    dict
        Kind (``xlsx``, ``csv-excel``) -> file name in ``out_dir``.
    """
    from snppe_report.analysis.peers import ratio_values
    from snppe_report.batch import consolidated, spreadsheet

    values = ratio_values(frame) if values is None else values
    sheets = consolidated.consolidated_sheets(frame, members, values)
    notes = [
        *(["DONNÉES FICTIVES : ces chiffres ne décrivent aucune collectivité réelle."]
          if any(m.fictive for m in members) else []),
        f"{len(members)} collectivité(s), {len(frame)} cellule(s). Produit par "
        f"snppe-report {__version__}.",
        "Les pourcentages sont des fractions affichées en % (0,452 = 45,2 %). "
        "consolide.csv et consolide.parquet donnent les cellules sous forme machine.",
    ]  # fmt: skip
    spreadsheet.write_workbook(
        out_dir / CONSOLIDATED[1], sheets, title="Données consolidées SNPPE", notes=notes
    )
    spreadsheet.write_french_csv(out_dir / EXCEL_CSV, sheets[-1])
    return {"xlsx": CONSOLIDATED[1], "csv-excel": EXCEL_CSV}


def values_digest(values: pd.DataFrame) -> str:
    """Content hash of every collectivité's ratios: a report's place among the others
    changes with it, so it is part of each report's incremental key."""
    return consolidated_digest(values)


def consolidated_digest(frame: pd.DataFrame) -> str:
    """Content hash of the consolidated rows (stable across writes, unlike files)."""
    return hashlib.sha256(
        frame.to_csv(index=False, float_format="%.12g", lineterminator="\n").encode()
    ).hexdigest()


# -- headline indicators ----------------------------------------------------------------


def headlines(rows: pd.DataFrame, annee: int | None = None) -> dict[str, dict[str, Any]]:
    """Latest value of each harmonised ratio of one collectivité's merged rows.

    The declared ratio is preferred; when the workbook gives only its numerator and
    denominator, the computed ratio is used (``calcule`` true): the rule of
    :func:`snppe_report.analysis.peers.ratio_values`, shared by the consolidated
    workbook and the reports' "Positionnement".

    Parameters
    ----------
    rows : DataFrame
        Tidy rows (merged series) of one collectivité.
    annee : int, optional
        Ignore years after this one.

    Returns
    -------
    dict
        Indicator id -> ``{"valeur", "annee", "calcule", "texte"}`` (French text).
    """
    from snppe_report.analysis.peers import ratio_values
    from snppe_report.formatting import format_percent

    if rows is None or not len(rows):
        return {}
    values = ratio_values(rows, annee).sort_values("annee", kind="stable")
    out: dict[str, dict[str, Any]] = {}
    for last in values.groupby("indicateur_id", sort=False).tail(1).itertuples(index=False):
        out[str(last.indicateur_id)] = {
            "valeur": float(last.valeur),
            "annee": int(last.annee),
            "calcule": bool(last.calcule),
            "texte": format_percent(float(last.valeur), 1),
        }
    return out
