"""Writing consolidated tables for people: a formatted workbook and a French CSV.

* :func:`write_workbook`: an ``.xlsx`` with one sheet per table, French headers, the
  header row frozen, an auto-filter, column widths and number formats (percentages as
  %, counts with thousands separators), a first sheet saying what each sheet holds and
  whether the data is fictive. Written with openpyxl's write-only mode (streamed).
* :func:`write_french_csv`: semicolon separator, decimal comma, UTF-8 with BOM, the
  dialect a French Excel opens without an import dialog.

No workbook text ever becomes a formula: in the ``.xlsx`` every text is a string cell
(openpyxl would store "=…" as a formula), marked "quote prefix" when it starts with a
formula character; in the CSV such a text is prefixed with a single quote, as OWASP's
CSV-injection guidance says (:func:`neutralise`). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report.output import atomic_path

__all__ = ["Column", "Sheet", "FORMULA_STARTS", "neutralise", "write_workbook", "write_french_csv"]

#: First characters that make a spreadsheet read a text as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Number formats (stored in Excel's neutral syntax; Excel shows them in its locale).
PERCENT, INTEGER, DECIMAL = "0.0#%", "#,##0", "#,##0.0##"
_KINDS = ("texte", "entier", "annee", "nombre", "pourcentage", "valeur", "booleen")


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    Attributes
    ----------
    key : str
        Column of the DataFrame.
    header : str
        French header.
    kind : str
        ``texte``, ``entier``, ``annee``, ``nombre``, ``pourcentage``, ``booleen``
        ("oui" / "non") or ``valeur``: a number in the row's unit (its ``unite``
        column: a ``pourcentage`` shows as %).
    width : float
        Column width in characters.
    """

    key: str
    header: str
    kind: str = "texte"
    width: float = 14

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Sheet:
    """A sheet: its name, what it holds (one French sentence), its rows and columns."""

    name: str
    description: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]

    def present(self) -> tuple[Column, ...]:
        """The columns the frame has, in order."""
        return tuple(c for c in self.columns if c.key in self.frame.columns)


def neutralise(text: str) -> str:
    """A text that no spreadsheet reads as a formula: ``'`` before a formula character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _number_format(value: float, kind: str, unite: Any) -> str:
    if kind == "pourcentage" or (kind == "valeur" and unite == "pourcentage"):
        return PERCENT
    if kind in ("entier",) or float(value).is_integer():
        return INTEGER
    return DECIMAL


# -- workbook -----------------------------------------------------------------------------


def write_workbook(
    path: str | Path, sheets: Sequence[Sheet], *, title: str, notes: Sequence[str] = ()
) -> None:
    """Write the sheets into an ``.xlsx`` (atomically), after a "À lire" sheet.

    Parameters
    ----------
    path : path-like
        Destination.
    sheets : sequence of Sheet
        The tables, in order.
    title : str
        First line of the "À lire" sheet.
    notes : sequence of str
        Further lines of the "À lire" sheet (fictive data, source, date).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFEEF1F5")
    wrap = Alignment(wrap_text=True, vertical="top")
    book = Workbook(write_only=True)

    def text_cell(ws, value: str, **style: Any):
        if not style and not value.startswith(FORMULA_STARTS):
            return value  # a plain text: openpyxl stores it as a string cell
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"  # never a formula, whatever the text
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        for name, item in style.items():
            setattr(cell, name, item)
        return cell

    about = book.create_sheet("À lire")
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 100
    about.append([text_cell(about, title, font=Font(bold=True, size=14))])
    for note in notes:
        about.append([text_cell(about, note)])
    about.append([])
    about.append([text_cell(about, "Feuille", font=bold), text_cell(about, "Contenu", font=bold)])
    for sheet in sheets:
        about.append([text_cell(about, sheet.name), text_cell(about, sheet.description)])

    for sheet in sheets:
        columns = sheet.present()
        ws = book.create_sheet(sheet.name)
        ws.freeze_panes = "B2" if columns and columns[0].key == "departement" else "A2"
        last = get_column_letter(max(len(columns), 1))
        ws.auto_filter.ref = f"A1:{last}{len(sheet.frame) + 1}"
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        ws.append([text_cell(ws, c.header, font=bold, fill=fill, alignment=wrap) for c in columns])
        units = sheet.frame["unite"] if "unite" in sheet.frame else None
        data = [sheet.frame[c.key].tolist() for c in columns]
        for r in range(len(sheet.frame)):
            unite = units.iat[r] if units is not None else None
            ws.append([_xlsx_cell(ws, text_cell, col, data[i][r], unite)
                       for i, col in enumerate(columns)])  # fmt: skip
    with atomic_path(path) as tmp:
        book.save(tmp)


def _xlsx_cell(ws, text_cell, column: Column, value: Any, unite: Any):
    from openpyxl.cell import WriteOnlyCell

    if _missing(value):
        return None
    if column.kind == "booleen":
        return text_cell(ws, "oui" if bool(value) else "non")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return text_cell(ws, str(value))
    if column.kind == "annee":
        return int(value)
    if column.kind == "texte":
        return text_cell(ws, str(value))
    cell = WriteOnlyCell(ws, float(value) if isinstance(value, float) else int(value))
    cell.number_format = _number_format(value, column.kind, unite)
    return cell


# -- French CSV ---------------------------------------------------------------------------


def write_french_csv(path: str | Path, sheet: Sheet) -> None:
    """Write one table as a CSV a French Excel opens right (atomically).

    Semicolon separator, decimal comma (no thousands separator: the figure stays a
    number), UTF-8 with BOM, CRLF line ends, French headers; texts quoted when
    needed and neutralised (:func:`neutralise`); booleans as "oui" / "non";
    percentages as fractions (0,452), as ``consolide.csv`` has them.
    """
    columns = sheet.present()
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow([c.header for c in columns])
            data = [sheet.frame[c.key].tolist() for c in columns]
            for r in range(len(sheet.frame)):
                writer.writerow([_csv_field(col, data[i][r]) for i, col in enumerate(columns)])


def _csv_field(column: Column, value: Any) -> str:
    if _missing(value):
        return ""
    if column.kind == "booleen":
        return "oui" if bool(value) else "non"
    if isinstance(value, bool) or not isinstance(value, int | float) or column.kind == "texte":
        return neutralise(str(value))
    if column.kind == "annee" or float(value).is_integer():
        return str(int(value))
    return f"{float(value):.12g}".replace(".", ",")
