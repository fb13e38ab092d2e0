"""Private: the report's view models (frozen) and the helpers that build them.

The synthèse tiles and the engagement sections (tables, notes under the tables,
charts) are built here from the indicator table; figures and texts come from
:mod:`snppe_report.report.cells`. :mod:`snppe_report.report.model` assembles everything.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import pandas as pd

from snppe_report.formatting import format_percent, format_signed
from snppe_report.report.cells import (
    CODES,
    QUANTITATIVE,
    VIDE,
    Cellule,
    clean_text,
    national_target,
    number,
    objective_key,
    show_value,
    shown_decimals,
    year_text,
)

_ENGAGEMENT_NUM = re.compile(r"engagement\s*n?\s*°?\s*(\d+)", re.IGNORECASE)


# -- view models ------------------------------------------------------------------------


@dataclass(frozen=True)
class Graphique:
    """A chart: self-contained SVG as a data URI, its alt text and caption."""

    uri: str
    alt: str
    legende: str
    marques: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Ligne:
    """One indicator row of an engagement table."""

    indicateur: str
    harmonise: bool
    facultatif: bool
    valeurs: tuple[Cellule, ...]
    cibles: tuple[Cellule, ...]
    atteinte: Cellule
    avancement: str
    statut: str
    explication: str
    avancement_sources: tuple[str, ...] = ()
    #: ``"Atteint — valeur 2019"`` when the statut rests on an older value.
    statut_libelle: str = ""
    #: Tendance since the starting point: arrow (↗ → ↘) and words ("en hausse (favorable)").
    tendance_fleche: str = ""
    tendance_texte: str = ""
    #: Findings on this indicator's figures, one line each (the figures carry the mark).
    constats: tuple[str, ...] = ()

    @property
    def avancement_titre(self) -> str:
        """Tooltip of the attainment rate: the cells it is computed from."""
        cells = ", ".join(s.rpartition("!")[2] for s in self.avancement_sources)
        return f"Calculé à partir des cellules {cells}" if cells else ""


@dataclass(frozen=True)
class Objectif:
    """An objective of an engagement: its table rows and its charts."""

    titre: str
    mesure: str
    facultatif: bool
    lignes: tuple[Ligne, ...]
    graphiques: tuple[Graphique, ...]
    renvois: tuple[tuple[str, str, Cellule], ...] = ()


@dataclass(frozen=True)
class Engagement:
    """One engagement section."""

    id: str
    titre: str
    objectifs: tuple[Objectif, ...]

    @property
    def nb_indicateurs(self) -> int:
        """Number of indicator rows."""
        return sum(len(o.lignes) for o in self.objectifs)


@dataclass(frozen=True)
class Tuile:
    """A synthèse tile: one harmonised indicator and its three judgements."""

    indicateur: str
    dernier: Cellule
    dernier_annee: str
    diagnostic: Cellule
    cible: Cellule
    cible_annee: str
    cible_nationale: str
    statut: str
    avancement: str
    jauge: int | None
    explication: str
    #: Year of the starting point shown (``"2019"``).
    diagnostic_annee: str = ""
    #: ``"Atteint — valeur 2019"`` when the statut rests on an older value.
    statut_libelle: str = ""
    tendance_fleche: str = ""
    tendance_texte: str = ""
    #: "au niveau" | "en dessous" | "" and its sentence (gap, horizon).
    position_nationale: str = ""
    position_texte: str = ""
    #: The workbook's own "niveau d'atteinte" (empty cell when none).
    atteinte: Cellule = VIDE
    #: Findings on the tile's figures, one line each (the figures carry the mark).
    constats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retard:
    """One late indicator of the synthèse (en retard, en recul, non atteint), in one line."""

    indicateur: str
    statut: str
    statut_libelle: str
    chiffres: str
    objectif: str = ""


# -- synthèse ---------------------------------------------------------------------------


def tiles(
    table: pd.DataFrame, annee: int, lines: dict[str, str] | None = None
) -> tuple[Tuile, ...]:
    """One tile per harmonised indicator that has a national target.

    ``lines``: cell -> its findings in one line (:func:`report.cells.finding_lines`).
    """
    lines = lines or {}
    out = []
    seen: set[str] = set()
    for rec in table.to_dict("records"):
        if not rec["harmonise"] or not rec["cible_nationale"] or rec["indicateur_id"] in seen:
            continue
        seen.add(rec["indicateur_id"])
        unite = rec["unite"]
        rate = number(rec["taux_atteinte"])
        cell = _cells(rec, unite, lines)
        out.append(Tuile(
            indicateur=clean_text(rec["indicateur"]),
            dernier=cell("dernier_valeur", "dernier_brut", "dernier_source"),
            dernier_annee=year_text(rec["dernier_annee"]),
            diagnostic=cell("diagnostic", "diagnostic_brut", "diagnostic_source"),
            diagnostic_annee=year_text(rec["depart_annee"]),
            cible=cell("cible", "cible_brut", "cible_source"),
            cible_annee=year_text(rec["cible_annee"]),
            cible_nationale=clean_text(rec["cible_nationale"]),
            statut=rec["statut"],
            statut_libelle=judged_label(rec),
            avancement=format_percent(rate, 0) if rate is not None else "",
            jauge=None if rate is None else int(round(max(0.0, min(rate, 1.0)) * 100)),
            explication=clean_text(rec["raison"]),
            tendance_fleche=_arrow(rec["tendance"]),
            tendance_texte=trend_text(rec),
            position_nationale=rec["position_nationale"] or "",
            position_texte=clean_text(rec["position_texte"]),
            atteinte=_declared(rec),
            constats=_finding_lines(rec, lines),
        ))  # fmt: skip
    return tuple(out)


def judged_label(rec: dict) -> str:
    """``"En retard"``, or ``"Atteint — valeur 2019"`` when it rests on an older value."""
    label = rec["statut"][:1].upper() + rec["statut"][1:]
    old = year_text(rec.get("valeur_ancienne"))
    return f"{label} — valeur {old}" if old and rec["statut"] != "contexte" else label


def trend_text(rec: dict) -> str:
    """``"en hausse (favorable)"``, ``"stable"``, ``""``."""
    tendance = rec["tendance"] or ""
    if not tendance:
        return ""
    if tendance == "stable":
        return "stable"
    favorable = rec.get("tendance_favorable")
    if favorable is None or favorable != favorable:
        return f"en {tendance}"
    return f"en {tendance} ({'favorable' if favorable else 'défavorable'})"


def _arrow(tendance: str) -> str:
    return {"hausse": "↗", "stable": "→", "baisse": "↘"}.get(tendance or "", "")


def _declared(rec: dict) -> Cellule:
    brut = clean_text(rec["atteinte_brut"])
    return Cellule(texte=brut, source=rec["atteinte_source"] or "") if brut else VIDE


def _finding_lines(rec: dict, lines: dict[str, str]) -> tuple[str, ...]:
    cells = [s for s in str(rec.get("sources") or "").split(", ") if s]
    return tuple(dict.fromkeys(lines[c] for c in cells if c in lines))


def _cells(rec: dict, unite: str, lines: dict[str, str]):
    def make(value_key: str, brut_key: str, source_key: str) -> Cellule:
        cell = _summary_cell(rec, value_key, brut_key, source_key, unite)
        repris = (rec.get("repris") or {}).values()
        origin = next((o.origine for o in repris if o.source == cell.source and cell.source), "")
        if origin:
            cell = dataclasses.replace(cell, note=origin)
        first = cell.source.split(", ")[0]
        return dataclasses.replace(cell, marque=lines[first]) if first in lines else cell

    return make


def late_list(table: pd.DataFrame) -> tuple[Retard, ...]:
    """The synthèse's list of late indicators, each in one line with its figures.

    ``table``: :func:`snppe_report.analysis.indicators.late_items` of the indicator table.
    """
    out = []
    for rec in table.to_dict("records"):
        unite = rec["unite"]
        parts = []
        start, last = _figure(rec, "diagnostic", unite), _figure(rec, "dernier_valeur", unite)
        y0, y1 = year_text(rec["depart_annee"]), year_text(rec["dernier_annee"])
        if start and y0 and y0 != y1:
            parts.append(f"{start} en {y0} → {last} en {y1}")
        elif last:
            parts.append(f"{last} en {y1}")
        goal = _figure(rec, "cible", unite)
        if goal:
            parts.append(f"cible {goal} en {year_text(rec['cible_annee'])}")
        observed, required = number(rec["rythme_observe"]), number(rec["rythme_requis"])
        if observed is not None and required is not None:
            parts.append(
                f"rythme observé {format_signed(observed, unite, 1)} par an, requis "
                f"{format_signed(required, unite, 1)} par an"
            )
        out.append(Retard(
            indicateur=clean_text(rec["indicateur"]), statut=rec["statut"],
            statut_libelle=judged_label(rec), chiffres=" ; ".join(parts),
            objectif=_objective_title(pd.Series(rec)),
        ))  # fmt: skip
    return tuple(out)


def _figure(rec: dict, key: str, unite: str) -> str:
    value = number(rec[key])
    brut_key = {"diagnostic": "diagnostic_brut", "dernier_valeur": "dernier_brut",
                "cible": "cible_brut"}[key]  # fmt: skip
    brut = clean_text(rec[brut_key])
    if value is not None and unite in QUANTITATIVE:
        return show_value(value, unite, shown_decimals(brut))
    return f"« {brut} »" if brut else ""


def _summary_cell(rec: dict, value_key: str, brut_key: str, source_key: str, unite: str) -> Cellule:
    value = number(rec[value_key])
    brut = clean_text(rec[brut_key])
    source = rec[source_key] or ""
    if value is not None and unite in QUANTITATIVE:
        text = show_value(value, unite, shown_decimals(brut))
        return Cellule(texte=text, source=source, numerique=True)
    code = brut.upper() if brut.upper() in CODES else ""
    return Cellule(texte=brut, source=source, code=code)


# -- engagements ------------------------------------------------------------------------


def engagements(
    table: pd.DataFrame,
    index: dict[tuple, Cellule],
    years_v: tuple[int, ...],
    years_c: tuple[int, ...],
    annee: int,
    lines: dict[str, str] | None = None,
) -> tuple[Engagement, ...]:
    """The engagement sections, in workbook order, with tables and charts.

    ``lines``: cell -> its findings in one line; those figures are marked.
    """
    out: list[Engagement] = []
    used: set[str] = set()
    figure_no = 0
    for titre, group in _groups(table, "engagement"):
        objectifs = []
        for _obj, rows in _groups(group, "objectif"):
            lignes, charts = [], []
            for rec in rows.to_dict("records"):
                lignes.append(_line(rec, index, years_v, years_c, annee, lines))
                chart = _chart(rec, index, figure_no + 1)
                if chart is not None:
                    figure_no += 1
                    charts.append(chart)
            lignes, renvois = _with_renvois(lignes, years_v, years_c)
            objectifs.append(Objectif(
                titre=_objective_title(rows.iloc[0]),
                mesure=clean_text(rows.iloc[0]["mesure"]),
                facultatif=bool(rows["facultatif"].any()),
                lignes=tuple(lignes),
                graphiques=tuple(charts),
                renvois=renvois,
            ))  # fmt: skip
        ident = _engagement_id(titre, len(out) + 1, used)
        label = clean_text(titre) or "Autres indicateurs"
        out.append(Engagement(id=ident, titre=label, objectifs=tuple(objectifs)))
    return tuple(out)


def _groups(frame: pd.DataFrame, column: str) -> list[tuple[str, pd.DataFrame]]:
    keys = frame[column].fillna("").astype(str)
    return [(name, frame[keys == name]) for name in dict.fromkeys(keys)]


def _line(
    rec: dict, index: dict, years_v: tuple, years_c: tuple, annee: int,
    lines: dict[str, str] | None = None,
) -> Ligne:  # fmt: skip
    ident, obj = rec["indicateur_id"], objective_key(rec["objectif"])
    rate = number(rec["taux_atteinte"])
    valeurs = tuple(_value_cell(rec, index, y, lines or {}) for y in years_v)
    cibles = tuple(index.get((ident, obj, y, "cible"), VIDE) for y in years_c)
    atteinte = _attainment(index, ident, obj, annee)
    marks = [c.marque for c in (*valeurs, *cibles, atteinte) if c.marque]
    return Ligne(
        indicateur=clean_text(rec["indicateur"]),
        harmonise=bool(rec["harmonise"]),
        facultatif=bool(rec["facultatif"]),
        valeurs=valeurs,
        cibles=cibles,
        atteinte=atteinte,
        avancement=format_percent(rate, 0) if rate is not None else "",
        statut=rec["statut"],
        explication=clean_text(rec["raison"]),
        avancement_sources=tuple(
            dict.fromkeys(
                str(rec[k])
                for k in ("diagnostic_source", "dernier_source", "cible_source")
                if rate is not None and rec[k]
            )
        ),
        statut_libelle=judged_label(rec),
        tendance_fleche=_arrow(rec["tendance"]),
        tendance_texte=trend_text(rec),
        constats=tuple(dict.fromkeys([*marks, *_finding_lines(rec, lines or {})])),
    )


def _value_cell(rec: dict, index: dict, year: int, lines: dict[str, str]) -> Cellule:
    """A value cell; a ratio missing from its cell shows the value taken elsewhere."""
    own = index.get((rec["indicateur_id"], objective_key(rec["objectif"]), year, "valeur"), VIDE)
    taken = (rec.get("repris") or {}).get(year)
    if taken is None or own.numerique:
        return own
    source = taken.source.split(", ")[0]
    return Cellule(
        texte=show_value(taken.valeur, taken.unite, shown_decimals(taken.brut)),
        source=source, note=taken.origine, numerique=True, unite=taken.unite,
        marque=lines.get(source, ""),
    )  # fmt: skip


#: Texts longer than this are moved under the table, behind a letter: in a column
#: a dozen millimetres wide they would be broken into one syllable per line.
RENVOI_MIN = 24


def _with_renvois(
    lignes: list[Ligne], years_v: tuple[int, ...], years_c: tuple[int, ...]
) -> tuple[list[Ligne], tuple[tuple[str, str, Cellule], ...]]:
    """Replace long texts in the figure columns by ``[a]``, ``[b]``... and list them."""
    renvois: list[tuple[str, str, Cellule]] = []

    def move(cell: Cellule, column: str) -> Cellule:
        if cell.numerique or cell.code or len(cell.texte) <= RENVOI_MIN:
            return cell
        letter = _letter(len(renvois))
        renvois.append((letter, column, cell))
        return dataclasses.replace(cell, renvoi=letter)

    out = []
    for ligne in lignes:
        out.append(dataclasses.replace(
            ligne,
            valeurs=tuple(move(c, f"Valeur {y}") for c, y in zip(ligne.valeurs, years_v)),
            cibles=tuple(move(c, f"Cible {y}") for c, y in zip(ligne.cibles, years_c)),
            atteinte=move(ligne.atteinte, "Atteinte déclarée"),
        ))  # fmt: skip
    return out, tuple(renvois)


def _letter(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]


def _attainment(index: dict, ident: str, obj: str, annee: int) -> Cellule:
    found = [c for (i, o, _y, n), c in index.items() if i == ident and o == obj and n == "atteinte"]
    return index.get((ident, obj, annee, "atteinte")) or (found[-1] if found else VIDE)


def _objective_title(rec: pd.Series) -> str:
    text = clean_text(rec["objectif"])
    text = re.sub(r"\s*Cible nationale\b.*$", "", text, flags=re.IGNORECASE).strip()
    num = rec.get("objectif_num")
    if num is not None and not pd.isna(num) and not re.match(r"(?i)objectif\s*n", text):
        return f"Objectif n° {int(num)} — {text}" if text else f"Objectif n° {int(num)}"
    return text or "Objectif non précisé"


def _engagement_id(titre: str, position: int, used: set[str]) -> str:
    match = _ENGAGEMENT_NUM.search(titre or "")
    if match:
        ident = f"engagement-{match.group(1)}"
    elif "conditions" in (titre or "").lower():
        ident = "conditions"
    else:
        ident = f"partie-{position}"
    while ident in used:
        ident += "-bis"
    used.add(ident)
    return ident


# -- charts -----------------------------------------------------------------------------


def _chart(rec: dict, index: dict[tuple, Cellule], number_: int) -> Graphique | None:
    """Trajectory chart of a quantitative indicator, when there is a trajectory to show.

    At least two years with a value (the diagnostic included) and a target to head
    for: the collectivité's own, or the national one. Single points and context
    figures without target (births, populations) get no chart: the table shows them.
    Figures in another unit than the indicator's (a rate typed on a count row) are
    left out of the chart: they would draw a fall to zero that never happened.
    """
    unite = rec["unite"]
    if unite not in QUANTITATIVE:
        return None
    ident, obj = rec["indicateur_id"], objective_key(rec["objectif"])

    def same_unit(series: dict, nature: str) -> dict[int, float | None]:
        return {
            int(y): number(v)
            for y, v in (series or {}).items()
            if index.get((ident, obj, int(y), nature), VIDE).unite == unite
        }

    valeurs, cibles = same_unit(rec["valeurs"], "valeur"), same_unit(rec["cibles"], "cible")
    nationale = national_target(rec["indicateur_id"]) if unite == "pourcentage" else None
    observed = [v for v in valeurs.values() if v is not None]
    targets = [v for v in cibles.values() if v is not None]
    if len(observed) < 2 or (not targets and nationale is None):
        return None
    if not any((*observed, *targets)) and not nationale:
        return None  # nothing but zeros: the table says it better than a flat line
    from snppe_report.report import charts

    svg = charts.trajectory_svg(
        valeurs=valeurs,
        cibles=cibles,
        unite=unite,
        cible_nationale=nationale,
        key=f"{rec['indicateur_id']}-{number_}",
    )
    label = clean_text(rec["indicateur"])
    return Graphique(
        uri=charts.svg_data_uri(svg),
        alt=_alt_text(label, valeurs, cibles, unite, nationale),
        legende=f"Figure {number_} – {label}",
        marques=tuple(
            (key, text)
            for key, text in charts.LEGEND
            if key == "realise"
            or (key == "cible" and any(v is not None for v in cibles.values()))
            or (key == "nationale" and nationale is not None)
        ),
    )


def _alt_text(label: str, valeurs: dict, cibles: dict, unite: str, nationale: float | None) -> str:
    real = [f"{show_value(v, unite)} en {y}" for y, v in sorted(valeurs.items()) if v is not None]
    goals = [f"{show_value(v, unite)} en {y}" for y, v in sorted(cibles.items()) if v is not None]
    parts = [f"Graphique de trajectoire : {label}."]
    parts.append(f"Valeurs : {', '.join(real)}." if real else "Aucune valeur chiffrée.")
    if goals:
        parts.append(f"Cible de la collectivité : {', '.join(goals)}.")
    if nationale is not None:
        parts.append(f"Cible nationale : {show_value(nationale, unite)}.")
    return " ".join(parts)
