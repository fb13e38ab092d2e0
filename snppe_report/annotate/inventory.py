"""Pure: what the annotated copy cannot keep, in French, from the original's parts.

An ``.xlsx``/``.xlsm`` copy keeps the cells, formulas, styles, merges, dimensions,
comments, hyperlinks, data validations and conditional formats that openpyxl reads;
it never carries macros, external links, pictures, charts, shapes, embedded objects,
form controls, pivot tables or slicers. They are found here by the archive's part
names, before anything is loaded, and each kind present is named on the "Constats"
sheet. A workbook of another format (``.ods``, or any the reader supports) is rebuilt
from its read cells: :func:`rebuilt_notes` says what such a copy keeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["lost_parts", "rebuilt_notes", "dropped_on_load", "PARTS"]

# (pattern on the part name, French name of what is not carried, plural)
PARTS = (
    (r"(^|/)vbaProject[^/]*\.bin$", "macros VBA (jamais exécutées)"),
    (r"^xl/macrosheets/", "feuilles de macros Excel 4"),
    (r"^xl/externalLinks/externalLink\d+\.xml$", "liaisons vers d'autres classeurs"),
    (r"^xl/media/", "images"),
    (r"^xl/charts/chart\d+\.xml$", "graphiques"),
    (r"^xl/chartsheets/", "feuilles de graphique"),
    (r"^xl/drawings/drawing\d+\.xml$", "dessins (formes, zones de texte)"),
    (r"^xl/embeddings/", "objets incorporés"),
    (r"^xl/(activeX|ctrlProps)/", "contrôles de formulaire"),
    (r"^xl/pivotTables/", "tableaux croisés dynamiques"),
    (r"^xl/(slicers|slicerCaches|timelines|timelineCaches)/", "segments et chronologies"),
    (r"^xl/threadedComments/", "fils de commentaires (les commentaires simples sont gardés)"),
    (r"^xl/queryTables/|^xl/connections\.xml$", "connexions à des données externes"),
)
_COMPILED = tuple((re.compile(pattern), what) for pattern, what in PARTS)


def lost_parts(names: Iterable[str]) -> list[str]:
    """French lines naming what an ``.xlsx`` copy does not carry, with counts.

    Parameters
    ----------
    names : iterable of str
        The part names of the original archive.

    Returns
    -------
    list of str
        One line per kind present, e.g. ``"images : 2"``, in :data:`PARTS` order.
    """
    counts = dict.fromkeys((what for _, what in _COMPILED), 0)
    for name in names:
        for pattern, what in _COMPILED:
            if pattern.search(name):
                counts[what] += 1
                break
    return [f"{what} : {n}" for what, n in counts.items() if n]


# (fragment of an openpyxl warning, French name of what it drops); the drawings are
# already named by their parts, and anything else is counted as "autres éléments".
_WARNINGS = (
    ("Data Validation extension", "listes de validation étendues"),
    ("Conditional Formatting extension", "mises en forme conditionnelles étendues"),
    ("conditional formatting rule", "règles de mise en forme conditionnelle illisibles"),
    ("Sparkline Group extension", "graphiques sparkline"),
    ("Slicer List extension", "segments"),
    ("is part of a merged range but has a comment", "commentaires de cellules fusionnées"),
    ("Defined names", "noms définis illisibles"),
    ("Print area", "zones d'impression illisibles"),
    ("outside the limits for dates", "dates hors limites (lues comme erreurs)"),
    ("DrawingML support is incomplete", None),
    ("Unable to read chart", None),
)


def dropped_on_load(messages: Iterable[str]) -> list[str]:
    """French lines for what openpyxl said it drops while loading the original.

    Parameters
    ----------
    messages : iterable of str
        openpyxl's warning texts (in English; logged as they are).

    Returns
    -------
    list of str
        ``"listes de validation étendues : 2"``..., then ``"autres éléments : N"``.
    """
    counts: dict[str, int] = {}
    for message in messages:
        what = next((w for fragment, w in _WARNINGS if fragment in message), "autres éléments")
        if what is not None:
            counts[what] = counts.get(what, 0) + 1
    others = counts.pop("autres éléments", 0)
    lines = [f"{what} : {n}" for what, n in counts.items()]
    return lines + ([f"autres éléments non reconnus à la lecture : {others}"] if others else [])


def rebuilt_notes(kind: str, suffix: str) -> list[str]:
    """What a copy rebuilt from the read cells of a non-xlsx workbook keeps and loses.

    Parameters
    ----------
    kind : str
        The reader's format name (``"ods"``...).
    suffix : str
        The original's extension, as shown (``".ods"``).

    Returns
    -------
    list of str
    """
    return [
        f"Classeur {suffix or kind} converti en .xlsx : la copie est reconstruite à partir des "
        "cellules lues (valeurs, textes, formats de nombre, cellules fusionnées, fonds gris "
        "des objectifs facultatifs, feuilles, lignes et colonnes masquées) ; les largeurs "
        "de colonnes sont estimées d'après leur contenu.",
        "Non repris dans la copie convertie : les formules (remplacées par leur valeur ; une "
        "formule sans valeur est recopiée comme texte), les polices, bordures, couleurs autres "
        "que le gris, largeurs de colonnes d'origine, images, graphiques et macros.",
    ]
