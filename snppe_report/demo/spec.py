"""The workbook model the demo writers lay out (no I/O, no heavy import).

Two levels: the low level describes a workbook cell by cell (:class:`CellSpec`,
:class:`SheetSpec`, :class:`WorkbookSpec`); the high level models a dashboard as a list
of :class:`DashboardEntry` (engagement headings, indicator rows with one value per
column key, blank rows, page breaks); column keys are ``"<nature>_<year>"``
(``valeur_2019``, ``cible_2023``, ``atteinte_2023``), see :func:`columns_2023` and
:func:`columns_2021`. :mod:`snppe_report.demo.layouts` lays entries out like one of the
two known workbooks and :mod:`snppe_report.demo.writer` writes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "CellSpec",
    "SheetSpec",
    "DocumentProperties",
    "WorkbookSpec",
    "fill_rgb",
    "column_letter",
    "GREY_FILL",
    "GREY_FILL_THEME",
    "HEADER_FILL",
    "ENGAGEMENT_FILL",
    "FICTIVE_KEYWORD",
    # high level
    "Number",
    "Ratio",
    "DashboardEntry",
    "DefinitionEntry",
    "IndicationLine",
    "columns_2021",
    "columns_2023",
    "FICTIVE_LINE",
    "DEFAULT_LEGEND",
    "Value",
]

GREY_FILL = "D9D9D9"
"""Grey background of optional objectives, as an RGB colour."""
GREY_FILL_THEME = "theme:0:-0.1499984740745262"
"""The same grey as Excel stores it when picked from the palette (background, 15 % darker)."""
HEADER_FILL = "BDD7EE"
ENGAGEMENT_FILL = "DDEBF7"
FICTIVE_KEYWORD = "donnees-fictives"
FIXED_DATE = datetime(2024, 1, 15, 9, 0, 0)
"""Creation and modification date of every written workbook, so rebuilds are identical."""


@dataclass(frozen=True)
class CellSpec:
    """One cell.

    Parameters
    ----------
    value
        The content; for a formula cell, its cached result (``None``: no cached value,
        as in files written by scripts that never computed them).
    number_format
        Excel number format code (``"0.0%"``, ``"#,##0"``), ``None`` for General.
    formula
        An A1 formula such as ``"=D9/D8"`` (the leading ``=`` is optional).
    bold, italic
        Font style.
    fill
        Background colour: ``"RRGGBB"`` or ``"theme:<index>:<tint>"`` (Excel theme colour).
    align
        Horizontal alignment (``"center"``, ``"left"``...), ``None`` for the default.
    border
        Thin border on the four sides (table cells).
    """

    value: str | int | float | bool | None = None
    number_format: str | None = None
    formula: str | None = None
    bold: bool = False
    fill: str | None = None
    italic: bool = False
    align: str | None = None
    border: bool = False


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: rows of cells (``None`` = untouched cell) and sheet-level settings.

    Parameters
    ----------
    name
        Sheet name (at most 31 characters).
    rows
        Rows from row 1, each a sequence of cells from column A.
    merges
        Merged ranges in A1 notation (``"A7:A9"``); the content is the top-left cell's.
    column_widths
        Widths in characters, from column A.
    hidden, hidden_rows
        A hidden sheet; hidden rows (1-based numbers).
    print_title_rows
        Rows repeated at the top of every printed page, e.g. ``"5:5"``.
    page_breaks
        Rows (1-based) that start a new printed page (manual page breaks).
    """

    name: str
    rows: Sequence[Sequence[CellSpec | None]]
    merges: Sequence[str] = ()
    column_widths: Sequence[float] = ()
    hidden: bool = False
    hidden_rows: Sequence[int] = ()
    print_title_rows: str | None = None
    page_breaks: Sequence[int] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(tuple(r) for r in self.rows))
        for name in ("merges", "column_widths", "hidden_rows", "page_breaks"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class DocumentProperties:
    """Document properties (File > Properties). Dates are fixed so rebuilds are identical."""

    title: str = ""
    subject: str = ""
    keywords: str = ""
    creator: str = "snppe-report"
    description: str = ""
    created: datetime = FIXED_DATE
    modified: datetime = FIXED_DATE


@dataclass(frozen=True)
class WorkbookSpec:
    """A workbook: its sheets in order and its document properties."""

    sheets: Sequence[SheetSpec]
    properties: DocumentProperties = field(default_factory=DocumentProperties)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sheets", tuple(self.sheets))
        if isinstance(self.properties, Mapping):
            object.__setattr__(self, "properties", DocumentProperties(**self.properties))


def fill_rgb(fill: str) -> str:
    """RGB ``"RRGGBB"`` of a :attr:`CellSpec.fill` (theme colours 0/1 resolved like Excel).

    Parameters
    ----------
    fill
        ``"RRGGBB"`` or ``"theme:<index>:<tint>"`` with index 0 (white) or 1 (black).

    Returns
    -------
    str
        Upper-case hexadecimal colour without ``#``.
    """
    if not fill.startswith("theme:"):
        return fill.lstrip("#").upper()
    _, index, tint = fill.split(":")
    base = {"0": 255, "1": 0}.get(index)
    if base is None:
        raise ValueError(f"only theme colours 0 and 1 are supported, not {fill!r}")
    t = float(tint)
    level = base * (1 + t) if t < 0 else base + (255 - base) * t
    return f"{round(level):02X}" * 3


def column_letter(col: int) -> str:
    """Excel column letters of a 1-based column number (1 -> ``A``, 27 -> ``AA``)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- high level: a small model of a dashboard ---------------------------------------

FICTIVE_LINE = (
    "DONNÉES FICTIVES — classeur de démonstration généré automatiquement, "
    "aucune valeur n'est réelle"
)
SUBJECT = "Stratégie nationale de prévention et de protection de l'enfance"
DEFAULT_LEGEND = ("SO : Sans objet", "ND : Non disponible")


@dataclass(frozen=True)
class Number:
    """A numeric cell with a number format (``Number(0.15, "0%")`` is shown ``15%``)."""

    value: float
    number_format: str | None = None


@dataclass(frozen=True)
class Ratio:
    """A formula ``numerator / denominator`` on two other rows, in the same column.

    ``numerator`` and ``denominator`` are :attr:`DashboardEntry.key` values; the cached
    result is computed from their numbers.
    """

    numerator: str
    denominator: str
    number_format: str = "0.0%"


Value = str | int | float | bool | Number | Ratio | CellSpec | None


@dataclass(frozen=True)
class DashboardEntry:
    """One row of a dashboard.

    Parameters
    ----------
    kind
        ``"indicator"`` (default), ``"engagement"`` (a heading over the whole width, text
        in ``text``), ``"blank"`` (an empty row) or ``"page_break"`` (blank row, manual
        page break, header repeated).
    mesure, objectif, indicateur
        Texts of the first three columns. Consecutive rows with the same mesure (and
        objective number) / objectif share one merged cell.
    objectif_num, objectif_num_text
        Objective number, written ``"Objectif n° X"`` in the Mesure cell by
        :func:`layout_2023` (``objectif_num_text`` overrides that text verbatim).
    values
        Column key -> value: text, number, :class:`Number`, :class:`Ratio` or a
        :class:`CellSpec` used as is (fill and border added).
    facultatif
        Optional objective: the row gets a grey background.
    key
        Name of this row for :class:`Ratio` references.
    """

    kind: Literal["indicator", "engagement", "blank", "page_break"] = "indicator"
    text: str = ""
    mesure: str = ""
    objectif: str = ""
    objectif_num: int | None = None
    objectif_num_text: str | None = None
    indicateur: str = ""
    values: Mapping[str, Value] = field(default_factory=dict)
    facultatif: bool = False
    key: str | None = None

    @classmethod
    def engagement(cls, text: str) -> DashboardEntry:
        """An engagement heading (``"Engagement 1 : ..."``, ``"Conditions pour y parvenir"``)."""
        return cls(kind="engagement", text=text)

    @classmethod
    def page_break(cls) -> DashboardEntry:
        """A page break: blank row, then the header row(s) again on the next page."""
        return cls(kind="page_break")

    @classmethod
    def blank(cls) -> DashboardEntry:
        """An empty row inside the table."""
        return cls(kind="blank")


@dataclass(frozen=True)
class DefinitionEntry:
    """One row of the definitions sheet of :func:`layout_2021` (or an engagement heading)."""

    mesure: str = ""
    objectif: str = ""
    indicateur: str = ""
    definition: str = ""
    acces: str = ""
    engagement: str = ""


@dataclass(frozen=True)
class IndicationLine:
    """One line of the "indications" sheet (``""`` for an empty row)."""

    text: str
    bold: bool = False


def columns_2023(annee: int = 2023) -> tuple[tuple[str, str], ...]:
    """Value columns of :func:`layout_2023`: ``(key, header text)`` pairs.

    Parameters
    ----------
    annee
        Campaign year: levels 2019 and ``annee - 1``, target and attainment ``annee``.
    """
    return (
        ("valeur_2019", "Niveau des indicateurs en 2019 (diagnostic)"),
        (f"valeur_{annee - 1}", f"Niveau des indicateurs en {annee - 1}"),
        (f"cible_{annee}", f"Niveau cible de l'objectif en {annee}"),
        (f"atteinte_{annee}", f"Niveau d'atteinte de l'objectif en {annee}"),
    )


def columns_2021(annee: int = 2021) -> tuple[tuple[str, str], ...]:
    """Value columns of :func:`layout_2021`: ``(key, header text)`` pairs.

    Levels from 2019 to ``annee``, then targets ``annee - 1`` (reminder) to ``annee + 1``;
    the target headers are the bare years under a merged "Cibles" header.
    """
    levels = tuple(
        (f"valeur_{y}", f"Niveau des indicateurs en {y}") for y in range(2019, annee + 1)
    )
    targets = ((f"cible_{annee - 1}", f"{annee - 1}\n(rappel)"),)
    targets += tuple((f"cible_{y}", str(y)) for y in (annee, annee + 1))
    return levels + targets
