"""The cells a workbook reader produces, shared by every format reader.

:class:`Cell`, :class:`Sheet` and :class:`Workbook` are what :func:`snppe_report.read.
workbook.read_workbook` returns; :data:`LIMITS` are the safety limits every reader
checks, read at call time (tests lower them in place).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LIMITS", "Cell", "Sheet", "Workbook", "column_letter", "cap_text", "is_grey_rgb"]

LIMITS = {
    "file_bytes": 50 * 1024**2,  # a dashboard is a few hundred kB
    "members": 10_000,  # parts in the archive (a workbook has a few dozen)
    "inflated_bytes": 200 * 1024**2,  # sum of the archive's declared member sizes
    "ratio": 200,  # max compression ratio of a large member
    "xml_part_bytes": 20 * 1024**2,  # one XML part, inflated
    "xls_bytes": 8 * 1024**2,  # an Excel 97-2003 file (a dashboard is ~40 kB): xlrd
    # parses a whole sheet, blank formatted cells included, before any count is known
    "sheet_rows": 20_000,  # rows with content in one sheet
    "cells": 100_000,  # cells (and shared strings) in the whole workbook
    "merged_cells": 1_000_000,  # cells covered by merged ranges, in the whole workbook
    "sheet_area": 2_000_000,  # rows x columns spanned by one sheet's non-empty cells
    "cell_chars": 32_767,  # one cell's text (Excel's own maximum): longer is cut
    "text_chars": 300_000,  # all cell texts of the workbook (a real one holds ~30 000)
}


def column_letter(col: int) -> str:
    """1 -> "A", 28 -> "AB"."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """One non-empty cell as the workbook stores it."""

    row: int
    col: int
    value: object
    number_format: str = "General"
    grey: bool = False
    formula: str | None = None  # set only for a formula without cached value

    @property
    def coord(self) -> str:
        return f"{column_letter(self.col)}{self.row}"


@dataclass
class Sheet:
    """A sparse grid of cells with merged ranges (min_row, min_col, max_row, max_col)."""

    name: str
    cells: dict[tuple[int, int], Cell]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self._anchor: dict[tuple[int, int], tuple[int, int]] = {}
        for r0, c0, r1, c1 in self.merged:
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
                continue  # absurd merge: treat as unmerged rather than explode
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._anchor[(r, c)] = (r0, c0)
        self.max_row = max((r for r, _ in self.cells), default=0)
        self.max_col = max((c for _, c in self.cells), default=0)

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """Top-left cell of the merged range holding (row, col), or (row, col) itself."""
        return self._anchor.get((row, col), (row, col))

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell shown at (row, col): merged ranges resolve to their top-left cell."""
        return self.cells.get(self.anchor(row, col))

    def text(self, row: int, col: int) -> str:
        """The shown content of (row, col) as stripped text ('' when empty)."""
        cell = self.cell(row, col)
        if cell is None or cell.value is None:
            return ""
        return str(cell.value).strip()

    def merge_span(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range holding (row, col), if any."""
        r0, c0 = self.anchor(row, col)
        for rng in self.merged:
            if rng[0] == r0 and rng[1] == c0:
                return rng
        return None


@dataclass
class Workbook:
    """A workbook read from disk."""

    path: Path
    sha256: str
    sheets: list[Sheet]
    properties: dict[str, str]
    kind: str  # "xlsx" (also .xlsm, .xltx, .xltm) | "ods" (also .ots) | "fods" | "xls"

    def property_texts(self) -> list[str]:
        return [v for v in self.properties.values() if v]


def cap_text(text: str) -> str:
    """A cell text cut to ``LIMITS["cell_chars"]`` (ending with "…" when cut)."""
    limit = LIMITS["cell_chars"]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_grey_rgb(rgb: str) -> bool:
    """True for a grey (not white, not black) ``RRGGBB`` / ``AARRGGBB`` colour."""
    rgb = (rgb or "").lstrip("#")[-6:]
    if len(rgb) != 6:
        return False
    try:
        r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return max(r, g, b) - min(r, g, b) <= 16 and 0x60 <= max(r, g, b) <= 0xF4
