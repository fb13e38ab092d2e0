"""Find the dashboard in a workbook and understand its columns.

The dashboard sheet is found by its header row, whatever the sheet is called:
a row naming the Indicateur column (and the Mesure / Objectif ones when there are)
followed by columns that carry years. Title blocks above it, instruction and
definition sheets (no year columns), repeated header rows and legends are recognised
and skipped. A dashboard split over several sheets with the same columns (one per
engagement) is read whole (:func:`find_layouts`).

Header texts may span several rows (a merged "Cibles" group above the years, a
"(rappel)" line below). Each value column is classified from its composed text:

* "évolution", "variation", "écart", "commentaire", "observations"…: not a value
  column (derived figures and notes), kept in ``Layout.skipped`` and reported;
* "atteinte" -> ``atteinte``;
* "cible", "objectif", "rappel", "prévision", or under a "Cibles" group -> ``cible``;
* otherwise ``valeur`` ("Niveau des indicateurs en 2019 (diagnostic)");
* a bare year that repeats a year already seen as a value, and every bare year
  after it, is a target (seed 001's lost "Cibles" group header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from snppe_report.exceptions import LayoutError
from snppe_report.read.cells import Sheet, Workbook
from snppe_report.text import normalize

__all__ = ["Column", "Layout", "find_layouts", "find_definitions", "header_texts"]

_YEAR = re.compile(r"(?<!\d)(20[0-4]\d|19[89]\d)(?!\d)")
_ROLE_WORDS = {
    "engagement": ("engagement", "engagements"),
    "mesure": ("mesure", "mesures", "action", "actions"),
    "objectif": ("objectif", "objectifs", "objectif(s)"),
    "indicateur": ("indicateur", "indicateurs", "intitule", "libelle", "nom"),
    # optional: the row's unit ("%", "mois"), applied to bare numbers (values.apply_unit)
    "unite": ("unite", "unites", "unite de mesure", "unite de l'indicateur"),
}
_TARGET_WORDS = ("cible", "objectif", "rappel", "prevision", "prevu", "attendu")
# A year in these headers does not make a value column: derived figures and notes.
_NOT_VALUES = re.compile(
    r"\b(?:evolutions?|variations?|ecarts?|differences?|delta|tendances?|commentaires?"
    r"|observations?|remarques?|precisions?|analyses?|justifications?)\b"
)
SCAN_ROWS = 60


@dataclass(frozen=True)
class Column:
    """A value column of the dashboard."""

    col: int
    annee: int
    nature: str  # valeur | cible | atteinte
    header: str


@dataclass(frozen=True)
class Layout:
    """Where the dashboard is and what its columns mean."""

    sheet: Sheet
    header_rows: tuple[int, ...]  # the rows making the header block
    roles: dict[str, int]  # engagement/mesure/objectif/indicateur -> column
    columns: tuple[Column, ...]
    #: Columns whose header has a year but that hold no value of the dashboard
    #: ("Évolution 2019-2022", "Écart à la cible 2023", "Commentaire 2022"): (col, header).
    skipped: tuple[tuple[int, str], ...] = ()

    @property
    def first_data_row(self) -> int:
        return max(self.header_rows) + 1

    @property
    def annee(self) -> int:
        """Campaign year: latest year of a value or attainment column."""
        years = [c.annee for c in self.columns if c.nature != "cible"]
        return max(years or [c.annee for c in self.columns])


# "Intitulé de la mesure", "Libellé de l'indicateur", "Nom de l'objectif": the noun decides.
_NAMING = re.compile(r"^(?:intitules?|libelles?|noms?)\s+(?:de\s+la|de\s+l'|du|des|de)\s*")


def _role(text: str) -> str | None:
    norm = _NAMING.sub("", normalize(text).strip(" :"))
    for role, words in _ROLE_WORDS.items():
        if norm in words or any(norm.startswith(w + " ") for w in words if len(w) > 6):
            return role
    return None


def _header_candidate(sheet: Sheet, row: int) -> dict[str, int] | None:
    roles: dict[str, int] = {}
    for col in range(1, min(sheet.max_col, 60) + 1):
        cell = sheet.cells.get((row, col))
        if cell is None or not isinstance(cell.value, str) or _YEAR.search(cell.value):
            continue  # a header with a year ("Objectif 2023") is a value column, not a role
        role = _role(cell.value)
        if role and role not in roles:
            roles[role] = col
    # An Indicateur column is enough (a simplified dashboard may have no Mesure or
    # Objectif column); the year columns after it decide (see _sheet_layout).
    return roles if "indicateur" in roles else None


def header_texts(sheet: Sheet, rows: tuple[int, ...], col: int) -> str:
    """Composed header text of a column over the header rows (merged cells resolved)."""
    parts = []
    for row in rows:
        text = sheet.text(row, col)
        if text and text not in parts:
            parts.append(text)
    return " ".join(parts)


def _header_block(sheet: Sheet, row: int, roles: dict[str, int]) -> tuple[int, ...]:
    """The header row plus group rows above and sub-header rows below it."""
    label_cols = set(roles.values())
    rows = [row]
    above = row - 1
    while above >= 1 and row - above <= 2:
        texts = [sheet.text(above, c) for c in range(1, sheet.max_col + 1)]
        if any(t and c + 1 not in label_cols for c, t in enumerate(texts)) and any(
            normalize(t).startswith(("cible", "valeur", "niveau", "realis", "objectif"))
            for t in texts
            if t
        ):
            rows.insert(0, above)
            above -= 1
        else:
            break
    below = row + 1
    while below <= sheet.max_row and below - row <= 2:
        if any(
            sheet.cells.get((below, c)) for c in label_cols if sheet.anchor(below, c) == (below, c)
        ):
            break
        texts = [sheet.text(below, c) for c in range(1, sheet.max_col + 1)]
        if any(_is_subheader(t) for t in texts if t):
            rows.append(below)
            below += 1
        else:
            break
    return tuple(rows)


def _is_subheader(text: str) -> bool:
    norm = normalize(text)
    return bool(_YEAR.fullmatch(norm)) or norm.strip("() ") in (
        "rappel",
        "cible",
        "cibles",
        "valeur",
        "realise",
        "prevision",
    )


def _classify(
    sheet: Sheet, rows: tuple[int, ...], roles: dict[str, int], skipped: list[tuple[int, str]]
) -> list[Column]:
    """The value columns; columns that carry a year but no value go to ``skipped``."""
    first = max(roles.values()) + 1
    columns: list[Column] = []
    seen_values: set[int] = set()
    bare_targets = False
    for col in range(first, sheet.max_col + 1):
        text = header_texts(sheet, rows, col)
        years = _YEAR.findall(text)
        if not years:
            continue
        annee = int(years[0])
        norm = normalize(text)
        if _NOT_VALUES.search(norm):
            skipped.append((col, " ".join(text.split())))
            continue
        bare = normalize(_YEAR.sub("", text)).strip(" ()-:") in ("", "annee", "en")
        if "atteinte" in norm:
            nature = "atteinte"
        elif any(w in norm for w in _TARGET_WORDS):
            nature = "cible"
        elif bare and (bare_targets or annee in seen_values):
            nature, bare_targets = "cible", True
        else:
            nature = "valeur"
        if nature == "valeur":
            seen_values.add(annee)
        columns.append(Column(col, annee, nature, " ".join(text.split())))
    return columns


def _sheet_layout(sheet: Sheet) -> Layout | None:
    for row in range(1, min(sheet.max_row, SCAN_ROWS) + 1):
        roles = _header_candidate(sheet, row)
        if roles is None:
            continue
        rows = _header_block(sheet, row, roles)
        skipped: list[tuple[int, str]] = []
        columns = _classify(sheet, rows, roles, skipped)
        if columns:
            return Layout(sheet, rows, roles, tuple(columns), tuple(skipped))
    return None


def find_layouts(
    workbook: Workbook,
) -> tuple[Layout, tuple[Layout, ...], tuple[Layout, ...]]:
    """The main dashboard sheet, the sheets to read with it, and those left aside.

    A dashboard may be split over several sheets (one per engagement, say): every
    visible sheet whose value columns are the same (year and nature) as the main
    sheet's is a part of it, read in the workbook's order. A sheet with other columns
    (another campaign's copy, a hidden draft) is a different dashboard: it is returned
    apart, so that the caller says it was not read instead of dropping it silently.

    Returns
    -------
    tuple of (Layout, tuple of Layout, tuple of Layout)
        The main sheet (the visible one with the most value columns, the first such),
        the parts to read in the workbook's order (the main sheet among them) and the
        dashboard-like sheets left aside.

    Raises
    ------
    LayoutError
        No sheet has an Indicateur header followed by year columns, or no sheet at all.
    """
    found = _candidates(workbook)
    main, others = found[0], found[1:]
    same = {(c.annee, c.nature) for c in main.columns}
    parts = [main] + [
        lay
        for lay in others
        if not lay.sheet.hidden and {(c.annee, c.nature) for c in lay.columns} == same
    ]
    order = {id(sheet): i for i, sheet in enumerate(workbook.sheets)}
    parts.sort(key=lambda lay: order[id(lay.sheet)])
    aside = tuple(lay for lay in others if all(lay is not part for part in parts))
    return main, tuple(parts), aside


def _candidates(workbook: Workbook) -> list[Layout]:
    """Every sheet with a dashboard header, the main one first."""
    found = [lay for lay in map(_sheet_layout, workbook.sheets) if lay is not None]
    if not workbook.sheets:
        raise LayoutError("le classeur ne contient aucune feuille de calcul.", file=workbook.path)
    if not found:
        with_header = [s.name for s in workbook.sheets if _has_label_header(s)]
        if with_header:
            raise LayoutError(
                "l'en-tête Mesure / Objectif / Indicateur est présent mais aucune colonne "
                "ne porte d'année (ex. « Niveau des indicateurs en 2019 », « Cible 2023 »).",
                file=workbook.path,
                sheet=with_header[0],
            )
        raise LayoutError(
            "aucune feuille ne contient de tableau de bord SNPPE (ligne d'en-tête "
            "« Mesure | Objectif | Indicateur | … années … » introuvable dans les "
            f"{SCAN_ROWS} premières lignes des feuilles : "
            + ", ".join(f"« {s.name} »" for s in workbook.sheets)
            + ").",
            file=workbook.path,
        )
    # several candidates: the visible one with the most value columns (stable sort:
    # the first such sheet in the workbook)
    found.sort(key=lambda lay: (lay.sheet.hidden, len(lay.roles) < 2, -len(lay.columns)))
    return found


def _has_label_header(sheet: Sheet) -> bool:
    return any(_header_candidate(sheet, r) for r in range(1, min(sheet.max_row, SCAN_ROWS) + 1))


def find_definitions(workbook: Workbook, dashboard: Sheet) -> tuple[Sheet, int, dict] | None:
    """The definitions sheet: a header with Indicateur and Définition columns."""
    for sheet in workbook.sheets:
        if sheet is dashboard:
            continue
        for row in range(1, min(sheet.max_row, SCAN_ROWS) + 1):
            cols: dict[str, int] = {}
            for col in range(1, min(sheet.max_col, 30) + 1):
                norm = normalize(sheet.text(row, col))
                if norm.startswith("indicateur") and "indicateur" not in cols:
                    cols["indicateur"] = col
                elif norm.startswith("definition"):
                    cols["definition"] = col
                elif norm.startswith(("acces", "source")):
                    cols["source"] = col
            if "indicateur" in cols and "definition" in cols:
                return sheet, row, cols
    return None
