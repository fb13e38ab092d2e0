"""Comments and marks on the cells of the copy that carry a finding (openpyxl edge).

Every cell with at least one finding gets one plain-text comment listing its findings
(an existing comment is kept below them) and one mark: a thick border of the colour of
``data/annotation.yaml`` (the fills, which tell optional objectives apart, are kept).
A cell inside a merged range is annotated on the range's top-left cell, and the
border is drawn around the whole range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from snppe_report.annotate.copy import clean_text
from snppe_report.annotate.notes import COMMENT_AUTHOR, Entry, comment_text, texts

__all__ = ["annotate_cells", "mark_border"]

_WIDTH_CHARS = 60  # characters per line of the comment box, about
_MAX_CHARS = 32_767  # Excel's limit for a comment's text


def mark_border():
    """The mark: a thick border of one colour on the four sides."""
    from openpyxl.styles import Border, Side

    side = Side(style="thick", color=texts()["marque"]["couleur"])
    return Border(left=side, right=side, top=side, bottom=side)


def annotate_cells(
    book, sheets: Mapping[str, str], found: Sequence[Entry], constats_sheet: str
) -> int:
    """Comment and mark every cell that carries a finding.

    Parameters
    ----------
    book : openpyxl.Workbook
        The copy.
    sheets : mapping
        Original sheet name -> sheet name in the copy.
    found : sequence of Entry
        All the findings; those whose place is a cell are annotated.
    constats_sheet : str
        Name of the sheet listing the findings (named in the comments).

    Returns
    -------
    int
        The number of cells commented.
    """
    from openpyxl.comments import Comment

    cells: dict[tuple[str, int, int], list[Entry]] = {}
    for entry in found:
        if entry.place.has_cell and entry.place.sheet in sheets:
            ws = book[sheets[entry.place.sheet]]
            row, col = _anchor(ws, entry.place.row, entry.place.col)
            cells.setdefault((ws.title, row, col), []).append(entry)
    border = mark_border()
    for (title, row, col), entries in cells.items():
        ws = book[title]
        cell = ws.cell(row, col)
        text = comment_text(entries, constats_sheet)
        if cell.comment is not None and cell.comment.text:
            text += f"\n\nCommentaire d'origine ({cell.comment.author or 'sans auteur'}) :\n"
            text += cell.comment.text
        text = clean_text(text)[:_MAX_CHARS]
        lines = sum(1 + len(line) // _WIDTH_CHARS for line in text.splitlines())
        cell.comment = Comment(text, COMMENT_AUTHOR, height=min(40 + 15 * lines, 900), width=380)
        cell.border = border
        merged = _merged_range(ws, row, col)
        if merged is not None:
            merged.format()
    return len(cells)


def _merged_range(ws, row: int, col: int):
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return rng
    return None


def _anchor(ws, row: int, col: int) -> tuple[int, int]:
    rng = _merged_range(ws, row, col)
    return (row, col) if rng is None else (rng.min_row, rng.min_col)
