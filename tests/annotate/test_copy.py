"""The copy: what openpyxl keeps, what is removed and said, what a rebuilt copy holds."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.image import Image
from PIL import Image as PILImage

from snppe_report.annotate import annotate_file
from snppe_report.annotate.copy import copy_workbook, set_text
from snppe_report.read.cells import Cell, Sheet, Workbook

from ..make_bad_inputs import _dashboard


def _with_picture_and_chart(wb, ws) -> None:
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, min_row=5, max_row=7))
    ws.add_chart(chart, "H2")
    png = io.BytesIO()
    PILImage.new("RGB", (4, 4), "red").save(png, format="PNG")
    png.seek(0)
    ws.add_image(Image(png), "H20")


def test_pictures_and_charts_are_not_carried_and_are_listed(tmp_path):
    path = _dashboard(tmp_path / "68-images.xlsx", edit=_with_picture_and_chart)
    written = annotate_file(path, tmp_path / "out")
    with zipfile.ZipFile(written.path) as archive:
        names = archive.namelist()
    assert not any(n.startswith(("xl/media/", "xl/charts/", "xl/drawings/drawing")) for n in names)
    texts = [c.value for row in openpyxl.load_workbook(written.path)["Constats"].iter_rows()
             for c in row if c.value]  # fmt: skip
    lost = next(t for t in texts if str(t).startswith("Non repris dans la copie"))
    assert "images : 1" in lost and "graphiques : 1" in lost


@pytest.mark.parametrize("text", ["=1+1", "+33", "-2", "@A1", "=cmd|' /C calc'!A0"])
def test_set_text_never_makes_a_formula(text):
    cell = openpyxl.Workbook().active["A1"]
    set_text(cell, text)
    assert (cell.value, cell.data_type) == (text, "s")


def test_set_text_drops_control_characters():
    cell = openpyxl.Workbook().active["A1"]
    set_text(cell, "a\x0bb\x01c\nd")
    assert cell.value == "a b c\nd"


def test_rebuilt_copy_of_read_cells():
    """Any format the reader reads becomes an xlsx from its cells (here a made-up one)."""
    cells = {
        (1, 1): Cell(1, 1, "Titre"),
        (2, 1): Cell(2, 1, 0.036, "0.0%"),
        (2, 2): Cell(2, 2, 7688, "General", grey=True),
        (3, 1): Cell(3, 1, dt.datetime(2022, 9, 1)),
        (3, 2): Cell(3, 2, True),
        (4, 1): Cell(4, 1, None, formula="of:=[.A2]*2"),
        (5, 1): Cell(5, 1, '=HYPERLINK("x")'),
    }
    sheet = Sheet("Tableau", cells, merged=[(1, 1, 1, 3)], hidden_rows=frozenset({3}),
                  hidden_cols=frozenset({2}))  # fmt: skip
    hidden = Sheet("Cachée", {(1, 1): Cell(1, 1, "x")}, hidden=True)
    workbook = Workbook(path=None, sha256="", sheets=[sheet, hidden], properties={}, kind="xls")
    copy = copy_workbook(b"", workbook)
    ws = copy.book["Tableau"]
    assert copy.sheets == {"Tableau": "Tableau", "Cachée": "Cachée"}
    assert (ws["A2"].value, ws["A2"].number_format) == (0.036, "0.0%")
    assert ws["B2"].fill.fgColor.rgb == "FFD9D9D9" and ws["A2"].fill.fill_type is None
    assert ws["A3"].value == dt.datetime(2022, 9, 1) and ws["A3"].is_date
    assert ws["B3"].value is True
    assert (ws["A4"].value, ws["A4"].data_type) == ("of:=[.A2]*2", "s")  # never evaluated
    assert (ws["A5"].value, ws["A5"].data_type) == ('=HYPERLINK("x")', "s")
    assert [str(m) for m in ws.merged_cells.ranges] == ["A1:C1"]
    assert ws.row_dimensions[3].hidden and ws.column_dimensions["B"].hidden
    assert copy.book["Cachée"].sheet_state == "hidden"


def test_a_template_content_type_gives_a_plain_workbook(tmp_path):
    """A workbook part typed as a template (.xltx) would make Excel refuse an .xlsx."""
    from ..conftest import EXAMPLE_2023

    with zipfile.ZipFile(EXAMPLE_2023) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"spreadsheetml.template.main+xml"
    )
    path = tmp_path / "68-modele.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    written = annotate_file(path, tmp_path / "out")
    with zipfile.ZipFile(written.path) as archive:
        types = archive.read("[Content_Types].xml").decode()
    assert "template" not in types and "spreadsheetml.sheet.main+xml" in types


def test_rebuilt_columns_get_widths_from_their_content():
    cells = {
        (1, 1): Cell(1, 1, "court"),
        (2, 1): Cell(2, 1, "une ligne\nbien plus longue ici"),
        (1, 2): Cell(1, 2, "x" * 300),
        (3, 3): Cell(3, 3, "fusionnée sur trois colonnes"),
    }
    sheet = Sheet("F", cells, merged=[(3, 3, 3, 5)])  # fmt: skip
    copy = copy_workbook(b"", Workbook(None, "", [sheet], {}, "ods"))
    dims = copy.book["F"].column_dimensions
    assert (dims["A"].width, dims["B"].width) == (len("bien plus longue ici") + 2, 50)
    assert "C" not in dims  # a merged cell does not widen its first column


def test_words_formatted_inside_a_text_keep_their_format(tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    def edit(wb, ws):
        ws["C5"] = CellRichText(["Nombre d'", TextBlock(InlineFont(b=True), "EPP"), " par la PMI"])

    path = _dashboard(tmp_path / "68-riche.xlsx", edit=edit)
    written = annotate_file(path, tmp_path / "out")
    value = openpyxl.load_workbook(written.path, rich_text=True)["Tableau de bord"]["C5"].value
    assert isinstance(value, CellRichText) and str(value) == "Nombre d'EPP par la PMI"
    assert [getattr(part, "font", None) and part.font.b for part in value] == [None, True, None]
