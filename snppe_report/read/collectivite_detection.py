"""Which collectivité a workbook belongs to: its titles, its sheet names, its file name.

:func:`detect_collectivite` looks, in this order, at

1. the title texts (title cells, document properties), then the dashboard sheets' names;
2. the file name: a leading code ("68-…", "68_…", "D68 …", "CD68…") or a name
   ("tdb-haut-rhin-2023.xlsx");
3. otherwise a :class:`~snppe_report.exceptions.CollectiviteError` asking for
   ``--departement``.

How one text names a collectivité (and why "ARS Auvergne-Rhône-Alpes" names none) is
:mod:`snppe_report.read.collectivite_names`. When titles name several collectivités, a
collectivité grouping départements gives way to the département also named
("Collectivité européenne d'Alsace — Haut-Rhin" -> Haut-Rhin); départements all belonging
to one named grouping give that grouping; anything else is an ambiguity error, unless
the file name decides between them. Codes and slugs always come from the reference
table, never from workbook text. Public through :mod:`snppe_report.read.collectivites`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from snppe_report.exceptions import CollectiviteError
from snppe_report.read.collectivite_names import find_collectivites
from snppe_report.read.collectivite_table import Collectivite, get_collectivite
from snppe_report.text import strip_html

__all__ = ["detect_collectivite", "resolve", "ORIGIN_OPTION"]

ORIGIN_OPTION = "indiqué par l'option --departement"
_QUOTE_MAX = 80


def _quote(text: str) -> str:
    flat = strip_html(text)
    return flat if len(flat) <= _QUOTE_MAX else flat[: _QUOTE_MAX - 1].rstrip() + "…"


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
        for row in find_collectivites(str(text)):
            if all(row is not c for c, _ in found):
                found.append((row, f"d'après le titre du classeur : « {_quote(str(text))} »"))
    return found


def _from_filename(filename: str) -> list[tuple[Collectivite, str]]:
    name = re.split(r"[\\/]", filename)[-1]
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)
    origin = f"d'après le nom du fichier « {_quote(name)} »"
    return [(row, origin) for row in find_collectivites(stem, leading_code=True)]


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
