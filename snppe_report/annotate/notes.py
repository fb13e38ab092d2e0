"""Pure: the French texts of the annotated copy (comments, "Constats" rows, notes).

A finding is read through its fields only (``code``, severity, ``message``,
``indicateur``, its :class:`~snppe_report.annotate.locate.Place`), so a finding code
added later is annotated like any other. Texts that are not a finding's own come from
``data/annotation.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from snppe_report.annotate.locate import Place

__all__ = [
    "Entry",
    "entries",
    "comment_text",
    "summary",
    "legend",
    "completeness_rules",
    "severity_of",
    "texts",
]

_ORDER = ("erreur", "avertissement", "info")
COMMENT_AUTHOR = "snppe-report"


@cache
def texts() -> dict[str, Any]:
    """The content of ``snppe_report/data/annotation.yaml`` (read once)."""
    path = resources.files("snppe_report").joinpath("data/annotation.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


def severity_of(finding: Any) -> str:
    """The finding's severity, whichever the field's name (``severite`` or ``severity``)."""
    return str(getattr(finding, "severite", None) or getattr(finding, "severity", "") or "")


def _shown(severity: str) -> str:
    return texts()["severites"].get(severity) or severity.capitalize() or "Constat"


def _rank(severity: str) -> int:
    return _ORDER.index(severity) if severity in _ORDER else len(_ORDER)


@dataclass(frozen=True)
class Entry:
    """One finding as the annotated copy shows it.

    Attributes
    ----------
    severite : str
        The severity as shown ("Erreur", "Avertissement", "Information", or the
        finding's own word for another severity).
    rank : int
        Sort key: errors, warnings, information, then any other severity.
    indicateur, message, code : str
        The finding's fields.
    place : Place
        Where it belongs; a comment and a mark are put on ``place`` when it is a cell.
    """

    severite: str
    rank: int
    indicateur: str
    message: str
    code: str
    place: Place


def entries(findings: Sequence[Any], places: Sequence[Place]) -> list[Entry]:
    """The findings with their places, sorted by severity (stable within a severity)."""
    out = [
        Entry(
            _shown(severity_of(f)),
            _rank(severity_of(f)),
            str(getattr(f, "indicateur", "") or ""),
            str(getattr(f, "message", "") or ""),
            str(getattr(f, "code", "") or ""),
            place,
        )
        for f, place in zip(findings, places, strict=True)
    ]
    return sorted(out, key=lambda e: e.rank)


def _expected(entry: Entry) -> str:
    attendu = texts()["attendu"]
    key = _ORDER[entry.rank] if entry.rank < len(_ORDER) else "autre"
    return attendu.get(key, attendu["autre"])


def comment_text(cell_entries: Sequence[Entry], constats_sheet: str) -> str:
    """The plain-text comment of one cell: each finding, what is expected, the rule.

    Parameters
    ----------
    cell_entries : sequence of Entry
        The findings on this cell (at least one).
    constats_sheet : str
        Name of the sheet that lists the findings and the rules.

    Returns
    -------
    str
    """
    n = len(cell_entries)
    head = f"{COMMENT_AUTHOR} — {n} constat{'s' if n > 1 else ''} sur cette cellule"
    blocks = [head]
    for e in cell_entries:
        lines = [f"{e.severite} : {e.message}"]
        if e.indicateur:
            lines.append(f"Indicateur : {e.indicateur}")
        lines.append(f"Attendu : {_expected(e)}")
        lines.append(
            f"Règle : contrôle « {e.code} » ; règles de complétude et de cohérence sur la "
            f"feuille « {constats_sheet} »."
        )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def summary(all_entries: Sequence[Entry]) -> str:
    """French count of the findings by severity, and how many are on a cell."""
    if not all_entries:
        return "Aucun constat : le classeur est copié sans commentaire."
    counts: dict[str, int] = {}
    for e in all_entries:
        counts[e.severite] = counts.get(e.severite, 0) + 1
    words = ", ".join(f"{n} {_plural(word.lower(), n)}" for word, n in counts.items())
    on_cell = sum(e.place.has_cell for e in all_entries)
    total = len(all_entries)
    return (
        f"{total} constat{'s' if total > 1 else ''} ({words}) ; "
        f"{on_cell} sur une cellule, commentée{'s' if on_cell > 1 else ''} et marquée"
        f"{'s' if on_cell > 1 else ''} ; {total - on_cell} sans cellule, "
        + ("situés par leur ligne" if total - on_cell > 1 else "situé par sa ligne")
        + " quand elle est connue."
    )


def _plural(word: str, n: int) -> str:
    return word if n < 2 or word.endswith("s") else word + "s"


def legend() -> str:
    """What the mark on the annotated cells means."""
    mark = texts()["marque"]
    return (
        f"Marque : chaque cellule concernée par un constat est encadrée d'une {mark['nom']} "
        "et porte un commentaire « snppe-report » (survolez la cellule). La bordure "
        "d'origine de ces cellules est remplacée par la marque ; tout le reste du classeur "
        "est copié tel quel."
    )


def completeness_rules(annee: int) -> list[str]:
    """The completeness and consistency rules, with the campaign's years."""
    return [rule.format(annee=annee, suivante=annee + 1) for rule in texts()["completude"]]
