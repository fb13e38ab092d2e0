"""Reduction of a workbook label to the *key* it is matched by.

:mod:`snppe_report.read.catalogue` matches a label to a harmonised indicator only when its
key equals the key of one of the indicator's labels or variants. The key tolerates
what the seeds show:

* accents, case, apostrophes, quotes, dashes, HTML fragments (:func:`text.normalize`);
* a ``(source …)`` parenthesis anywhere, or a parenthesis naming only a known source
  such as ``(INSEE)``: it is removed from the key and returned apart, so that the
  catalogue can choose between indicators sharing a label (DREES / CD versus SNDS);
* ``(à produire semestriellement)`` and similar ``(à produire …)`` notes;
* leading bullets (``- dont …``) and trailing punctuation;
* token rules: ``pré-natale`` / ``pré natale`` -> ``prénatale`` (same for post),
  ``au moins une`` -> ``une``, ``évalués`` -> ``évaluées``, ``0 à 6 ans`` / ``0 - 6 ans``
  -> ``0-6 ans``, ``4ème`` -> ``4e``, spaces around ``/`` and after apostrophes.

Objective texts get the same rules once an ``Action 6:`` prefix and the italic
``Cible nationale …`` note are dropped, ``Doublé`` reading as ``Doubler``
(:func:`objective_key`).
"""

from __future__ import annotations

import re

from snppe_report.text import normalize

__all__ = ["label_key", "objective_key"]

_PAREN = re.compile(r"\(([^()]*)\)")
_SOURCE_PREFIX = re.compile(r"^\s*sources?\s*:?\s*")
_KEY_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[\s\-*+>.]+"), ""),  # leading bullet: "- dont ..."
    (re.compile(r"[\s.:;,]+$"), ""),  # trailing punctuation
    (re.compile(r"\b(pre|post)[\s-]+nata"), r"\1nata"),  # pré-natale -> prénatale
    (re.compile(r"\bau moins (une?)\b"), r"\1"),  # d'au moins une VAD -> d'une VAD
    (re.compile(r"\bevalues\b"), "evaluees"),  # IP évalués -> évaluées
    (re.compile(r"\b(\d+)\s*(?:-|a)\s*(\d+)\s+ans\b"), r"\1-\2 ans"),  # 0 à 6 ans -> 0-6 ans
    (re.compile(r"\b(\d+)\s*(?:eme|ieme|e)\b"), r"\1e"),  # 4ème -> 4e
    (re.compile(r"\s*/\s*"), "/"),
    (re.compile(r"'\s+"), "'"),
    (re.compile(r"\s+"), " "),
)
_OBJECTIVE_PREFIX = re.compile(r"^(?:action|objectif|mesure)\s*(?:n\s*)?\d+(?:[.,]\d+)?\s*:?\s*")
_OBJECTIVE_TARGET = re.compile(r"\s*cible nationale\b.*$")
_OBJECTIVE_DOUBLE = re.compile(r"^double\b")  # "Doublé au niveau national" -> "Doubler"


def _apply_rules(text: str) -> str:
    for pattern, repl in _KEY_RULES:
        text = pattern.sub(repl, text)
    return text.strip()


def label_key(label: str, source_words: frozenset[str] = frozenset()) -> tuple[str, str]:
    """Comparison key of an indicator label, and the source it names.

    Parameters
    ----------
    label : str
        A label as written in a workbook (HTML fragments allowed).
    source_words : frozenset of str, optional
        Normalised words that make a bare parenthesis a source, e.g. ``{"insee"}``
        for ``"(INSEE)"``. :meth:`snppe_report.read.catalogue.Catalogue.match` passes the
        catalogue's words.

    Returns
    -------
    tuple of (str, str)
        The key (see the module docstring for the rules) and the normalised source
        named by a ``(source …)`` parenthesis, or ``""``.

    Examples
    --------
    >>> label_key("Nombre de naissances vivantes (source INSEE)")
    ('nombre de naissances vivantes', 'insee')
    """
    text = normalize(label)
    sources: list[str] = []

    def _parenthesis(match: re.Match[str]) -> str:
        content = match.group(1).strip()
        if _SOURCE_PREFIX.match(content):
            sources.append(_SOURCE_PREFIX.sub("", content))
            return " "
        if content.startswith("a produire"):
            return " "
        words = re.findall(r"[a-z0-9]+", content)
        if words and source_words and all(w in source_words for w in words):
            sources.append(content)
            return " "
        return match.group(0)

    text = _PAREN.sub(_parenthesis, text)
    source = " ".join(" ".join(re.findall(r"[a-z0-9]+", s)) for s in sources)
    return _apply_rules(text), source


def objective_key(text: str) -> str:
    """Comparison key of an objective text.

    Parameters
    ----------
    text : str
        An objective cell text, or an objective text or variant of the catalogue.

    Returns
    -------
    str
        The text without its ``Action 6:`` prefix and ``Cible nationale …`` note,
        ``Doublé`` read as ``Doubler``, then reduced by the rules of
        :func:`label_key` (parentheses are kept).
    """
    key = _OBJECTIVE_TARGET.sub("", normalize(text))
    key = _OBJECTIVE_PREFIX.sub("", key)
    key = _OBJECTIVE_DOUBLE.sub("doubler", key)
    return _apply_rules(key)
