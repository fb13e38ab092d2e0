"""Collectivités named or coded in one text (a title, a sheet or file name).

A name ("Département du Haut-Rhin", "HAUT-RHIN") is matched accent- and
case-insensitively on word boundaries, longest name first (so "Haute-Corse" is not
read as "Corse", nor "Bouches-du-Rhône" as "Rhône"); a code only in an explicit form:
"(68)", "Département 68", "CD 68", "D68" -- never a bare number. Names that are also
common French words or first names (Allier, Aube, Aude, Cher, Creuse, Landes, Lot,
Manche, Nord, Somme, Vienne, La Réunion) count only in an explicit form: after
"département", "conseil départemental", "CD"… ("Conseil départemental de la Somme"),
followed by their code ("Somme (80)"), or alone in the text.

Other bodies are not collectivités and are masked first: regions ("Auvergne-Rhône-Alpes"
holds the Rhône, "Pays de la Loire" the Loire), and the State's and other bodies named
after a territory ("ARS Auvergne-Rhône-Alpes", "Agence régionale de santé de Corse",
"Préfecture de la région Grand Est", "Préfecture du Rhône", "CAF du Haut-Rhin",
"Tribunal judiciaire de Lyon"...). A Métropole de Lyon workbook titled with its ARS is
the Métropole de Lyon's.
"""

from __future__ import annotations

import re
from functools import cache

from snppe_report.read.collectivite_table import (
    Collectivite,
    canonical_code,
    haystack,
    reference_table,
)

__all__ = ["find_collectivites", "mask_bodies", "REGIONS", "BODIES"]

# Names that are also ordinary words or first names: only explicit forms count.
_COMMON_WORD_CODES = frozenset(
    {"03", "10", "11", "18", "23", "40", "46", "50", "59", "80", "86", "974"}
)
_MAX_TEXT = 2000  # characters of each text that are looked at
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

#: Regions, current and former, whose names are not a collectivité's (Corse, Guadeloupe,
#: Martinique, Guyane, La Réunion and Mayotte are collectivités too: they are masked only
#: after a body, "ARS de Corse").
REGIONS = (
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
    "Alsace-Champagne-Ardenne-Lorraine",
    "Aquitaine-Limousin-Poitou-Charentes",
    "Languedoc-Roussillon-Midi-Pyrénées",
    "Nord-Pas-de-Calais-Picardie",
    "Rhône-Alpes",
    "Nord-Pas-de-Calais",
    "Languedoc-Roussillon",
    "Midi-Pyrénées",
    "Poitou-Charentes",
    "Champagne-Ardenne",
    "Basse-Normandie",
    "Haute-Normandie",
)
#: Bodies that are not collectivités, as they are written before a territory's name
#: (normalised: lower case, no accents, punctuation as spaces).
BODIES = (
    "ars",
    "agence regionale de sante",
    "agence regionale de la sante",
    "prefecture de la region",
    "prefecture de region",
    "prefecture",
    "sous prefecture",
    "prefet de la region",
    "prefete de la region",
    "prefet de region",
    "prefet",
    "prefete",
    "region",
    "conseil regional",
    "region academique",
    "academie",
    "rectorat",
    "dsden",
    "dreets",
    "ddets",
    "ddetspp",
    "drees",
    "drjscs",
    "ddcs",
    "ddcspp",
    "caf",
    "caisse d allocations familiales",
    "cpam",
    "caisse primaire d assurance maladie",
    "msa",
    "pjj",
    "dirpjj",
    "dtpjj",
    "protection judiciaire de la jeunesse",
    "direction territoriale de la protection judiciaire de la jeunesse",
    "direction interregionale de la protection judiciaire de la jeunesse",
    "tribunal judiciaire",
    "tribunal pour enfants",
    "tribunal",
    "cour d appel",
    "parquet",
    "udaf",
)
_ARTICLE = r"(?:de la|de l|du|des|de|d|en|pour la|pour le|pour l)"


def _alternation(texts) -> str:
    return "|".join(re.escape(t) for t in sorted(set(texts), key=len, reverse=True))


@cache
def _body_pattern() -> re.Pattern[str]:
    regions = [haystack(r) for r in REGIONS]
    names = [*regions, *reference_table().by_name]
    return re.compile(
        r"(?<![a-z0-9])(?:"
        rf"(?:{_alternation(BODIES)})(?:\s+{_ARTICLE})?(?:\s+region)?(?:\s+{_ARTICLE})?"
        rf"\s+(?:{_alternation(names)})(?:\s*\(\s*{_CODE_TOKEN}\s*\))?"
        rf"|{_alternation(regions)}"
        r")(?![a-z0-9])"
    )


def mask_bodies(hay: str) -> str:
    """``hay`` (a :func:`haystack` text) with regions and other bodies blanked out, at the
    same offsets."""
    return _body_pattern().sub(lambda m: " " * len(m.group(0)), hay)


def _explicit(hay: str, start: int, end: int, row: Collectivite) -> bool:
    if hay.strip() == hay[start:end]:
        return True
    if _EXPLICIT_BEFORE.search(hay[:start]):
        return True
    after = re.match(r"\s*\(?\s*" + _CODE_TOKEN + r"\b", hay[end:])
    return after is not None and canonical_code(after.group(1)) == row.code


def find_collectivites(text: str, *, leading_code: bool = False) -> list[Collectivite]:
    """Collectivités named or coded explicitly in one text, in order of appearance.

    Parameters
    ----------
    text : str
        A title, a sheet name or a file name (only its first 2 000 characters are read).
    leading_code : bool
        Also take a code at the start ("68-tdb.xlsx", "D68 …"), as file names have.

    Returns
    -------
    list of Collectivite
        Without duplicates; regions and other bodies ("ARS Auvergne-Rhône-Alpes") left out.
    """
    table = reference_table()
    hay = mask_bodies(haystack(text[:_MAX_TEXT]))
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
            row = table.by_code.get(canonical_code(match.group(1)))
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
