"""Pure: the workbooks of one collectivité over several years merged into one series.

Each item of the input is either an object with ``rows``, ``annee`` and ``path`` (a
:class:`snppe_report.table.Extraction`) or a tuple ``(annee, rows)`` or
``(annee, rows, path)``. Rules:

1. Workbooks are ranked by campaign year; for the same year, the later in the input
   is the more recent.
2. Labels follow the most recent workbook holding the indicator: engagement, mesure,
   objectif, objectif_num, facultatif and indicateur of older rows are replaced by its
   own (by objective when it shows the indicator under several), so that a 2021 layout
   and a 2023 layout give one series per indicator. Row order (``ordre``) follows the
   most recent workbook; indicators found only in older workbooks come after.
3. For one indicator, objective, year and nature, the most recent workbook's cells are
   kept and the older ones dropped, except that a code (ND, NC, SO) never hides an
   older workbook's value.
4. When two workbooks hold different values (numbers, units or texts) for the same
   indicator, objective, year and nature, a ``revision`` finding names both cells as
   ``[file]sheet!cell``.

The merged rows gain a ``fichier`` column (the workbook's file name, "" if unknown).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .checks import Finding
from .text import normalize

__all__ = ["merge_extractions"]

_LABELS = ("engagement", "mesure", "objectif", "objectif_num", "facultatif", "indicateur")
_KEY = ["indicateur_id", "_objectif", "annee", "nature"]
_NATURES = {"valeur": "Valeur", "cible": "Cible", "atteinte": "Niveau d'atteinte"}


def merge_extractions(extractions: Iterable[Any]) -> tuple[pd.DataFrame, list[Finding]]:
    """Merge the tidy tables of several workbooks of one collectivité.

    Parameters
    ----------
    extractions : iterable
        Objects with ``rows``, ``annee`` and ``path`` (``table.Extraction``), or
        tuples ``(annee, rows)`` / ``(annee, rows, path)``.

    Returns
    -------
    rows : DataFrame
        The merged tidy table, with a ``fichier`` column; every year of every workbook.
    findings : list of Finding
        One ``revision`` per value that changed from a workbook to a more recent one.
    """
    items = sorted(_item(e, i) for i, e in enumerate(extractions))
    if not items:
        return pd.DataFrame(), []
    frames = []
    for rank, (_, _, rows, name) in enumerate(items):
        frame = rows.copy()
        if "ordre" not in frame:
            frame["ordre"] = range(len(frame))
        frames.append(frame.assign(fichier=name, _rang=rank))
    merged = _align(pd.concat(frames, ignore_index=True))
    merged["_objectif"] = merged["objectif"].fillna("").map(normalize)
    kept, findings = _resolve(merged)
    kept = kept.sort_values(["ordre", "annee", "_rang"], kind="stable")
    return kept.drop(columns=["_rang", "_objectif"]).reset_index(drop=True), findings


def _item(extraction: Any, position: int) -> tuple[int, int, pd.DataFrame, str]:
    if hasattr(extraction, "rows"):
        annee, rows, path = extraction.annee, extraction.rows, getattr(extraction, "path", "")
    else:
        annee, rows, path = (*extraction, "")[:3]
    return int(annee), position, rows, Path(path).name if path else ""


def _align(rows: pd.DataFrame) -> pd.DataFrame:
    """Labels and order of every indicator taken from its most recent workbook."""
    out = rows.copy()
    span = int(rows["ordre"].max()) + 1 if len(rows) else 1
    last = int(rows["_rang"].max()) if len(rows) else 0
    for _, group in rows.groupby("indicateur_id", sort=False):
        top = group["_rang"].max()
        ref = group[group["_rang"] == top].sort_values("ordre", kind="stable")
        by_objectif = {normalize(r["objectif"]): r for _, r in ref.iloc[::-1].iterrows()}
        for index in group.index:
            source = by_objectif.get(normalize(rows.at[index, "objectif"]), ref.iloc[0])
            if rows.at[index, "_rang"] != top:
                for column in (c for c in _LABELS if c in rows):
                    out.at[index, column] = source[column]
            ordre = source["ordre"] if rows.at[index, "_rang"] != top else rows.at[index, "ordre"]
            out.at[index, "ordre"] = (last - top) * span + ordre
    return out


def _resolve(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Keep the most recent cells of every key; report the values that changed."""
    ranks = rows.groupby(_KEY, sort=False, dropna=False)["_rang"].transform("nunique")
    single, multi = rows[ranks == 1], rows[ranks > 1]
    kept, findings = [single], []
    for _, group in multi.groupby(_KEY, sort=False, dropna=False):
        valued = group[group["statut"].isin(("ok", "texte"))]
        winner = (valued if len(valued) else group)["_rang"].max()
        kept.append(group[group["_rang"] == winner])
        new = group[group["_rang"] == winner].iloc[0]
        for rank in sorted(set(valued["_rang"]) - {winner}, reverse=True):
            old = valued[valued["_rang"] == rank].iloc[0]
            if _differ(old, new):
                findings.append(_revision(old, new))
    return pd.concat(kept), findings


def _differ(old: pd.Series, new: pd.Series) -> bool:
    numbers = [v for v in (old["valeur"], new["valeur"]) if v is not None and not pd.isna(v)]
    if len(numbers) == 2:
        same = math.isclose(numbers[0], numbers[1], rel_tol=1e-9, abs_tol=1e-12)
        return not same or old["unite"] != new["unite"]
    return len(numbers) == 1 or normalize(str(old["brut"])) != normalize(str(new["brut"]))


def _revision(old: pd.Series, new: pd.Series) -> Finding:
    nature = _NATURES.get(new["nature"], str(new["nature"]))
    message = (
        f"{nature} {new['annee']} révisée : {_quote(old['brut'])} ({_cell(old)}) puis "
        f"{_quote(new['brut'])} ({_cell(new)}) ; la valeur du classeur le plus récent est retenue."
    )
    return Finding("revision", "avertissement", message, _cell(new), str(new["indicateur"]))


def _quote(text: Any) -> str:
    return f"« {' '.join(str(text).split())} »"


def _cell(row: pd.Series) -> str:
    return f"[{row['fichier']}]{row['source']}" if row["fichier"] else str(row["source"])
