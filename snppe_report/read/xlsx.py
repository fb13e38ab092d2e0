"""Excel workbook (.xlsx, .xlsm) reading for :mod:`snppe_report.read.workbook`.

Two passes. First the archive's parts are streamed with defusedxml's ``iterparse``
(the sheet list, each sheet part, the shared strings) to bound the row, cell,
merged-cell and shared-string counts *before* openpyxl loads anything (it would
materialise every cell of a merged range or of a sheet's bounding box), and to find
the formulas without a cached value (openpyxl's ``data_only`` mode drops them). Then
openpyxl loads the workbook (``data_only``, no VBA, no external links) and only its
stored cells are converted: value (text capped), number format, grey fill (RGB,
theme or legacy palette colour), merged ranges, hidden sheets, rows and columns,
and the document properties.

The limits are read from :data:`snppe_report.read.cells.LIMITS` at call time.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from snppe_report.exceptions import UnreadableWorkbookError, UnsafeWorkbookError
from snppe_report.read import cells
from snppe_report.read.cells import Cell, Sheet, cap_text, is_grey_rgb
from snppe_report.read.damage import log_detail, openpyxl_cause

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# Excel's "Strict Open XML Spreadsheet": other namespaces, which openpyxl does not read.
_STRICT_NS = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"


class _StrictFormat(Exception):
    """The workbook is saved as Strict Open XML."""


def read_xlsx(
    archive: zipfile.ZipFile, path: Path, data: bytes
) -> tuple[list[Sheet], dict[str, str]]:
    """The sheets and document properties of an xlsx/xlsm workbook (or template).

    ``archive`` is the already checked archive of ``data`` (see
    ``archive.open_archive``): it is scanned first, then openpyxl reads the same bytes
    (``path`` names the file in messages).
    """
    formulas = _scan_xlsx(archive, path)
    return _read_xlsx(data, path, formulas)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map sheet name -> part path inside an xlsx archive."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise KeyError("xl/workbook.xml")
    rels = {}
    if "xl/_rels/workbook.xml.rels" in names:
        with archive.open("xl/_rels/workbook.xml.rels") as fh:
            for _, el in iterparse(
                fh,
            ):
                if el.tag.endswith("Relationship"):
                    target = el.get("Target", "")
                    target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                    rels[el.get("Id")] = target
    parts = {}
    with archive.open("xl/workbook.xml") as fh:
        for _, el in iterparse(
            fh,
        ):
            if el.tag == _STRICT_NS + "workbook":
                raise _StrictFormat
            if el.tag == _MAIN_NS + "sheet":
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                if rid in rels:
                    parts[el.get("name", "")] = rels[rid]
    return parts


def _scan_xlsx(archive: zipfile.ZipFile, path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Bound the sheets' sizes and find formulas without a cached value, per sheet."""
    try:
        parts = _sheet_parts(archive)
    except _StrictFormat as exc:
        raise UnreadableWorkbookError(
            "ce classeur est enregistré au format « Feuille de calcul Open XML Strict », que "
            "snppe-report ne lit pas : dans Excel, « Enregistrer sous » > « Classeur Excel "
            "(.xlsx) », puis relancez.",
            file=path,
        ) from exc
    except (KeyError, zipfile.BadZipFile) as exc:
        raise UnreadableWorkbookError(
            "ce fichier n'est pas un classeur Excel valide (workbook.xml absent).", file=path
        ) from exc
    found: dict[str, dict[tuple[int, int], str]] = {}
    budget = {"cells": cells.LIMITS["cells"], "merged_cells": cells.LIMITS["merged_cells"]}
    for name, part in parts.items():
        if part not in archive.namelist():
            continue
        found[name] = _scan_sheet(archive, part, name, path, budget)
    _scan_shared_strings(archive, path)
    return found


def _over(path: Path, sheet: str | None, limit: str, what: str) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(
        f"le classeur compte plus de {cells.LIMITS[limit]:,} {what} : ce n'est pas un tableau "
        "de bord SNPPE (limite de sécurité).".replace(",", " "),
        file=path,
        sheet=sheet,
    )


def _scan_shared_strings(archive: zipfile.ZipFile, path: Path) -> None:
    """Count the shared strings, which openpyxl keeps all: a workbook needs at most one
    per cell. The parts are found as openpyxl finds them, by their content type."""
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        return
    parts = []
    with archive.open("[Content_Types].xml") as fh:
        for _, el in iterparse(
            fh,
        ):
            if el.tag == _CT_NS + "Override" and "sharedStrings" in el.get("ContentType", ""):
                parts.append(el.get("PartName", "").lstrip("/"))
    for part in (p for p in parts if p in names):
        count = 0
        with archive.open(part) as fh:
            for _, el in iterparse(
                fh,
            ):
                if el.tag == _MAIN_NS + "si":
                    count += 1
                    el.clear()
                    if count > cells.LIMITS["cells"]:
                        raise _over(path, None, "cells", f"textes partagés (« {part} »)")


def _scan_sheet(archive, part, name, path, budget) -> dict[tuple[int, int], str]:
    rows, max_rows = 0, cells.LIMITS["sheet_rows"]
    missing: dict[tuple[int, int], str] = {}
    formula = value = ref = None
    with archive.open(part) as fh:
        for event, el in iterparse(
            fh,
            events=("start", "end"),
        ):
            tag = el.tag
            if event == "start":
                if tag == _MAIN_NS + "c":
                    ref, formula, value = el.get("r"), None, None
                    budget["cells"] -= 1
                    if budget["cells"] < 0:
                        raise _over(path, name, "cells", "cellules")
                elif tag == _MAIN_NS + "mergeCell":
                    budget["merged_cells"] -= _range_area(el.get("ref", ""))
                    if budget["merged_cells"] < 0:
                        raise _over(path, name, "merged_cells", "cellules fusionnées")
                continue
            if tag == _MAIN_NS + "row":
                rows += 1
                if rows > max_rows:
                    raise UnsafeWorkbookError(
                        f"la feuille compte plus de {max_rows:,} lignes : ce n'est pas un "
                        "tableau de bord SNPPE (limite de sécurité).".replace(",", " "),
                        file=path,
                        sheet=name,
                    )
                el.clear()
            elif tag == _MAIN_NS + "f":
                formula = el.text or "<formule partagée>"
            elif tag == _MAIN_NS + "v":
                value = el.text
            elif tag == _MAIN_NS + "c":
                if formula is not None and value in (None, "") and ref:
                    missing[_parse_ref(ref)] = "=" + formula
    return missing


_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _range_area(ref: str) -> int:
    """Cells in "B2:D10" (1 for a single cell; absurd refs count as huge)."""
    first, _, last = ref.replace("$", "").partition(":")
    (r0, c0), (r1, c1) = _parse_ref(first), _parse_ref(last or first)
    if not (r0 and c0 and r1 and c1):
        return 0
    return (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)


def _parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref.upper())
    if not m:
        return (0, 0)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _read_xlsx(data: bytes, path: Path, formulas: dict) -> tuple[list[Sheet], dict[str, str]]:
    import io
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns on extensions, data validation...
            wb = openpyxl.load_workbook(
                io.BytesIO(data), data_only=True, keep_vba=False, keep_links=False
            )
            sheets = [_xlsx_sheet(ws, formulas.get(ws.title, {})) for ws in wb.worksheets]
            props = wb.properties
            properties = {
                k: cap_text(str(getattr(props, k) or ""))
                for k in ("title", "subject", "keywords", "description", "creator", "category")
            }
            wb.close()
    except (DefusedXmlException, UnsafeWorkbookError, UnreadableWorkbookError):
        raise
    except Exception as exc:  # openpyxl raises many types on broken parts (not a bug here)
        log_detail(path, exc)
        raise UnreadableWorkbookError(
            f"classeur Excel endommagé : {openpyxl_cause(exc)}. Ouvrez-le dans Excel ou "
            "LibreOffice et enregistrez-le à nouveau au format .xlsx, puis relancez.",
            file=path,
        ) from exc
    return sheets, properties


def _unescape(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes (``_x000D_`` for a carriage return) as characters.

    openpyxl leaves them in shared strings; Excel writes them for control characters,
    e.g. a label pasted with Windows line breaks. ``_x005F_`` escapes a literal one.
    """
    if "_x" not in text:
        return text
    from openpyxl.utils.escape import unescape

    return unescape(text)


def _xlsx_sheet(ws, missing: dict[tuple[int, int], str]) -> Sheet:
    cells: dict[tuple[int, int], Cell] = {}
    # the stored cells only: ws.iter_rows() would create every cell of the bounding box
    for key, c in sorted(ws._cells.items()):
        value = cap_text(_unescape(c.value)) if isinstance(c.value, str) else c.value
        formula = missing.get(key)
        if value is None and formula is None:
            continue
        if isinstance(value, str) and not value.strip() and formula is None:
            continue
        cells[key] = Cell(
            c.row, c.column, value, c.number_format or "General", _is_grey(c.fill), formula
        )
    merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    hidden_rows = frozenset(r for r, d in ws.row_dimensions.items() if d.hidden)
    hidden_cols = frozenset(
        _parse_ref(f"{k}1")[1] for k, d in ws.column_dimensions.items() if d.hidden
    )
    return Sheet(ws.title, cells, merged, ws.sheet_state != "visible", hidden_rows, hidden_cols)


def _is_grey(fill) -> bool:
    if fill is None or getattr(fill, "fill_type", None) not in ("solid", "gray125", "darkGray"):
        return False
    color = fill.fgColor
    if color is None:
        return False
    if color.type == "rgb":
        return is_grey_rgb(color.rgb)
    if color.type == "theme":
        tint = color.tint or 0.0
        # theme 0 = background (white) darkened; theme 1 = text (black) lightened
        return (color.theme == 0 and tint < -0.03) or (color.theme == 1 and tint > 0.5)
    if color.type == "indexed":
        return color.indexed in (22, 23, 55)  # legacy palette greys
    return False
