"""Private: the report's figures as French texts, each with the cell it comes from.

Pure helpers shared by the report's view models (:mod:`snppe_report.report.views`)
and templates: workbook texts cleaned of the source system's formatting tags (any
other markup is kept as text, the templates escape it), numbers formatted with
:mod:`snppe_report.formatting` at the precision the workbook displays, SO / ND / NC
codes, cell references, findings, recomputed ratios and definitions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from snppe_report.formatting import (
    NATURES,
    format_date,
    format_number,
    format_percent,
    format_points,
    format_value,
)
from snppe_report.frames import records as frame_records

#: Codes that stand for no value, with their legend.
CODES = {
    "SO": "Sans objet",
    "ND": "Non disponible",
    "NC": "Non connu ou non communiqué",
}
STATUS_SYMBOLS = {
    "atteint": "✔",
    "en bonne voie": "◑",
    "en retard": "◔",
    "en recul": "✖",
    "non atteint": "✘",
    "non évaluable": "○",
    "contexte": "◇",
}
#: Short legend of each statut (annex).
STATUS_LEGEND = {
    "atteint": "la dernière valeur atteint la cible de la collectivité",
    "en bonne voie": "le rythme observé suffit à atteindre la cible à temps",
    "en retard": "le rythme observé ne suffit pas (ou rien n'a bougé)",
    "en recul": "la valeur s'éloigne de la cible",
    "non atteint": "l'année de la cible est passée sans l'atteindre",
    "non évaluable": "la raison est donnée (pas de cible, une seule valeur, unités différentes…)",
    "contexte": "numérateur, dénominateur ou population : montré, jamais compté",
}
#: The mark of a figure that has a finding.
MARK = "▲"
SEVERITIES = {
    "erreur": ("✖", "Erreur"),
    "avertissement": ("▲", "Avertissement"),
    "info": ("ℹ", "Information"),
}  # noqa: E501
QUANTITATIVE = ("nombre", "pourcentage", "heures", "mois", "jours", "euros")
_FORMAT_TAG = re.compile(
    r"</?(?:p|i|b|u|em|strong|span|div|font|br|sup|sub)\b[^<>]{0,200}>", re.IGNORECASE
)
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"(?<![\d,.])\d[\d \u00a0\u202f]*(?:[,.](\d+))?")


_WORD_UNITS = ("heures", "mois", "jours", "euros")


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
    #: The finding on this figure, in one line ("" when none): shown with :data:`MARK`.
    marque: str = ""

    @property
    def titre(self) -> str:
        """Tooltip naming the cell: ``Feuille « TDB », cellule D12``."""
        return source_label(self.source)

    @property
    def vide(self) -> bool:
        """No cell behind this figure."""
        return not self.texte

    @property
    def coupure(self) -> tuple[str, str] | None:
        """(number, unit) of a figure with a word unit ("4,5 mois"), else None.

        A narrow table column may break the line between the two, never inside the
        number ("7 688" keeps its space).
        """
        if not self.numerique or self.unite not in _WORD_UNITS or " " not in self.texte:
            return None
        number, _, unit = self.texte.rpartition(" ")
        return number, unit


VIDE = Cellule(texte="")


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
    """``"en bonne voie"`` -> ``"En bonne voie"``."""
    return statut[:1].upper() + statut[1:]


def status_class(statut: str) -> str:
    """CSS class suffix: ``"non évaluable"`` -> ``"non-evaluable"``."""
    from snppe_report.text import slugify

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
    return format_value(valeur, unite if unite in QUANTITATIVE else "nombre", decimals)


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
    if value is not None and unite in QUANTITATIVE:
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
        key = (rec.indicateur_id, objective_key(rec.objectif), int(rec.annee), rec.nature)
        if key not in index:
            index[key] = make_cell(
                rec.valeur, rec.unite, rec.statut, rec.brut, rec.note, rec.source
            )
    return index


def finding_lines(findings: tuple) -> dict[str, str]:
    """Cell -> its findings in one line (the messages joined), for the marks on figures."""
    out: dict[str, list[str]] = {}
    for f in findings:
        if f.source:
            out.setdefault(f.source.split(", ")[0], []).append(clean_text(f.message))
    return {cell: " ; ".join(dict.fromkeys(lines)) for cell, lines in out.items()}


def mark_cells(index: dict[tuple, Cellule], lines: dict[str, str]) -> dict[tuple, Cellule]:
    """The cell index with each figure that has a finding marked."""
    import dataclasses

    return {
        key: dataclasses.replace(cell, marque=lines[cell.source]) if cell.source in lines else cell
        for key, cell in index.items()
    }


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
    for rec in frame_records(ordered):
        cell = make_cell(rec["valeur"], rec["unite"], rec["statut"], rec["brut"], rec["note"],
                         rec["source"])  # fmt: skip
        key = (rec["indicateur_id"], objective_key(rec["objectif"]))
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


@cache
def _catalogue() -> Any:
    from snppe_report.read.catalogue import load_catalogue

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
    for rec in frame_records(ratios):
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
    the harmonised indicators ``present`` in the workbook. A definition the sheet gives
    to several indicators (one name per line of its cell) keeps one name per line
    (``"\n"``): the annexes show them one under the other, never run together.
    """
    if frame is not None and len(frame):
        rows = tuple(
            (_names(r.get("indicateur")), clean_text(r.get("definition")),
             clean_text(r.get("source")))
            for r in frame_records(frame)
        )  # fmt: skip
        return rows, "feuille des définitions du classeur"
    rows = tuple(
        (i.label, clean_text(i.definition), clean_text(i.source_detail or i.source))
        for i in _catalogue()
        if i.id in present
    )
    return rows, "référentiel national des indicateurs harmonisés (indicateurs présents)"


_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)


def _names(cell: Any) -> str:
    """The indicator names of a definitions cell, one per line (or ``<br>``), each
    cleaned, repeats dropped."""
    if not clean_text(cell):  # None, NaN, blank
        return ""
    lines = [clean_text(line) for line in _BREAK.sub("\n", str(cell)).splitlines()]
    return "\n".join(dict.fromkeys(line for line in lines if line))


def parent_of(collectivite: Any) -> Any:
    """The collectivité grouping a département (CeA for 68), or None."""
    from snppe_report.read.collectivites import parent_collectivites

    try:
        parents = parent_collectivites(collectivite.code)
    except Exception:  # a fake or unknown collectivité: no parent to show
        return None
    return parents[0] if parents else None


def key_values(report: Any) -> dict:
    """JSON-ready key values of a report (for the national roll-up)."""
    indicateurs = []
    for rec in frame_records(report.indicateurs):
        if not rec["harmonise"]:
            continue
        indicateurs.append({
            "id": rec["indicateur_id"], "indicateur": clean_text(rec["indicateur"]),
            "unite": rec["unite"], "diagnostic": number(rec["diagnostic"]),
            "dernier_annee": _int(rec["dernier_annee"]),
            "dernier_valeur": number(rec["dernier_valeur"]),
            "cible_annee": _int(rec["cible_annee"]), "cible": number(rec["cible"]),
            "statut": rec["statut"], "raison": clean_text(rec["raison"]),
            "taux_atteinte": number(rec["taux_atteinte"]),
            "tendance": rec["tendance"] or "",
            "rythme_observe": number(rec["rythme_observe"]),
            "rythme_requis": number(rec["rythme_requis"]),
            "position_nationale": rec["position_nationale"] or "",
        })  # fmt: skip
    counts = {r["Statut"]: int(r["Indicateurs"]) for r in frame_records(report.comptes)}
    return {
        "collectivite": str(report.collectivite.code), "nom": report.collectivite.nom,
        "annee": report.annee, "fichier": report.fichier, "sha256": report.sha256,
        "fictive": report.fictive, "statuts": counts, "indicateurs": indicateurs,
        "constats": {s: sum(1 for f in report.constats if f.severity == s) for s in SEVERITIES},
    }  # fmt: skip


def _int(value: Any) -> int | None:
    f = number(value)
    return None if f is None else int(f)


def year_text(value: Any) -> str:
    """``2023`` -> ``"2023"``; None or NaN -> ``""``."""
    f = _int(value)
    return "" if f is None else str(f)


def objective_key(objectif: Any) -> str:
    """The objective text as an index key (empty for a missing objective)."""
    return "" if objectif is None or objectif != objectif else str(objectif)


TEMPLATE_GLOBALS = {
    "STATUS_SYMBOLS": STATUS_SYMBOLS, "STATUS_LEGEND": STATUS_LEGEND, "CODES": CODES, "MARK": MARK,
}  # fmt: skip
TEMPLATE_FILTERS = {
    "statut_libelle": status_label,
    "statut_classe": status_class,
    "source_label": source_label,
    "date_fr": format_date,
}
