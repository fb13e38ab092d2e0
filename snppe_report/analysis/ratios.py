"""Pure: harmonised ratios recomputed from their numerator and denominator.

:func:`recompute_ratios` gives, for every harmonised ratio and year where the ratio is
reported or both its terms are, the computed and the reported ratio and whether they
agree (``controles.tolerance_ratio_points`` of ``status_rules.yaml``). The checks
(:mod:`snppe_report.analysis.checks`) raise findings from it; the indicator table
(:mod:`snppe_report.analysis.series`) shows a missing ratio as "calculé" from it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from snppe_report.analysis.status import rules
from snppe_report.frames import records as frame_records
from snppe_report.read.catalogue import Catalogue, Indicator, load_catalogue

__all__ = ["RATIO_COLUMNS", "indicator_groups", "recompute_ratios"]

RATIO_COLUMNS = (
    "indicateur_id", "indicateur", "annee", "numerateur", "denominateur",
    "ratio_calcule", "ratio_declare", "ecart_points", "coherent", "sources",
)  # fmt: skip


def indicator_groups(rows: pd.DataFrame) -> list[list[dict[str, Any]]]:
    """The tidy rows as dicts, one list per (indicateur_id, objectif), in ``ordre`` order."""
    dicts = frame_records(rows)
    if "ordre" in rows:
        dicts.sort(key=lambda r: r["ordre"])
    groups: dict[tuple[Any, str], list[dict[str, Any]]] = {}
    for record in dicts:
        objectif = record["objectif"] if isinstance(record["objectif"], str) else ""
        groups.setdefault((record["indicateur_id"], objectif), []).append(record)
    return list(groups.values())


def recompute_ratios(rows: pd.DataFrame, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Harmonised ratios recomputed from their numerator and denominator.

    Parameters
    ----------
    rows : DataFrame
        The tidy table.
    catalogue : Catalogue, optional
        Harmonised indicators (``ratios()`` with ``numerator`` and ``denominator``).

    Returns
    -------
    DataFrame
        Columns :data:`RATIO_COLUMNS`, one row per ratio and year where the ratio is
        reported or both its terms are (``valeur`` cells; terms in ``nombre``, ratios
        in ``pourcentage``; terms are taken from the ratio's objective when there).
        ``ecart_points``: computed - reported, in percentage points. ``coherent``: the
        gap is at most half a unit of the reported ratio's last significant decimal
        ("1,30 %" from a "0,00 %" format counts one decimal) plus
        ``tolerance_ratio_points``; None when a side is missing or the denominator is 0.
        ``sources``: cells of ratio, numerator and denominator.
    """
    cat = catalogue or load_catalogue()
    index: dict[tuple[Any, int], list[dict[str, Any]]] = {}
    for group in indicator_groups(rows):
        for row in group:
            if row["nature"] == "valeur" and not pd.isna(row["valeur"]):
                index.setdefault((row["indicateur_id"], int(row["annee"])), []).append(row)
    records = [rec for ind in cat.ratios() for rec in _ratio_records(index, ind)]
    return pd.DataFrame.from_records(records, columns=list(RATIO_COLUMNS))


def _ratio_records(index: dict[tuple[Any, int], list[dict]], ind: Indicator) -> list[dict]:
    ids = (ind.id, ind.numerator, ind.denominator)
    records = []
    for year in sorted({y for ident, y in index if ident in ids}):
        declared = [r for r in index.get((ind.id, year), []) if r["unite"] == "pourcentage"]
        for row in declared or [None]:
            objectif = None if row is None else row["objectif"]
            num = _term(index.get((ind.numerator, year), []), objectif)
            den = _term(index.get((ind.denominator, year), []), objectif)
            if row is not None or (num is not None and den is not None):
                records.append(_ratio_record(ind, year, row, num, den))
    return records


def _term(found: list[dict[str, Any]], objectif: Any) -> dict[str, Any] | None:
    found = [r for r in found if r["unite"] == "nombre"]
    same = [r for r in found if r["objectif"] == objectif]
    return (same or found or [None])[0]


def _ratio_record(
    ind: Indicator, year: int, row: dict | None, num: dict | None, den: dict | None
) -> dict[str, Any]:
    numerator = None if num is None else float(num["valeur"])
    denominator = None if den is None else float(den["valeur"])
    computed = numerator / denominator if numerator is not None and denominator else None
    declared = None if row is None else float(row["valeur"])
    gap = None if computed is None or declared is None else (computed - declared) * 100
    tolerance = rules()["controles"]["tolerance_ratio_points"]
    return {
        "indicateur_id": ind.id, "annee": year,
        "indicateur": ind.label if row is None else row["indicateur"],
        "numerateur": numerator, "denominateur": denominator,
        "ratio_calcule": computed, "ratio_declare": declared, "ecart_points": gap,
        "coherent": None if gap is None else abs(gap) <= _half_unit(declared) + tolerance,
        "sources": ", ".join(r["source"] for r in (row, num, den) if r is not None),
    }  # fmt: skip


def _half_unit(fraction: float) -> float:
    """Half a unit of a percentage's last significant decimal, in points."""
    digits = f"{round(fraction * 100, 6):.6f}".rstrip("0").split(".")[1]
    return 0.5 * 10 ** -len(digits)
