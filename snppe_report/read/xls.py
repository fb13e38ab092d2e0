"""Excel 97-2003 workbook (.xls) reading for :mod:`snppe_report.read.workbook`.

Administrations still send workbooks in the BIFF8 format of Excel 97-2003. They are
read with xlrd (``formatting_info=True``), the library pandas itself uses for ``.xls``:
it keeps what the dashboard reader needs, like the other formats do: each cell's cached
value, its number format (a percentage is a fraction shown with ``0.0%``), its fill
(grey = optional objective, through the workbook's own colour palette), merged ranges,
hidden sheets, rows and columns. xlrd never evaluates formulas or runs macros: a
formula cell gives the value Excel cached. The document properties (title, subject...)
live in the OLE ``SummaryInformation`` streams, which xlrd ignores: olefile reads them.

Sheets are loaded one at a time (``on_demand``) and unloaded once converted; each
sheet's row and cell counts and merged area are checked against :data:`LIMITS` as it
is converted.
"""

from __future__ import annotations

import logging
from pathlib import Path

from snppe_report.exceptions import SnppeError, UnreadableWorkbookError, UnsafeWorkbookError
from snppe_report.read import cells
from snppe_report.read.cells import Cell, Sheet, cap_text, is_grey_rgb
from snppe_report.read.damage import log_detail

log = logging.getLogger(__name__)

# BIFF fill patterns that show their pattern colour: solid, dark grey, 12.5 % grey
# (openpyxl's "solid", "darkGray", "gray125", which the xlsx reader counts as fills).
_FILLED_PATTERNS = frozenset({1, 3, 17})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BLANK_TYPES = bytes([0, 6])  # xlrd's XL_CELL_EMPTY, XL_CELL_BLANK (formatted, no content)
_DAMAGED = (
    "classeur Excel 97-2003 (.xls) endommagé ou incomplet : ouvrez-le dans Excel ou "
    "LibreOffice, enregistrez-le au format .xlsx puis relancez."
)


def read_xls(data: bytes, path: Path) -> tuple[list[Sheet], dict[str, str]]:
    """The sheets and document properties of an Excel 97-2003 workbook held in ``data``."""
    import xlrd

    if len(data) > cells.LIMITS["xls_bytes"]:
        raise UnsafeWorkbookError(
            f"classeur Excel 97-2003 de {len(data) / 1024**2:.0f} Mo (limite de sécurité "
            f"{cells.LIMITS['xls_bytes'] // 1024**2} Mo ; un tableau de bord en fait quelques "
            "dizaines de Ko) : enregistrez-le au format .xlsx puis relancez.",
            file=path,
        )
    if data[:8] != _OLE_MAGIC:
        _check_not_text(data, path)
    try:
        book = xlrd.open_workbook(
            file_contents=data,
            formatting_info=True,
            on_demand=True,
            ragged_rows=True,
            logfile=_NullLog(),
        )
    except xlrd.XLRDError as exc:
        log_detail(path, exc)
        raise _open_error(str(exc), path) from exc
    except Exception as exc:  # xlrd raises struct.error, IndexError... on broken records
        log_detail(path, exc)
        raise UnreadableWorkbookError(_DAMAGED, file=path) from exc
    try:
        sheets = []
        budget = {"cells": cells.LIMITS["cells"], "merged_cells": cells.LIMITS["merged_cells"]}
        for index in range(book.nsheets):
            try:
                sheets.append(_sheet(book, book.sheet_by_index(index), path, budget))
            except SnppeError:
                raise
            except Exception as exc:  # a broken sheet stream: the same damage as above
                log_detail(path, exc)
                raise UnreadableWorkbookError(
                    _DAMAGED, file=path, sheet=_sheet_name(book, index)
                ) from exc
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets, _properties(data)


def _check_not_text(data: bytes, path: Path) -> None:
    """A ".xls" that is text: an HTML table or an Excel 2003 XML spreadsheet exported by a
    web application, or a CSV file. Each is named, with what to do."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    again = "ouvrez-le dans Excel ou LibreOffice, enregistrez-le au format .xlsx puis relancez."
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        what = "une « Feuille de calcul XML 2003 » (export d'une application), pas un classeur"
    elif head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or b"<html" in head:
        what = "une page HTML (export d'un site web), pas un classeur"
    elif head.startswith(b"<"):
        what = "un fichier XML, pas un classeur"
    elif head and b"\x00" not in head[:512]:  # BIFF records hold zero bytes from the start
        what = "un fichier texte (CSV ?), pas un classeur"
    else:
        return  # raw BIFF (Excel 2 to 4) or damage: xlrd says which
    raise UnreadableWorkbookError(f"ce fichier .xls est {what} : {again}", file=path)


class _NullLog:
    """xlrd writes warnings to a log file object; they are dropped."""

    def write(self, text: str) -> None:
        pass


def _open_error(message: str, path: Path) -> UnreadableWorkbookError:
    lowered = message.lower()
    if "encrypted" in lowered:
        return UnreadableWorkbookError(
            "classeur protégé par un mot de passe (chiffré) : enregistrez-en une copie "
            "sans mot de passe puis relancez.",
            file=path,
        )
    if "can't find workbook" in lowered or "unsupported format" in lowered:
        return UnreadableWorkbookError(
            "ce fichier au format Microsoft Office 97-2003 n'est pas un classeur Excel "
            "(document Word ou PowerPoint ?) : fournissez le tableau de bord au format .xlsx, "
            ".xls ou .ods.",
            file=path,
        )
    if "biff" in lowered and "version" in lowered:
        return UnreadableWorkbookError(
            "classeur d'une version d'Excel antérieure à 97 : ouvrez-le dans Excel ou "
            "LibreOffice, enregistrez-le au format .xlsx puis relancez.",
            file=path,
        )
    return UnreadableWorkbookError(_DAMAGED, file=path)


def _sheet_name(book, index: int) -> str | None:
    names = book.sheet_names()
    return names[index] if index < len(names) else None


def _sheet(book, sheet, path: Path, budget: dict) -> Sheet:
    import xlrd

    if sheet.nrows > cells.LIMITS["sheet_rows"]:
        raise _over(path, sheet.name, "sheet_rows", "lignes")
    found: dict[tuple[int, int], Cell] = {}
    for r in range(sheet.nrows):
        types = sheet.row_types(r)
        if not types.tobytes().strip(_BLANK_TYPES):  # a row of empty or blank cells
            continue
        values = sheet.row_values(r)
        for c, (ctype, raw) in enumerate(zip(types, values)):
            value = _value(ctype, raw, book.datemode, xlrd)
            if value is None:
                continue
            budget["cells"] -= 1
            if budget["cells"] < 0:
                raise _over(path, sheet.name, "cells", "cellules")
            xf = book.xf_list[sheet.cell_xf_index(r, c)]
            fmt = book.format_map.get(xf.format_key)
            found[(r + 1, c + 1)] = Cell(
                r + 1,
                c + 1,
                value,
                (fmt.format_str if fmt is not None else "") or "General",
                _is_grey(book, xf),
            )
    merged = []
    for rlo, rhi, clo, chi in sheet.merged_cells:
        budget["merged_cells"] -= (rhi - rlo) * (chi - clo)
        if budget["merged_cells"] < 0:
            raise _over(path, sheet.name, "merged_cells", "cellules fusionnées")
        merged.append((rlo + 1, clo + 1, rhi, chi))
    hidden_rows = frozenset(r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden)
    hidden_cols = frozenset(c + 1 for c, info in sheet.colinfo_map.items() if info.hidden)
    return Sheet(sheet.name, found, merged, sheet.visibility != 0, hidden_rows, hidden_cols)


def _value(ctype: int, raw, datemode: int, xlrd):
    if ctype == xlrd.XL_CELL_TEXT:
        return cap_text(raw) if raw.strip() else None
    if ctype == xlrd.XL_CELL_NUMBER:
        return int(raw) if float(raw).is_integer() and abs(raw) < 1e15 else raw
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(raw, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return raw
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(raw)
    if ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(raw, "#N/A")
    return None  # empty or blank (formatted but without content)


def _is_grey(book, xf) -> bool:
    background = xf.background
    if background.fill_pattern not in _FILLED_PATTERNS:
        return False
    rgb = book.colour_map.get(background.pattern_colour_index)
    return rgb is not None and is_grey_rgb("".join(f"{v:02X}" for v in rgb))


def _over(path: Path, sheet: str, limit: str, what: str) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(
        f"le classeur compte plus de {cells.LIMITS[limit]:,} {what} : ce n'est pas un tableau "
        "de bord SNPPE (limite de sécurité).".replace(",", " "),
        file=path,
        sheet=sheet,
    )


_PROPERTIES = {
    "title": "title",
    "subject": "subject",
    "keywords": "keywords",
    "comments": "description",
    "author": "creator",
    "category": "category",
}


def _properties(data: bytes) -> dict[str, str]:
    """Title, subject... from the OLE property streams ('' when absent or unreadable)."""
    import olefile

    props = dict.fromkeys(_PROPERTIES.values(), "")
    try:
        with olefile.OleFileIO(data) as ole:
            meta = ole.get_metadata()
    except Exception:  # damaged property streams do not make the sheets unreadable
        log.debug("unreadable OLE properties", exc_info=True)
        return props
    encoding = _codec(getattr(meta, "codepage", None))
    for attribute, key in _PROPERTIES.items():
        raw = getattr(meta, attribute, None)
        if isinstance(raw, bytes):
            raw = raw.decode(encoding, errors="replace")
        props[key] = cap_text(str(raw).strip()) if raw else ""
    return props


def _codec(codepage) -> str:
    """The codec of a property set's code page (stored as a signed 16-bit integer: UTF-8,
    65001, reads -535)."""
    import codecs

    try:
        codepage = int(codepage) & 0xFFFF
    except (TypeError, ValueError):
        return "cp1252"
    if codepage in (1200, 65001):
        return "utf-8"
    try:
        return codecs.lookup(f"cp{codepage}").name
    except LookupError:
        return "cp1252"
