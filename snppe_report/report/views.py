"""Private: the report's view models (frozen) and the helpers that build them.

The engagement sections (tables, notes under the tables, charts) are built here from
the indicator table; the synthèse's tiles and late items in
:mod:`snppe_report.report.synthese` (re-exported here); figures and texts come from
:mod:`snppe_report.report.cells`. :mod:`snppe_report.report.model` assembles everything.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import pandas as pd

from snppe_report.formatting import format_percent
from snppe_report.frames import records as frame_records
from snppe_report.report.cells import (
    QUANTITATIVE,
    VIDE,
    Cellule,
    clean_text,
    national_target,
    number,
    objective_key,
    show_value,
    shown_decimals,
)
from snppe_report.report.synthese import (  # noqa: F401  (re-exported view models)
    Retard,
    Tuile,
    _arrow,
    _finding_lines,
    judged_label,
    late_list,
    objective_title,
    tiles,
    trend_text,
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
            for rec in frame_records(rows):
                lignes.append(_line(rec, index, years_v, years_c, annee, lines))
                chart = _chart(rec, index, figure_no + 1)
                if chart is not None:
                    figure_no += 1
                    charts.append(chart)
            lignes, renvois = _with_renvois(lignes, years_v, years_c)
            objectifs.append(Objectif(
                titre=objective_title(rows.iloc[0]),
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
