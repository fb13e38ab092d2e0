"""Text cells: markup removed, then codes, intervals, comparators and leading numbers.

See :mod:`snppe_report.read.values` for the rules, in the order they are applied.
"""

from __future__ import annotations

import html
import re
import unicodedata
from decimal import Decimal

from snppe_report.read.parsed import EMPTY, ParsedValue, ok, texte

__all__ = ["BREAK_TAG", "UNITS", "clean_text", "parse_text"]

# --- text cleaning -----------------------------------------------------------------
BREAK_TAG = re.compile(r"<\s*br\s*/?\s*>|<\s*/?\s*p(?:\s[^<>]*)?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")

# --- numbers and units ---------------------------------------------------------------
_NUMBER = (
    r"(?P<sign>[-+\u2212])?\s?"
    r"(?P<int>\d{1,3}(?:\ \d{3})+(?!\d)"
    r"|\d{1,3}(?:\.\d{3})+(?=,\d)"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d,])"
    r"|\d+)"
    r"(?:[.,](?P<frac>\d+))?"
)


def _unit(name: str) -> str:
    """A named group matching a unit as written after a number."""
    return (
        rf"(?P<{name}>%|k€|m€|€"
        r"|(?:pour\ ?cent|heures?|h|mois|jours?|j|euros?|eur)(?![^\W\d_]))"
    )


_LEADING = re.compile(rf"{_NUMBER}(?:\s?{_unit('unit')})?", re.IGNORECASE)
UNITS = {  # unit as written (lower case) -> (unite, factor)
    **dict.fromkeys(("%", "pour cent", "pourcent"), ("pourcentage", Decimal("0.01"))),
    **dict.fromkeys(("heure", "heures", "h"), ("heures", Decimal(1))),
    **dict.fromkeys(("jour", "jours", "j"), ("jours", Decimal(1))),
    **dict.fromkeys(("€", "euro", "euros", "eur"), ("euros", Decimal(1))),
    "mois": ("mois", Decimal(1)),
    "k€": ("euros", Decimal(1000)),
    "m€": ("euros", Decimal(1_000_000)),
}
_SIMPLE = r"[-+\u2212]?\d+(?:[.,]\d+)?"
_RANGE = re.compile(
    rf"(?:entre\s+(?P<a1>{_SIMPLE})\s*{_unit('ua')}?\s+et\s+"
    rf"|(?:de\s+)?(?P<a2>{_SIMPLE})\s*{_unit('ub')}?\s*(?:à|au|[-–—])\s*)"
    rf"(?P<b>{_SIMPLE})\s*{_unit('unit')}?",
    re.IGNORECASE,
)
_LOST_RANGE = re.compile(r"(\d{1,2}) (\d{1,2}) ?(mois|jours?|heures?|semaines?|ans?)", re.I)
_COMPARATOR = re.compile(
    r"(?:<=|>=|[<>≤≥~≈]|environ|env\.|au moins|au plus|plus de|moins de|près de)\s*",
    re.IGNORECASE,
)
_YEAR_REF = re.compile(
    r"\(\s*(?:année\s+|en\s+)?(?P<y1>(?:19|20)\d{2})\s*\)|(?:en|année)\s+(?P<y2>(?:19|20)\d{2})",
    re.IGNORECASE,
)
_STRONG = re.compile(r"\b(?:dont|soit|mais|parmi)\b|\(|(?<=\w)\s*:", re.IGNORECASE)
_WEAK = re.compile(r"(?:des|de|du|moins de|chez)\b|d['’]", re.IGNORECASE)
_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_QUANTITY = re.compile(r"(?<![^\W\d_])\d")
_EXCEL_ERROR = re.compile(r"#(?:N/A|NA|[A-ZÀ-Ý/0_.]+[!?])|Err:\d{3}", re.IGNORECASE)

# --- codes ---------------------------------------------------------------------------
_CODES = {
    "SO": ("so", "s/o", "s.o.", "s.o", "n/a", "na", "n.a.", "n.a", "sans objet",
           "non applicable", "non concerne", "non concernee"),
    "ND": ("nd", "n.d.", "n.d", "non disponible", "non disponibles", "indisponible",
           "donnee non disponible", "donnees non disponibles"),
    "NC": ("nc", "n.c.", "n.c", "non connu", "non connue", "non connus", "inconnu",
           "inconnue", "non communique", "non communiquee", "non communiques",
           "non communiquees", "non renseigne", "non renseignee", "non renseignes",
           "non renseignees", "pas de donnees", "pas de donnee", "donnees manquantes"),
}  # fmt: skip
_CODE_PREFIX = re.compile(
    "(?:"
    + "|".join(
        rf"(?P<{code}>{'|'.join(re.escape(w) for w in sorted(words, key=len, reverse=True))})"
        for code, words in _CODES.items()
    )
    + r")(?![\w/])"
)


def clean_text(text: str) -> str:
    """Remove HTML markup and make all whitespace single plain spaces.

    Parameters
    ----------
    text : str
        A cell's text, possibly with ``<p>``, ``<i>``, ``<br>`` and entities.

    Returns
    -------
    str
        The text on one line, stripped; line breaks become spaces.
    """
    text = _TAG.sub(" ", BREAK_TAG.sub(" ", text))
    text = _INVISIBLE.sub("", html.unescape(text))
    return _SPACES.sub(" ", text).strip()


def parse_text(text: str) -> ParsedValue:
    """A cleaned cell text (see :func:`clean_text`) -> its typed content."""
    if not text:
        return EMPTY
    if _EXCEL_ERROR.fullmatch(text):
        return texte(f"erreur de formule : {text}")
    code = _parse_code(text)
    if code is not None:
        return code
    if _DATE.match(text):
        return texte(text)
    interval = _parse_interval(text)
    if interval is not None:
        return interval
    comparator = _COMPARATOR.match(text)
    if comparator and comparator.end() < len(text):
        inner = _parse_leading(text[comparator.end() :])
        if inner is not None and inner.statut == "ok":
            return ParsedValue(inner.valeur, inner.unite, "ok", text)
        return texte(text)
    return _parse_leading(text) or texte(text)


def _parse_code(text: str) -> ParsedValue | None:
    folded = _fold(text)
    match = _CODE_PREFIX.match(folded)
    if match is None:
        return None
    said_more = folded[match.end() :].strip(" .")
    return ParsedValue(None, "texte", match.lastgroup or "texte", text if said_more else "")


def _fold(text: str) -> str:
    """Lower case without accents, for matching code words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _parse_interval(text: str) -> ParsedValue | None:
    lost = _LOST_RANGE.fullmatch(text)
    if lost and int(lost[1]) < int(lost[2]):
        return texte(f"intervalle de {lost[1]} à {lost[2]} {lost[3]}")
    match = _RANGE.fullmatch(text)
    if match is None:
        return None
    low = match["a1"] or match["a2"]
    unit = match["unit"] or match["ua"] or match["ub"]
    return texte(f"intervalle de {low} à {match['b']}" + (f" {unit}" if unit else ""))


def _parse_leading(text: str) -> ParsedValue | None:
    """Read the number (and unit) opening the text; None if the text does not open so."""
    match = _LEADING.match(text)
    if match is None:
        return None
    following = text[match.end() : match.end() + 1]
    if not match["unit"] and following and (following.isalnum() or following == "/"):
        return None  # a number glued to a word or a fraction: "1er", "4e", "3/4"
    rest = _rest_note(text[match.end() :].strip())
    if rest is None:
        return texte(text)
    unite, factor = UNITS.get((match["unit"] or "").lower(), ("nombre", 1))
    return ok(_decimal(match) * factor, unite, rest)


def _decimal(match: re.Match[str]) -> Decimal:
    digits = re.sub(r"[ .]", "", match["int"])
    number = Decimal(f"{digits}.{match['frac']}" if match["frac"] else digits)
    return -number if match["sign"] in ("-", "\u2212") else number


def _rest_note(rest: str) -> str | None:
    """The note for what follows the value; None when it holds another quantity."""
    if not rest:
        return ""
    year = _YEAR_REF.fullmatch(rest)
    if year:
        return f"année de référence {year['y1'] or year['y2']}"
    if not _keeps_value(rest):
        return None
    note = rest.lstrip(",;:-–— ").strip()
    if note.startswith("(") and note.endswith(")") and note.count("(") == 1:
        note = note[1:-1].strip()
    return note


def _keeps_value(rest: str) -> bool:
    """False when the rest holds another quantity not announced by a qualifier."""
    other = _QUANTITY.search(_YEAR.sub(_blank, _DATE.sub(_blank, rest)))
    if other is None:
        return True
    return bool(_WEAK.match(rest) or _STRONG.search(rest, 0, other.start()))


def _blank(match: re.Match[str]) -> str:
    """Mask a match with spaces, keeping offsets."""
    return " " * len(match[0])
