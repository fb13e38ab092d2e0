"""Pure: where a collectivité stands among the others, harmonised ratio by ratio.

Data in (the consolidated tidy rows of a batch: every collectivité's cells), data out:

* :func:`ratio_values`: every harmonised ratio of every collectivité and year, the
  declared ratio or, when the workbook gives only its numerator and denominator, their
  quotient (``calcule`` true), the rule of the index and of the national synthesis;
* :func:`positioning`: for one collectivité, each ratio's latest value (year <= the
  campaign) against the values of the **same year** of every collectivité (national
  median, quartiles, rank) and of those of its region, and against the national target.

Comparing one year only keeps campaigns apart: a 2022 value is ranked among 2022
values, never among 2020 ones. The rank is 1 for the best value (the highest, or the
lowest for a ratio whose catalogue direction is "baisse"); ties share the best rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from snppe_report.read.catalogue import Catalogue, load_catalogue
from snppe_report.read.regions import Region, region_of

__all__ = ["VALUE_COLUMNS", "Spread", "Placement", "Positioning", "ratio_values", "positioning"]

VALUE_COLUMNS = ("departement", "indicateur_id", "annee", "valeur", "calcule")
#: Quartiles are given only over at least this many values.
MIN_QUARTILES = 4
_NO_REGION = Region("", "", "")


@dataclass(frozen=True)
class Spread:
    """The values of one year among a set of collectivités, and one collectivité's rank.

    Attributes
    ----------
    effectif : int
        Collectivités with a value that year (the one placed included).
    mediane, q1, q3 : float or None
        Median and quartiles (linear interpolation); quartiles are None below
        :data:`MIN_QUARTILES` values.
    rang : int or None
        Rank of the collectivité placed (1 = best), None without a value.
    """

    effectif: int
    mediane: float | None
    q1: float | None
    q3: float | None
    rang: int | None


@dataclass(frozen=True)
class Placement:
    """One harmonised ratio of a collectivité among the others."""

    indicateur_id: str
    indicateur: str
    objectif: str
    direction: str
    annee: int | None
    valeur: float | None
    calcule: bool
    cible_nationale: float | None
    cible_nationale_texte: str
    national: Spread
    regional: Spread

    @property
    def atteint(self) -> bool | None:
        """Whether the value reaches the national target (None when either is missing)."""
        if self.valeur is None or self.cible_nationale is None:
            return None
        if self.direction == "baisse":
            return self.valeur <= self.cible_nationale + 1e-9
        return self.valeur >= self.cible_nationale - 1e-9


@dataclass(frozen=True)
class Positioning:
    """Every harmonised ratio of one collectivité among the others.

    Attributes
    ----------
    code : str
        The collectivité placed.
    region_code, region, ars : str
        Its region (INSEE code and name) and the ARS signing its contract; empty
        for a code without region (nothing is then compared within a region).
    annee : int or None
        Latest year considered (the campaign); None: every year.
    collectivites, collectivites_region : int
        Collectivités in the data, in all and in the region (the one placed included).
    placements : tuple of Placement
        One per harmonised ratio of the catalogue, in catalogue order.
    """

    code: str
    region_code: str
    region: str
    ars: str
    annee: int | None
    collectivites: int
    collectivites_region: int
    placements: tuple[Placement, ...]


def ratio_values(
    rows: pd.DataFrame, annee: int | None = None, catalogue: Catalogue | None = None
) -> pd.DataFrame:
    """Every harmonised ratio of every collectivité and year.

    Parameters
    ----------
    rows : DataFrame
        Tidy rows of one or several collectivités (``departement``, ``indicateur_id``,
        ``annee``, ``nature``, ``valeur``, ``unite``; ``ordre`` when present orders
        repeated cells).
    annee : int, optional
        Ignore later years.
    catalogue : Catalogue, optional
        Default :func:`~snppe_report.read.catalogue.load_catalogue`.

    Returns
    -------
    DataFrame
        :data:`VALUE_COLUMNS`, one row per collectivité, ratio and year with a value:
        the first declared ``pourcentage`` value cell of the ratio, else numerator /
        denominator (first ``nombre`` value cells, denominator > 0; ``calcule`` true).
    """
    cat = catalogue or load_catalogue()
    ratios = cat.ratios()
    wanted = {i for ind in ratios for i in (ind.id, ind.numerator, ind.denominator)}
    keep = rows["indicateur_id"].isin(wanted) & (rows["nature"] == "valeur")
    keep &= rows["valeur"].notna()
    if annee is not None:
        keep &= rows["annee"] <= annee
    cells = rows.loc[keep]
    if "ordre" in cells:
        cells = cells.sort_values("ordre", kind="stable")
    cells = cells.drop_duplicates(["departement", "indicateur_id", "annee", "unite"])
    # Each cell plays its role for every ratio it belongs to (a denominator may serve
    # several): one merge with the table of roles, then one pivot, for all ratios at
    # once (pandas costs ~20 ms per merge: a loop over the ratios cost 0.2 s a report).
    roles = pd.DataFrame(
        [
            (ind.id, ident, unite, role)
            for ind in ratios
            for ident, unite, role in (
                (ind.id, "pourcentage", "declare"),
                (ind.numerator, "nombre", "num"),
                (ind.denominator, "nombre", "den"),
            )
            if ident
        ],
        columns=["ratio", "indicateur_id", "unite", "role"],
    )
    played = cells[["departement", "annee", "indicateur_id", "unite", "valeur"]].merge(
        roles, on=["indicateur_id", "unite"]
    )
    wide = (
        played.pivot_table(
            index=["ratio", "departement", "annee"],
            columns="role",
            values="valeur",
            aggfunc="first",
            observed=True,
            dropna=False,  # a row without a département is kept, as merges kept it
        )
        .reindex(columns=["declare", "num", "den"])
        .reset_index()
    )
    wide.columns.name = None
    computed = (wide["num"] / wide["den"]).where(wide["den"].fillna(0) > 0)
    wide["calcule"] = wide["declare"].isna() & computed.notna()
    wide["valeur"] = wide["declare"].where(wide["declare"].notna(), computed)
    out = wide.rename(columns={"ratio": "indicateur_id"}).dropna(subset=["valeur"])
    if not len(out):
        out = pd.DataFrame(columns=list(VALUE_COLUMNS))
    out = out.reindex(columns=list(VALUE_COLUMNS)).astype(
        {"departement": str, "indicateur_id": str, "annee": "int64", "valeur": "float64",
         "calcule": bool}
    )  # fmt: skip
    return out.sort_values(["indicateur_id", "departement", "annee"], kind="stable").reset_index(
        drop=True
    )


def positioning(
    values: pd.DataFrame,
    code: str,
    annee: int | None = None,
    catalogue: Catalogue | None = None,
) -> Positioning:
    """Place one collectivité among the others, ratio by ratio.

    Parameters
    ----------
    values : DataFrame
        :func:`ratio_values` of every collectivité (the batch's consolidated rows).
    code : str
        The collectivité placed (it need not be in ``values``: it is then shown
        without value, against the others).
    annee : int, optional
        The campaign: the collectivité's latest value of a year <= ``annee`` is placed.
    catalogue : Catalogue, optional
        Default :func:`~snppe_report.read.catalogue.load_catalogue`.

    Returns
    -------
    Positioning
        The region is the one of the collectivité's départements
        (``data/regions.csv``).
    """
    cat = catalogue or load_catalogue()
    if annee is not None:
        values = values[values["annee"] <= annee]
    home = region_of(str(code)) or _NO_REGION
    codes = sorted({*values["departement"].astype(str), str(code)})
    same_region = {c for c in codes if home.code and (region_of(c) or _NO_REGION) == home}
    placements = tuple(
        _place(values[values["indicateur_id"] == ind.id], str(code), same_region, ind, cat)
        for ind in cat.ratios()
    )
    return Positioning(
        code=str(code), region_code=home.code, region=home.nom, ars=home.ars, annee=annee,
        collectivites=len(codes), collectivites_region=len(same_region), placements=placements,
    )  # fmt: skip


def _place(mine: pd.DataFrame, code: str, region: set[str], ind, cat: Catalogue) -> Placement:
    own = mine[mine["departement"] == code].sort_values("annee", kind="stable")
    year = value = None
    computed = False
    national = regional = Spread(0, None, None, None, None)
    if len(own):
        last = own.iloc[-1]
        year, value, computed = int(last["annee"]), float(last["valeur"]), bool(last["calcule"])
        same_year = mine[mine["annee"] == year].drop_duplicates("departement")
        national = _spread(same_year["valeur"], value, ind.direction)
        in_region = same_year[same_year["departement"].isin(region)]
        regional = _spread(in_region["valeur"], value, ind.direction)
    return Placement(
        indicateur_id=ind.id, indicateur=ind.label,
        objectif=cat.objective(ind.objective).title, direction=ind.direction,
        annee=year, valeur=value, calcule=computed,
        cible_nationale=ind.national_target, cible_nationale_texte=ind.national_target_label,
        national=national, regional=regional,
    )  # fmt: skip


def _spread(peers: pd.Series, value: float, direction: str) -> Spread:
    peers = peers.astype(float)
    n = len(peers)
    if not n:
        return Spread(0, None, None, None, None)
    better = (peers < value - 1e-12) if direction == "baisse" else (peers > value + 1e-12)
    quartiles = n >= MIN_QUARTILES
    return Spread(
        effectif=n,
        mediane=float(peers.median()),
        q1=float(peers.quantile(0.25)) if quartiles else None,
        q3=float(peers.quantile(0.75)) if quartiles else None,
        rang=int(better.sum()) + 1,
    )
