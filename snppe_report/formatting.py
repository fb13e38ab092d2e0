"""Pure French formatting: the one formatting core behind every report.

* Numbers: decimal comma, thousands grouped by a plain space (U+0020; the report CSS
  keeps numbers unbroken), hyphen-minus for negatives, never ``-0``:
  ``7 688``, ``997,5``, ``-1 234,57``. Rounding is half up on the decimal value
  written (``2.675`` -> ``2,68``), not on the binary float.
* ``decimals=None`` means "as needed": at most two decimals, trailing zeros dropped.
* Percentages take fractions (0.036 -> ``3,6 %``); points take differences of
  fractions (0.023 -> ``+2,3 pts``).
* Units: ``940 heures``, ``9,5 mois``, ``3 jours``, ``1 250 €``; singular below two
  (``1 heure``, ``1,5 jour``, ``+1,0 pt``), as French grammar wants.
* Dates: ``22 novembre 2026``, ``1er septembre 2021``.
* Missing values (None, NaN, pandas NA/NaT) and infinities give ``—``.

No locale module: the output does not depend on the machine's locales.
"""

from __future__ import annotations

import numbers
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal

__all__ = [
    "MISSING",
    "NATURES",
    "format_date",
    "format_number",
    "format_percent",
    "format_points",
    "format_signed",
    "format_value",
]

MISSING = "—"
#: A figure's nature as the reports and messages name it.
NATURES = {"valeur": "Valeur", "cible": "Cible", "atteinte": "Niveau d'atteinte"}
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_PLURALS = {"heures": ("heure", "heures"), "jours": ("jour", "jours"), "mois": ("mois", "mois")}


def format_number(x: object, decimals: int | None = None) -> str:
    """Format a number the French way.

    Parameters
    ----------
    x : int, float or Decimal
        The number; None, NaN or infinite give ``—``.
    decimals : int, optional
        Fixed number of decimals; None shows up to two, without trailing zeros.

    Returns
    -------
    str
        ``"7 688"``, ``"997,5"``, ``"-1 234,57"``.

    Raises
    ------
    TypeError
        When ``x`` is not a number (text, boolean); the same holds for every
        ``format_*`` function but :func:`format_value`, which returns text as is.
    """
    number = _to_decimal(x)
    return MISSING if number is None else _format_decimal(number, decimals)


def format_percent(fraction: object, decimals: int | None = 1) -> str:
    """Format a fraction as a French percentage.

    Parameters
    ----------
    fraction : int, float or Decimal
        The fraction (0.036 for 3,6 %).
    decimals : int, optional
        Fixed number of decimals (default 1); None shows up to two, without trailing zeros.

    Returns
    -------
    str
        ``"3,6 %"``; ``"20,46 %"`` for 0.2046 with ``decimals=2``.
    """
    number = _to_decimal(fraction)
    return MISSING if number is None else f"{_format_decimal(number * 100, decimals)} %"


def format_points(delta: object, decimals: int | None = 1) -> str:
    """Format a difference of two fractions in percentage points, signed.

    Parameters
    ----------
    delta : int, float or Decimal
        The difference of fractions (0.023 for 2,3 points).
    decimals : int, optional
        Fixed number of decimals (default 1); None shows up to two.

    Returns
    -------
    str
        ``"+2,3 pts"``, ``"-0,5 pt"``, ``"0,0 pt"``.
    """
    number = _to_decimal(delta)
    if number is None:
        return MISSING
    text = _format_decimal(abs(number) * 100, decimals)
    unit = "pt" if _shown(text) < 2 else "pts"
    return f"{_sign(number, text)}{text} {unit}"


def format_signed(delta: object, unite: str = "nombre", decimals: int | None = None) -> str:
    """Format a signed difference: ``+`` for a rise, ``-`` for a fall, no sign for zero.

    Parameters
    ----------
    delta : int, float or Decimal
        The difference, in the unit of the values compared.
    unite : str
        The unit of the values; a difference of ``pourcentage`` is shown in points.
    decimals : int, optional
        As for :func:`format_value`.

    Returns
    -------
    str
        ``"+12"``, ``"-3,5 mois"``, ``"+2,3 pts"``, ``"0"``.
    """
    if unite == "pourcentage":
        return format_points(delta, 1 if decimals is None else decimals)
    number = _to_decimal(delta)
    if number is None:
        return MISSING
    text = format_value(abs(number), unite, decimals)
    return f"{_sign(number, text)}{text}"


def format_value(valeur: object, unite: str, decimals: int | None = None) -> str:
    """Format a value with its unit, as the reports show it.

    Parameters
    ----------
    valeur : float, int, Decimal, str or None
        The value; text is returned stripped, None and NaN give ``—``.
    unite : str
        nombre, pourcentage, heures, mois, jours, euros or texte.
    decimals : int, optional
        Fixed number of decimals; None: percentages one, euros none or two (cents),
        the others up to two.

    Returns
    -------
    str
        ``"940 heures"``, ``"9,5 mois"``, ``"3,6 %"``, ``"1 250 €"``.

    Raises
    ------
    ValueError
        For a unit that is none of the above.
    """
    if isinstance(valeur, str):
        return valeur.strip() or MISSING
    if unite == "pourcentage":
        return format_percent(valeur, 1 if decimals is None else decimals)
    if unite not in ("nombre", "texte", "heures", "mois", "jours", "euros"):
        raise ValueError(f"unité inconnue : {unite!r}")
    number = _to_decimal(valeur)
    if number is None:
        return MISSING
    if unite == "euros":
        cents = decimals if decimals is not None else (0 if number == number.to_integral() else 2)
        return f"{_format_decimal(number, cents)} €"
    text = _format_decimal(number, decimals)
    if unite in _PLURALS:
        singular, plural = _PLURALS[unite]
        return f"{text} {singular if abs(_shown(text)) < 2 else plural}"
    return text


def format_date(d: date | datetime | str | None) -> str:
    """Format a date in French words.

    Parameters
    ----------
    d : date, datetime, ISO text (``"2026-11-22"``) or None
        The date; None or NaT give ``—``.

    Returns
    -------
    str
        ``"22 novembre 2026"``, ``"1er septembre 2021"``.
    """
    if _is_missing(d):
        return MISSING
    if isinstance(d, str):
        d = date.fromisoformat(d.strip()[:10])
    if not isinstance(d, date):
        raise TypeError(f"date attendue, pas {type(d).__name__}")
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {_MONTHS[d.month - 1]} {d.year}"


# --- core ---------------------------------------------------------------------------
def _is_missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN, NaT
    except (TypeError, ValueError):  # pandas NA refuses to be a bool
        return True


def _to_decimal(x: object) -> Decimal | None:
    """The exact decimal written for ``x``; None when missing or not finite."""
    if _is_missing(x):
        return None
    if isinstance(x, bool) or not isinstance(x, (numbers.Real, Decimal)):
        raise TypeError(f"nombre attendu, pas {type(x).__name__}")
    if isinstance(x, Decimal):
        number = x
    elif isinstance(x, numbers.Integral):
        number = Decimal(int(x))
    else:
        number = Decimal(repr(float(x)))
    return number if number.is_finite() else None


def _format_decimal(number: Decimal, decimals: int | None) -> str:
    if decimals is not None and decimals < 0:
        raise ValueError(f"nombre de décimales négatif : {decimals}")
    places = 2 if decimals is None else decimals
    context = Context(prec=max(28, number.adjusted() + places + 5))
    rounded = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, context)
    whole, _, frac = f"{abs(rounded):f}".partition(".")
    if decimals is None:
        frac = frac.rstrip("0")
    sign = "-" if rounded < 0 else ""  # -0.00 is not < 0: no "-0"
    return sign + _group(whole) + (f",{frac}" if frac else "")


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return " ".join(groups)


def _shown(text: str) -> Decimal:
    """The number a formatted text shows (grammatical number follows what is read)."""
    return Decimal(text.replace(" ", "").replace(",", "."))


def _is_nonzero(text: str) -> bool:
    return any(c in "123456789" for c in text)


def _sign(number: Decimal, text: str) -> str:
    if not _is_nonzero(text):
        return ""
    return "+" if number > 0 else "-"
