"""Pure: where each finding belongs in the workbook (a cell, a row, or nowhere known).

Every finding is placed through its fields only, whatever its code:

1. its ``source`` names a cell of a sheet of the workbook (``"TDB 2023!E12"``): that
   cell (the first one when the source lists several);
2. otherwise its ``indicateur`` is a row of the tidy table: that indicator's row;
3. otherwise its ``indicateur`` is a harmonised indicator of the catalogue whose
   objective has rows in the workbook: the row after that objective's last row, where
   the missing indicator would belong;
4. otherwise the finding is not placed (it is still listed on the "Constats" sheet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from snppe_report.read.cells import column_letter

__all__ = ["Place", "parse_source", "locate", "locate_all"]

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


@dataclass(frozen=True)
class Place:
    """Where a finding belongs.

    Attributes
    ----------
    sheet : str or None
        The sheet's name in the original workbook (``None``: not placed).
    row : int or None
        1-based row.
    col : int or None
        1-based column; ``None`` when only the row is known.
    after : bool
        The finding belongs after ``row`` (an indicator missing from its objective).
    """

    sheet: str | None = None
    row: int | None = None
    col: int | None = None
    after: bool = False

    @property
    def has_cell(self) -> bool:
        """Whether the finding is on a cell (it then gets a comment and a mark)."""
        return self.sheet is not None and self.row is not None and self.col is not None

    @property
    def ref(self) -> str:
        """The cell (``"E12"``), or the row's first cell when only the row is known."""
        if self.row is None:
            return ""
        return f"{column_letter(self.col or 1)}{self.row}"

    def label(self) -> str:
        """French description: ``"TDB!E12"``, ``"TDB, ligne 12"``, ``"TDB, après la ligne 20"``."""
        if self.sheet is None or self.row is None:
            return "non situé dans le classeur"
        if self.col is not None:
            return f"{self.sheet}!{self.ref}"
        return f"{self.sheet}, {'après la ligne' if self.after else 'ligne'} {self.row}"


def parse_source(source: str, sheets: Iterable[str]) -> tuple[str, int, int] | None:
    """The (sheet, row, column) a finding's source names, if it names a cell of ``sheets``.

    Parameters
    ----------
    source : str
        ``"Feuille!E12"`` (quotes around the sheet name allowed); a list
        ``"A!E12, A!F12"`` gives its first cell.
    sheets : iterable of str
        The workbook's sheet names.

    Returns
    -------
    tuple or None
    """
    names = set(sheets)
    text = str(source or "").strip()
    for candidate in (text, *text.split(", ")):
        sheet, bang, cell = candidate.strip().rpartition("!")
        if not bang:
            continue
        if len(sheet) > 1 and sheet[0] == sheet[-1] == "'":
            sheet = sheet[1:-1].replace("''", "'")
        found = _CELL.match(cell.partition(":")[0])
        if sheet in names and found:
            return sheet, int(found.group(2)), _column(found.group(1))
    return None


def _column(letters: str) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


def locate(finding: Any, rows: Sequence[dict], sheets: Iterable[str], catalogue=None) -> Place:
    """Where one finding belongs (see the module docstring for the order).

    Parameters
    ----------
    finding : Finding
        Uses ``source`` and ``indicateur``.
    rows : sequence of dict
        Tidy-table records with ``indicateur``, ``indicateur_id``, ``source`` and
        ``ligne`` (the row of the indicator in its sheet).
    sheets : iterable of str
        The workbook's sheet names.
    catalogue : Catalogue, optional
        For an indicator missing from the workbook; without it, step 3 is skipped.

    Returns
    -------
    Place
    """
    names = list(sheets)
    cell = parse_source(getattr(finding, "source", ""), names)
    if cell is not None:
        return Place(*cell)
    label = getattr(finding, "indicateur", "") or ""
    if not label:
        return Place()
    own = [r for r in rows if r.get("indicateur") == label]
    place = _row_of(own, names)
    if place.sheet is not None or catalogue is None:
        return place
    ind = catalogue.match(label)
    if ind is None:
        return Place()
    ids = {i.id for i in catalogue if ind.objective in (i.objectives or (i.objective,))}
    siblings = [r for r in rows if r.get("indicateur_id") in ids]
    last = _row_of(siblings, names, last=True)
    return Place(last.sheet, last.row, None, after=True) if last.sheet else Place()


def _row_of(rows: Sequence[dict], sheets: list[str], last: bool = False) -> Place:
    """The row of the first record (or the lowest row) whose source is in the workbook."""
    found = []
    for rec in rows:
        cell = parse_source(rec.get("source", ""), sheets)
        if cell is not None:
            line = rec.get("ligne")
            row = int(line) if isinstance(line, int | float) and line == line else cell[1]
            found.append((sheets.index(cell[0]), row, cell[0]))
    if not found:
        return Place()
    _, row, sheet = max(found) if last else found[0]
    return Place(sheet, row, None)


def locate_all(
    findings: Sequence[Any], rows: Sequence[dict], sheets: Iterable[str], catalogue=None
):
    """:func:`locate` for each finding, in order."""
    names = list(sheets)
    return [locate(f, rows, names, catalogue) for f in findings]
