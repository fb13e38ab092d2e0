"""Pure: per-indicator series, recomputed ratios, status and attainment.

Data in (the tidy table of :mod:`snppe_report.table`), data out. The only I/O reads the
thresholds and the annex sentences of ``data/status_rules.yaml``, once.

Status of an indicator for campaign year N, one of :data:`STATUTS`:

* target: the ``cible`` of N, else the nearest later one, else the latest earlier one;
* latest value: the latest ``valeur`` year <= N holding a number in the indicator's
  unit (a text when it has no number: qualitative); SO / ND / NC are no value;
* starting point: the 2019 value; "SO" in 2019 counts as 0 for an indicator going up
  (the action did not exist); else the earliest year with a value;
* direction: the catalogue's; for local and "neutre" indicators, "baisse" when the
  label starts with a ``mots_baisse`` word (délai…), else the target's side of the
  starting point, else "baisse" for a duration (``unites_baisse``), else "hausse";
* atteint (latest reaches the target), en progrès / stable / en recul (moved toward
  the target beyond / within the stability band / away from it), non évaluable
  (something missing, units differ, texts not comparable): see :func:`compute_status`
  and :func:`compare_qualitative`. :func:`status_rules` prints them for the annex.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from .catalogue import Catalogue, Indicator, load_catalogue
from .formatting import format_number, format_percent, format_value
from .text import normalize
from .values import parse_value

__all__ = [
    "RATIO_COLUMNS", "STATUTS", "TABLE_COLUMNS", "Observation", "Status",
    "attainment_rate", "compare_qualitative", "compute_status", "indicator_groups",
    "indicator_table", "recompute_ratios", "rules", "status_counts", "status_rules",
    "units_compatible",
]  # fmt: skip

STATUTS = ("atteint", "en progrès", "stable", "en recul", "non évaluable")
ATTEINT, PROGRES, STABLE, RECUL, NON_EVALUABLE = STATUTS
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
_QUANTITIES = ("nombre", "heures", "mois", "jours", "euros")
_LEVELS = {"non_realise": 0, "en_cours": 1, "realise": 2}
_CODES = ("SO", "ND", "NC")
_LEVEL_NAMES = {0: " (non réalisé)", 1: " (en cours)", 2: " (réalisé)"}


@cache
def rules() -> dict[str, Any]:
    """The content of ``snppe_report/data/status_rules.yaml`` (read once)."""
    path = resources.files("snppe_report").joinpath("data/status_rules.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


@dataclass(frozen=True)
class Observation:
    """One value or target of an indicator, as :func:`compute_status` compares them."""

    annee: int
    valeur: float | None
    unite: str = "nombre"
    brut: str = ""
    statut: str = "ok"
    source: str = ""

    def shown(self) -> str:
        """French rendering: the formatted number, or the text between « »."""
        if self.valeur is None:
            return f"« {' '.join(self.brut.split())} »"
        if self.unite == "pourcentage":
            return format_percent(self.valeur, None)
        return format_value(self.valeur, self.unite, None)


@dataclass(frozen=True)
class Status:
    """A status, its attainment rate and its French explanation."""

    statut: str
    taux_atteinte: float | None
    explication: str


def units_compatible(a: str, b: str) -> bool:
    """Whether two units compare: the same, or a bare number and a quantity unit."""
    return a == b or ({a, b} <= set(_QUANTITIES) and "nombre" in (a, b))


def attainment_rate(
    diagnostic: float | None, latest: float | None, target: float | None, direction: str
) -> float | None:
    """Progress from the diagnostic toward the target.

    Parameters
    ----------
    diagnostic, latest, target : float or None
        Starting value, latest value and target, in one unit.
    direction : str
        "hausse" (higher is better) or "baisse".

    Returns
    -------
    float or None
        ``(latest - diagnostic) / (target - diagnostic)``: 0 no progress, 1.0 target
        reached (more when exceeded, negative when receding). When the diagnostic
        already met the target: 1.0 if the latest still does, else None. None when a
        value is missing.
    """
    if diagnostic is None or latest is None or target is None:
        return None
    gap = target - diagnostic
    if gap == 0 or (gap < 0) == (direction != "baisse"):
        return 1.0 if _reached(latest, target, direction) else None
    return (latest - diagnostic) / gap


def compare_qualitative(
    latest_text: str, target_text: str, diagnostic_text: str = ""
) -> str | None:
    """Status of a text value against a text (or "100 %") target.

    Texts are compared without accents, case or HTML, and classified by the word lists
    of ``status_rules.yaml`` (``qualitatif``): réalisé ("oui", "Réalisé", "Protocole
    signé", "Objectif atteint depuis…", "100 %"), en cours ("En cours"…), non réalisé
    ("Non réalisé en 2022"…). Any other target text is an action to carry out
    (réalisé); a number other than 100 % is no qualitative target.

    Parameters
    ----------
    latest_text, target_text : str
        Latest value and target as written.
    diagnostic_text : str, optional
        Starting value as written; "" or "SO" mean nothing done yet.

    Returns
    -------
    str or None
        "atteint" when the texts are equal or the value reaches the target's level;
        else, comparing the value's level with the diagnostic's, "en progrès", "stable"
        (so "Non réalisé" after a "sans objet" diagnostic) or "en recul"; None when the
        texts cannot be compared.
    """
    latest, target = normalize(latest_text), normalize(target_text)
    if not latest or not target:
        return None
    if latest == target:
        return ATTEINT
    level, goal = _level(latest), _target_level(target)
    if level is None or goal is None:
        return None
    if level >= goal:
        return ATTEINT
    start = _level(normalize(diagnostic_text)) or 0
    return PROGRES if level > start else STABLE if level == start else RECUL


def compute_status(
    diagnostic: Observation | None,
    latest: Observation | None,
    target: Observation | None,
    direction: str = "hausse",
) -> Status:
    """Status of one indicator from its starting point, latest value and target.

    Parameters
    ----------
    diagnostic : Observation or None
        The starting point; used only when its year is before the latest value's.
    latest : Observation or None
        The latest value (year <= N).
    target : Observation or None
        The target retained for year N.
    direction : str
        "hausse" or "baisse".

    Returns
    -------
    Status
        See the module docstring; texts go through :func:`compare_qualitative`.
    """
    if target is None:
        return Status(NON_EVALUABLE, None, "Aucune cible n'est renseignée.")
    if latest is None:
        return Status(NON_EVALUABLE, None, "Aucune valeur n'est renseignée.")
    if latest.valeur is None or target.valeur is None:
        return _text_status(diagnostic, latest, target)
    if not units_compatible(latest.unite, target.unite):
        return Status(NON_EVALUABLE, None, (
            f"La cible {target.annee} ({target.shown()}) est en {target.unite} et la valeur "
            f"{latest.annee} ({latest.shown()}) en {latest.unite} : elles ne se comparent pas."
        ))  # fmt: skip
    usable = diagnostic is not None and diagnostic.valeur is not None
    usable = usable and units_compatible(diagnostic.unite, latest.unite)
    start = diagnostic if usable and diagnostic.annee < latest.annee else None
    return _numeric_status(start, latest, target, direction)


def _numeric_status(
    start: Observation | None, latest: Observation, target: Observation, direction: str
) -> Status:
    rate = attainment_rate(start and start.valeur, latest.valeur, target.valeur, direction)
    where, goal = f"{latest.shown()} en {latest.annee}", f"cible {target.annee} : {target.shown()}"
    exact = _exact_values_note(latest, target)  # the figures the sentence quotes
    if _reached(latest.valeur, target.valeur, direction):
        sign = "≤" if direction == "baisse" else "≥"
        done = 1.0 if rate is None else rate
        return Status(ATTEINT, done, f"Atteint : {where} {sign} {goal}.{exact}")
    if start is None:
        return Status(NON_EVALUABLE, None, (
            f"{goal[0].upper()}{goal[1:]} non atteinte ({where}) et aucune valeur antérieure "
            f"ne permet de mesurer la progression.{exact}"
        ))  # fmt: skip
    delta, move = latest.valeur - start.valeur, f"De {start.shown()} en {start.annee} à {where}"
    exact = _exact_values_note(start, latest, target)
    if abs(delta) <= _band(start.valeur, latest.unite):
        return Status(
            STABLE, rate, f"{move} : variation dans la bande de stabilité ({goal}).{exact}"
        )
    if (delta > 0) == (direction != "baisse"):
        done = f", {format_percent(rate, 0)} du chemin parcouru" if rate is not None else ""
        return Status(PROGRES, rate, f"{move}, vers la {goal}{done}.{exact}")
    return Status(RECUL, rate, f"{move}, en s'éloignant de la {goal}.{exact}")


def _exact_values_note(*observations: Observation) -> str:
    """Say so when the explanation's figures are more precise than the workbook shows.

    The rate is computed on the cells' exact values (3,62 %), which the workbook may
    display rounded by its number format (3,6 %): the reader who recomputes from the
    displayed figures must know why the result differs slightly.
    """
    rounded = [
        f"{obs.shown()} affiché {' '.join(obs.brut.split())}"
        for obs in observations
        if obs.valeur is not None and _displayed_rounded(obs)
    ]
    if not rounded:
        return ""
    return f" Calcul sur les valeurs exactes des cellules ({' ; '.join(rounded)})."


def _displayed_rounded(obs: Observation) -> bool:
    shown = parse_value(obs.brut).valeur if obs.brut else None
    return shown is not None and not math.isclose(shown, obs.valeur, rel_tol=1e-9)


def _text_status(diag: Observation | None, latest: Observation, target: Observation) -> Status:
    if latest.valeur is not None:
        return Status(NON_EVALUABLE, None, (
            f"La cible {target.annee} est un texte ({target.shown()}) et la valeur "
            f"{latest.annee} un nombre ({latest.shown()}) : elles ne se comparent pas."
        ))  # fmt: skip
    before = diag is not None and diag.valeur is None and diag.annee < latest.annee
    goal = target.brut if target.valeur is None else target.shown()
    statut = compare_qualitative(latest.brut, goal, diag.brut if before else "")
    level = _LEVEL_NAMES.get(_level(normalize(latest.brut)), "")
    pair = f"valeur {latest.annee} {latest.shown()}{level}, cible {target.annee} {target.shown()}"
    if statut is None:
        return Status(NON_EVALUABLE, None, f"Textes non comparables ({pair}).")
    return Status(statut, 1.0 if statut == ATTEINT else None, f"Textes comparés : {pair}.")


def _reached(latest: float, target: float, direction: str) -> bool:
    return latest <= target if direction == "baisse" else latest >= target


def _band(start: float, unite: str) -> float:
    conf = rules()["statuts"]
    if unite == "pourcentage":
        return conf["bande_stabilite_points"]
    return conf["bande_stabilite_relative"] * abs(start)


@cache
def _classes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    conf = rules()["qualitatif"]
    out = []
    for name in ("inconnu", "non_realise", "en_cours", "realise"):
        words = sorted((normalize(w) for w in conf[name]), key=len, reverse=True)
        out.append((name, re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)")))
    return tuple(out)


def _classify(text: str) -> str | None:
    text = re.sub(r"\s*%", " %", text)
    return next((name for name, pattern in _classes() if pattern.search(text)), None)


def _level(text: str) -> int | None:
    return _LEVELS.get(_classify(text) or "")


def _target_level(text: str) -> int | None:
    if re.fullmatch(r"[\d\s,.%]+", text):
        return _LEVELS["realise"] if re.fullmatch(r"100(?:[,.]0*)?\s*%", text) else None
    name = _classify(text)
    return _LEVELS["realise"] if name is None else {"en_cours": 1, "realise": 2}.get(name)


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
        objective may count under several statuses).
    """
    objectifs = table["objectif"].fillna("").astype(str)
    records = []
    for statut in STATUTS:
        mask = table["statut"] == statut
        records.append({
            "Statut": statut, "Indicateurs": int(mask.sum()),
            "Part des indicateurs": float(mask.mean()) if len(table) else 0.0,
            "Objectifs concernés": int(objectifs[mask & (objectifs != "")].nunique()),
        })  # fmt: skip
    return pd.DataFrame.from_records(records)


def status_rules() -> list[str]:
    """The status rules in French, with the thresholds in force, for the report's annex.

    Returns
    -------
    list of str
        One sentence per rule (``annexe`` of ``status_rules.yaml``, thresholds filled).
    """
    conf, checks = rules()["statuts"], rules()["controles"]
    values = {
        "annee_diagnostic": conf["annee_diagnostic"],
        "mots_baisse": ", ".join(f"« {word} »" for word in conf["mots_baisse"]),
        "unites_baisse": " ou ".join(conf["unites_baisse"]),
        "bande_stabilite_relative": format_percent(conf["bande_stabilite_relative"], None),
        "bande_stabilite_points": f"{format_number(conf['bande_stabilite_points'] * 100)} point",
        "tolerance_ratio_points": f"{format_number(checks['tolerance_ratio_points'])} point",
    }
    return [" ".join(sentence.format(**values).split()) for sentence in rules()["annexe"]]
