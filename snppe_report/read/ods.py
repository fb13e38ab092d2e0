"""OpenDocument spreadsheet (.ods) reading for :mod:`snppe_report.read.workbook`.

Why not odfpy's loader: it parses with the stdlib SAX parser (no protection
against entity expansion) and builds the whole document tree in memory. The
sheet part is streamed here with defusedxml's ``iterparse``, row by row, which
keeps memory bounded and refuses entity declarations. Cells keep their value
type (a ``percentage`` cell is a fraction with a % number format), merged
ranges (``number-columns-spanned`` / ``number-rows-spanned``), background
colour (grey = optional objective), line breaks (several ``text:p``) and
formulas without a cached value.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml.ElementTree import iterparse

from snppe_report.exceptions import UnreadableWorkbookError, UnsafeWorkbookError
from snppe_report.read.cells import Cell, Sheet, cap_text, is_grey_rgb

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


T_TABLE, T_ROW, T_CELL = _q("table", "table"), _q("table", "table-row"), _q("table", "table-cell")
T_COVERED, T_COLUMN = _q("table", "covered-table-cell"), _q("table", "table-column")
MAX_REPEAT = 1000  # a repeated cell or row with content is materialised at most this often


def read_ods(archive: zipfile.ZipFile, path: Path, max_rows: int, max_cells: int):
    """Read every sheet of an .ods archive. Returns ``(sheets, properties)``.

    At most ``max_rows`` rows with content per sheet and ``max_cells`` cells in all,
    counted as they are materialised: a few bytes of "repeated" rows and cells cannot
    make a billion of them.
    """
    names = set(archive.namelist())
    if "content.xml" not in names:
        raise UnreadableWorkbookError(
            "ce fichier n'est pas un classeur LibreOffice valide (content.xml absent).", file=path
        )
    # Named styles and data styles of styles.xml: content.xml's automatic cell styles
    # inherit from them and LibreOffice often puts a cell's % format there.
    shared = _style_state(archive, "styles.xml") if "styles.xml" in names else _StyleState()
    with archive.open("content.xml") as fh:
        sheets = _read_content(fh, path, (max_rows, max_cells), shared)
    props = {}
    if "meta.xml" in names:
        with archive.open("meta.xml") as fh:
            props = _meta(fh)
    return sheets, props


def read_fods(fh, path: Path, max_rows: int, max_cells: int):
    """Read every sheet of a flat OpenDocument spreadsheet (``.fods``): one XML document
    holding the meta data, the styles and the content, in that order. Returns
    ``(sheets, properties)``; same limits as :func:`read_ods`."""
    props = _meta(fh)
    fh.seek(0)
    sheets = _read_content(fh, path, (max_rows, max_cells), _StyleState())
    return sheets, props


def _style_state(archive, part) -> _StyleState:
    """The cell styles and percentage data styles of a styles part."""
    state = _StyleState()
    with archive.open(part) as fh:
        for _, el in iterparse(
            fh,
            events=("start",),
        ):
            state.feed(el)
    return state


class _StyleState:
    """Collects cell/table styles and percentage data styles from start events.

    A style that sets no data style or no background inherits them from its
    ``style:parent-style-name`` (resolved in :meth:`resolve`).
    """

    def __init__(self, base: _StyleState | None = None) -> None:
        inherited = base.styles if base else {}
        self.styles: dict[str, dict] = {name: dict(st) for name, st in inherited.items()}
        self.percent: dict[str, int] = dict(base.percent) if base else {}
        self._current: str | None = None
        self._percent: str | None = None

    def feed(self, el) -> None:
        tag = el.tag
        if tag == _q("style", "style"):
            self._current = el.get(_q("style", "name"))
            self.styles[self._current] = {
                "grey": None,  # None: not set here, inherited from the parent style
                "data": el.get(_q("style", "data-style-name")),
                "parent": el.get(_q("style", "parent-style-name")),
                "hidden": False,
                "format": "General",
            }
        elif tag == _q("style", "table-cell-properties") and self._current:
            colour = el.get(_q("fo", "background-color"))
            if colour is not None:
                self.styles[self._current]["grey"] = is_grey_rgb(colour)
        elif tag == _q("style", "table-properties") and self._current:
            self.styles[self._current]["hidden"] = el.get(_q("table", "display")) == "false"
        elif tag == _q("number", "percentage-style"):
            self._percent = el.get(_q("style", "name"))
            self.percent[self._percent] = 0
        elif tag == _q("number", "number") and self._percent:
            places = el.get(_q("number", "decimal-places"), "0") or "0"
            self.percent[self._percent] = int(places) if places.isdigit() else 0
            self._percent = None

    def resolve(self) -> dict[str, dict]:
        _inherit(self.styles)
        _resolve_formats(self.styles, self.percent)
        return self.styles


def _inherit(styles: dict[str, dict]) -> None:
    """Fill each style's unset background and data style from its parents."""
    for st in styles.values():
        parent, seen = st.get("parent"), set()
        while parent in styles and parent not in seen and (st["grey"] is None or not st["data"]):
            seen.add(parent)
            up = styles[parent]
            if st["grey"] is None:
                st["grey"] = up.get("grey")
            st["data"] = st["data"] or up.get("data")
            parent = up.get("parent")
        st["grey"] = bool(st["grey"])


def _resolve_formats(styles, percent_styles) -> None:
    for st in styles.values():
        data = st.get("data")
        if data in percent_styles:
            decimals = percent_styles[data]
            st["format"] = "0" + ("." + "0" * decimals if decimals else "") + "%"


def _read_content(fh, path: Path, limits: tuple[int, int], shared: _StyleState) -> list[Sheet]:
    max_rows, max_cells = limits
    sheets: list[Sheet] = []
    state = _StyleState(shared)
    styles = state.resolve()  # in case the part has no office:body (no sheet at all)
    table = None
    row_idx = 0
    done_cells = 0  # cells of the sheets already read
    in_styles = True
    for event, el in iterparse(
        fh,
        events=("start", "end"),
    ):
        tag = el.tag
        if in_styles and event == "start":
            if tag == _q("office", "body"):
                in_styles = False
                styles = state.resolve()
            else:
                state.feed(el)
            continue
        if event == "start":
            if tag == T_TABLE:
                table = _new_table(el, styles)
                table["max_cells"] = max_cells - done_cells
                row_idx = 0
            continue
        if tag == T_COLUMN and table is not None:
            _column(el, table, styles)
        elif tag == T_ROW and table is not None:
            repeat = int(el.get(_q("table", "number-rows-repeated"), "1") or 1)
            hidden = el.get(_q("table", "visibility")) in ("collapse", "filter")
            if _row_has_content(el):
                repeat = min(repeat, MAX_REPEAT)
                for _ in range(repeat):
                    row_idx += 1
                    table["rows"] += 1
                    _row(el, row_idx, table, styles, hidden)
                    _check_size(table, path, max_rows, max_cells)
            else:
                row_idx += repeat
                if hidden:
                    table["hidden_rows"].add(row_idx)
            el.clear()
        elif tag == T_TABLE and table is not None:
            done_cells += len(table["cells"])
            sheets.append(
                Sheet(
                    table["name"],
                    table["cells"],
                    table["merged"],
                    table["hidden"],
                    frozenset(table["hidden_rows"]),
                    frozenset(table["hidden_cols"]),
                )
            )
            table = None
            el.clear()
    return sheets


def _check_size(table: dict, path: Path, max_rows: int, max_cells: int) -> None:
    if table["rows"] > max_rows:
        what = f"la feuille compte plus de {max_rows:,} lignes".replace(",", " ")
    elif len(table["cells"]) > table["max_cells"]:
        what = f"le classeur compte plus de {max_cells:,} cellules".replace(",", " ")
    else:
        return
    raise UnsafeWorkbookError(
        f"{what} : ce n'est pas un tableau de bord SNPPE (limite de sécurité).",
        file=path,
        sheet=table["name"],
    )


def _new_table(el, styles) -> dict:
    style = styles.get(el.get(_q("table", "style-name")), {})
    return {
        "name": el.get(_q("table", "name"), ""),
        "cells": {},
        "merged": [],
        "hidden": bool(style.get("hidden")),
        "hidden_rows": set(),
        "hidden_cols": set(),
        "col": 0,
        "rows": 0,  # rows with content
        "max_cells": 0,
    }


def _column(el, table, styles) -> None:
    repeat = min(int(el.get(_q("table", "number-columns-repeated"), "1") or 1), 16384)
    hidden = el.get(_q("table", "visibility")) in ("collapse", "filter")
    start = table["col"]
    table["col"] += repeat
    if hidden and repeat < 1000:
        table["hidden_cols"].update(range(start + 1, start + repeat + 1))


def _row_has_content(row_el) -> bool:
    for cell in row_el:
        if cell.tag == T_CELL and (
            cell.get(_q("office", "value-type"))
            or cell.get(_q("table", "formula"))
            or len(cell)
            or cell.get(_q("table", "number-columns-spanned"))
        ):
            return True
    return False


def _row(row_el, row_idx: int, table: dict, styles: dict, hidden: bool) -> None:
    if hidden:
        table["hidden_rows"].add(row_idx)
    col = 0
    for cell_el in row_el:
        if cell_el.tag not in (T_CELL, T_COVERED):
            continue
        repeat = int(cell_el.get(_q("table", "number-columns-repeated"), "1") or 1)
        if cell_el.tag == T_COVERED or not _cell_has_content(cell_el):
            col += repeat
            continue
        for _ in range(min(repeat, MAX_REPEAT)):
            col += 1
            _cell(cell_el, row_idx, col, table, styles)
        col += max(0, repeat - MAX_REPEAT)
        if len(table["cells"]) > table["max_cells"]:
            return  # the caller raises


def _cell_has_content(el) -> bool:
    return bool(
        el.get(_q("office", "value-type"))
        or el.get(_q("table", "formula"))
        or len(el)
        or el.get(_q("table", "number-columns-spanned"))
    )


def _cell(el, row: int, col: int, table: dict, styles: dict) -> None:
    style = styles.get(el.get(_q("table", "style-name")), {})
    spans = (
        int(el.get(_q("table", "number-rows-spanned"), "1") or 1),
        int(el.get(_q("table", "number-columns-spanned"), "1") or 1),
    )
    if spans != (1, 1):
        table["merged"].append((row, col, row + spans[0] - 1, col + spans[1] - 1))
    value, fmt = _value(el, style.get("format", "General"))
    if isinstance(value, str):
        value = cap_text(value)
    formula = el.get(_q("table", "formula"))
    missing = formula if formula and value is None else None
    if value is None and missing is None:
        return
    table["cells"][(row, col)] = Cell(row, col, value, fmt, bool(style.get("grey")), missing)


def _value(el, fmt: str):
    vtype = el.get(_q("office", "value-type"))
    text = _text(el)
    if vtype in ("float", "currency"):
        return _number(el.get(_q("office", "value")), text), fmt
    if vtype == "percentage":
        pct_fmt = fmt if "%" in fmt else "0%"
        return _number(el.get(_q("office", "value")), text), pct_fmt
    if vtype == "boolean":
        return el.get(_q("office", "boolean-value")) == "true", fmt
    if vtype in ("date", "time"):
        return _date(el.get(_q("office", "date-value")) or text), fmt
    return (text if text.strip() else None), fmt


def _number(raw, text):
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return text or None
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _date(raw: str):
    from datetime import datetime

    try:
        return datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return raw


def _text(el) -> str:
    paragraphs = []
    for p in el:
        if p.tag in (_q("text", "p"), _q("text", "h")):
            paragraphs.append(_inline(p))
    return "\n".join(paragraphs)


MAX_DEPTH = 20  # text:span inside text:a inside ...: deeper nesting is flattened
MAX_SPACES = 1000  # <text:s text:c="1000000000"/> would be a gigabyte of spaces


def _inline(node, depth: int = 0) -> str:
    if depth > MAX_DEPTH:
        return "".join(node.itertext())
    parts = [node.text or ""]
    for child in node:
        if child.tag == _q("text", "s"):
            count = child.get(_q("text", "c"), "1") or "1"
            parts.append(" " * min(int(count) if count.isdigit() else 1, MAX_SPACES))
        elif child.tag == _q("text", "line-break"):
            parts.append("\n")
        elif child.tag == _q("text", "tab"):
            parts.append("\t")
        else:
            parts.append(_inline(child, depth + 1))
        parts.append(child.tail or "")
    return "".join(parts)


def _meta(fh) -> dict[str, str]:
    """The document properties of a meta part (or of a flat document, read up to its
    body)."""
    wanted = {
        _q("dc", "title"): "title",
        _q("dc", "subject"): "subject",
        _q("meta", "keyword"): "keywords",
        _q("dc", "description"): "description",
        _q("dc", "creator"): "creator",
    }
    props: dict[str, str] = {}
    body = _q("office", "body")
    for event, el in iterparse(fh, events=("start", "end")):
        if el.tag == body:
            break
        key = wanted.get(el.tag)
        if event == "end" and key and el.text:
            props[key] = cap_text((props.get(key, "") + " " + el.text).strip())
    return props
