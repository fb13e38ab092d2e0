"""Pure parser: one dashboard cell (text, number, number format) -> :class:`ParsedValue`.

``parse_value`` never raises. It returns a value, a unit, a status and a note.
Percentages are fractions (``3,6 %`` -> 0.036). Whenever ``valeur`` is None,
``statut`` is not ``"ok"`` and ``unite`` is ``"texte"``.

Rules, applied in this order
----------------------------
Non-text cells
    * ``None`` and blank text (after markup removal): empty value (``texte``, no note);
      :func:`is_empty` tells the table to skip the cell.
    * int / float / Decimal: ``nombre``; ``pourcentage`` when the number format shows
      ``%`` outside quoted literals (the number already is the fraction: 0.036), or
      as text (``0.0" %"``, ``0\\%``: the number is in points, 41 is read 0.41, as the
      cell shows "41,0 %"); ``euros`` when the format shows ``€``; ``heures`` /
      ``mois`` / ``jours`` when a quoted literal of the format names them
      (``0" heures"``). See :func:`format_unit`.
    * NaN, infinite or out-of-range numbers, booleans, dates and times are not numbers
      (a boolean or a date in a value column is a typing slip, not 1/0 or a serial
      number): ``texte``, no value, a French note saying what the cell held.
      A ``timedelta`` (``[h]:mm`` cells) is a duration in ``heures``.
Text cells (HTML tags removed, entities decoded, all kinds of spaces made plain)
    1. Excel / LibreOffice errors (``#DIV/0!``, ``#N/A``, ``Err:502``): ``texte``.
    2. Codes, alone or opening a phrase: ``SO`` (SO, N/A, NA, sans objet, non
       applicable, non concerné), ``ND`` (ND, non disponible), ``NC`` (NC, non connu,
       non communiqué, non renseigné, pas de données). The note keeps the whole text
       when it says more than the code. ``NR``, ``-``, ``néant`` stay texts: they mean
       "non réalisé", zero or nothing depending on the workbook.
    3. A text opening with a date (``01/09/2021 ...``) is ``texte``: dates are not numbers.
    4. Intervals are not one value: ``entre 80 et 90 %``, ``0 à 4 mois``, ``2-3 mois``,
       and ``0 4 mois`` (an interval whose "à" the export lost: two numbers of at most
       two digits, the first smaller, then a duration unit) give ``texte`` with the
       note ``intervalle de 0 à 4 mois``. Taking either bound would invent a value.
    5. A comparator before a number (``≥ 20 %``, ``environ 300``, ``au moins 15 %``)
       keeps the number; the note is the whole text.
    6. A text opening with a number: French digits (space, no-break or narrow no-break
       space as thousands separator, decimal comma or dot), an optional unit
       (``%``, ``heure(s)``, ``h``, ``mois``, ``jour(s)``, ``j``, ``€``, ``euro(s)``,
       ``k€``, ``M€``), then the rest, which decides:
         * nothing: the value;
         * a reference year, ``(2018)`` or ``en 2018``: the value, note
           ``année de référence 2018``;
         * words without another quantity (``10 % COVID``, ``0, à défaut de places``,
           ``1 + installation de ...``, ``9 PMI``, ``1751 VAD en post et pré natal``):
           the value, the words in the note (leading punctuation and enclosing
           parentheses dropped). Dates and years in the words are not quantities.
         * another quantity that the words before it announce as a breakdown or a
           restriction of the value: a strong qualifier anywhere before it (``dont``,
           ``soit``, ``mais``, ``parmi``, ``(``, or ``:`` after a word) or a weak one
           opening the rest (``des``, ``de``, ``du``, ``d'``, ``moins de``, ``chez``):
           the first number is the value, the rest the note
           (``16997 dont 8374 de moins de 2 ans``, ``25 % moins de 2 ans``,
           ``11,6 % des moins de 6 ans et 23,6 % de moins de 2 ans``,
           ``15 % mais 24,5 % moins de 2 ans``,
           ``2 journées : 1 journée jeunes majeurs et MNA, 1 journée mineurs``);
         * another quantity otherwise: several independent quantities
           (``354 mineurs + 10 majeurs soit 21,4%``, ``436 mineurs 14 majeurs``,
           ``41 + 9 logements autonomes``, ``1112 718 9 1,30 %``): ``texte``, no value,
           the whole text in the note. A sum is never invented, and ``2018 : 2 550``
           (a colon right after the number) is not read as 2018 either.
       A number glued to a word that is not a unit (``1er``, ``4e mois``) is not a value.
    7. Anything else (``Protocole signé``, ``En cours``, ``oui``): ``texte``, note = text.
    The note of a ``texte`` result is the cleaned text, so it can be shown as is.

A single dot is a decimal point (``997.5``); dots are thousands separators only when
there are several groups (``1.250.000``) or a decimal comma follows (``1.250,5``).

A dashboard may give each row's unit in a column of its own ("Unité" : ``%``,
``mois``, ``en jours``): :func:`apply_unit` gives a bare number that unit (41 with
``%`` is 41 %, i.e. 0.41). A unit the cell states itself (a % format, ``4,5 mois``)
wins over the column's.
"""

from __future__ import annotations

import html
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

__all__ = [
    "STATUTS",
    "UNITES",
    "ParsedValue",
    "apply_unit",
    "clean_text",
    "format_unit",
    "is_empty",
    "parse_value",
    "split_stacked",
]

UNITES = ("nombre", "pourcentage", "heures", "mois", "jours", "euros", "texte")
STATUTS = ("ok", "ND", "SO", "NC", "texte")


@dataclass(frozen=True)
class ParsedValue:
    """One cell's typed content.

    Attributes
    ----------
    valeur : float or None
        The number; percentages as fractions (3,6 % -> 0.036).
    unite : str
        One of :data:`UNITES`.
    statut : str
        One of :data:`STATUTS`: ``ok`` when ``valeur`` is a number.
    note : str
        Comment, reference year, rest of a compound text or the text itself.
    """

    valeur: float | None
    unite: str
    statut: str
    note: str = ""


_EMPTY = ParsedValue(None, "texte", "texte", "")

# --- text cleaning -----------------------------------------------------------------
_BREAK_TAG = re.compile(r"<\s*br\s*/?\s*>|<\s*/?\s*p(?:\s[^<>]*)?>", re.IGNORECASE)
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
_UNITS = {  # unit as written (lower case) -> (unite, factor)
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
    text = _TAG.sub(" ", _BREAK_TAG.sub(" ", text))
    text = _INVISIBLE.sub("", html.unescape(text))
    return _SPACES.sub(" ", text).strip()


def split_stacked(text: str) -> list[str]:
    """Split a cell stacking several lines into its stripped, non-empty lines.

    Line breaks are ``\\n``, ``\\r\\n``, ``\\r`` (and the other Unicode line
    separators), ``<br>`` in any spelling and paragraph tags ``<p>`` / ``</p>``.

    Parameters
    ----------
    text : str
        The cell's text; ``None`` gives an empty list.

    Returns
    -------
    list of str
        The lines, each stripped; lines with no content once markup is removed are dropped.
    """
    if text is None:
        return []
    if not isinstance(text, str):
        raise TypeError(f"split_stacked attend un texte, pas {type(text).__name__}")
    pieces = (piece.strip() for piece in _BREAK_TAG.sub("\n", text).splitlines())
    return [piece for piece in pieces if not is_empty(piece)]


def is_empty(raw: object) -> bool:
    """Tell whether a cell holds nothing: ``None`` or text that is blank once cleaned.

    Parameters
    ----------
    raw : object
        What the cell holds.

    Returns
    -------
    bool
        True for ``None``, ``""``, whitespace, ``&nbsp;`` or bare markup such as ``<p></p>``.
    """
    if raw is None:
        return True
    return isinstance(raw, str) and not clean_text(raw)


def parse_value(raw: object, number_format: str | None = None) -> ParsedValue:
    """Type one cell's content; never raises.

    Parameters
    ----------
    raw : object
        What the cell holds: ``str``, ``int``, ``float``, ``bool``, ``datetime`` or ``None``.
    number_format : str, optional
        The cell's number format (``"0.0%"``, ``"General"``); used for numbers only.

    Returns
    -------
    ParsedValue
        See the module docstring for the rules.
    """
    if raw is None:
        return _EMPTY
    if isinstance(raw, str):
        return _parse_text(clean_text(raw))
    if isinstance(raw, bool):
        return _texte(f"valeur logique {'VRAI' if raw else 'FAUX'}, pas un nombre")
    if isinstance(raw, (date, time, timedelta)):
        return _parse_temporal(raw)
    if isinstance(raw, (numbers.Real, Decimal)):
        return _parse_number(raw, number_format or "")
    try:
        text = str(raw)
    except Exception:  # an exotic object whose str() fails is still just "not a value"
        return _texte("contenu illisible")
    return _parse_text(clean_text(text))


def apply_unit(parsed: ParsedValue, unit_text: str) -> ParsedValue:
    """Give a bare number the unit its row states in a unit column.

    Parameters
    ----------
    parsed : ParsedValue
        The cell's value as :func:`parse_value` read it.
    unit_text : str
        The row's unit cell (``"%"``, ``"en %"``, ``"mois"``, ``"Nombre"``, ``"k€"``).

    Returns
    -------
    ParsedValue
        ``parsed`` with the unit and its factor applied when it is a bare number
        (``unite == "nombre"``) and the text names a known unit; else ``parsed``.

    Examples
    --------
    >>> apply_unit(parse_value(41), "%")
    ParsedValue(valeur=0.41, unite='pourcentage', statut='ok', note='')
    >>> apply_unit(parse_value(4.5), "en mois").unite
    'mois'
    """
    if parsed.statut != "ok" or parsed.unite != "nombre" or parsed.valeur is None:
        return parsed
    key = " ".join(clean_text(unit_text).lower().split()).strip(" ().")
    key = re.sub(r"^(?:en|unit[ée]s?\s*:?)\s+", "", key).strip(" ().")
    if key in ("nombre", "nb", "nb.", "effectif", ""):
        return parsed
    unite, factor = _UNITS.get(key, _UNITS.get(key.rstrip("s"), (None, None)))
    if unite is None and key in ("pourcentage", "taux", "part"):
        unite, factor = _UNITS["%"]
    if unite is None:
        return parsed
    return _ok(Decimal(repr(parsed.valeur)) * factor, unite, parsed.note)


def _texte(note: str) -> ParsedValue:
    return ParsedValue(None, "texte", "texte", note)


def _ok(value: Decimal | float, unite: str, note: str = "") -> ParsedValue:
    try:
        number = float(value)
    except (OverflowError, ValueError, InvalidOperation):
        number = math.inf
    if not math.isfinite(number):
        return _texte(f"nombre hors limites : {note}" if note else "nombre hors limites")
    return ParsedValue(number, unite, "ok", note)


# --- non-text cells -----------------------------------------------------------------
def _parse_temporal(raw: date | time | timedelta) -> ParsedValue:
    if isinstance(raw, timedelta):
        return _ok(raw.total_seconds() / 3600, "heures")
    if isinstance(raw, time):
        return _texte(f"heure {raw.hour:02d}:{raw.minute:02d}, pas un nombre")
    try:
        shown = f"{raw.day:02d}/{raw.month:02d}/{raw.year}"
        if isinstance(raw, datetime) and (raw.hour or raw.minute):
            shown += f" {raw.hour:02d}:{raw.minute:02d}"
    except (TypeError, ValueError):  # pandas NaT and the like
        return _texte("date non valide, pas un nombre")
    return _texte(f"date {shown}, pas un nombre")


def _parse_number(raw: numbers.Real | Decimal, number_format: str) -> ParsedValue:
    try:
        number = float(raw)
    except (OverflowError, ValueError, TypeError):
        return _texte("nombre hors limites")
    if math.isnan(number):
        return _texte("nombre non défini (NaN)")
    if math.isinf(number):
        return _texte("nombre infini")
    unite, factor = format_unit(number_format)
    if factor != 1.0:  # points to a fraction, exactly: 41 -> 0.41, not 0.41000000000000003
        number = float(Decimal(repr(number)) * Decimal(repr(factor)))
    return ParsedValue(number, unite, "ok")


def format_unit(number_format: str) -> tuple[str, float]:
    """The unit an Excel number format shows, and the factor to apply to the value.

    ``0.0%`` shows a fraction as a percentage: (pourcentage, 1). A ``%`` written as
    text (``0.0" %"``, ``0\\%``) only follows the number, which is then in points:
    41 shown "41,0 %" is (pourcentage, 0.01). ``€`` and quoted words give euros,
    heures, mois, jours.

    Parameters
    ----------
    number_format : str
        The cell's number format (first section used).

    Returns
    -------
    tuple of (str, float)
    """
    section = (number_format or "").split(";")[0]
    literals = " ".join(re.findall(r'"([^"]*)"', section)).lower()
    escaped = "".join(re.findall(r"\\(.)", section))
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)
    if "%" in code:
        return "pourcentage", 1.0
    if "%" in literals or "%" in escaped:
        return "pourcentage", 0.01
    if "€" in section or re.search(r"\beur(?:os?)?\b", literals):
        return "euros", 1.0
    for word, unite in (("heure", "heures"), ("mois", "mois"), ("jour", "jours")):
        if word in literals:
            return unite, 1.0
    return "nombre", 1.0


# --- text cells ---------------------------------------------------------------------
def _parse_text(text: str) -> ParsedValue:
    if not text:
        return _EMPTY
    if _EXCEL_ERROR.fullmatch(text):
        return _texte(f"erreur de formule : {text}")
    code = _parse_code(text)
    if code is not None:
        return code
    if _DATE.match(text):
        return _texte(text)
    interval = _parse_interval(text)
    if interval is not None:
        return interval
    comparator = _COMPARATOR.match(text)
    if comparator and comparator.end() < len(text):
        inner = _parse_leading(text[comparator.end() :])
        if inner is not None and inner.statut == "ok":
            return ParsedValue(inner.valeur, inner.unite, "ok", text)
        return _texte(text)
    return _parse_leading(text) or _texte(text)


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
        return _texte(f"intervalle de {lost[1]} à {lost[2]} {lost[3]}")
    match = _RANGE.fullmatch(text)
    if match is None:
        return None
    low = match["a1"] or match["a2"]
    unit = match["unit"] or match["ua"] or match["ub"]
    return _texte(f"intervalle de {low} à {match['b']}" + (f" {unit}" if unit else ""))


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
        return _texte(text)
    unite, factor = _UNITS.get((match["unit"] or "").lower(), ("nombre", 1))
    return _ok(_decimal(match) * factor, unite, rest)


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
