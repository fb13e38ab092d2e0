"""Pure: what the synthesis measures for one harmonised ratio across collectivités.

From the cross-section (one value per collectivité of the campaign, best first) and
the collectivités' multi-year series: the progress since 2019, the view by region (and
so by ARS, one per region), the statuses counted across collectivités, and who gives
no value or an inconsistent one. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from snppe_report.read.regions import region_of, regions

__all__ = [
    "BASE_YEAR",
    "NO_STATUS",
    "by_region",
    "progress",
    "ranking",
    "status_counts",
]

#: The diagnostic year every progress is measured from.
BASE_YEAR = 2019
#: Count of the collectivités of the campaign for which no status was computed.
NO_STATUS = "sans statut"

RANKING_COLUMNS = [
    "rang", "code", "nom", "region", "ars", "valeur", "annee", "calcule", "quotient",
    "coherent", "atteint", "valeur_2019", "evolution", "progresse", "statut",
]  # fmt: skip
REGION_COLUMNS = [
    "region", "ars", "collectivites", "renseignees", "mediane", "atteignent",
    "comparables", "progressent", "evolution_mediane",
]  # fmt: skip


def ranking(
    latest: pd.DataFrame,
    series: pd.DataFrame,
    *,
    target: float | None,
    direction: str = "hausse",
    statuses: pd.DataFrame | None = None,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The ranking of the collectivités on one ratio, with their progress and status.

    Parameters
    ----------
    latest : DataFrame
        One row per collectivité (``latest_ratios`` columns): the cross-section value.
    series : DataFrame
        The same ratio's ``latest_ratios`` rows over every year and workbook of the
        collectivités (their 2019 value is taken from it).
    target : float, optional
        The national target.
    direction : str
        ``"hausse"`` (higher is better) or ``"baisse"``.
    statuses : DataFrame, optional
        ``departement, statut`` of this ratio (see :func:`inputs.indicator_statuses`).
    names : dict, optional
        Collectivité names by code.

    Returns
    -------
    DataFrame
        :data:`RANKING_COLUMNS`, best first (rank 1 is the best value in the
        indicator's direction); ``evolution`` is ``valeur - valeur_2019`` (a fraction)
        when the value is later than 2019; ``progresse`` whether it moved the right way.
    """
    names = names or {}
    codes = latest["departement"].astype(str)
    base = series[series["annee"] == BASE_YEAR].drop_duplicates("departement")
    base = dict(zip(base["departement"].astype(str), base["valeur"].astype(float), strict=True))
    table = pd.DataFrame({
        "code": codes.to_numpy(),
        "nom": [names.get(c, c) for c in codes],
        "valeur": latest["valeur"].astype(float).to_numpy(),
        "annee": latest["annee"].astype(int).to_numpy(),
        "calcule": latest["est_calcule"].astype(bool).to_numpy(),
        "quotient": latest["calcule"].astype(float).to_numpy(),
        "coherent": latest["coherent"].to_numpy(),
    })  # fmt: skip
    found = [region_of(c) for c in table["code"]]
    table["region"] = [r.nom if r else "" for r in found]
    table["ars"] = [r.ars if r else "" for r in found]
    sign = -1.0 if direction == "baisse" else 1.0
    if target is None:
        table["atteint"] = False
    else:
        table["atteint"] = sign * (table["valeur"] - target) >= -1e-9
    table["valeur_2019"] = table["code"].map(base).astype(float)
    later = table["annee"] > BASE_YEAR
    table["evolution"] = (table["valeur"] - table["valeur_2019"]).where(later)
    table["progresse"] = (sign * table["evolution"] > 1e-12).where(table["evolution"].notna())
    given = {} if statuses is None else dict(zip(statuses["departement"].astype(str),
                                                 statuses["statut"], strict=True))  # fmt: skip
    table["statut"] = [given.get(code, NO_STATUS) for code in table["code"]]
    table = table.sort_values(["valeur", "nom"], ascending=[direction == "baisse", True],
                              kind="stable")  # fmt: skip
    table.insert(0, "rang", range(1, len(table) + 1))
    return table.reindex(columns=RANKING_COLUMNS).reset_index(drop=True)


def progress(table: pd.DataFrame) -> dict[str, float | int | None]:
    """Progress since 2019 over a ranking: who can be compared, who moved which way.

    Returns
    -------
    dict
        ``comparables`` (collectivités with a 2019 value and a later one),
        ``progressent``, ``reculent``, ``stables`` and ``evolution_mediane`` (median
        change, a fraction; None without any comparable collectivité).
    """
    moved = table.dropna(subset=["evolution"])
    flags = moved["progresse"].astype(bool)
    still = moved["evolution"].abs() <= 1e-12
    return {
        "comparables": len(moved),
        "progressent": int(flags.sum()),
        "reculent": int((~flags & ~still).sum()),
        "stables": int(still.sum()),
        "evolution_mediane": float(moved["evolution"].median()) if len(moved) else None,
    }


def by_region(table: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """The ranking summed up by region (the ARS of the region signs the contracts).

    Parameters
    ----------
    table : DataFrame
        :func:`ranking`.
    codes : iterable of str
        Every collectivité of the campaign (those without a value count too).

    Returns
    -------
    DataFrame
        :data:`REGION_COLUMNS`, one row per region holding a collectivité of the
        campaign, in the reference order (mainland, then overseas).
    """
    members: dict[str, int] = {}
    for code in codes:
        region = region_of(str(code))
        if region is not None:
            members[region.nom] = members.get(region.nom, 0) + 1
    records = []
    for region in regions():
        if region.nom not in members:
            continue
        mine = table[table["region"] == region.nom]
        moved = progress(mine)
        records.append({
            "region": region.nom, "ars": region.ars, "collectivites": members[region.nom],
            "renseignees": len(mine),
            "mediane": float(mine["valeur"].median()) if len(mine) else None,
            "atteignent": int(mine["atteint"].sum()), "comparables": moved["comparables"],
            "progressent": moved["progressent"],
            "evolution_mediane": moved["evolution_mediane"],
        })  # fmt: skip
    return pd.DataFrame.from_records(records, columns=REGION_COLUMNS)


def status_counts(
    statuses: pd.DataFrame, codes: Iterable[str], order: Sequence[str]
) -> dict[str, int]:
    """Collectivités of the campaign by status on one ratio.

    Parameters
    ----------
    statuses : DataFrame
        ``departement, statut`` of this ratio (:func:`inputs.indicator_statuses`).
    codes : iterable of str
        Every collectivité of the campaign; one without a status counts as
        :data:`NO_STATUS`.
    order : sequence of str
        The statuses of the status rules, in the order to show them.

    Returns
    -------
    dict of str to int
        Only the statuses met, in ``order``, then any other, then :data:`NO_STATUS`.
    """
    given = dict(zip(statuses["departement"].astype(str), statuses["statut"], strict=True))
    found = pd.Series([given.get(str(c), NO_STATUS) for c in codes], dtype=object)
    counts = found.value_counts()
    known = [s for s in order if s in counts.index]
    others = sorted(s for s in counts.index if s not in order and s != NO_STATUS)
    tail = [NO_STATUS] if NO_STATUS in counts.index else []
    return {s: int(counts[s]) for s in (*known, *others, *tail)}
