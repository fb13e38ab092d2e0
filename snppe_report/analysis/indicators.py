"""Pure: the per-indicator table (``snppe indicateurs``), status counts and late items.

:func:`indicator_table` is the one table every page uses: the report, ``snppe
indicateurs``, the batch's consolidated data and the national synthesis. It projects
:func:`snppe_report.analysis.series.indicator_details` (series and the three
judgements) onto :data:`COLUMNS` and adds the finding codes of each indicator
(:func:`snppe_report.analysis.checks.check_extraction`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from snppe_report.analysis.ratios import RATIO_COLUMNS, indicator_groups, recompute_ratios
from snppe_report.analysis.series import DETAIL_COLUMNS, campaign_years, indicator_details
from snppe_report.analysis.status import COUNTED, LATE, STATUTS
from snppe_report.exceptions import ParameterError

__all__ = [
    "COLUMNS", "DETAIL_COLUMNS", "RATIO_COLUMNS", "STATUTS", "campaign_years",
    "check_campaign_year", "finding_codes", "indicator_details", "indicator_frames",
    "indicator_groups", "indicator_table", "late_items", "recompute_ratios",
    "status_counts",
]  # fmt: skip

#: The columns of :func:`indicator_table`, in order (the ``snppe indicateurs`` contract).
COLUMNS = (
    "departement", "indicateur_id", "indicateur", "unite", "sens", "depart_annee",
    "depart_valeur", "dernier_annee", "dernier_valeur", "cible_annee", "cible_valeur",
    "statut", "raison", "tendance", "rythme_observe", "rythme_requis", "cible_nationale",
    "position_nationale", "constats", "sources",
)  # fmt: skip
_RENAMED = {"direction": "sens", "diagnostic": "depart_valeur", "cible": "cible_valeur",
            "cible_nationale_valeur": "cible_nationale"}  # fmt: skip
_YEARS = ("depart_annee", "dernier_annee", "cible_annee")
_FLOATS = ("depart_valeur", "dernier_valeur", "cible_valeur", "rythme_observe",
           "rythme_requis", "cible_nationale")  # fmt: skip


def check_campaign_year(extraction: Any, annee: int | None) -> int:
    """The campaign year to report on, checked against the workbook's years.

    Parameters
    ----------
    extraction : read.table.Extraction
    annee : int or None
        The year asked for (``--annee``); None: the workbook's campaign year.

    Returns
    -------
    int

    Raises
    ------
    ParameterError
        The year is none of the workbook's years (exit 2), with the accepted years.
    """
    if annee is None:
        return int(extraction.annee)
    years = campaign_years(extraction.rows)
    if int(annee) not in years:
        listed = ", ".join(map(str, years))
        raise ParameterError(
            f"--annee {annee} : le classeur n'a ni valeur ni cible pour cette année ; "
            f"années acceptées : {listed}",
            file=extraction.path,
        )
    return int(annee)


def indicator_frames(extraction: Any, annee: int | None = None) -> tuple[pd.DataFrame, list]:
    """The detailed indicator table and the findings of an extraction, computed once.

    Returns
    -------
    (DataFrame, list of Finding)
        :func:`~snppe_report.analysis.series.indicator_details` plus a ``constats``
        column (finding codes), and every finding
        (:func:`~snppe_report.analysis.checks.check_extraction`).
    """
    from snppe_report.analysis.checks import check_extraction

    year = int(extraction.annee if annee is None else annee)
    details = indicator_details(extraction.rows, year)
    findings = check_extraction(extraction, year, details=details)
    details["constats"] = finding_codes(details, extraction.rows, findings)
    return details, findings


def indicator_table(extraction: Any, annee: int | None = None) -> pd.DataFrame:
    """One row per indicator: its figures and its three judgements (``snppe indicateurs``).

    Parameters
    ----------
    extraction : read.table.Extraction
        A workbook read by :func:`snppe_report.read.table.extract` (rows possibly merged
        over years).
    annee : int, optional
        Campaign year N; default the workbook's. A year outside the workbook's years
        makes every indicator ``non évaluable`` with that reason.

    Returns
    -------
    DataFrame
        Exactly :data:`COLUMNS`, in workbook order. ``statut``: one of
        :data:`~snppe_report.analysis.status.STATUTS`; ``raison``: why, in French;
        ``tendance``: hausse | stable | baisse | ""; paces signed, in the indicator's
        unit per year (percentages as fractions, like the values); ``cible_nationale``:
        the national target of a harmonised indicator (ratios, CRIP delay);
        ``position_nationale``: au niveau | en dessous | ""; ``constats``: finding codes
        on this indicator (", ");
        ``sources``: the cells used (", ").
    """
    details, _ = indicator_frames(extraction, annee)
    return public_table(details, str(extraction.collectivite.code))


def public_table(details: pd.DataFrame, departement: str) -> pd.DataFrame:
    """:data:`COLUMNS` of a detailed indicator table, with stable dtypes."""
    frame = details.drop(columns="cible_nationale").rename(columns=_RENAMED)
    frame["departement"] = departement
    frame["tendance"] = frame["tendance"].fillna("")
    out = frame.loc[:, list(COLUMNS)].copy()
    for column in _YEARS:
        out[column] = pd.array([None if pd.isna(v) else int(v) for v in out[column]], dtype="Int64")
    for column in _FLOATS:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    for column in (
        "departement",
        "indicateur_id",
        "indicateur",
        "unite",
        "sens",
        "statut",
        "raison",
        "tendance",
        "position_nationale",
        "constats",
        "sources",
    ):
        out[column] = out[column].fillna("").astype(str)
    return out.reset_index(drop=True)


def finding_codes(details: pd.DataFrame, rows: pd.DataFrame, findings: Iterable) -> list[str]:
    """The finding codes on each indicator row: by cell, else by label.

    A finding naming a cell goes to the indicator row holding that cell and to the
    rows using it (a ratio taken from its numerator's row); one without a cell (a
    missing 2019 value, a missing target) to the rows with its label.
    """
    position = {
        (ident, obj): i
        for i, (ident, obj) in enumerate(zip(details["indicateur_id"], _objectives(details)))
    }
    cells: dict[str, set[int]] = {}
    for ident, obj, source in zip(rows["indicateur_id"], _objectives(rows), rows["source"]):
        if (ident, obj) in position:
            cells.setdefault(str(source), set()).add(position[(ident, obj)])
    for i, used in enumerate(details["sources"]):
        for source in str(used or "").split(", "):
            if source:
                cells.setdefault(source, set()).add(i)
    labels: dict[str, list[int]] = {}
    for i, label in enumerate(details["indicateur"]):
        labels.setdefault(str(label), []).append(i)
    codes: list[dict[str, None]] = [{} for _ in range(len(details))]
    for finding in findings:
        if finding.source and finding.source.split(", ")[0] in cells:
            targets = sorted(cells[finding.source.split(", ")[0]])
        else:
            targets = labels.get(finding.indicateur, []) if not finding.source else []
        for i in targets:
            codes[i][finding.code] = None
    return [", ".join(found) for found in codes]


def _objectives(frame: pd.DataFrame) -> list[str]:
    return [o if isinstance(o, str) else "" for o in frame["objectif"]]


def status_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Number of indicators and of objectives by statut, contexte excluded.

    Parameters
    ----------
    table : DataFrame
        :func:`~snppe_report.analysis.series.indicator_details` (needs ``statut``,
        ``engagement``, ``objectif``).

    Returns
    -------
    DataFrame
        One row per counted statut (:data:`~snppe_report.analysis.status.COUNTED`, in
        that order); columns ``Statut``, ``Indicateurs``, ``Part des indicateurs``
        (fraction of the counted indicators) and ``Objectifs concernés`` (objectives
        with at least one indicator of that statut, so an objective may count under
        several). Objectives are told apart within their engagement; the indicators
        an engagement gives no objective make one group.
    """
    counted = table[table["statut"] != "contexte"]
    objectifs = (
        counted["engagement"].fillna("").astype(str)
        + "\x1f"
        + counted["objectif"].fillna("").astype(str)
    )
    records = []
    for statut in COUNTED:
        mask = counted["statut"] == statut
        records.append({
            "Statut": statut, "Indicateurs": int(mask.sum()),
            "Part des indicateurs": float(mask.mean()) if len(counted) else 0.0,
            "Objectifs concernés": int(objectifs[mask].nunique()),
        })  # fmt: skip
    return pd.DataFrame.from_records(records)


def late_items(table: pd.DataFrame) -> pd.DataFrame:
    """The indicators ``en retard``, ``en recul`` and ``non atteint``, in that order.

    Within a statut, the workbook's order. Same columns as ``table``.
    """
    rank = {statut: i for i, statut in enumerate(LATE)}
    late = table[table["statut"].isin(LATE)].copy()
    late["_rang"] = late["statut"].map(rank)
    return late.sort_values(["_rang", "ordre"], kind="stable").drop(columns="_rang")
