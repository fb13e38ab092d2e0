"""Pure: the workbooks of one collectivité over several years merged into one series.

Each item of the input is either an object with ``rows``, ``annee`` and ``path`` (a
:class:`snppe_report.read.table.Extraction`) or a tuple ``(annee, rows)`` or
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

from snppe_report.formatting import NATURES
from snppe_report.frames import records as frame_records
from snppe_report.read.findings import Finding
from snppe_report.text import normalize

__all__ = ["merge_extractions"]

_LABELS = ("engagement", "mesure", "objectif", "objectif_num", "facultatif", "indicateur")
Row = dict[str, Any]


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
    records: list[Row] = []
    for rank, (_, _, rows, name) in enumerate(items):
        for position, row in enumerate(frame_records(rows)):
            row.setdefault("ordre", position)
            records.append({**row, "fichier": name, "_rang": rank})
    _align(records, last=len(items) - 1)
    kept, findings = _resolve(records)
    kept.sort(key=lambda r: (r["ordre"], r["annee"], r["_rang"]))
    columns = [*items[-1][2].columns, "fichier"]
    columns += [c for row in kept for c in row if c not in columns and not c.startswith("_")]
    frame = pd.DataFrame(kept, columns=list(dict.fromkeys(columns)))
    return _restore_types(frame, items[-1][2].dtypes), findings


def _item(extraction: Any, position: int) -> tuple[int, int, pd.DataFrame, str]:
    if hasattr(extraction, "rows"):
        annee, rows, path = extraction.annee, extraction.rows, getattr(extraction, "path", "")
    else:
        annee, rows, path = (*extraction, "")[:3]
    return int(annee), position, rows, Path(path).name if path else ""


def _align(records: list[Row], last: int) -> None:
    """Labels and order of every indicator taken from its most recent workbook (in place)."""
    span = max((int(r["ordre"]) for r in records), default=0) + 1
    refs: dict[Any, list[Row]] = {}
    for row in records:
        known = refs.get(row["indicateur_id"])
        if known is None or row["_rang"] > known[0]["_rang"]:
            refs[row["indicateur_id"]] = [row]
        elif row["_rang"] == known[0]["_rang"]:
            known.append(row)
    for rows in refs.values():
        rows.sort(key=lambda r: r["ordre"])
    by_objectif = {
        (ident, _objective(r)): r for ident, rows in refs.items() for r in reversed(rows)
    }
    order = []
    for row in records:
        ref_rows = refs[row["indicateur_id"]]
        top, ref = ref_rows[0]["_rang"], row
        if row["_rang"] != top:
            ref = by_objectif.get((row["indicateur_id"], _objective(row)), ref_rows[0])
            row.update({c: ref[c] for c in _LABELS if c in ref})
        order.append((last - top) * span + int(ref["ordre"]))
    for row, ordre in zip(records, order, strict=True):
        row["ordre"] = ordre


def _objective(row: Row) -> str:
    return normalize(row["objectif"]) if isinstance(row["objectif"], str) else ""


def _resolve(records: list[Row]) -> tuple[list[Row], list[Finding]]:
    """Keep the most recent cells of every key; report the values that changed."""
    groups: dict[tuple, list[Row]] = {}
    for row in records:
        key = (row["indicateur_id"], _objective(row), row["annee"], row["nature"])
        groups.setdefault(key, []).append(row)
    kept, findings = [], []
    for group in groups.values():
        ranks = {r["_rang"] for r in group}
        if len(ranks) == 1:
            kept.extend(group)
            continue
        valued = [r for r in group if r["statut"] in ("ok", "texte")]
        winner = max(r["_rang"] for r in valued or group)
        chosen = [r for r in group if r["_rang"] == winner]
        kept.extend(chosen)
        for rank in sorted({r["_rang"] for r in valued} - {winner}, reverse=True):
            old = next(r for r in valued if r["_rang"] == rank)
            if _differ(old, chosen[0]):
                findings.append(_revision(old, chosen[0]))
    return kept, findings


def _restore_types(frame: pd.DataFrame, dtypes: pd.Series) -> pd.DataFrame:
    for column, dtype in dtypes.items():
        if column in frame and frame[column].dtype != dtype:
            try:
                frame[column] = frame[column].astype(dtype)
            except (TypeError, ValueError):
                continue
    return frame


def _differ(old: Row, new: Row) -> bool:
    numbers = [v for v in (old["valeur"], new["valeur"]) if v is not None and not pd.isna(v)]
    if len(numbers) == 2:
        same = math.isclose(numbers[0], numbers[1], rel_tol=1e-9, abs_tol=1e-12)
        return not same or old["unite"] != new["unite"]
    return len(numbers) == 1 or normalize(str(old["brut"])) != normalize(str(new["brut"]))


def _revision(old: Row, new: Row) -> Finding:
    nature = NATURES.get(new["nature"], str(new["nature"]))
    message = (
        f"{nature} {new['annee']} révisée : {_quote(old['brut'])} ({_cell(old)}) puis "
        f"{_quote(new['brut'])} ({_cell(new)}) ; la valeur du classeur le plus récent est retenue."
    )
    return Finding("revision", "avertissement", message, _cell(new), str(new["indicateur"]))


def _quote(text: Any) -> str:
    return f"« {' '.join(str(text).split())} »"


def _cell(row: Row) -> str:
    return f"[{row['fichier']}]{row['source']}" if row["fichier"] else str(row["source"])
