"""What a copy cannot keep, named from the original's parts."""

import pytest

from snppe_report.annotate.inventory import dropped_on_load, lost_parts, rebuilt_notes

KEPT = [
    "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml",
    "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/comments1.xml",
    "xl/drawings/vmlDrawing1.vml", "docProps/core.xml", "xl/theme/theme1.xml",
]  # fmt: skip


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([], []),
        (KEPT, []),
        (["xl/vbaProject.bin"], ["macros VBA (jamais exécutées) : 1"]),
        (
            ["xl/externalLinks/externalLink1.xml", "xl/externalLinks/externalLink2.xml",
             "xl/externalLinks/_rels/externalLink1.xml.rels"],
            ["liaisons vers d'autres classeurs : 2"],
        ),
        (
            ["xl/media/image1.png", "xl/media/image2.jpeg", "xl/charts/chart1.xml",
             "xl/charts/style1.xml", "xl/drawings/drawing1.xml",
             "xl/drawings/_rels/drawing1.xml.rels"],
            ["images : 2", "graphiques : 1", "dessins (formes, zones de texte) : 1"],
        ),
        (["xl/pivotTables/pivotTable1.xml", "xl/ctrlProps/ctrlProp1.xml"],
         ["contrôles de formulaire : 1", "tableaux croisés dynamiques : 1"]),
    ],
)  # fmt: skip
def test_lost_parts(parts, expected):
    assert lost_parts(parts) == expected


def test_rebuilt_notes_say_the_copy_is_converted_and_what_it_loses():
    first, second = rebuilt_notes("ods", ".ods")
    assert first.startswith("Classeur .ods converti en .xlsx")
    assert "formules" in second and "largeurs de colonnes" in second


def test_what_openpyxl_drops_is_named_in_french():
    messages = [
        "Data Validation extension is not supported and will be removed",
        "Data Validation extension is not supported and will be removed",
        "DrawingML support is incomplete and limited to charts and images only. Shapes and "
        "drawings will be lost.",
        "Unknown extension is not supported and will be removed",
        "Something new in a later openpyxl",
    ]
    assert dropped_on_load(messages) == [
        "listes de validation étendues : 2",
        "autres éléments non reconnus à la lecture : 2",
    ]
    assert dropped_on_load([]) == []
