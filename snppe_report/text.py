"""Tiny pure text helpers shared by the catalogue and the collectivités table.

``normalize`` gives the comparison form of a label (lowercase ASCII, no accents,
no HTML, one kind of apostrophe, quote and dash, single spaces); ``slugify`` gives
the ``[a-z0-9-]`` form used in identifiers and output paths.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["normalize", "slugify", "strip_html"]

# Tags as written by the source system (<p>, </p>, <i>, <br/>): a "<" followed by a
# letter, "/" or "!" -- so that "taux < 3 mois" is left alone.
_TAG = re.compile(r"<[A-Za-z/!][^<>]{0,200}>")
_WHITESPACE = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")

# Characters NFKD does not decompose into ASCII, and the typographic variants of
# apostrophes, quotes, dashes and spaces.
_TRANSLATION = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "Ł": "L",
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u00b4": "'",  # acute accent
        "\u0060": "'",  # grave accent
        "\u02bc": "'",  # modifier letter apostrophe
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2039": '"',
        "\u203a": '"',
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",
        "\u2212": "-",  # minus sign
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
    }
)


def strip_html(text: str) -> str:
    """Remove HTML tags and decode entities, keeping the text.

    Parameters
    ----------
    text : str
        Text that may hold fragments such as ``<p>…</p>`` or ``<i>…</i>``.

    Returns
    -------
    str
        The text with every tag replaced by a space, entities decoded
        (``&amp;`` -> ``&``) and whitespace collapsed.
    """
    without_tags = _TAG.sub(" ", text)
    return _WHITESPACE.sub(" ", html.unescape(without_tags)).strip()


def normalize(text: str | None) -> str:
    """Comparison form of a text: lowercase ASCII without accents.

    Parameters
    ----------
    text : str or None
        Any text, e.g. a cell label. ``None`` gives ``""``.

    Returns
    -------
    str
        The text with HTML tags stripped and entities decoded, ligatures expanded
        (``œ`` -> ``oe``), accents removed, apostrophes unified to ``'``, quotes
        (``« »``, ``“ ”``) to ``"``, dashes to ``-``, lowercased, any character
        still outside ASCII dropped, and whitespace collapsed to single spaces.

    Examples
    --------
    >>> normalize("<p>Taux d’IP  évaluées – <i>Haut‑Rhin</i></p>")
    "taux d'ip evaluees - haut-rhin"
    """
    if not text:
        return ""
    text = strip_html(str(text)).translate(_TRANSLATION)
    # combining accents left by NFKD are non-ASCII: the encode step drops them
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _WHITESPACE.sub(" ", ascii_text).strip()


def slugify(text: str | None, max_length: int = 60) -> str:
    """Identifier form of a text: ``[a-z0-9]`` words joined by single hyphens.

    Parameters
    ----------
    text : str or None
        Any text.
    max_length : int, default 60
        Longest slug returned. A longer slug is cut at the last hyphen before the
        limit (or at the limit itself when that would drop more than half).

    Returns
    -------
    str
        The slug; ``""`` when the text holds no letter or digit.

    Examples
    --------
    >>> slugify("Val-d'Oise")
    'val-d-oise'
    """
    slug = _NON_SLUG.sub("-", normalize(text)).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    if slug[max_length] != "-":
        last = cut.rfind("-")
        if last >= max_length // 2:
            cut = cut[:last]
    return cut.strip("-")
