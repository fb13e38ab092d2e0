"""Private: read the inputs of the national synthesis (consolidated rows, manifest).

:func:`load_consolidated` reads ``consolide.parquet`` (or ``.csv``) and checks its tidy
columns; :func:`load_manifest` reads ``manifest.json``. A relative path is also looked
for from the ``notebooks`` folder, where the synthesis notebook runs. Both are
re-exported by :mod:`snppe_report.synthesis.build`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report._paths import NOTEBOOKS
from snppe_report.exceptions import InputError

__all__ = ["load_consolidated", "load_manifest"]


def load_consolidated(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``consolide.parquet`` (or ``.csv``) and check its columns.

    Parameters
    ----------
    path : path-like
        The file; a relative path is also looked for from the ``notebooks`` folder.

    Returns
    -------
    DataFrame
    """
    found = _locate(path)
    try:
        if found.suffix.lower() == ".csv":
            rows = pd.read_csv(found, dtype={"departement": str, "brut": str})
        else:
            rows = pd.read_parquet(found)
    except Exception as exc:
        raise InputError(f"données consolidées illisibles : {exc}", file=found) from exc
    needed = {"departement", "indicateur_id", "annee", "nature", "valeur", "unite", "statut"}
    lacking = sorted(needed - set(rows.columns))
    if lacking:
        raise InputError(f"données consolidées sans les colonnes {', '.join(lacking)}", file=found)
    return rows


def load_manifest(manifest: str | os.PathLike[str] | Mapping[str, Any]) -> dict:
    """The batch manifest as a dict (from ``manifest.json`` or as given)."""
    if isinstance(manifest, Mapping):
        return dict(manifest)
    found = _locate(manifest)
    try:
        return json.loads(found.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"manifeste illisible : {exc}", file=found) from exc


def _locate(path: str | os.PathLike[str]) -> Path:
    candidate = Path(path).expanduser()
    if candidate.exists():
        return candidate
    beside = NOTEBOOKS / candidate
    if not candidate.is_absolute() and beside.exists():
        return beside
    raise InputError("fichier introuvable", file=candidate)
