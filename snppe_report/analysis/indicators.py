"""Pure: per-indicator series, recomputed ratios and status counts.

Data in (the tidy table of :mod:`snppe_report.read.table`), data out. :func:`indicator_table`
picks, for campaign year N, each indicator's target, latest value, starting point and
direction, then :func:`snppe_report.analysis.status.compute_status` gives its status (the rules
are in :mod:`snppe_report.analysis.status`; the only I/O is its reading of
``data/status_rules.yaml``, once).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from snppe_report.analysis.status import (
    _QUANTITIES,
    STATUTS,
    Observation,
    compute_status,
    rules,
    units_compatible,
)
from snppe_report.read.catalogue import Catalogue, Indicator, load_catalogue
from snppe_report.text import normalize

__all__ = [
    "RATIO_COLUMNS", "TABLE_COLUMNS", "indicator_groups", "indicator_table",
    "recompute_ratios", "status_counts",
]  # fmt: skip

TABLE_COLUMNS = (
    "indicateur_id", "indicateur", "engagement", "mesure", "objectif", "objectif_num",
    "facultatif", "harmonise", "unite", "direction", "diagnostic", "diagnostic_brut",
    "diagnostic_source", "dernier_annee", "dernier_valeur", "dernier_brut",
    "dernier_source", "cible_annee", "cible", "cible_brut", "cible_source",
    "atteinte_brut", "cible_nationale", "statut", "taux_atteinte", "explication",
    "valeurs", "cibles", "ordre",
)  # fmt: skip
RATIO_COLUMNS = (
    "indicateur_id", "indicateur", "annee", "numerateur", "denominateur",
    "ratio_calcule", "ratio_declare", "ecart_points", "coherent", "sources",
)  # fmt: skip
_CODES = ("SO", "ND", "NC")


def indicator_table(
    rows: pd.DataFrame, annee: int, catalogue: Catalogue | None = None
) -> pd.DataFrame:
    """One row per indicator: series, target, latest value, status and attainment.

    Parameters
    ----------
    rows : DataFrame
        The tidy table (``table.COLUMNS`` and ``ordre``, ``objectif_num``,
        ``facultatif``), possibly merged over years by ``history.merge_extractions``.
    annee : int
        Campaign year N.
    catalogue : Catalogue, optional
        Harmonised indicators; default ``catalogue.load_catalogue()``.

    Returns
    -------
    DataFrame
        Columns :data:`TABLE_COLUMNS` (see ``docs/architecture.md``), indicators in
        workbook order; an indicator shown under two objectives gives two rows.
    """
    cat = catalogue or load_catalogue()
    records = [_indicator_record(group, annee, cat) for group in indicator_groups(rows)]
    return pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))


def indicator_groups(rows: pd.DataFrame) -> list[list[dict[str, Any]]]:
    """The tidy rows as dicts, one list per (indicateur_id, objectif), in ``ordre`` order."""
    records = rows.to_dict("records")
    if "ordre" in rows:
        records.sort(key=lambda r: r["ordre"])
    groups: dict[tuple[Any, str], list[dict[str, Any]]] = {}
    for record in records:
        objectif = record["objectif"] if isinstance(record["objectif"], str) else ""
        groups.setdefault((record["indicateur_id"], objectif), []).append(record)
    return list(groups.values())


def _indicator_record(group: list[dict[str, Any]], annee: int, cat: Catalogue) -> dict[str, Any]:
    first = group[0]
    ind = _lookup(cat, first["indicateur_id"])
    valeurs, cibles = _observations(group, "valeur"), _observations(group, "cible")
    atteintes = _observations(group, "atteinte")
    target, target_note = _pick_target(cibles, annee)
    unite = _unit(ind, valeurs, target, annee)
    latest = _latest(valeurs, annee, unite)
    start, start_note = _start(valeurs, latest, unite)
    direction = _direction(ind, first["indicateur"], unite, start, target)
    start, start_note = _sans_objet(valeurs, latest, unite, direction) or (start, start_note)
    status = compute_status(start, latest, target, direction)
    if target is None or latest is None:
        target_note = start_note = ""
    notes = [status.explication, target_note, start_note, *_gaps(valeurs, latest, annee, unite)]
    atteinte = atteintes.get(annee) or next(reversed(atteintes.values()), None)
    nums = [r["objectif_num"] for r in group if not pd.isna(r.get("objectif_num"))]
    return {
        **{key: first[key] for key in ("indicateur_id", "indicateur", "engagement", "mesure")},
        "objectif": first["objectif"],
        "objectif_num": nums[0] if nums else None,
        "facultatif": any(bool(r.get("facultatif", False)) for r in group),
        "harmonise": ind is not None, "unite": unite, "direction": direction,
        "diagnostic": _get(start, "valeur"), "diagnostic_brut": _get(start, "brut", ""),
        "diagnostic_source": _get(start, "source", ""),
        "dernier_annee": _get(latest, "annee"), "dernier_valeur": _get(latest, "valeur"),
        "dernier_brut": _get(latest, "brut", ""), "dernier_source": _get(latest, "source", ""),
        "cible_annee": _get(target, "annee"), "cible": _get(target, "valeur"),
        "cible_brut": _get(target, "brut", ""), "cible_source": _get(target, "source", ""),
        "atteinte_brut": _get(atteinte, "brut", ""),
        "cible_nationale": (ind.national_target_label or "") if ind is not None else "",
        "statut": status.statut, "taux_atteinte": status.taux_atteinte,
        "explication": " ".join(note for note in notes if note),
        "valeurs": {y: o.valeur for y, o in valeurs.items()},
        "cibles": {y: o.valeur for y, o in cibles.items()},
        "ordre": int(first.get("ordre", 0)),
    }  # fmt: skip


def _get(obs: Observation | None, name: str, default: Any = None) -> Any:
    return default if obs is None else getattr(obs, name)


def _observations(group: list[dict[str, Any]], nature: str) -> dict[int, Observation]:
    out: dict[int, Observation] = {}
    for row in (r for r in group if r["nature"] == nature):
        value = row["valeur"]
        number = None if value is None or pd.isna(value) else float(value)
        out.setdefault(int(row["annee"]), Observation(
            int(row["annee"]), number, str(row["unite"]), str(row["brut"]),
            str(row["statut"]), str(row["source"]),
        ))  # fmt: skip
    return dict(sorted(out.items()))


def _pick_target(cibles: dict[int, Observation], annee: int) -> tuple[Observation | None, str]:
    filled = [y for y, o in cibles.items() if o.statut in ("ok", "texte")]
    later, earlier = [y for y in filled if y > annee], [y for y in filled if y < annee]
    if annee in filled or not (later or earlier):
        return cibles.get(annee) if annee in filled else None, ""
    year = min(later) if later else max(earlier)
    return cibles[year], f"Pas de cible {annee} : cible {year} retenue."


def _unit(ind: Any, valeurs: dict[int, Observation], target: Observation | None, annee: int) -> str:
    if ind is not None and ind.unit in (*_QUANTITIES, "pourcentage"):
        return ind.unit
    numbers = [o for o in valeurs.values() if o.valeur is not None]
    numbers = [o for o in numbers if o.annee <= annee] or numbers
    if numbers:
        return numbers[-1].unite
    return target.unite if target is not None and target.valeur is not None else "texte"


def _latest(valeurs: dict[int, Observation], annee: int, unite: str) -> Observation | None:
    before = [o for o in valeurs.values() if o.annee <= annee]
    numbers = [o for o in before if o.valeur is not None and units_compatible(o.unite, unite)]
    return (numbers or [o for o in before if o.statut == "texte"] or [None])[-1]


def _start(
    valeurs: dict[int, Observation], latest: Observation | None, unite: str
) -> tuple[Observation | None, str]:
    if latest is None:
        return None, ""
    if latest.valeur is None:
        found = [o for o in valeurs.values() if o.statut == "texte"]
    else:
        found = [o for o in valeurs.values() if o.valeur is not None]
        found = [o for o in found if units_compatible(o.unite, unite)]
    first = next((o for o in found if o.annee < latest.annee), None)
    year0 = rules()["statuts"]["annee_diagnostic"]
    if first is None or first.annee == year0:
        return first, ""
    return first, f"Pas de valeur {year0} : point de départ {first.annee}."


def _sans_objet(
    valeurs: dict[int, Observation], latest: Observation | None, unite: str, direction: str
) -> tuple[Observation, str] | None:
    """A "sans objet" diagnostic: nothing done yet (0 for an indicator going up)."""
    year0 = rules()["statuts"]["annee_diagnostic"]
    so = valeurs.get(year0)
    if latest is None or so is None or so.statut != "SO" or latest.annee <= year0:
        return None
    if latest.valeur is None:
        return Observation(year0, None, "texte", so.brut, "SO", so.source), ""
    if direction == "baisse":
        return None
    note = f"Diagnostic {year0} « sans objet » : point de départ 0."
    return Observation(year0, 0.0, unite, so.brut, "SO", so.source), note


def _direction(
    ind: Indicator | None, label: str, unite: str, start: Observation | None,
    target: Observation | None,
) -> str:  # fmt: skip
    conf = rules()["statuts"]
    if ind is not None and ind.direction in ("hausse", "baisse"):
        return ind.direction
    if any(normalize(label).startswith(normalize(word)) for word in conf["mots_baisse"]):
        return "baisse"
    known = start is not None and target is not None
    if known and start.valeur is not None and target.valeur is not None:
        if units_compatible(start.unite, target.unite) and target.valeur != start.valeur:
            return "baisse" if target.valeur < start.valeur else "hausse"
    return "baisse" if unite in conf["unites_baisse"] else "hausse"


def _gaps(
    valeurs: dict[int, Observation], latest: Observation | None, annee: int, unite: str
) -> list[str]:
    after = latest.annee if latest is not None else 0
    codes = [f"{o.statut} en {y}" for y, o in valeurs.items() if after < y <= annee]
    codes = [code for code in codes if code[:2] in _CODES]
    other = [o for o in valeurs.values() if o.valeur is not None and o.annee <= annee]
    other = [o for o in other if not units_compatible(o.unite, unite)]
    notes = [f"Sans valeur : {', '.join(codes)}."] if codes else []
    if other:
        years = ", ".join(str(o.annee) for o in other)
        notes.append(
            f"Valeur(s) {years} ignorée(s) : en {other[0].unite}, l'indicateur en {unite}."
        )
    return notes


def _lookup(cat: Catalogue, ident: Any) -> Indicator | None:
    """The harmonised indicator of an id, None for a local one."""
    return cat.get(ident) if isinstance(ident, str) and ident in cat else None


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


def status_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Number of indicators and of objectives by status.

    Parameters
    ----------
    table : DataFrame
        The result of :func:`indicator_table`.

    Returns
    -------
    DataFrame
        One row per status of :data:`STATUTS`, in that order; columns ``Statut``,
        ``Indicateurs``, ``Part des indicateurs`` (fraction) and ``Objectifs
        concernés`` (objectives with at least one indicator of that status, so an
        objective may count under several statuses). Objectives are told apart as the
        report groups them, within their engagement; the indicators an engagement
        gives no objective make one group ("Objectif non précisé").
    """
    objectifs = (
        table["engagement"].fillna("").astype(str)
        + "\x1f"
        + table["objectif"].fillna("").astype(str)
    )
    records = []
    for statut in STATUTS:
        mask = table["statut"] == statut
        records.append({
            "Statut": statut, "Indicateurs": int(mask.sum()),
            "Part des indicateurs": float(mask.mean()) if len(table) else 0.0,
            "Objectifs concernés": int(objectifs[mask].nunique()),
        })  # fmt: skip
    return pd.DataFrame.from_records(records)
