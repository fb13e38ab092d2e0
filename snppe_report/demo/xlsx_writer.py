"""Write a :class:`~snppe_report.demo.writer.WorkbookSpec` as .xlsx (openpyxl + package fix-up).

openpyxl writes formulas without their cached value, inline strings and the current
time. Excel writes formulas with their last computed value (``<v>``), a shared string
table and whatever date the file was saved. :func:`finalize_package` rewrites the
package openpyxl produced so the file holds what an Excel-saved file holds: cached
values, ``xl/sharedStrings.xml``, no ``calcChain.xml``, fixed dates, and a
byte-reproducible zip.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from snppe_report.demo.spec import (
    CellSpec,
    DocumentProperties,
    SheetSpec,
    WorkbookSpec,
    column_letter,
)

_THIN = "thin"


def write_xlsx(spec: WorkbookSpec, path: Path) -> None:
    """Write ``spec`` to ``path`` as an Excel workbook."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    cached: list[dict[str, object]] = []
    for sheet in spec.sheets:
        cached.append(_fill_sheet(wb.create_sheet(sheet.name), sheet))
    props = spec.properties
    wp = wb.properties
    wp.title, wp.subject, wp.keywords = props.title, props.subject, props.keywords
    wp.creator, wp.description, wp.lastModifiedBy = props.creator, props.description, props.creator
    wp.created, wp.modified = props.created, props.modified
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(finalize_package(buffer.getvalue(), cached, props))


def _fill_sheet(ws, sheet: SheetSpec) -> dict[str, object]:
    """Write cells and sheet settings; return ``{cell ref: cached value}`` of formulas."""
    from openpyxl.worksheet.pagebreak import Break

    styles = _Styles()
    cached: dict[str, object] = {}
    for r, row in enumerate(sheet.rows, start=1):
        for c, spec in enumerate(row, start=1):
            if spec is None:
                continue
            cell = ws.cell(row=r, column=c)
            if spec.formula:
                cell.value = spec.formula if spec.formula.startswith("=") else "=" + spec.formula
                cached[f"{column_letter(c)}{r}"] = spec.value
            elif spec.value is not None and spec.value != "":
                cell.value = spec.value
            styles.apply(cell, spec)
    for rng in sheet.merges:
        ws.merge_cells(rng)
    for c, width in enumerate(sheet.column_widths, start=1):
        ws.column_dimensions[column_letter(c)].width = width
    for r in sheet.hidden_rows:
        ws.row_dimensions[r].hidden = True
    for r in sheet.page_breaks:
        ws.row_breaks.append(Break(id=r - 1))
    if sheet.hidden:
        ws.sheet_state = "hidden"
    if sheet.print_title_rows:
        ws.print_title_rows = sheet.print_title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return cached


class _Styles:
    """openpyxl style objects, shared between cells with the same look."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._mod = (Alignment, Border, Font, PatternFill, Side)
        self._cache: dict[tuple, tuple] = {}

    def apply(self, cell, spec: CellSpec) -> None:
        key = (spec.bold, spec.italic, spec.fill, spec.align, spec.border)
        if key not in self._cache:
            self._cache[key] = self._make(spec)
        font, fill, alignment, border = self._cache[key]
        cell.font, cell.alignment = font, alignment
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        if spec.number_format:
            cell.number_format = spec.number_format

    def _make(self, spec: CellSpec) -> tuple:
        from openpyxl.styles.colors import Color

        alignment_cls, border_cls, font_cls, fill_cls, side_cls = self._mod
        font = font_cls(name="Calibri", size=11, bold=spec.bold, italic=spec.italic)
        fill = None
        if spec.fill:
            if spec.fill.startswith("theme:"):
                _, theme, tint = spec.fill.split(":")
                color = Color(theme=int(theme), tint=float(tint))
            else:
                color = Color(rgb="FF" + spec.fill.lstrip("#").upper())
            fill = fill_cls(fill_type="solid", fgColor=color, bgColor=Color(indexed=64))
        alignment = alignment_cls(wrap_text=True, vertical="top", horizontal=spec.align)
        side = side_cls(style=_THIN)
        border = border_cls(left=side, right=side, top=side, bottom=side) if spec.border else None
        return font, fill, alignment, border


# --- package fix-up -----------------------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_FORMULA = re.compile(
    r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*)><f>(?P<f>[^<]*)</f>(?:<v\s*/>|<v></v>)</c>'
)
_INLINE = re.compile(
    r'<c (?P<attrs>[^>]*?) t="inlineStr"><is><t(?P<tattrs>[^>]*)>(?P<text>.*?)</t></is></c>',
    re.S,
)
_EMPTY_INLINE = re.compile(r'<c (?P<attrs>[^>]*?) t="inlineStr"><is><t[^>]*\s*/></is></c>')
_EMPTY_NUMBER = re.compile(r'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="n"\s*/>')


def finalize_package(
    data: bytes, cached: list[dict[str, object]], props: DocumentProperties
) -> bytes:
    """Rewrite an openpyxl package as Excel would have saved it.

    Parameters
    ----------
    data
        The .xlsx bytes written by openpyxl.
    cached
        Per sheet, in workbook order: formula cell reference -> cached value
        (``None`` leaves the formula without a cached value).
    props
        Document properties; their dates replace the save time.

    Returns
    -------
    bytes
        The new package.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    parts.pop("xl/calcChain.xml", None)
    strings: dict[str, int] = {}
    total = 0
    for index, values in enumerate(cached, start=1):
        name = f"xl/worksheets/sheet{index}.xml"
        xml = parts[name].decode("utf-8")
        xml = _FORMULA.sub(lambda m, v=values: _with_cache(m, v), xml)
        xml = _EMPTY_NUMBER.sub(r"\1/>", xml)  # styled empty cells, as Excel writes them
        xml, count = _shared_strings(xml, strings)
        total += count
        parts[name] = xml.encode("utf-8")
    if strings:
        parts["xl/sharedStrings.xml"] = _sst_xml(strings, total)
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"], bool(strings))
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = _workbook_rels(parts[rels], bool(strings))
    parts["docProps/core.xml"] = _core_dates(parts["docProps/core.xml"], props)
    return _zip(parts, props.modified)


def _with_cache(match: re.Match, values: dict[str, object]) -> str:
    value = values.get(match["ref"])
    if value is None:
        return match[0]
    attrs = match["attrs"]
    if isinstance(value, bool):
        attrs, text = attrs + ' t="b"', "1" if value else "0"
    elif isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        attrs, text = attrs + ' t="str"', escape(str(value))
    return f'<c r="{match["ref"]}"{attrs}><f>{match["f"]}</f><v>{text}</v></c>'


def _shared_strings(xml: str, strings: dict[str, int]) -> tuple[str, int]:
    count = 0

    def repl(match: re.Match) -> str:
        nonlocal count
        count += 1
        key = f"<t{match['tattrs']}>{match['text']}</t>"
        index = strings.setdefault(key, len(strings))
        return f'<c {match["attrs"]} t="s"><v>{index}</v></c>'

    xml = _EMPTY_INLINE.sub(lambda m: f"<c {m['attrs']}/>", xml)
    return _INLINE.sub(repl, xml), count


def _sst_xml(strings: dict[str, int], total: int) -> bytes:
    items = "".join(f"<si>{t}</si>" for t in strings)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{_MAIN_NS}" count="{total}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()


def _content_types(data: bytes, shared: bool) -> bytes:
    xml = re.sub(r'<Override PartName="/xl/calcChain.xml"[^>]*/>', "", data.decode("utf-8"))
    if shared and "/xl/sharedStrings.xml" not in xml:
        override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
        xml = xml.replace("</Types>", override + "</Types>")
    return xml.encode("utf-8")


def _workbook_rels(data: bytes, shared: bool) -> bytes:
    xml = re.sub(r'<Relationship [^>]*Target="[^"]*calcChain.xml"[^>]*/>', "", data.decode())
    if shared and "sharedStrings.xml" not in xml:
        ids = [int(i) for i in re.findall(r'Id="rId(\d+)"', xml)] or [0]
        rel = (
            f'<Relationship Id="rId{max(ids) + 1}" Type="{_REL_NS}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
        xml = xml.replace("</Relationships>", rel + "</Relationships>")
    return xml.encode("utf-8")


def _core_dates(data: bytes, props: DocumentProperties) -> bytes:
    xml = data.decode("utf-8")
    for tag, when in (("created", props.created), ("modified", props.modified)):
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        xml = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\2", xml)
    return xml.encode("utf-8")


def _zip(parts: dict[str, bytes], when: datetime) -> bytes:
    """A reproducible zip: fixed entry dates, [Content_Types].xml first, as Excel does."""
    order = sorted(parts, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zout.writestr(info, parts[name])
    return out.getvalue()
