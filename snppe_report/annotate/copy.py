"""The copy of a workbook as an openpyxl workbook (the openpyxl edge, imported lazily).

Two ways, by the format the reader read:

* ``.xlsx``/``.xlsm``: the very bytes the reader checked are loaded again by openpyxl,
  formulas included (``keep_vba=False``: macros are dropped, never run;
  ``keep_links=False``: external links are dropped, never followed). Everything
  openpyxl reads is written back: values, formulas, number formats, fonts, fills,
  borders, merges, column widths and row heights, hidden sheets, rows and columns,
  formatted words inside a text (rich text),
  comments, hyperlinks, data validations, conditional formats, defined names. Pictures
  and charts are removed (not re-written); a formula into another
  workbook is replaced by its cached value (its link is not carried). What is not
  carried is listed by :mod:`snppe_report.annotate.inventory`.
* any other format (``.ods``...): a new workbook is rebuilt from the read
  :class:`~snppe_report.read.cells.Sheet` objects (values, number formats, grey fills,
  merges, hidden sheets, rows and columns). Sheet names Excel refuses are changed and
  the change is returned.

A text cell of the original stays a text in the copy, even when it starts with ``=``,
``+``, ``-`` or ``@``: the rebuilt cells are typed as strings explicitly.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from snppe_report.annotate import inventory
from snppe_report.annotate.cached import cached_values
from snppe_report.exceptions import UnreadableWorkbookError
from snppe_report.read.cells import column_letter

__all__ = ["Copy", "copy_workbook", "set_text", "clean_text", "GREY"]

log = logging.getLogger(__name__)

GREY = "FFD9D9D9"
_EXTERNAL_REF = re.compile(r"\[\d+\]")
_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


@dataclass
class Copy:
    """An openpyxl workbook copied from the original, and what the copy changed.

    Attributes
    ----------
    book : openpyxl.Workbook
    sheets : dict
        Original sheet name -> sheet name in the copy (the same for an xlsx).
    notes : list of str
        French lines for the "Constats" sheet: conversions, formulas replaced.
    cached : dict
        The original's cached value of each formula (see :mod:`~.cached`), put back
        into the saved copy.
    """

    book: Any
    sheets: dict[str, str]
    notes: list[str] = field(default_factory=list)
    cached: dict[str, dict[str, tuple[Any, str]]] = field(default_factory=dict)


def clean_text(text: str) -> str:
    """Text without the control characters an xlsx cell or comment cannot hold."""
    return _ILLEGAL.sub(" ", text)


def set_text(cell, text: str) -> None:
    """Put ``text`` in ``cell`` as a string, never as a formula (``=``, ``+``, ``@``...)."""
    cell.value = clean_text(text)
    cell.data_type = "s"


def copy_workbook(data: bytes, workbook) -> Copy:
    """Copy a read workbook.

    Parameters
    ----------
    data : bytes
        The original file's bytes, as read and checked by the reader.
    workbook : snppe_report.read.cells.Workbook
        What the reader made of them (``kind`` chooses the way).

    Returns
    -------
    Copy

    Raises
    ------
    UnreadableWorkbookError
        openpyxl cannot load a workbook the reader accepted.
    """
    if workbook.kind == "xlsx":
        return _load_xlsx(data, workbook)
    return _rebuild(workbook)


def _load(data: bytes, path, data_only: bool):
    import openpyxl

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            book = openpyxl.load_workbook(
                io.BytesIO(data),
                data_only=data_only,
                keep_vba=False,
                keep_links=False,
                rich_text=not data_only,  # keep bold or coloured words inside a text
            )
    except Exception as exc:  # openpyxl raises many types on parts it cannot read
        raise UnreadableWorkbookError(
            f"copie impossible : le classeur ne se relit pas avec ses formules ({exc}).",
            file=path,
        ) from exc
    messages = [str(warning.message) for warning in caught]
    for message in messages:
        log.info("copie de %s : %s", path.name, message)
    return book, messages


def _load_xlsx(data: bytes, workbook) -> Copy:
    book, messages = _load(data, workbook.path, data_only=False)
    dropped = inventory.dropped_on_load(messages)
    notes = (
        [f"Non repris dans la copie (ignoré à la relecture) : {' ; '.join(dropped)}."]
        if dropped
        else []
    )
    book.template = False  # a template (.xltx) gives a workbook: the copy is an .xlsx
    for chart_sheet in list(book.chartsheets):
        book.remove(chart_sheet)
    for ws in book.worksheets:
        ws._images, ws._charts = [], []
    has_formulas = any(
        cell.data_type == "f" for ws in book.worksheets for cell in ws._cells.values()
    )
    cached: dict = {}
    if has_formulas:
        values, _ = _load(data, workbook.path, data_only=True)
        notes += _drop_external_formulas(book, values)
        cached = cached_values(book, values)
        values.close()
    for name in [n for n, d in book.defined_names.items() if _EXTERNAL_REF.search(d.value or "")]:
        del book.defined_names[name]
    for ws in book.worksheets:
        for name in [n for n, d in ws.defined_names.items() if _EXTERNAL_REF.search(d.value or "")]:
            del ws.defined_names[name]
    return Copy(book, {ws.title: ws.title for ws in book.worksheets}, notes, cached)


def _drop_external_formulas(book, values) -> list[str]:
    """Replace each formula into another workbook by its cached value (the link is gone)."""
    external = [
        (ws.title, key)
        for ws in book.worksheets
        for key, cell in ws._cells.items()
        if cell.data_type == "f" and _EXTERNAL_REF.search(str(cell.value))
    ]
    for title, key in external:
        cell = book[title]._cells[key]
        value = values[title]._cells[key].value if key in values[title]._cells else None
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
    n = len(external)
    if not n:
        return []
    s = "s" if n > 1 else ""
    return [
        f"{n} formule{s} vers d'autres classeurs remplacée{s} par "
        f"{'leurs' if n > 1 else 'sa'} dernière{s} valeur{s} connue{s}."
    ]


def _title(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of ``\\ / * ? : [ ]``), unique."""
    base = _INVALID_TITLE.sub("_", clean_text(name)).strip("'") or "Feuille"
    title, n = base[:31], 1
    while title.lower() in taken:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 1]} {n}"
    taken.add(title.lower())
    return title


def _rebuild(workbook) -> Copy:
    import openpyxl
    from openpyxl.styles import PatternFill

    book = openpyxl.Workbook()
    book.remove(book.active)
    grey = PatternFill("solid", fgColor=GREY)
    sheets: dict[str, str] = {}
    taken: set[str] = set()
    renamed = []
    for sheet in workbook.sheets:
        title = _title(sheet.name, taken)
        sheets[sheet.name] = title
        if title != sheet.name:
            renamed.append(f"« {sheet.name} » → « {title} »")
        ws = book.create_sheet(title)
        for (row, col), cell in sorted(sheet.cells.items()):
            _put(ws.cell(row, col), cell, grey)
        for r0, c0, r1, c1 in sheet.merged:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        for col, width in _widths(sheet).items():
            ws.column_dimensions[column_letter(col)].width = width
        if sheet.hidden:
            ws.sheet_state = "hidden"
        for row in sheet.hidden_rows:
            ws.row_dimensions[row].hidden = True
        for col in sheet.hidden_cols:
            ws.column_dimensions[column_letter(col)].hidden = True
    notes = []
    if renamed:
        notes.append("Feuilles renommées (nom refusé par Excel) : " + ", ".join(renamed) + ".")
    return Copy(book, sheets, notes)


def _widths(sheet) -> dict[int, float]:
    """Column widths for a rebuilt sheet, whose reader keeps none: the longest line of
    each column's unmerged cells, between 8 and 50 characters."""
    merged = {(r, c) for r0, c0, r1, c1 in sheet.merged if c1 > c0 for r in range(r0, r1 + 1)
              for c in range(c0, c1 + 1)}  # fmt: skip
    longest: dict[int, int] = {}
    for (row, col), cell in sheet.cells.items():
        if (row, col) in merged or cell.value is None:
            continue
        size = max(len(line) for line in str(cell.value).split("\n"))
        longest[col] = max(longest.get(col, 0), size)
    return {col: float(min(max(size + 2, 8), 50)) for col, size in longest.items()}


def _put(target, cell, grey) -> None:
    """One read cell into an openpyxl cell: strings typed as strings, formats, grey fill."""
    value = cell.value
    if value is None and cell.formula:
        value = str(cell.formula)  # a formula without value: its text, never evaluated
    if isinstance(value, str):
        set_text(target, value)
    elif value is not None:
        target.value = value
    fmt = cell.number_format or "General"
    if fmt != "General":
        target.number_format = fmt
    if cell.grey:
        target.fill = grey
