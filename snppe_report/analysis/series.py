"""Pure: each indicator's series and its three judgements, for campaign year N.

:func:`indicator_details` picks, per indicator (and objective), its starting point,
latest value, target and direction, then judges it three times: statut
(:func:`snppe_report.analysis.status.compute_status`), tendance and position nationale
(:mod:`snppe_report.analysis.trends`). It also decides what is ``contexte``
(numerators and denominators of a harmonised ratio present in the workbook,
populations and cohorts) and fills a missing ratio from its terms ("calculé") or from
a percentage typed on its numerator's row. The public per-indicator table
(:func:`snppe_report.analysis.indicators.indicator_table`) and the report read it.

* target: the ``cible`` of N, else the nearest later one, else the latest earlier one;
* latest value: the latest ``valeur`` year <= N holding a number in the indicator's
  unit (a text when it has no number: qualitative); SO / ND / NC are no value;
* starting point: the 2019 value; "SO" in 2019 counts as 0 for an indicator going up
  (the action did not exist); else the earliest year with a value;
* direction: the catalogue's; for local indicators, "baisse" when the label starts with
  a ``mots_baisse`` word, else the target's side of the starting point, else "baisse"
  for a duration (``unites_baisse``), else "hausse".
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from snppe_report.analysis.ratios import indicator_groups, recompute_ratios
from snppe_report.analysis.status import (
    CONTEXTE,
    NON_EVALUABLE,
    Observation,
    Status,
    compute_status,
    rules,
)  # fmt: skip
from snppe_report.analysis.trends import national_position, trend
from snppe_report.analysis.units import QUANTITIES, implied_units, units_compatible
from snppe_report.frames import records as frame_records
from snppe_report.read.catalogue import Catalogue, Indicator, load_catalogue
from snppe_report.text import normalize

__all__ = ["DETAIL_COLUMNS", "campaign_years", "indicator_details"]

DETAIL_COLUMNS = (
    "indicateur_id", "indicateur", "engagement", "mesure", "objectif", "objectif_num",
    "facultatif", "harmonise", "unite", "direction",
    "depart_annee", "diagnostic", "diagnostic_brut", "diagnostic_source",
    "dernier_annee", "dernier_valeur", "dernier_brut", "dernier_source",
    "cible_annee", "cible", "cible_brut", "cible_source", "atteinte_brut", "atteinte_source",
    "cible_nationale", "cible_nationale_valeur",
    "statut", "raison", "taux_atteinte", "rythme_observe", "rythme_requis",
    "tendance", "tendance_favorable", "position_nationale", "ecart_national",
    "horizon_passe", "position_texte", "valeur_ancienne", "sources",
    "valeurs", "cibles", "repris", "ordre",
)  # fmt: skip
_CODES = ("SO", "ND", "NC")


def campaign_years(rows: pd.DataFrame) -> tuple[int, ...]:
    """The years of a workbook: every year holding a value, a target or an attainment."""
    return tuple(sorted({int(y) for y in rows["annee"].dropna()}))


def indicator_details(
    rows: pd.DataFrame, annee: int, catalogue: Catalogue | None = None
) -> pd.DataFrame:
    """One row per indicator and objective: series, three judgements, reasons.

    Parameters
    ----------
    rows : DataFrame
        The tidy table (``read.table.COLUMNS`` and ``ordre``, ``objectif_num``,
        ``facultatif``), possibly merged over years by ``history.merge_extractions``.
    annee : int
        Campaign year N. Outside :func:`campaign_years`, every indicator is ``non
        évaluable`` (contexte rows stay contexte) and says why.
    catalogue : Catalogue, optional
        Harmonised indicators; default ``catalogue.load_catalogue()``.

    Returns
    -------
    DataFrame
        Columns :data:`DETAIL_COLUMNS`, in workbook order. ``valeurs`` / ``cibles``:
        {year: float or None}; ``repris``: {year: Observation} values not read from
        the row's own cell (``origine`` "calculé" or the row they were typed on).
    """
    cat = catalogue or load_catalogue()
    groups = indicator_groups(rows)
    context = _context_ids(cat, {g[0]["indicateur_id"] for g in groups})
    years = campaign_years(rows)
    computed = _computed(rows, cat)
    value_years = [y for y in rows.loc[rows["nature"] == "valeur", "annee"] if y <= annee]
    last_year = max(value_years, default=None)
    env = {"annee": annee, "years": years, "context": context, "computed": computed,
           "last": last_year, "groups": groups}  # fmt: skip
    records = [_record(group, cat, env) for group in groups]
    return pd.DataFrame.from_records(records, columns=list(DETAIL_COLUMNS))


def _context_ids(cat: Catalogue, present: set[Any]) -> dict[str, str]:
    """Harmonised ids that are context here, with the French reason."""
    out: dict[str, str] = {}
    for ratio in cat.ratios():
        if ratio.id in present:
            for ident, word in (
                (ratio.numerator, "numérateur"),
                (ratio.denominator, "dénominateur"),
            ):
                out.setdefault(ident, (
                    f"Contexte : {word} du taux « {ratio.label} », jugé sur sa propre ligne."
                ))  # fmt: skip
    for ind in cat:
        if ind.direction == "neutre":
            out.setdefault(ind.id, "Contexte : population ou cohorte, sans cible à atteindre.")
    return out


def _computed(rows: pd.DataFrame, cat: Catalogue) -> dict[tuple[str, int], Observation]:
    """Ratios computable from their terms: (id, year) -> a "calculé" observation."""
    out = {}
    for rec in frame_records(recompute_ratios(rows, cat)):
        value = rec["ratio_calcule"]
        if value is not None and not pd.isna(value):
            sources = ", ".join(s for s in rec["sources"].split(", ")[-2:])
            out[(rec["indicateur_id"], int(rec["annee"]))] = Observation(
                int(rec["annee"]), float(value), "pourcentage", "", "ok", sources, "calculé"
            )
    return out


def _record(group: list[dict[str, Any]], cat: Catalogue, env: dict[str, Any]) -> dict[str, Any]:
    first, annee = group[0], env["annee"]
    ind = _lookup(cat, first["indicateur_id"])
    valeurs, cibles = _observations(group, "valeur"), _observations(group, "cible")
    repris = _filled(ind, first, valeurs, env)
    series = {**valeurs, **repris}
    atteintes = _observations(group, "atteinte")
    target, target_note = _pick_target(cibles, annee)
    unite = _unit(ind, series, target, annee)
    latest = _latest(series, annee, unite)
    start, start_note = _start(series, latest, unite)
    direction = _direction(ind, first["indicateur"], unite, start, target)
    start, start_note = _sans_objet(series, latest, unite, direction) or (start, start_note)
    ident = first["indicateur_id"]
    is_context = ident in env["context"] or _local_context(ind, first["indicateur"])
    if is_context:
        direction = "neutre" if ind is None or ind.direction == "neutre" else direction
        status = Status(CONTEXTE, env["context"].get(ident) or (
            "Contexte : population ou cohorte, sans cible à atteindre."
        ))  # fmt: skip
    elif annee not in env["years"]:
        listed = ", ".join(map(str, env["years"]))
        status = Status(NON_EVALUABLE, (
            f"Non évaluable : campagne {annee} hors des années du classeur ({listed})."
        ))  # fmt: skip
    else:
        implied = implied_units(first["indicateur"], ind.unit if ind is not None else "")
        status = compute_status(start, latest, target, direction, implied)
    old = None
    judged = status.statut not in (NON_EVALUABLE, CONTEXTE)
    if judged and latest is not None and env["last"] is not None and latest.annee < env["last"]:
        old = latest.annee
    if target is None or latest is None or is_context:
        target_note = start_note = ""
    notes = [status.raison, _old_note(old, env["last"]), target_note, start_note]
    notes += _gaps(valeurs, latest, annee, unite)
    notes += [_origin_note(o) for o in repris.values() if o is latest]
    shown_start = start or _first_value(series, latest, unite)
    atteinte = atteintes.get(annee) or next(reversed(atteintes.values()), None)
    nums = [r["objectif_num"] for r in group if not pd.isna(r.get("objectif_num"))]
    judged_trend = trend(start, latest, direction if not is_context else "neutre")
    national = ind.national_target if ind is not None else None
    position = national_position(latest, national, unite, direction)
    used = (shown_start, latest, target)
    return {
        **{key: first[key] for key in ("indicateur_id", "indicateur", "engagement", "mesure")},
        "objectif": first["objectif"],
        "objectif_num": nums[0] if nums else None,
        "facultatif": any(bool(r.get("facultatif", False)) for r in group),
        "harmonise": ind is not None, "unite": unite, "direction": direction,
        "depart_annee": _get(shown_start, "annee"),
        "diagnostic": _get(shown_start, "valeur"),
        "diagnostic_brut": _get(shown_start, "brut", ""),
        "diagnostic_source": _get(shown_start, "source", ""),
        "dernier_annee": _get(latest, "annee"), "dernier_valeur": _get(latest, "valeur"),
        "dernier_brut": _get(latest, "brut", ""), "dernier_source": _get(latest, "source", ""),
        "cible_annee": _get(target, "annee"), "cible": _get(target, "valeur"),
        "cible_brut": _get(target, "brut", ""), "cible_source": _get(target, "source", ""),
        "atteinte_brut": _get(atteinte, "brut", ""),
        "atteinte_source": _get(atteinte, "source", ""),
        "cible_nationale": (ind.national_target_label or "") if ind is not None else "",
        "cible_nationale_valeur": national,
        "statut": status.statut, "raison": " ".join(n for n in notes if n),
        "taux_atteinte": status.taux_atteinte,
        "rythme_observe": status.rythme_observe, "rythme_requis": status.rythme_requis,
        "tendance": judged_trend.tendance, "tendance_favorable": judged_trend.favorable,
        "position_nationale": position.position, "ecart_national": position.ecart,
        "horizon_passe": position.horizon_passe, "position_texte": position.texte,
        "valeur_ancienne": old,
        "sources": ", ".join(dict.fromkeys(
            s for o in used if o is not None for s in o.source.split(", ") if s
        )),
        "valeurs": {y: o.valeur for y, o in valeurs.items()},
        "cibles": {y: o.valeur for y, o in cibles.items()},
        "repris": repris,
        "ordre": int(first.get("ordre", 0)),
    }  # fmt: skip


def _old_note(old: int | None, last: int | None) -> str:
    if old is None:
        return ""
    return f"Statut établi sur la valeur {old} (le classeur a des valeurs jusqu'en {last})."


def _origin_note(obs: Observation) -> str:
    if obs.origine == "calculé":
        return f"Valeur {obs.annee} calculée : numérateur / dénominateur."
    return f"Valeur {obs.annee} {obs.origine}."


def _local_context(ind: Indicator | None, label: str) -> bool:
    if ind is not None:
        return False
    words = rules()["statuts"]["mots_contexte"]
    return any(normalize(label).startswith(normalize(word)) for word in words)


def _filled(
    ind: Indicator | None, first: dict, valeurs: dict[int, Observation], env: dict
) -> dict[int, Observation]:
    """Values of a harmonised ratio missing from its own cells.

    A year whose ratio cell is empty, ND or not a percentage gets the ratio computed
    from its terms ("calculé"), else a percentage typed on its numerator's row of the
    same objective (a data-entry slip, which the checks report).
    """
    if ind is None or not ind.is_ratio:
        return {}
    own = {y for y, o in valeurs.items() if o.valeur is not None and o.unite == "pourcentage"}
    out = {}
    for (ident, year), obs in env["computed"].items():
        if ident == ind.id and year not in own:
            out[year] = obs
    for group in env["groups"]:
        head = group[0]
        if head["indicateur_id"] != ind.numerator or head["objectif"] != first["objectif"]:
            continue
        for year, obs in _observations(group, "valeur").items():
            if year not in own and year not in out and obs.unite == "pourcentage":
                origine = "saisie sur la ligne du numérateur"
                out[year] = Observation(year, obs.valeur, obs.unite, obs.brut, obs.statut,
                                        obs.source, origine)  # fmt: skip
    return dict(sorted(out.items()))


def _first_value(
    series: dict[int, Observation], latest: Observation | None, unite: str
) -> Observation | None:
    """The starting point shown when it is the latest value itself (one point only)."""
    if latest is None:
        return None
    found = [o for o in series.values() if o.valeur is not None or o.statut == "texte"]
    found = [o for o in found if o.valeur is None or units_compatible(o.unite, unite)]
    return found[0] if found else None


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
    if ind is not None and ind.unit in (*QUANTITIES, "pourcentage"):
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
