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

__all__ = ["lost_parts", "rebuilt_notes", "PARTS"]

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
        "des objectifs facultatifs, feuilles, lignes et colonnes masquées).",
        "Non repris dans la copie convertie : les formules (remplacées par leur valeur ; une "
        "formule sans valeur est recopiée comme texte), les polices, bordures, couleurs autres "
        "que le gris, largeurs de colonnes, images, graphiques et macros.",
    ]
