"""Pure: which campaign a synthesis describes, and which workbooks it sets aside.

A synthesis compares the collectivités of **one** campaign (the year of their
dashboards: 2021, 2023…), by default the most frequent one among the workbooks read
(the most recent on a tie). A collectivité enters the cross-section when one of its
workbooks belongs to that campaign; its workbooks of other campaigns still feed its
multi-year series (its 2019 value, for the progress), never the cross-section. A
collectivité without any workbook of the campaign is set aside, and said so.

The campaign of a workbook comes from the batch manifest (``annee_campagne`` of each
entry); without a manifest it is the latest year of the workbook's values (the rule the
reader applies to the dashboard's columns), from the ``fichier`` column of the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["Campaign", "select_campaign", "workbook_campaigns"]

WORKBOOK_COLUMNS = ["fichier", "code", "annee_campagne"]


@dataclass(frozen=True)
class Campaign:
    """The campaign of a synthesis and what became of every workbook.

    Attributes
    ----------
    annee : int or None
        The campaign year (None: no workbook tells its campaign).
    workbooks : DataFrame
        One row per workbook read: ``fichier, code, annee_campagne, retenu`` (in the
        cross-section), ``serie`` (set aside from the cross-section but feeding the
        series of a collectivité that is in it).
    """

    annee: int | None
    workbooks: pd.DataFrame

    @property
    def codes(self) -> tuple[str, ...]:
        """The collectivités of the cross-section."""
        kept = self.workbooks[self.workbooks["retenu"]]
        return tuple(dict.fromkeys(kept["code"]))

    @property
    def files(self) -> frozenset[str]:
        """File names (without folder) of the workbooks of the campaign."""
        kept = self.workbooks[self.workbooks["retenu"]]
        return frozenset(Path(f).name for f in kept["fichier"])

    @property
    def set_aside(self) -> pd.DataFrame:
        """The workbooks of other campaigns (``serie`` tells whether one feeds a series)."""
        return self.workbooks[~self.workbooks["retenu"]].reset_index(drop=True)

    @property
    def excluded_codes(self) -> tuple[str, ...]:
        """Collectivités without any workbook of the campaign (outside the synthesis)."""
        aside = self.set_aside
        return tuple(dict.fromkeys(aside.loc[~aside["serie"], "code"]))

    @property
    def counts(self) -> dict[int, int]:
        """Number of workbooks by campaign year, in year order."""
        years = self.workbooks["annee_campagne"].dropna().astype(int)
        return {int(k): int(v) for k, v in years.value_counts().sort_index().items()}


def workbook_campaigns(rows: pd.DataFrame, manifest: Mapping[str, Any]) -> pd.DataFrame:
    """The campaign of every workbook that was read.

    Parameters
    ----------
    rows : DataFrame
        Consolidated tidy rows (``departement``, ``annee``, ``nature``, ``fichier``).
    manifest : mapping
        The batch manifest (possibly empty): its entries that did not fail give the
        file, the collectivité and the campaign.

    Returns
    -------
    DataFrame
        ``fichier, code, annee_campagne`` (``annee_campagne`` may be missing).
    """
    records = []
    for entry in manifest.get("entrees", ()):
        code = (entry.get("collectivite") or {}).get("code")
        if not code or entry.get("statut") == "echec":
            continue
        year = entry.get("annee_campagne")
        records.append((str(entry.get("fichier", "")), str(code),
                        None if year is None else int(year)))  # fmt: skip
    known = {Path(f).name for f, _, _ in records}
    if "fichier" in rows.columns:
        values = rows[rows["nature"] != "cible"]
        latest = values.groupby(["fichier", "departement"], sort=False)["annee"].max()
        for (fichier, code), year in latest.items():
            if Path(str(fichier)).name not in known:
                records.append((str(fichier), str(code), int(year)))
                known.add(Path(str(fichier)).name)
    return pd.DataFrame.from_records(records, columns=WORKBOOK_COLUMNS)


def select_campaign(workbooks: pd.DataFrame, annee: int | None = None) -> Campaign:
    """Choose the campaign and mark each workbook kept, in a series, or set aside.

    Parameters
    ----------
    workbooks : DataFrame
        :func:`workbook_campaigns`.
    annee : int, optional
        The campaign; default the most frequent among the workbooks (the most recent
        on a tie).

    Returns
    -------
    Campaign
    """
    table = workbooks.reindex(columns=WORKBOOK_COLUMNS).copy()
    years = table["annee_campagne"].dropna().astype(int)
    if annee is None and len(years):
        counts = years.value_counts()
        annee = int(max(counts.index, key=lambda y: (counts[y], y)))
    if annee is None:
        table["retenu"] = True
    else:
        table["retenu"] = table["annee_campagne"].eq(annee).fillna(False).astype(bool)
    inside = set(table.loc[table["retenu"], "code"])
    table["serie"] = ~table["retenu"] & table["code"].isin(inside)
    return Campaign(annee, table.reset_index(drop=True))
