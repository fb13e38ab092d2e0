"""Private: the tables of the national synthesis, computed from consolidated rows.

Pure computation over the tidy rows of a batch (no I/O): :func:`latest_ratios` (every
harmonised ratio of every collectivité, declared or computed from its terms, with its
consistency), :func:`completeness` (share of the harmonised indicators filled, by
collectivité), the table of the collectivités of the batch and the helpers placing a
collectivité on the map of départements. :func:`latest_ratios` and
:func:`completeness` are re-exported by :mod:`snppe_report.synthesis.build`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import pandas as pd

from snppe_report.read.catalogue import load_catalogue
from snppe_report.read.collectivites import get_collectivite

__all__ = ["OPTIONAL_OBJECTIVES", "latest_ratios", "completeness"]

#: Objectives a collectivité may leave aside (optional): counted only when reported.
OPTIONAL_OBJECTIVES = ("retour-domicile",)
_MISSING_CODES = ("ND", "NC")


def latest_ratios(rows: pd.DataFrame, annee: int | None = None) -> pd.DataFrame:
    """Every harmonised ratio of every collectivité, with its terms, by year.

    Parameters
    ----------
    rows : DataFrame
        Consolidated tidy rows (several collectivités).
    annee : int, optional
        Ignore later years.

    Returns
    -------
    DataFrame
        ``departement, indicateur_id, annee, declare, numerateur, denominateur,
        calcule, valeur, est_calcule, coherent``: ``valeur`` is the declared ratio, or
        the computed one when none is declared; ``coherent`` is None when a side is
        missing. One row per collectivité, ratio and year.
    """
    ratios = load_catalogue().ratios()
    wanted = {i for ind in ratios for i in (ind.id, ind.numerator, ind.denominator)}
    columns = ["departement", "indicateur_id", "annee", "unite", "valeur", "brut"]
    keep = rows["indicateur_id"].isin(wanted) & (rows["nature"] == "valeur")
    keep &= rows["valeur"].notna()
    if annee is not None:
        keep &= rows["annee"] <= annee
    values = rows.loc[keep].reindex(columns=columns)
    first = values.drop_duplicates(["departement", "indicateur_id", "annee", "unite"])
    keys = ["departement", "annee"]
    frames = []
    for ind in ratios:
        declared = _pick(first, ind.id, "pourcentage", "declare", with_brut=True)
        num = _pick(first, ind.numerator, "nombre", "numerateur")
        den = _pick(first, ind.denominator, "nombre", "denominateur")
        merged = declared.merge(num, on=keys, how="outer").merge(den, on=keys, how="outer")
        merged["indicateur_id"] = ind.id
        frames.append(merged)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    ok = out["denominateur"].fillna(0) > 0
    out["calcule"] = (out["numerateur"] / out["denominateur"]).where(ok)
    out["valeur"] = out["declare"].where(out["declare"].notna(), out["calcule"])
    out["est_calcule"] = out["declare"].isna() & out["calcule"].notna()
    gap = (out["declare"] - out["calcule"]).abs() * 100
    tolerance = out["brut"].map(_half_unit_points).astype(float) + _tolerance_points()
    out["coherent"] = (gap <= tolerance).astype(object).where(gap.notna(), None)
    out = out.dropna(subset=["valeur"])
    columns = ["departement", "indicateur_id", "annee", "declare", "numerateur",
               "denominateur", "calcule", "valeur", "est_calcule", "coherent"]  # fmt: skip
    return out[columns].sort_values(["indicateur_id", "departement", "annee"], kind="stable")


def completeness(
    rows: pd.DataFrame,
    collectivites: pd.DataFrame,
    annee: int | None = None,
    *,
    ratios: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Completeness of the harmonised indicators, one row per collectivité.

    The expected indicators are the catalogue ratios with their numerators and
    denominators; those of an optional objective (``OPTIONAL_OBJECTIVES``) count only
    when the collectivité reported one of them.

    Parameters
    ----------
    rows : DataFrame
        Consolidated tidy rows.
    collectivites : DataFrame
        ``code, nom, annee_campagne`` of the collectivités of the batch.
    annee : int, optional
        Ignore later years.
    ratios : DataFrame, optional
        :func:`latest_ratios` of the same rows, when already computed.

    Returns
    -------
    DataFrame
        ``code, nom, annee_campagne, attendus, renseignes, part_renseignes, valeurs_2019,
        part_2019, ratios, ratios_cible, part_cibles, codes_nd, incoherents``.
    """
    cat = load_catalogue()
    groups = _expected_groups()
    harmonised = {i for ids in groups.values() for i in ids}
    data = rows[rows["indicateur_id"].isin(harmonised)]
    if annee is not None:
        data = data[data["annee"] <= annee]
    is_value = (data["nature"] == "valeur") & data["valeur"].notna()
    reported = _sets(data)
    filled = _sets(data[is_value])
    in_2019 = _sets(data[is_value & (data["annee"] == 2019)])
    targeted = _sets(data[(data["nature"] == "cible") & data["statut"].isin(("ok", "texte"))])
    nd = data[(data["nature"] == "valeur") & data["statut"].isin(_MISSING_CODES)]
    nd_counts = nd.groupby("departement").size()
    if ratios is None:
        ratios = latest_ratios(rows, annee)
    bad = ratios[ratios["coherent"].eq(False)]  # noqa: E712 - object column
    bad_counts = bad.groupby("departement")["indicateur_id"].nunique()
    records = []
    for code, nom, campagne in collectivites[["code", "nom", "annee_campagne"]].itertuples(
        index=False
    ):
        mine = reported.get(code, set())
        expected = {
            i for obj, ids in groups.items() for i in ids
            if obj not in OPTIONAL_OBJECTIVES or mine & set(ids)
        }  # fmt: skip
        expected_ratios = {i for i in expected if cat.get(i).is_ratio}
        n, n_ratios = len(expected), len(expected_ratios)
        done = len(filled.get(code, set()) & expected)
        first = len(in_2019.get(code, set()) & expected)
        with_target = len(targeted.get(code, set()) & expected_ratios)
        records.append({
            "code": code, "nom": nom, "annee_campagne": campagne, "attendus": n,
            "renseignes": done, "part_renseignes": done / n if n else None,
            "valeurs_2019": first, "part_2019": first / n if n else None,
            "ratios": n_ratios, "ratios_cible": with_target,
            "part_cibles": with_target / n_ratios if n_ratios else None,
            "codes_nd": int(nd_counts.get(code, 0)), "incoherents": int(bad_counts.get(code, 0)),
        })  # fmt: skip
    return pd.DataFrame.from_records(records, columns=_COMPLETENESS_COLUMNS)


def _sets(frame: pd.DataFrame) -> dict[str, set[str]]:
    """Collectivité code -> the indicator ids of its rows."""
    return {code: set(ids) for code, ids in frame.groupby("departement")["indicateur_id"]}


_COMPLETENESS_COLUMNS = [
    "code", "nom", "annee_campagne", "attendus", "renseignes", "part_renseignes",
    "valeurs_2019", "part_2019", "ratios", "ratios_cible", "part_cibles", "codes_nd",
    "incoherents",
]  # fmt: skip


def _expected_groups() -> dict[str, tuple[str, ...]]:
    """Objective id -> its ratios with their terms (catalogue order, no repeats)."""
    groups: dict[str, list[str]] = {}
    for ind in load_catalogue().ratios():
        ids = groups.setdefault(ind.objective, [])
        for ident in (ind.numerator, ind.denominator, ind.id):
            if ident not in ids:
                ids.append(ident)
    return {k: tuple(v) for k, v in groups.items()}


def _pick(frame: pd.DataFrame, ident: str, unite: str, name: str, with_brut: bool = False):
    part = frame[(frame["indicateur_id"] == ident) & (frame["unite"] == unite)]
    columns = ["departement", "annee", "valeur"] + (["brut"] if with_brut else [])
    part = part.reindex(columns=columns).rename(columns={"valeur": name})
    return part.astype({name: "float64"})


_DECIMALS = re.compile(r"\d+(?:[,.](\d+))?")


def _tolerance_points() -> float:
    """The report's tolerance (``status_rules.yaml``), so both judge ratios alike."""
    from snppe_report.analysis.status import rules

    return float(rules()["controles"]["tolerance_ratio_points"])


def _half_unit_points(brut: object) -> float:
    """Half a unit of the last significant decimal of a reported percentage, in points."""
    if not isinstance(brut, str):
        return 0.05
    match = _DECIMALS.search(brut)
    decimals = len((match.group(1) or "").rstrip("0")) if match else 1
    return 0.5 * 10 ** (-decimals)


def _by_departement(values: Mapping[str, float]) -> dict[str, float]:
    """Values of collectivités spread over their départements (a département's own wins)."""
    out: dict[str, float] = {}
    for code, value in values.items():
        for dep in _covered(code):
            if dep == code or dep not in values:
                out[dep] = value
    return out


def _collectivites(rows: pd.DataFrame, man: Mapping[str, Any]) -> pd.DataFrame:
    """The collectivités of the batch: from the manifest, else from the rows."""
    found: dict[str, dict] = {}
    for entry in man.get("entrees", ()):
        coll = entry.get("collectivite") or {}
        code = coll.get("code")
        if not code or entry.get("statut") == "echec":
            continue
        item = found.setdefault(code, {"code": code, "nom": coll.get("nom") or _name(code),
                                       "annee_campagne": None, "fichiers": []})  # fmt: skip
        item["fichiers"].append(entry.get("fichier", ""))
        year = entry.get("annee_campagne")
        if year is not None and (item["annee_campagne"] is None or year > item["annee_campagne"]):
            item["annee_campagne"] = int(year)
    for code in rows["departement"].dropna().astype(str).unique():
        if code not in found:
            files = rows.loc[rows["departement"] == code].get("fichier", pd.Series(dtype=str))
            found[code] = {"code": code, "nom": _name(code), "annee_campagne": None,
                           "fichiers": sorted(files.dropna().astype(str).unique())}  # fmt: skip
    columns = ["code", "nom", "annee_campagne", "fichiers"]
    table = pd.DataFrame(list(found.values()), columns=columns)
    return table.sort_values("code", key=lambda c: c.map(_code_order)).reset_index(drop=True)


def _code_order(code: str) -> tuple:
    return (len(code) == 3 and code.isdigit(), code.replace("2A", "20A").replace("2B", "20B"))


def _covered(code: str) -> tuple[str, ...]:
    try:
        return get_collectivite(code).departements
    except Exception:  # noqa: BLE001 - an unknown code covers nothing on the map
        return ()


@cache
def _name(code: str) -> str:
    try:
        return get_collectivite(code).nom
    except Exception:  # noqa: BLE001 - keep the code when the table does not know it
        return str(code)
