"""Write a :class:`~snppe_report.demo.writer.WorkbookSpec` as .ods with odfpy, as LibreOffice does.

Merged ranges are ``number-columns-spanned`` / ``number-rows-spanned`` on the anchor and
``covered-table-cell`` elements on the covered positions; numbers are ``float`` or
``percentage`` cells (with a percentage data style) that also carry their displayed text;
a line break in a cell is several ``text:p``; formulas are written in OpenFormula with
their cached value; print title rows are ``table:table-header-rows``; manual page breaks
are row styles with ``fo:break-before="page"``.
"""

from __future__ import annotations

import re
from pathlib import Path

from snppe_report.demo.spec import CellSpec, SheetSpec, WorkbookSpec, fill_rgb

_REF = re.compile(r"(?<![\w.])(\$?[A-Z]{1,3}\$?[0-9]+)(?::(\$?[A-Z]{1,3}\$?[0-9]+))?(?![\w(])")
_STRING = re.compile(r'("[^"]*")')


def write_ods(spec: WorkbookSpec, path: Path) -> None:
    """Write ``spec`` to ``path`` as an OpenDocument spreadsheet."""
    from odf.opendocument import OpenDocumentSpreadsheet

    doc = OpenDocumentSpreadsheet()
    styles = _OdsStyles(doc)
    _meta(doc, spec)
    for sheet in spec.sheets:
        doc.spreadsheet.addElement(_table(sheet, styles))
    doc.save(str(path))


def _meta(doc, spec: WorkbookSpec) -> None:
    from odf import dc, meta

    props = spec.properties
    stamp = props.created.strftime("%Y-%m-%dT%H:%M:%S")
    doc.meta.addElement(dc.Title(text=props.title))
    doc.meta.addElement(dc.Subject(text=props.subject))
    doc.meta.addElement(dc.Description(text=props.description))
    for keyword in (k.strip() for k in props.keywords.split(";")):
        if keyword:
            doc.meta.addElement(meta.Keyword(text=keyword))
    doc.meta.addElement(meta.InitialCreator(text=props.creator))
    doc.meta.addElement(dc.Creator(text=props.creator))
    doc.meta.addElement(meta.CreationDate(text=stamp))
    doc.meta.addElement(dc.Date(text=props.modified.strftime("%Y-%m-%dT%H:%M:%S")))


class _OdsStyles:
    """Automatic styles of the document, created on demand and shared."""

    def __init__(self, doc) -> None:
        from odf import style

        self.doc, self.style = doc, style
        self._cells: dict[tuple, str] = {}
        self._data: dict[str, str] = {}
        self._columns: dict[float, str] = {}
        layout = style.PageLayout(name="pm1")
        layout.addElement(
            style.PageLayoutProperties(
                printorientation="landscape", pagewidth="29.7cm", pageheight="21cm"
            )
        )
        doc.automaticstyles.addElement(layout)
        doc.masterstyles.addElement(style.MasterPage(name="Default", pagelayoutname=layout))
        self.table = self._add("ta1", "table", style.TableProperties(display="true"))
        self.table_hidden = self._add("ta2", "table", style.TableProperties(display="false"))
        self.page_break = self._add(
            "ro1", "table-row", style.TableRowProperties(breakbefore="page")
        )

    def _add(self, name: str, family: str, *props, **attrs) -> str:
        extra = {"masterpagename": "Default"} if family == "table" else {}
        st = self.style.Style(name=name, family=family, **extra, **attrs)
        for prop in props:
            st.addElement(prop)
        self.doc.automaticstyles.addElement(st)
        return name

    def column(self, width: float) -> str:
        if width not in self._columns:
            cm = f"{width * 0.2:.2f}cm"  # one character of Calibri 11 is about 2 mm
            name = f"co{len(self._columns) + 1}"
            self._columns[width] = self._add(
                name, "table-column", self.style.TableColumnProperties(columnwidth=cm)
            )
        return self._columns[width]

    def cell(self, spec: CellSpec) -> str:
        key = (spec.bold, spec.italic, spec.fill, spec.align, spec.border, spec.number_format)
        if key not in self._cells:
            st = self.style
            cell_props = {"wrapoption": "wrap", "verticalalign": "top"}
            if spec.fill:
                cell_props["backgroundcolor"] = "#" + fill_rgb(spec.fill).lower()
            if spec.border:
                cell_props["border"] = "0.06pt solid #000000"
            props = [st.TableCellProperties(**cell_props)]
            if spec.bold or spec.italic:
                text = {"fontweight": "bold"} if spec.bold else {}
                text |= {"fontstyle": "italic"} if spec.italic else {}
                props.append(st.TextProperties(**text))
            if spec.align:
                props.append(st.ParagraphProperties(textalign=_ALIGN.get(spec.align, "start")))
            data = self._data_style(spec.number_format)
            attrs = {"datastylename": data} if data else {}
            name = f"ce{len(self._cells) + 1}"
            self._cells[key] = self._add(name, "table-cell", *props, **attrs)
        return self._cells[key]

    def _data_style(self, fmt: str | None) -> str | None:
        if not fmt or fmt == "General":
            return None
        if fmt not in self._data:
            from odf import number

            name = f"N{len(self._data) + 1}"
            decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
            if "%" in fmt:
                st = number.PercentageStyle(name=name)
                st.addElement(number.Number(decimalplaces=decimals, minintegerdigits=1))
                st.addElement(number.Text(text="\u00a0%"))
            else:
                st = number.NumberStyle(name=name)
                grouping = "true" if "," in fmt.split(".")[0] else "false"
                st.addElement(
                    number.Number(decimalplaces=decimals, minintegerdigits=1, grouping=grouping)
                )
            self.doc.automaticstyles.addElement(st)
            self._data[fmt] = name
        return self._data[fmt]


_ALIGN = {"center": "center", "left": "start", "right": "end", "justify": "justify"}


def _table(sheet: SheetSpec, styles: _OdsStyles):
    from odf import table

    style = styles.table_hidden if sheet.hidden else styles.table
    tbl = table.Table(name=sheet.name, stylename=style)
    width = max([len(r) for r in sheet.rows] + [len(sheet.column_widths), 1])
    for c in range(width):
        w = sheet.column_widths[c] if c < len(sheet.column_widths) else 10
        tbl.addElement(table.TableColumn(stylename=styles.column(w)))
    spans, covered = _merges(sheet.merges)
    first, last = _title_rows(sheet.print_title_rows)
    header_group = None
    for r, row in enumerate(sheet.rows, start=1):
        attrs = {}
        if r in sheet.page_breaks:
            attrs["stylename"] = styles.page_break
        if r in sheet.hidden_rows:
            attrs["visibility"] = "collapse"
        tr = table.TableRow(**attrs)
        for c in range(1, len(row) + 1):
            spec = row[c - 1]
            if (r, c) in covered:
                cell = table.CoveredTableCell()
            else:
                cell = _cell(spec, styles, spans.get((r, c)))
            tr.addElement(cell)
        if first <= r <= last:
            if header_group is None:
                header_group = table.TableHeaderRows()
                tbl.addElement(header_group)
            header_group.addElement(tr)
        else:
            tbl.addElement(tr)
    return tbl


def _title_rows(rows: str | None) -> tuple[int, int]:
    if not rows:
        return 0, -1
    first, _, last = rows.partition(":")
    return int(first), int(last or first)


def _merges(merges) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """Anchor -> (rows, columns) spanned, and the covered positions, of A1 ranges."""
    spans, covered = {}, set()
    for rng in merges:
        (top, left), (bottom, right) = (_position(part) for part in rng.split(":"))
        spans[(top, left)] = (bottom - top + 1, right - left + 1)
        covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        covered.discard((top, left))
    return spans, covered


def _position(ref: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)([0-9]+)", ref).groups()
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    return int(digits), col


def _cell(spec: CellSpec | None, styles: _OdsStyles, span: tuple[int, int] | None):
    from odf import table, teletype, text

    attrs: dict[str, object] = {}
    if span:
        attrs["numberrowsspanned"], attrs["numbercolumnsspanned"] = span
    if spec is None:
        return table.TableCell(**attrs)
    attrs["stylename"] = styles.cell(spec)
    value = spec.value
    if spec.formula:
        attrs["formula"] = to_openformula(spec.formula)
    if isinstance(value, bool):
        attrs |= {"valuetype": "boolean", "booleanvalue": "true" if value else "false"}
        shown = "VRAI" if value else "FAUX"
    elif isinstance(value, int | float):
        percent = "%" in (spec.number_format or "")
        attrs |= {"valuetype": "percentage" if percent else "float", "value": value}
        shown = display_number(value, spec.number_format)
    elif value is None or value == "":
        shown = ""
    else:
        attrs["valuetype"] = "string"
        shown = str(value)
    cell = table.TableCell(**attrs)
    if shown:
        for line in shown.split("\n"):
            p = text.P()
            teletype.addTextToElement(p, line)
            cell.addElement(p)
    return cell


def display_number(value: float, fmt: str | None) -> str:
    """The text LibreOffice (French locale) shows for ``value`` in format ``fmt``."""
    fmt = fmt or "General"
    decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
    if "%" in fmt:
        return f"{value * 100:.{decimals}f}".replace(".", ",") + "\u00a0%"
    if fmt == "General":
        return (f"{value:.10g}" if isinstance(value, float) else str(value)).replace(".", ",")
    shown = f"{value:,.{decimals}f}" if "," in fmt else f"{value:.{decimals}f}"
    return shown.replace(",", "\u00a0").replace(".", ",")


def to_openformula(formula: str) -> str:
    """``=D9/D8`` -> ``of:=[.D9]/[.D8]`` (references and ranges of the same sheet)."""
    body = formula[1:] if formula.startswith("=") else formula
    parts = _STRING.split(body)
    for i in range(0, len(parts), 2):  # outside string literals
        parts[i] = _REF.sub(lambda m: f"[.{m[1]}:.{m[2]}]" if m[2] else f"[.{m[1]}]", parts[i])
    return "of:=" + "".join(parts)
