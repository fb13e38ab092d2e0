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

from snppe_report.formatting import format_percent
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
    """A chart: self-contained SVG as a data URI, its alt text and caption.

    ``svg`` is the same SVG document as text, for the Typst PDF.
    """

    uri: str
    alt: str
    legende: str
    marques: tuple[tuple[str, str], ...] = ()
    svg: str = dataclasses.field(default="", repr=False)


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
    """A synthèse tile: one harmonised indicator."""

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


# -- synthèse ---------------------------------------------------------------------------


def tiles(table: pd.DataFrame, annee: int) -> tuple[Tuile, ...]:
    """One tile per harmonised indicator that has a national target."""
    out = []
    seen: set[str] = set()
    for rec in table.to_dict("records"):
        if not rec["harmonise"] or not rec["cible_nationale"] or rec["indicateur_id"] in seen:
            continue
        seen.add(rec["indicateur_id"])
        unite = rec["unite"]
        rate = number(rec["taux_atteinte"])
        out.append(Tuile(
            indicateur=clean_text(rec["indicateur"]),
            dernier=_summary_cell(rec, "dernier_valeur", "dernier_brut", "dernier_source", unite),
            dernier_annee=year_text(rec["dernier_annee"]),
            diagnostic=_summary_cell(rec, "diagnostic", "diagnostic_brut", "diagnostic_source",
                                     unite),
            cible=_summary_cell(rec, "cible", "cible_brut", "cible_source", unite),
            cible_annee=year_text(rec["cible_annee"]),
            cible_nationale=clean_text(rec["cible_nationale"]),
            statut=rec["statut"],
            avancement=format_percent(rate, 0) if rate is not None else "",
            jauge=None if rate is None else int(round(max(0.0, min(rate, 1.0)) * 100)),
            explication=clean_text(rec["explication"]),
        ))  # fmt: skip
    return tuple(out)


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
) -> tuple[Engagement, ...]:
    """The engagement sections, in workbook order, with tables and charts."""
    out: list[Engagement] = []
    used: set[str] = set()
    figure_no = 0
    for titre, group in _groups(table, "engagement"):
        objectifs = []
        for _obj, rows in _groups(group, "objectif"):
            lignes, charts = [], []
            for rec in rows.to_dict("records"):
                lignes.append(_line(rec, index, years_v, years_c, annee))
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


def _line(rec: dict, index: dict, years_v: tuple, years_c: tuple, annee: int) -> Ligne:
    ident, obj = rec["indicateur_id"], objective_key(rec["objectif"])
    rate = number(rec["taux_atteinte"])
    return Ligne(
        indicateur=clean_text(rec["indicateur"]),
        harmonise=bool(rec["harmonise"]),
        facultatif=bool(rec["facultatif"]),
        valeurs=tuple(index.get((ident, obj, y, "valeur"), VIDE) for y in years_v),
        cibles=tuple(index.get((ident, obj, y, "cible"), VIDE) for y in years_c),
        atteinte=_attainment(index, ident, obj, annee),
        avancement=format_percent(rate, 0) if rate is not None else "",
        statut=rec["statut"],
        explication=clean_text(rec["explication"]),
        avancement_sources=tuple(
            dict.fromkeys(
                str(rec[k])
                for k in ("diagnostic_source", "dernier_source", "cible_source")
                if rate is not None and rec[k]
            )
        ),
    )


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
        svg=svg,
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
