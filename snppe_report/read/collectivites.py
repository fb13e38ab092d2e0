"""The collectivités with child-protection powers, and detecting a workbook's one.

The reference table ``data/collectivites.csv`` holds the 101 départements (INSEE
codes 01-95 with 2A/2B, 971-974, 976; Martinique and Guyane are *collectivités
uniques*) and the collectivités grouping or carving out départements: 6AE
Collectivité européenne d'Alsace (67, 68), 20R Collectivité de Corse (2A, 2B),
75C Ville de Paris (75), 69M Métropole de Lyon (carved out of the Rhône, 69).

Detection (:func:`detect_collectivite`) looks, in this order, at

1. the title texts: a name ("Département du Haut-Rhin", "HAUT-RHIN"), matched
   accent- and case-insensitively on word boundaries, longest name first (so
   "Haute-Corse" is not read as "Corse", nor "Bouches-du-Rhône" as "Rhône"), or an
   explicit code: "(68)", "Département 68", "CD 68", "D68" -- never a bare number;
2. the file name: a leading code ("68-…", "68_…", "D68 …", "CD68…") or a name
   ("tdb-haut-rhin-2023.xlsx");
3. otherwise a :class:`~snppe_report.exceptions.CollectiviteError` asking for
   ``--departement``.

Names that are also common French words or first names (Allier, Aube, Aude, Cher,
Creuse, Landes, Lot, Manche, Nord, Somme, Vienne, La Réunion) count only in an
explicit form: after "département", "conseil départemental", "CD"… ("Conseil
départemental de la Somme"), followed by their code ("Somme (80)"), or alone in the
text.

When titles name several collectivités, a collectivité grouping départements gives
way to the département also named ("Collectivité européenne d'Alsace — Haut-Rhin"
-> Haut-Rhin); départements all belonging to one named grouping give that grouping;
anything else is an ambiguity error. Codes and slugs always come from the
reference table, never from workbook text.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from snppe_report.exceptions import CollectiviteError
from snppe_report.text import normalize, slugify, strip_html

__all__ = [
    "Collectivite",
    "get_collectivite",
    "all_collectivites",
    "departements",
    "parent_collectivites",
    "detect_collectivite",
    "resolve",
    "ORIGIN_OPTION",
]

ORIGIN_OPTION = "indiqué par l'option --departement"
KINDS = ("departement", "collectivite unique", "collectivite", "metropole")
DEPARTEMENT_KINDS = ("departement", "collectivite unique")

# Names that are also ordinary words or first names: only explicit forms count.
_COMMON_WORD_CODES = frozenset(
    {"03", "10", "11", "18", "23", "40", "46", "50", "59", "80", "86", "974"}
)
_MAX_TEXT = 2000  # characters of each title text that are looked at
_CODE_TOKEN = r"([0-9][0-9ab][0-9a-z]?)"
_CODE_FORMS = (
    re.compile(r"\(\s*" + _CODE_TOKEN + r"\s*\)"),
    re.compile(
        r"\b(?:departement|dept|dep|cd|conseil departemental|conseil general)"
        r"\s*(?:n|no|numero)?\s*" + _CODE_TOKEN + r"\b"
    ),
    re.compile(r"\bd" + _CODE_TOKEN + r"\b"),
)
_LEADING_CODE = re.compile(r"^(?:d|cd|dep|dept|departement)?\s*" + _CODE_TOKEN + r"\b")
_EXPLICIT_BEFORE = re.compile(
    r"\b(?:departement|departemental|departementale|conseil departemental|conseil general"
    r"|cd|dept|dep|collectivite|territoire)\s*(?:de la|de l|du|des|de|d)?\s*$"
)
_PUNCTUATION = re.compile(r"[-_'\".,;:!?/\\]+")
_QUOTE_MAX = 80


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
class _Table:
    rows: tuple[Collectivite, ...]
    by_code: dict[str, Collectivite]
    by_name: dict[str, Collectivite]
    names: re.Pattern[str]


def _haystack(text: str) -> str:
    """Normalised text with punctuation as spaces (parentheses kept)."""
    flat = _PUNCTUATION.sub(" ", normalize(text))
    flat = re.sub(r"\bst\b", "saint", flat)
    return " ".join(flat.split())


def _parse_table(text: str) -> _Table:
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
    by_name = {_haystack(row.nom): row for row in rows}
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
    return _Table(tuple(rows), by_code, by_name, names)


@cache
def _table() -> _Table:
    resource = resources.files("snppe_report").joinpath("data", "collectivites.csv")
    return _parse_table(resource.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- lookup


def _canonical_code(raw: str) -> str:
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
    table = _table()
    return table.by_code.get(_canonical_code(raw)) or table.by_name.get(_haystack(raw))


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
    if _canonical_code(shown) == "20":
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
    return _table().rows


def departements() -> tuple[Collectivite, ...]:
    """The 101 départements (Martinique and Guyane included), in INSEE order.

    Returns
    -------
    tuple of Collectivite
    """
    return tuple(row for row in _table().rows if row.is_departement)


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
        for row in _table().rows
        if row.kind == "collectivite" and row.code != child.code and child.code in row.departements
    )


# --------------------------------------------------------------------------- detection


def _quote(text: str) -> str:
    flat = strip_html(text)
    return flat if len(flat) <= _QUOTE_MAX else flat[: _QUOTE_MAX - 1].rstrip() + "…"


def _explicit(hay: str, start: int, end: int, row: Collectivite) -> bool:
    if hay.strip() == hay[start:end]:
        return True
    if _EXPLICIT_BEFORE.search(hay[:start]):
        return True
    after = re.match(r"\s*\(?\s*" + _CODE_TOKEN + r"\b", hay[end:])
    return after is not None and _canonical_code(after.group(1)) == row.code


def _find_in(text: str, *, leading_code: bool = False) -> list[Collectivite]:
    """Collectivités named or coded explicitly in one text, in order of appearance."""
    table = _table()
    hay = _haystack(text[:_MAX_TEXT])
    found: list[tuple[int, Collectivite]] = []
    names: list[Collectivite] = []
    for match in table.names.finditer(hay):
        row = table.by_name[match.group(1)]
        if row.code in _COMMON_WORD_CODES and not _explicit(hay, *match.span(), row):
            continue
        found.append((match.start(), row))
        names.append(row)
    patterns = (_LEADING_CODE, *_CODE_FORMS) if leading_code else _CODE_FORMS
    for pattern in patterns:
        for match in pattern.finditer(hay):
            row = table.by_code.get(_canonical_code(match.group(1)))
            if row is None:
                continue
            # "Métropole de Lyon (69)": the code annotates the name, not the Rhône.
            if any(n.kind == "metropole" and row.code in n.departements for n in names):
                continue
            found.append((match.start(1), row))
    found.sort(key=lambda item: item[0])
    unique: list[Collectivite] = []
    for _, row in found:
        if row not in unique:
            unique.append(row)
    return unique


def _decide(candidates: list[Collectivite]) -> list[Collectivite]:
    """Reduce candidates: a grouping gives way to its département; one left = decided."""
    leaves = [
        c
        for c in candidates
        if not (
            c.kind == "collectivite"
            and any(o.code in c.departements for o in candidates if o is not c)
        )
    ]
    if len(leaves) > 1:
        for group in candidates:
            if group.kind == "collectivite" and all(
                leaf.code in group.departements for leaf in leaves
            ):
                return [group]
    return leaves


def _ambiguity(found: list[tuple[Collectivite, str]], file: str | None) -> CollectiviteError:
    listed = " ; ".join(f"{c.libelle} {origin}" for c, origin in found)
    return CollectiviteError(
        f"plusieurs collectivités possibles : {listed}. "
        "Indiquez la bonne avec l'option --departement CODE.",
        file=file,
    )


def _from_titles(texts: Iterable[str]) -> list[tuple[Collectivite, str]]:
    found: list[tuple[Collectivite, str]] = []
    for text in texts:
        if not text:
            continue
        for row in _find_in(str(text)):
            if all(row is not c for c, _ in found):
                found.append((row, f"d'après le titre du classeur : « {_quote(str(text))} »"))
    return found


def _from_filename(filename: str) -> list[tuple[Collectivite, str]]:
    name = re.split(r"[\\/]", filename)[-1]
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)
    origin = f"d'après le nom du fichier « {_quote(name)} »"
    return [(row, origin) for row in _find_in(stem, leading_code=True)]


def detect_collectivite(
    texts: Iterable[str],
    filename: str | os.PathLike[str] | None = None,
    sheet_names: Iterable[str] = (),
) -> tuple[Collectivite, str]:
    """The collectivité a workbook belongs to, and how it was found.

    Parameters
    ----------
    texts : iterable of str
        Title texts of the workbook (title cells, document properties).
        Only the first 2 000 characters of each are looked at.
    filename : str or path-like, optional
        The workbook's file name (a path is fine: only its last part is used).
    sheet_names : iterable of str
        Names of the dashboard sheets, looked at when no title names a collectivité,
        before the file name.

    Returns
    -------
    tuple of (Collectivite, str)
        The collectivité and a French description of how it was found, e.g.
        "d'après le titre du classeur : « Département du Haut-Rhin »" or
        "d'après le nom du fichier « 68-haut-rhin.xlsx »".

    Raises
    ------
    CollectiviteError
        When neither the titles nor the file name designate one collectivité, or
        when they designate several that do not nest; the message asks for
        ``--departement``.
    """
    file = os.fspath(filename) if filename is not None else None
    titles = _from_titles(texts)
    if not titles:  # a sheet named "TDB Gironde 2023" comes before the file name
        titles = [
            (c, f"d'après le nom de la feuille « {_quote(name)} »")
            for name in sheet_names
            for c, _ in _from_titles([name])
        ]
    named = _from_filename(file) if file else []
    if titles:
        decided = _decide([c for c, _ in titles])
        if len(decided) == 1:
            return decided[0], dict((c.code, o) for c, o in titles)[decided[0].code]
        by_file = _decide([c for c, _ in named]) if named else []
        if len(by_file) == 1 and by_file[0] in decided:
            return by_file[0], dict((c.code, o) for c, o in named)[by_file[0].code]
        raise _ambiguity([(c, o) for c, o in titles if c in decided], file)
    if named:
        decided = _decide([c for c, _ in named])
        if len(decided) == 1:
            return decided[0], named[0][1]
        raise _ambiguity([(c, o) for c, o in named if c in decided], file)
    raise CollectiviteError(
        "la collectivité n'a pas pu être déterminée : ni le titre du classeur ni le nom du "
        "fichier ne désignent un département (par exemple « Département du Haut-Rhin », "
        "« … (68) » ou un nom de fichier commençant par « 68- »). Indiquez-la avec "
        "l'option --departement CODE, par exemple --departement 68.",
        file=file,
    )


def resolve(
    code: str | None,
    texts: Iterable[str],
    filename: str | os.PathLike[str] | None = None,
    sheet_names: Iterable[str] = (),
) -> tuple[Collectivite, str]:
    """The collectivité of a workbook: the ``--departement`` option wins, else detection.

    Parameters
    ----------
    code : str or None
        The value of ``--departement``, if given.
    texts : iterable of str
        Title texts, see :func:`detect_collectivite`.
    filename : str or path-like, optional
        The workbook's file name.
    sheet_names : iterable of str
        Names of the dashboard sheets, see :func:`detect_collectivite`.

    Returns
    -------
    tuple of (Collectivite, str)
        The collectivité and how it was determined (:data:`ORIGIN_OPTION` when given).

    Raises
    ------
    CollectiviteError
        For an unknown code, or when detection fails.
    """
    if code is not None and str(code).strip():
        try:
            return get_collectivite(code), ORIGIN_OPTION
        except CollectiviteError as error:
            file = os.fspath(filename) if filename is not None else None
            raise CollectiviteError(error.message, file=file) from None
    return detect_collectivite(texts, filename, sheet_names)
