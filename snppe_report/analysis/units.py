"""Pure: whether a value and a target are in the same unit.

Two checks, both from the cells as read:

* :func:`units_compatible` compares the parsed units (``values.ParsedValue.unite``): the
  same, or a bare number and a quantity unit (used to pick an indicator's values);
* :func:`unit_mismatch` also compares the unit *words* typed after the number ("10
  familles" against 32 places, "940 heures" against "1000"): a word on one side and not
  on the other, or two different words, are two units, unless the bare side's unit is
  implied by the indicator (a word of its label, its catalogue unit). Words that are no
  unit ("dont", "soit"…, ``status_rules.yaml``: ``statuts.mots_non_unite``) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from snppe_report.text import normalize

__all__ = ["QUANTITIES", "implied_units", "unit_mismatch", "unit_word", "units_compatible"]

QUANTITIES = ("nombre", "heures", "mois", "jours", "euros")
_WORD_UNITS = {"heures": "heure", "mois": "mois", "jours": "jour", "euros": "euro"}
# A number at the start of the text, then directly (spaces only) a word of 3+ letters.
_NUMBER_WORD = re.compile(
    r"^\s*[-+]?\d[\d \u00a0\u202f]*(?:[,.]\d+)?[ \u00a0\u202f]*([^\W\d_]{3,})"
)


def units_compatible(a: str, b: str) -> bool:
    """Whether two parsed units compare: the same, or a bare number and a quantity unit."""
    return a == b or ({a, b} <= set(QUANTITIES) and "nombre" in (a, b))


def _singular(word: str) -> str:
    word = normalize(word)
    if word in _WORD_UNITS.values():
        return word
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def unit_word(brut: str, ignored: Iterable[str] = ()) -> str:
    """The unit word typed right after a cell's leading number, singular, without accents.

    ``"10 familles"`` -> ``"famille"``; ``"32"``, ``"0, à défaut de places"``,
    ``"0 (COVID)"``, ``"16997 dont 8374…"`` -> ``""``.
    """
    match = _NUMBER_WORD.match(str(brut or ""))
    if match is None:
        return ""
    word = _singular(match.group(1))
    return "" if word in {_singular(w) for w in ignored} else word


def _unit_of(unite: str, brut: str, ignored: Iterable[str]) -> str:
    if unite == "pourcentage":
        return "%"
    if unite in _WORD_UNITS:
        return _WORD_UNITS[unite]
    return unit_word(brut, ignored)


def implied_units(label: str, catalogue_unit: str = "") -> frozenset[str]:
    """Unit words a bare number of this indicator stands for: its label's words, its unit."""
    words = {_singular(w) for w in re.findall(r"[a-z]{3,}", normalize(label))}
    if catalogue_unit in _WORD_UNITS:
        words.add(_WORD_UNITS[catalogue_unit])
    return frozenset(words)


def unit_mismatch(
    a: tuple[str, str],
    b: tuple[str, str],
    implied: frozenset[str] = frozenset(),
    ignored: Iterable[str] = (),
) -> tuple[str, str] | None:
    """The two units when a value and a target are not in the same unit, else None.

    Parameters
    ----------
    a, b : (unite, brut)
        Parsed unit and cell text of the value and of the target.
    implied : frozenset of str
        Units a bare number stands for (:func:`implied_units`).
    ignored : iterable of str
        Words after a number that are no unit.

    Returns
    -------
    (str, str) or None
        The units in French ("%", "nombre", "famille"…), or None when they compare.
    """
    ua, ub = _unit_of(*a, ignored), _unit_of(*b, ignored)
    if ua == ub:
        return None
    if "%" not in (ua, ub) and ((not ua and ub in implied) or (not ub and ua in implied)):
        return None
    return _name(a[0], ua), _name(b[0], ub)


def _name(unite: str, word: str) -> str:
    if word == "%":
        return "pourcentage"
    return word or ("nombre" if unite in ("nombre", "texte") else unite)
