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

import numbers
import re
from datetime import date, time, timedelta
from decimal import Decimal

from snppe_report.read.number_cells import format_unit, parse_number, parse_temporal
from snppe_report.read.parsed import EMPTY, STATUTS, UNITES, ParsedValue, ok, texte
from snppe_report.read.text_cells import BREAK_TAG, UNITS, clean_text, parse_text

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
    pieces = (piece.strip() for piece in BREAK_TAG.sub("\n", text).splitlines())
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
        return EMPTY
    if isinstance(raw, str):
        return parse_text(clean_text(raw))
    if isinstance(raw, bool):
        return texte(f"valeur logique {'VRAI' if raw else 'FAUX'}, pas un nombre")
    if isinstance(raw, (date, time, timedelta)):
        return parse_temporal(raw)
    if isinstance(raw, (numbers.Real, Decimal)):
        return parse_number(raw, number_format or "")
    try:
        text = str(raw)
    except Exception:  # an exotic object whose str() fails is still just "not a value"
        return texte("contenu illisible")
    return parse_text(clean_text(text))


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
    unite, factor = UNITS.get(key, UNITS.get(key.rstrip("s"), (None, None)))
    if unite is None and key in ("pourcentage", "taux", "part"):
        unite, factor = UNITS["%"]
    if unite is None:
        return parsed
    return ok(Decimal(repr(parsed.valeur)) * factor, unite, parsed.note)
