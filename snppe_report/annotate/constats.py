"""The first sheet of the annotated copy: "Constats" (openpyxl edge).

Top to bottom: a title naming the workbook, the collectivité and the campaign ("données
fictives" when they are); the count of findings; what the mark means (shown on the
legend cell itself); what the copy changed or could not keep; then the table of every
finding, sorted by severity (frozen header, filter, set widths, a hyperlink to each
finding's cell or row); then the rules the findings apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from snppe_report.annotate.copy import set_text
from snppe_report.annotate.marks import mark_border
from snppe_report.annotate.notes import Entry, legend, summary

__all__ = ["HEADER", "write_constats", "constats_title"]

HEADER = ("N°", "Sévérité", "Indicateur", "Constat", "Emplacement", "Code")
WIDTHS = (6, 15, 45, 90, 30, 32)
_LINK_COLOUR = "FF0563C1"


def constats_title(names: Sequence[str]) -> str:
    """ "Constats", or a name that no sheet of the workbook has already."""
    taken = {n.lower() for n in names}
    title, n = "Constats", 1
    while title.lower() in taken:
        n += 1
        title = f"Constats snppe {n}" if n > 2 else "Constats snppe"
    return title


def write_constats(
    book,
    title: str,
    heading: Sequence[str],
    found: Sequence[Entry],
    notes: Sequence[str],
    rules: Sequence[tuple[str, Sequence[str]]],
    sheets: Mapping[str, str],
) -> int:
    """Insert the "Constats" sheet first and make it the active one.

    Parameters
    ----------
    book : openpyxl.Workbook
    title : str
        The sheet's name (see :func:`constats_title`).
    heading : sequence of str
        The lines above the count (workbook, collectivité, campaign, "données fictives").
    found : sequence of Entry
        The findings, already sorted.
    notes : sequence of str
        What the copy changed or could not keep.
    rules : sequence of (str, sequence of str)
        Titled lists of rules, printed below the table.
    sheets : mapping
        Original sheet name -> sheet name in the copy (for the hyperlinks).

    Returns
    -------
    int
        The row of the table's header.
    """
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    for ws in book.worksheets:
        ws.sheet_view.tabSelected = False
    ws = book.create_sheet(title, 0)
    book.active = 0
    ws.sheet_view.tabSelected = True
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for i, line in enumerate(heading):
        _line(ws, row, 1, line, Font(bold=True, size=14 if i == 0 else 11))
        row += 1
    _line(ws, row, 1, summary(found))
    row += 1
    ws.cell(row, 1).border = mark_border()  # the mark itself, beside its legend
    _line(ws, row, 2, legend())
    row += 1
    for note in notes:
        _line(ws, row, 1, note)
        row += 1
    row += 1
    header_row = row
    for col, name in enumerate(HEADER, start=1):
        cell = ws.cell(row, col)
        set_text(cell, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFE7E6E6")
    for n, entry in enumerate(found, start=1):
        row += 1
        ws.cell(row, 1).value = n
        ws.cell(row, 1).alignment = wrap
        texts = (entry.severite, entry.indicateur, entry.message, entry.place.label(), entry.code)
        for col, text in enumerate(texts, start=2):
            set_text(ws.cell(row, col), text)
            ws.cell(row, col).alignment = wrap
        ws.row_dimensions[row].height = 15 * _lines(texts)
        place = entry.place
        if place.sheet in sheets and place.row is not None:
            target = sheets[place.sheet].replace("'", "''")
            link = ws.cell(row, 5)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{target}'!{place.ref}")
            link.font = Font(color=_LINK_COLOUR, underline="single")
    last = row
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.auto_filter.ref = f"A{header_row}:{_letter(len(HEADER))}{max(last, header_row)}"
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[_letter(col)].width = width
    row = last + 2
    for heading_text, lines in rules:
        _line(ws, row, 1, heading_text, Font(bold=True))
        row += 1
        for line in lines:
            _line(ws, row, 1, f"– {line}")
            row += 1
        row += 1
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # all columns on a page
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return header_row


def _line(ws, row: int, first: int, text: str, font=None) -> None:
    """A line of text across the table's width (merged from column ``first``), wrapped."""
    from openpyxl.styles import Alignment

    cell = ws.cell(row, first)
    set_text(cell, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if font is not None:
        cell.font = font
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=len(HEADER))
    chars = sum(WIDTHS[first - 1 :]) - 4
    size = font.sz if font is not None and font.sz else 11
    ws.row_dimensions[row].height = (size + 4) * (1 + len(text) // chars)


def _lines(texts: Sequence[str]) -> int:
    """Lines the tallest cell of a row takes once wrapped (rows are not auto-fitted)."""
    return max(
        1 + len(text) // max(width - 2, 1) for text, width in zip(texts, WIDTHS[1:], strict=True)
    )


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)
