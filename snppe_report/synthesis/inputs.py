"""The inputs of the national synthesis: consolidated rows, manifest, statuses.

:func:`load_consolidated` reads ``consolide.parquet`` (or ``.csv``) and checks its tidy
columns; :func:`load_manifest` reads ``manifest.json``; :func:`indicator_statuses` is
the one place the synthesis gets the statuses of the collectivités' indicators from. A
relative path is also looked for from the ``notebooks`` folder, where the synthesis
notebook runs. The readers are
re-exported by :mod:`snppe_report.synthesis.build`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report._paths import NOTEBOOKS
from snppe_report.exceptions import InputError

__all__ = ["STATUS_COLUMNS", "indicator_statuses", "load_consolidated", "load_manifest"]

#: What :func:`indicator_statuses` returns (a subset of ``indicator_table``'s columns).
STATUS_COLUMNS = ["departement", "indicateur_id", "statut"]
_LABELS = ("engagement", "objectif", "mesure", "indicateur", "note", "source")


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


def indicator_statuses(
    rows: pd.DataFrame, codes: Iterable[str], annee: int | None, ids: Iterable[str]
) -> pd.DataFrame:
    """The status of each harmonised ratio of each collectivité.

    The statut is the one every report and ``snppe indicateurs`` print: the
    per-indicator judgement of :func:`snppe_report.analysis.series.indicator_details`
    (the computation behind :func:`snppe_report.analysis.indicators.indicator_table`),
    on each collectivité's whole rows (its numerators and denominators included, so a
    ratio left empty is judged on its computed value), for the campaign year.

    Parameters
    ----------
    rows : DataFrame
        Consolidated tidy rows (every collectivité).
    codes : iterable of str
        The collectivités of the campaign.
    annee : int or None
        The campaign year (None: each collectivité's latest year).
    ids : iterable of str
        The indicator ids wanted (the catalogue's ratios).

    Returns
    -------
    DataFrame
        :data:`STATUS_COLUMNS`, one row per collectivité and ratio it reported (the
        first row when a ratio is shown under two objectives).
    """
    from snppe_report.analysis.series import indicator_details

    keep = {str(c) for c in codes}
    wanted = set(ids)
    mine = rows[rows["departement"].astype(str).isin(keep)]
    labels = {c: "" for c in _LABELS if c not in mine.columns}
    mine = mine.assign(**labels) if labels else mine
    frames = []
    for code, group in mine.groupby("departement", sort=False):
        if not group["indicateur_id"].isin(wanted).any():
            continue
        year = annee if annee is not None else int(group["annee"].max())
        table = indicator_details(group.drop(columns=["fichier"], errors="ignore"), year)
        table = table[table["indicateur_id"].isin(wanted)].drop_duplicates("indicateur_id")
        frames.append(pd.DataFrame({"departement": str(code),
                                    "indicateur_id": table["indicateur_id"],
                                    "statut": table["statut"]}))  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    return pd.concat(frames, ignore_index=True).reindex(columns=STATUS_COLUMNS)
