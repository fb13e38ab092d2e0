"""The reference table of the collectivités with child-protection powers, and lookups.

``data/collectivites.csv`` holds the 101 départements (INSEE codes 01-95 with 2A/2B,
971-974, 976; Martinique and Guyane are *collectivités uniques*) and the collectivités
grouping or carving out départements: 6AE Collectivité européenne d'Alsace (67, 68), 20R
Collectivité de Corse (2A, 2B), 75C Ville de Paris (75), 69M Métropole de Lyon (carved
out of the Rhône, 69). Public through :mod:`snppe_report.read.collectivites`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from snppe_report.exceptions import CollectiviteError
from snppe_report.text import normalize, slugify

__all__ = [
    "Collectivite",
    "get_collectivite",
    "all_collectivites",
    "departements",
    "parent_collectivites",
    "haystack",
    "reference_table",
    "canonical_code",
    "KINDS",
    "DEPARTEMENT_KINDS",
]

KINDS = ("departement", "collectivite unique", "collectivite", "metropole")
DEPARTEMENT_KINDS = ("departement", "collectivite unique")
_PUNCTUATION = re.compile(r"[-_'\".,;:!?/\\]+")


@dataclass(frozen=True)
class Collectivite:
    """A row of the reference table.

    Attributes
    ----------
    code : str
        INSEE code: "01"-"95", "2A", "2B", "971"-"976", or "6AE", "20R", "75C", "69M".
    nom : str
        Official name, e.g. "Haut-Rhin".
    kind : str
        "departement", "collectivite unique" (972, 973), "collectivite" (grouping
        départements: 6AE, 20R, 75C) or "metropole" (69M).
    departements : tuple of str
        Codes of the départements it covers (its own code for a département).
    article : str
        French form used in sentences: "du Haut-Rhin", "de l'Ain", "de la Somme".
    slug : str
        ``code-nom`` in ``[a-z0-9-]``, e.g. "68-haut-rhin"; safe in output paths.
    """

    code: str
    nom: str
    kind: str
    departements: tuple[str, ...]
    article: str
    slug: str

    @property
    def libelle(self) -> str:
        """Name with code, e.g. "Haut-Rhin (68)"."""
        return f"{self.nom} ({self.code})"

    @property
    def is_departement(self) -> bool:
        """Whether it is one of the 101 départements."""
        return self.kind in DEPARTEMENT_KINDS


@dataclass(frozen=True)
class Table:
    """The parsed reference table, indexed by code and by normalised name."""

    rows: tuple[Collectivite, ...]
    by_code: dict[str, Collectivite]
    by_name: dict[str, Collectivite]
    names: re.Pattern[str]


def haystack(text: str) -> str:
    """Normalised text with punctuation as spaces (parentheses kept)."""
    flat = _PUNCTUATION.sub(" ", normalize(text))
    flat = re.sub(r"\bst\b", "saint", flat)
    return " ".join(flat.split())


def _parse_table(text: str) -> Table:
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        code = record["code"].strip()
        nom = record["nom"].strip()
        rows.append(
            Collectivite(
                code=code,
                nom=nom,
                kind=record["type"].strip(),
                departements=tuple(record["departements"].split()),
                article=record["article"].strip(),
                slug=f"{code.lower()}-{slugify(nom)}",
            )
        )
    by_code = {row.code: row for row in rows}
    by_name = {haystack(row.nom): row for row in rows}
    problems = []
    if len(by_code) != len(rows) or len(by_name) != len(rows):
        problems.append("code ou nom en double")
    if len({row.slug for row in rows}) != len(rows):
        problems.append("slug en double")
    for row in rows:
        if row.kind not in KINDS or any(d not in by_code for d in row.departements):
            problems.append(f"ligne {row.code}")
    if problems:
        raise ValueError("table des collectivités invalide : " + ", ".join(problems))
    alternatives = sorted(by_name, key=len, reverse=True)
    names = re.compile(
        r"(?<![a-z0-9])(" + "|".join(re.escape(n) for n in alternatives) + r")(?![a-z0-9])"
    )
    return Table(tuple(rows), by_code, by_name, names)


@cache
def reference_table() -> Table:
    """The reference table shipped in ``snppe_report/data/collectivites.csv`` (read once)."""
    resource = resources.files("snppe_report").joinpath("data", "collectivites.csv")
    return _parse_table(resource.read_text(encoding="utf-8"))


def canonical_code(raw: str) -> str:
    code = re.sub(r"\s+", "", str(raw)).upper()
    if code.isdigit():
        if len(code) == 1:
            code = "0" + code
        elif len(code) == 3 and code.startswith("0"):
            code = code[1:]
    elif re.fullmatch(r"0?2[AB]", code):
        code = code[-2:]
    return code


def _lookup(raw: str) -> Collectivite | None:
    table = reference_table()
    return table.by_code.get(canonical_code(raw)) or table.by_name.get(haystack(raw))


def get_collectivite(code: str) -> Collectivite:
    """The collectivité with this code (or exact name).

    Parameters
    ----------
    code : str
        An INSEE code, case-insensitive: "68", "2a", "971", "69M", "6ae". A
        one-digit code is zero-padded ("1" -> "01") and a three-digit metropolitan
        code loses its leading zero ("068" -> "68", "02A" -> "2A"). The exact name
        ("Haut-Rhin", accents and case ignored) is accepted too.

    Returns
    -------
    Collectivite

    Raises
    ------
    CollectiviteError
        For an unknown code, with a French message listing the valid codes.
    """
    found = _lookup(code) if code is not None else None
    if found is not None:
        return found
    shown = str(code).strip()[:40]
    if canonical_code(shown) == "20":
        hint = (
            "« 20 » n'est plus un code de département : utilisez 2A (Corse-du-Sud), "
            "2B (Haute-Corse) ou 20R (Collectivité de Corse)."
        )
    else:
        hint = (
            "Codes valides : 01 à 95 (2A et 2B pour la Corse), 971 à 974 et 976 pour les "
            "départements ; 6AE (Collectivité européenne d'Alsace), 20R (Collectivité de "
            "Corse), 69M (Métropole de Lyon), 75C (Ville de Paris). La liste complète est "
            "dans la table de référence snppe_report/data/collectivites.csv."
        )
    raise CollectiviteError(f"code de collectivité inconnu : « {shown} ». {hint}")


def all_collectivites() -> tuple[Collectivite, ...]:
    """Every row of the reference table: the 101 départements, then the collectivités.

    Returns
    -------
    tuple of Collectivite
    """
    return reference_table().rows


def departements() -> tuple[Collectivite, ...]:
    """The 101 départements (Martinique and Guyane included), in INSEE order.

    Returns
    -------
    tuple of Collectivite
    """
    return tuple(row for row in reference_table().rows if row.is_departement)


def parent_collectivites(code: str) -> tuple[Collectivite, ...]:
    """The collectivités that group a département, e.g. 68 -> Collectivité européenne d'Alsace.

    The Métropole de Lyon is carved out of the Rhône and does not group it, so
    ``parent_collectivites("69")`` is empty.

    Parameters
    ----------
    code : str
        A code accepted by :func:`get_collectivite`.

    Returns
    -------
    tuple of Collectivite
        Empty when none (or when ``code`` is itself a grouping collectivité).

    Raises
    ------
    CollectiviteError
        For an unknown code.
    """
    child = get_collectivite(code)
    return tuple(
        row
        for row in reference_table().rows
        if row.kind == "collectivite" and row.code != child.code and child.code in row.departements
    )
