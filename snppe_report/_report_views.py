"""Private: the report's view models (frozen) and the pure helpers that build them.

Everything here turns the tidy rows and the indicator table into ready-to-show French
texts; :mod:`snppe_report.report` assembles them and the templates lay them out.
Workbook texts are kept as plain text (the templates escape them); only the
source system's formatting tags (``<p>``, ``<i>``, ``<br>``...) are removed first.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from .formatting import format_date, format_number, format_percent, format_points, format_value

#: Codes that stand for no value, with their legend.
CODES = {
    "SO": "Sans objet",
    "ND": "Non disponible",
    "NC": "Non connu ou non communiqué",
}
NATURES = {"valeur": "Valeur", "cible": "Cible", "atteinte": "Niveau d'atteinte"}
STATUS_SYMBOLS = {
    "atteint": "✔",
    "en progrès": "↗",
    "stable": "→",
    "en recul": "↘",
    "non évaluable": "○",
}
SEVERITIES = {
    "erreur": ("✖", "Erreur"),
    "avertissement": ("▲", "Avertissement"),
    "info": ("ℹ", "Information"),
}  # noqa: E501
_QUANTITATIVE = ("nombre", "pourcentage", "heures", "mois", "jours", "euros")
_FORMAT_TAG = re.compile(
    r"</?(?:p|i|b|u|em|strong|span|div|font|br|sup|sub)\b[^<>]{0,200}>", re.IGNORECASE
)
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"(?<![\d,.])\d[\d \u00a0\u202f]*(?:[,.](\d+))?")
_ENGAGEMENT_NUM = re.compile(r"engagement\s*n?\s*°?\s*(\d+)", re.IGNORECASE)


# -- view models ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cellule:
    """One figure as the report shows it, with the cell it comes from."""

    texte: str
    source: str = ""
    code: str = ""
    note: str = ""
    numerique: bool = False
    unite: str = ""
    renvoi: str = ""

    @property
    def titre(self) -> str:
        """Tooltip naming the cell: ``Feuille « TDB », cellule D12``."""
        return source_label(self.source)

    @property
    def vide(self) -> bool:
        """No cell behind this figure."""
        return not self.texte


VIDE = Cellule(texte="")


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


# -- texts ------------------------------------------------------------------------------


def clean_text(text: Any) -> str:
    """Workbook text without the source system's formatting tags, spaces collapsed.

    Any other markup (``<script>``) is kept as text: the templates escape it.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return _SPACES.sub(" ", _FORMAT_TAG.sub(" ", str(text))).strip()


def source_label(source: str) -> str:
    """``"TDB!D12"`` -> ``"Feuille « TDB », cellule D12"``."""
    if not source:
        return ""
    sheet, _, cell = str(source).rpartition("!")
    return f"Feuille « {sheet} », cellule {cell}" if sheet else f"Cellule {cell}"


def collectivite_label(collectivite: Any) -> str:
    """``Haut-Rhin (68)``; a grouping collectivité's code (6AE, 75C) is not shown."""
    nom, code = collectivite.nom, str(collectivite.code)
    return f"{nom} ({code})" if code.isdigit() or code in ("2A", "2B") else nom


def status_label(statut: str) -> str:
    """``"en progrès"`` -> ``"En progrès"``."""
    return statut[:1].upper() + statut[1:]


def status_class(statut: str) -> str:
    """CSS class suffix: ``"en progrès"`` -> ``"en-progres"``."""
    from .text import slugify

    return slugify(statut)


def number(value: Any) -> float | None:
    """A finite float, or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def show_value(valeur: Any, unite: str, decimals: int | None = None) -> str:
    """French text of a number; ``decimals=None``: as needed, at most two."""
    if unite == "pourcentage":
        return format_percent(valeur, decimals)
    return format_value(valeur, unite if unite in _QUANTITATIVE else "nombre", decimals)


def shown_decimals(brut: Any) -> int | None:
    """Decimals of the first number of a cell's text (``"3,6 %"`` -> 1), None if none.

    The report keeps the precision the workbook displays: a cell formatted ``0.0%``
    holding 0.03616 shows ``3,6 %``, as in the workbook, not ``3,62 %``.
    """
    text = clean_text(brut)
    match = None if text.startswith("=") else _NUMBER.search(text)
    if match is None:
        return None
    return len(match.group(1) or "")


# -- cells ------------------------------------------------------------------------------


def make_cell(valeur: Any, unite: str, statut: str, brut: Any, note: Any, source: Any) -> Cellule:
    """The figure shown for one tidy row."""
    source = "" if source is None or source != source else str(source)
    if statut in CODES:
        return Cellule(texte=statut, source=source, code=statut, note=clean_text(note))
    value = number(valeur)
    if value is not None and unite in _QUANTITATIVE:
        text = show_value(value, unite, shown_decimals(brut))
        return Cellule(
            texte=text, source=source, note=clean_text(note), numerique=True, unite=unite
        )
    return Cellule(texte=clean_text(brut) or clean_text(note), source=source)


def cell_index(rows: pd.DataFrame) -> dict[tuple, Cellule]:
    """``(indicateur_id, objectif, annee, nature)`` -> :class:`Cellule` (first cell wins)."""
    index: dict[tuple, Cellule] = {}
    cols = ["indicateur_id", "objectif", "annee", "nature", "valeur", "unite", "statut"]
    cols += ["brut", "note", "source"]
    for rec in rows[cols].itertuples(index=False):
        key = (rec.indicateur_id, _key(rec.objectif), int(rec.annee), rec.nature)
        if key not in index:
            index[key] = make_cell(
                rec.valeur, rec.unite, rec.statut, rec.brut, rec.note, rec.source
            )
    return index


def years(rows: pd.DataFrame, nature: str) -> tuple[int, ...]:
    """Sorted years having at least one cell of this nature."""
    return tuple(sorted({int(y) for y in rows.loc[rows["nature"] == nature, "annee"]}))


def figures(rows: pd.DataFrame) -> tuple[dict, ...]:
    """Every figure with its cell, grouped by indicator row, in the workbook's order.

    One entry per indicator (a table row in the annex) holding its figures: year,
    nature, the value as read, the cell, and the cell's text when it says more
    than the value read (``2 550 (2018)`` read as 2 550).
    """
    ordered = rows.sort_values("ordre", kind="stable") if "ordre" in rows else rows
    groups: dict[tuple, dict] = {}
    for rec in ordered.to_dict("records"):
        cell = make_cell(rec["valeur"], rec["unite"], rec["statut"], rec["brut"], rec["note"],
                         rec["source"])  # fmt: skip
        key = (rec["indicateur_id"], _key(rec["objectif"]))
        label = clean_text(rec["indicateur"])
        entry = groups.setdefault(key, {"indicateur": label, "chiffres": []})
        brut = clean_text(rec["brut"])
        shown = cell.texte if (cell.numerique or cell.code) else brut
        entry["chiffres"].append({
            "annee": int(rec["annee"]),
            "nature": NATURES.get(rec["nature"], rec["nature"]).lower(),
            "texte": shown,
            "cellule": cell.source.rpartition("!")[2],
            "source": cell.source,
            "titre": cell.titre,
            "saisie": brut if _differs(brut, shown) else "",
        })  # fmt: skip
    return tuple(groups.values())


def _differs(brut: str, shown: str) -> bool:
    squash = str.maketrans("", "", " \u00a0\u202f")
    return brut.translate(squash).lower() != shown.translate(squash).lower()


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
            dernier_annee=_year(rec["dernier_annee"]),
            diagnostic=_summary_cell(rec, "diagnostic", "diagnostic_brut", "diagnostic_source",
                                     unite),
            cible=_summary_cell(rec, "cible", "cible_brut", "cible_source", unite),
            cible_annee=_year(rec["cible_annee"]),
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
    if value is not None and unite in _QUANTITATIVE:
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
    ident, obj = rec["indicateur_id"], _key(rec["objectif"])
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
    if unite not in _QUANTITATIVE:
        return None
    ident, obj = rec["indicateur_id"], _key(rec["objectif"])

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
    from . import charts

    svg = charts.trajectory_svg(
        valeurs=valeurs,
        cibles=cibles,
        unite=unite,
        cible_nationale=nationale,
        key=f"{rec['indicateur_id']}-{number_}",
        format_tick=(lambda v: format_percent(v, None)) if unite == "pourcentage" else None,
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


@cache
def _catalogue() -> Any:
    from .catalogue import load_catalogue

    return load_catalogue()


def national_target(indicateur_id: str) -> float | None:
    """The catalogue's national target of an indicator, if any."""
    catalogue = _catalogue()
    if indicateur_id not in catalogue:
        return None
    return number(catalogue.get(indicateur_id).national_target)


# -- quality, annexes -------------------------------------------------------------------


def findings_view(findings: tuple) -> tuple[dict, ...]:
    """Findings sorted by severity, with their symbol and French severity word."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    out = []
    for f in sorted(findings, key=lambda f: order.get(f.severity, 9)):
        symbol, word = SEVERITIES.get(f.severity, ("•", f.severity))
        out.append({
            "gravite": f.severity, "symbole": symbol, "libelle": word,
            "message": clean_text(f.message), "source": f.source or "",
            "cellule": source_label(f.source) if f.source else "",
            "indicateur": clean_text(f.indicateur),
        })  # fmt: skip
    return tuple(out)


def ratios_view(ratios: pd.DataFrame) -> tuple[dict, ...]:
    """Recomputed ratios as French texts, each figure with its cell."""
    out = []
    for rec in ratios.to_dict("records"):
        coherent = rec["coherent"]
        ratio, num, den = (_split_sources(rec["sources"]) + ["", "", ""])[:3]
        ecart = number(rec["ecart_points"])
        out.append({
            "indicateur": clean_text(rec["indicateur"]), "annee": int(rec["annee"]),
            "numerateur": Cellule(format_number(number(rec["numerateur"])), num, numerique=True),
            "denominateur": Cellule(format_number(number(rec["denominateur"])), den,
                                    numerique=True),
            "declare": Cellule(format_percent(number(rec["ratio_declare"]), None), ratio,
                               numerique=True),
            "calcule": format_percent(number(rec["ratio_calcule"]), 2),
            "ecart": format_points(ecart / 100) if ecart is not None else "—",
            "calcul_sources": " ".join(x for x in (num, den) if x),
            "coherent": None if coherent is None or coherent != coherent else bool(coherent),
        })  # fmt: skip
    return tuple(out)


def _split_sources(sources: Any) -> list[str]:
    if isinstance(sources, str):
        return [part.strip() for part in sources.split(",")]
    return [str(part) for part in (sources or ())]


def definitions(
    frame: pd.DataFrame | None, present: set[str] | frozenset[str] = frozenset()
) -> tuple[tuple[tuple[str, str, str], ...], str]:
    """(indicateur, définition, source) rows and where they come from.

    The workbook's definitions sheet when it has one; else the catalogue entries of
    the harmonised indicators ``present`` in the workbook.
    """
    if frame is not None and len(frame):
        rows = tuple(
            (clean_text(r.get("indicateur")), clean_text(r.get("definition")),
             clean_text(r.get("source")))
            for r in frame.to_dict("records")
        )  # fmt: skip
        return rows, "feuille des définitions du classeur"
    rows = tuple(
        (i.label, clean_text(i.definition), clean_text(i.source_detail or i.source))
        for i in _catalogue()
        if i.id in present
    )
    return rows, "référentiel national des indicateurs harmonisés (indicateurs présents)"


def parent_of(collectivite: Any) -> Any:
    """The collectivité grouping a département (CeA for 68), or None."""
    from .collectivites import parent_collectivites

    try:
        parents = parent_collectivites(collectivite.code)
    except Exception:  # a fake or unknown collectivité: no parent to show
        return None
    return parents[0] if parents else None


def key_values(report: Any) -> dict:
    """JSON-ready key values of a report (for the national roll-up)."""
    indicateurs = []
    for rec in report.indicateurs.to_dict("records"):
        if not rec["harmonise"]:
            continue
        indicateurs.append({
            "id": rec["indicateur_id"], "indicateur": clean_text(rec["indicateur"]),
            "unite": rec["unite"], "diagnostic": number(rec["diagnostic"]),
            "dernier_annee": _int(rec["dernier_annee"]),
            "dernier_valeur": number(rec["dernier_valeur"]),
            "cible_annee": _int(rec["cible_annee"]), "cible": number(rec["cible"]),
            "statut": rec["statut"], "taux_atteinte": number(rec["taux_atteinte"]),
        })  # fmt: skip
    counts = {r["Statut"]: int(r["Indicateurs"]) for r in report.comptes.to_dict("records")}
    return {
        "collectivite": str(report.collectivite.code), "nom": report.collectivite.nom,
        "annee": report.annee, "fichier": report.fichier, "sha256": report.sha256,
        "fictive": report.fictive, "statuts": counts, "indicateurs": indicateurs,
        "constats": {s: sum(1 for f in report.constats if f.severity == s) for s in SEVERITIES},
    }  # fmt: skip


def _int(value: Any) -> int | None:
    f = number(value)
    return None if f is None else int(f)


def _year(value: Any) -> str:
    f = _int(value)
    return "" if f is None else str(f)


def _key(objectif: Any) -> str:
    return "" if objectif is None or objectif != objectif else str(objectif)


TEMPLATE_GLOBALS = {"STATUS_SYMBOLS": STATUS_SYMBOLS, "CODES": CODES}
TEMPLATE_FILTERS = {
    "statut_libelle": status_label,
    "statut_classe": status_class,
    "source_label": source_label,
    "date_fr": format_date,
}
