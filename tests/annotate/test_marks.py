"""Comments and marks: one per cell, merged ranges framed whole, an existing comment kept."""

import openpyxl
from openpyxl.comments import Comment

from snppe_report.annotate.locate import Place
from snppe_report.annotate.marks import annotate_cells
from snppe_report.annotate.notes import entries
from snppe_report.read.findings import Finding

MARK = "FFC00000"


def test_cells_commented_and_marked():
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "TDB"
    ws["D5"] = 44.52
    ws["D5"].comment = Comment("Chiffre provisoire", "CD 68")
    ws["B2"] = "Objectif fusionné"
    ws.merge_cells("B2:C4")
    found = entries(
        [
            Finding("a", "erreur", "premier", "TDB!D5"),
            Finding("b", "info", "second", "TDB!D5"),
            Finding("c", "avertissement", "dans la fusion", "TDB!C3"),  # not the anchor
            Finding("d", "avertissement", "sans cellule"),
        ],
        [Place("TDB", 5, 4), Place("TDB", 5, 4), Place("TDB", 3, 3), Place("TDB", 9)],
    )
    assert annotate_cells(book, {"TDB": "TDB"}, found, "Constats") == 2
    text = ws["D5"].comment.text
    assert text.startswith("snppe-report — 2 constats sur cette cellule")
    assert text.index("premier") < text.index("second")
    assert text.endswith("Commentaire d'origine (CD 68) :\nChiffre provisoire")
    assert ws["D5"].border.top.color.rgb == MARK and ws["D5"].border.top.style == "thick"
    assert "dans la fusion" in ws["B2"].comment.text
    # the merged range is framed on its outer edges
    assert ws["C4"].border.right.color.rgb == MARK and ws["C4"].border.bottom.style == "thick"
    assert ws["B3"].border.left.style == "thick" and ws["C2"].border.top.style == "thick"
    assert ws["A9"].comment is None and ws["D9"].comment is None
