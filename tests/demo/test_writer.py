"""Round trips of the writer through openpyxl and odfpy; the example workbooks of data/."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import openpyxl
import pytest

from snppe_report.demo.writer import (
    FICTIVE_KEYWORD,
    FICTIVE_LINE,
    GREY_FILL,
    GREY_FILL_THEME,
    CellSpec,
    DashboardEntry,
    DefinitionEntry,
    DocumentProperties,
    IndicationLine,
    Number,
    Ratio,
    SheetSpec,
    WorkbookSpec,
    column_letter,
    columns_2021,
    columns_2023,
    fill_rgb,
    layout_2021,
    layout_2023,
    write_workbook,
)

from ..conftest import EXAMPLE_2021, EXAMPLE_2023, HEADER_2023, ROOT


def _build_examples():
    spec = importlib.util.spec_from_file_location(
        "build_examples", ROOT / "scripts" / "build_examples.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _entry(indicateur: str, values: dict, **kwargs) -> DashboardEntry:
    base = {"mesure": "Rendre obligatoire l'EPP", "objectif": "Atteindre 20 %", "objectif_num": 1}
    return DashboardEntry(indicateur=indicateur, values=values, **(base | kwargs))


def _dashboard_entries() -> list[DashboardEntry]:
    return [
        DashboardEntry.engagement("Engagement 1 : Agir le plus précocement possible"),
        _entry("Naissances", {"valeur_2019": Number(7688, "#,##0"), "valeur_2022": 7237}, key="n"),
        _entry("Entretiens", {"valeur_2019": 278, "valeur_2022": 700}, key="e"),
        _entry(
            "Part des femmes",
            {
                "valeur_2019": Ratio("e", "n", "0.0%"),
                "valeur_2022": Ratio("e", "n", "0%"),
                "cible_2023": Number(0.15, "0%"),
            },
        ),
        DashboardEntry.page_break(),
        _entry(
            "IP entrantes\nIP évaluées",
            {"valeur_2019": "1112\n718", "valeur_2022": "3,6%"},
            mesure="Mobiliser la société civile",
            objectif="Développer le parrainage",
            objectif_num=23,
            facultatif=True,
        ),
        _entry(
            "Sans valeur",
            {},
            mesure="Mobiliser la société civile",
            objectif="Développer le parrainage",
            objectif_num=23,
            facultatif=True,
        ),
    ]


@pytest.fixture
def xlsx_2023(tmp_path: Path) -> Path:
    spec = layout_2023(
        _dashboard_entries(),
        collectivite="Département du Haut-Rhin (68)",
        fictive=True,
        grey_fill=GREY_FILL_THEME,
        print_titles=True,
    )
    return write_workbook(spec, tmp_path / "tdb.xlsx")


def _find(ws, value):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not found")


# --- xlsx ---------------------------------------------------------------------------


def test_xlsx_formulas_have_cached_values(xlsx_2023: Path) -> None:
    values = openpyxl.load_workbook(xlsx_2023, data_only=True).active
    formulas = openpyxl.load_workbook(xlsx_2023).active
    part = _find(values, "Part des femmes").row
    naissances, entretiens = part - 2, part - 1
    assert formulas[f"D{part}"].value == f"=D{entretiens}/D{naissances}"
    assert formulas[f"E{part}"].value == f"=E{entretiens}/E{naissances}"
    assert values[f"D{part}"].value == pytest.approx(278 / 7688)
    assert values[f"E{part}"].value == pytest.approx(700 / 7237)
    assert values[f"D{part}"].number_format == "0.0%"
    assert values[f"E{part}"].number_format == "0%"
    assert values[f"F{part}"].value == 0.15 and values[f"F{part}"].number_format == "0%"
    assert values[f"D{naissances}"].value == 7688
    assert values[f"D{naissances}"].number_format == "#,##0"


def test_xlsx_formula_without_cached_value_on_purpose(tmp_path: Path) -> None:
    row = [CellSpec(2), CellSpec(formula="=A1*2"), CellSpec("x", formula='=A1&"x"')]
    row.append(CellSpec(True, formula="=A1>1"))
    path = write_workbook(WorkbookSpec([SheetSpec("F", [row])]), tmp_path / "f.xlsx")
    values = openpyxl.load_workbook(path, data_only=True).active
    formulas = openpyxl.load_workbook(path).active
    assert formulas["B1"].value == "=A1*2" and values["B1"].value is None
    assert formulas["C1"].value == '=A1&"x"' and values["C1"].value == "x"
    assert formulas["D1"].value == "=A1>1" and values["D1"].value is True


def test_xlsx_layout_2023_structure(xlsx_2023: Path) -> None:
    ws = openpyxl.load_workbook(xlsx_2023).active
    header = _find(ws, "Mesure").row
    assert [c.value for c in ws[header]] == HEADER_2023
    titles = [ws[f"A{r}"].value for r in range(1, header)]
    assert titles[2:5] == ["TABLEAU DE BORD SNPPE", "Département du Haut-Rhin (68)", FICTIVE_LINE]
    first = _find(ws, "Rendre obligatoire l'EPP\nObjectif n° 1")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"A{first.row}:A{first.row + 2}" in merged
    assert f"B{first.row}:B{first.row + 2}" in merged
    assert f"A{first.row - 1}:G{first.row - 1}" in merged  # engagement row
    # page break: blank row, manual break, header repeated
    repeated = [c.row for c in ws["A"] if c.value == "Mesure"]
    assert len(repeated) == 2
    assert [b.id for b in ws.row_breaks.brk] == [repeated[1] - 1]
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert _find(ws, "Légende").font.b


def test_xlsx_line_breaks_and_grey_fill(xlsx_2023: Path) -> None:
    ws = openpyxl.load_workbook(xlsx_2023).active
    stacked = _find(ws, "IP entrantes\nIP évaluées")
    assert ws.cell(stacked.row, 4).value == "1112\n718"
    assert ws.cell(stacked.row, 5).value == "3,6%"  # text percentage stays text
    assert stacked.alignment.wrap_text
    mesure = ws.cell(stacked.row, 1)
    assert mesure.value == "Mobiliser la société civile\nObjectif n° 23"
    for cell in (mesure, ws.cell(stacked.row, 4), ws.cell(stacked.row + 1, 3)):
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.theme == 0 and cell.fill.fgColor.tint < -0.1
    white = _find(ws, "Naissances")
    assert white.fill.fill_type is None


def test_xlsx_package_is_excel_like_and_reproducible(tmp_path: Path, xlsx_2023: Path) -> None:
    with zipfile.ZipFile(xlsx_2023) as zf:
        names = zf.namelist()
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        core = zf.read("docProps/core.xml").decode()
    assert names[0] == "[Content_Types].xml"
    assert "xl/sharedStrings.xml" in names and "xl/calcChain.xml" not in names
    assert "inlineStr" not in sheet and "<v />" not in sheet
    assert "2024-01-15T09:00:00Z" in core
    again = layout_2023(
        _dashboard_entries(),
        collectivite="Département du Haut-Rhin (68)",
        fictive=True,
        grey_fill=GREY_FILL_THEME,
        print_titles=True,
    )
    assert write_workbook(again, tmp_path / "again.xlsx").read_bytes() == xlsx_2023.read_bytes()
    props = openpyxl.load_workbook(xlsx_2023).properties
    assert FICTIVE_KEYWORD in props.keywords and props.title == "Tableau de bord SNPPE 2023"


def test_xlsx_hidden_sheet_rows_widths(tmp_path: Path) -> None:
    spec = WorkbookSpec(
        [
            SheetSpec("Visible", [[CellSpec("a")], [CellSpec("b")]], hidden_rows=[2]),
            SheetSpec("Cachée", [[CellSpec("c")]], hidden=True, column_widths=[40, 12]),
        ],
        DocumentProperties(title="T", creator="moi"),
    )
    wb = openpyxl.load_workbook(write_workbook(spec, tmp_path / "h.xlsx"))
    assert wb["Visible"].row_dimensions[2].hidden
    assert wb["Cachée"].sheet_state == "hidden"
    assert wb["Cachée"].column_dimensions["A"].width == 40
    assert wb.properties.creator == "moi"


def test_layout_2021_sheets_and_two_row_header(tmp_path: Path) -> None:
    entries = [
        DashboardEntry.engagement("Engagement 1 : Agir"),
        DashboardEntry(
            mesure="Renforcer les CRIP",
            objectif="Renforcer les moyens",
            indicateur="Nombre d'IP entrantes\nTaux d'IP évalués sous 3 mois",
            values={"valeur_2019": "1112\n1,30 %", "cible_2021": Number(0.2, "0.00%")},
        ),
        DashboardEntry.blank(),
        DashboardEntry(mesure="Mobiliser", objectif="Parrainage", facultatif=True),
    ]
    definitions = [
        DefinitionEntry("<p>EPP</p>", "<p>20 %</p>", "<p>Nombre</p>", "<p>Source</p>", "<p>h</p>"),
        DefinitionEntry("<p>EPP</p>", "<p>20 %</p>", "<p>Part</p>", "<p>Numérateur</p>"),
        DefinitionEntry(engagement="Engagement 2 : Sécuriser"),
    ]
    indications = ["", IndicationLine("INDICATIONS", bold=True), "- Ne pas modifier"]
    spec = layout_2021(
        entries, definitions=definitions, indications=indications, grey_fill=GREY_FILL
    )
    wb = openpyxl.load_workbook(write_workbook(spec, tmp_path / "t.xlsx"), data_only=True)
    assert wb.sheetnames == ["indications", "définitions", "tableau de bord"]
    assert wb["indications"]["A2"].value == "INDICATIONS" and wb["indications"]["A2"].font.b
    defs = wb["définitions"]
    assert defs["A3"].value == "Mesure" and defs["E3"].value == "Accès aux données publiques"
    assert {"A4:A5", "B4:B5", "A6:E6"} <= {str(r) for r in defs.merged_cells.ranges}
    ws = wb["tableau de bord"]
    assert [c.value for c in ws[1]] == [
        "Mesure",
        "Objectif",
        "Indicateur",
        "Niveau des indicateurs en 2019",
        "Niveau des indicateurs en 2020",
        "Niveau des indicateurs en 2021",
        "Cibles",
        None,
        None,
    ]
    assert [c.value for c in ws[2]][6:] == ["2020\n(rappel)", "2021", "2022"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:A2", "F1:F2", "G1:I1", "A3:I3"} <= merged
    assert ws["D4"].value == "1112\n1,30 %"
    assert ws["H4"].value == 0.2 and ws["H4"].number_format == "0.00%"
    assert all(c.value is None for c in ws[5])
    assert ws["A6"].fill.fgColor.rgb == "FF" + GREY_FILL


def test_columns_follow_the_campaign_year() -> None:
    assert [k for k, _ in columns_2023(2024)] == [
        "valeur_2019",
        "valeur_2023",
        "cible_2024",
        "atteinte_2024",
    ]
    assert [k for k, _ in columns_2021()] == [
        "valeur_2019",
        "valeur_2020",
        "valeur_2021",
        "cible_2020",
        "cible_2021",
        "cible_2022",
    ]


def test_header_every_breaks_between_blocks_only() -> None:
    entries = [
        _entry(f"I{i}", {}, objectif=f"O{i // 3}", objectif_num=i // 3 + 1) for i in range(9)
    ]
    sheet = layout_2023(entries, header_every=3, legend=()).sheets[0]
    headers = [i for i, row in enumerate(sheet.rows, 1) if row[0] and row[0].value == "Mesure"]
    assert len(headers) == 3
    assert sheet.page_breaks == tuple(headers[1:])
    for merge in sheet.merges:  # no merged block crosses a repeated header
        first, last = (int(part[1:]) for part in merge.split(":"))
        assert not any(first < h <= last for h in headers)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: layout_2023([_entry("x", {"cible_2030": 1})]), "unknown column keys"),
        (lambda: layout_2023([_entry("x", {"valeur_2019": Ratio("a", "b")})]), "unknown row key"),
        (
            lambda: layout_2023([_entry("x", {}, key="k"), _entry("y", {}, key="k")]),
            "duplicate row key",
        ),
        (
            lambda: layout_2023(
                [_entry("x", {"valeur_2019": "ND"}, key="k"), _entry("y", {"valeur_2019": 1})]
                + [_entry("z", {"valeur_2019": Ratio("k", "k")})]
            ),
            "no numbers",
        ),
    ],
)
def test_layout_errors(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_write_workbook_errors(tmp_path: Path) -> None:
    sheet = SheetSpec("A", [[CellSpec(1)]])
    with pytest.raises(ValueError, match="unsupported"):
        write_workbook(WorkbookSpec([sheet]), tmp_path / "a.csv")
    with pytest.raises(ValueError, match="unique"):
        write_workbook(WorkbookSpec([sheet, sheet]), tmp_path / "a.xlsx")


@pytest.mark.parametrize(
    ("fill", "rgb"),
    [
        ("D9D9D9", "D9D9D9"),
        ("#bfbfbf", "BFBFBF"),
        (GREY_FILL_THEME, "D9D9D9"),
        ("theme:1:0.5", "80"),
    ],
)
def test_fill_rgb(fill: str, rgb: str) -> None:
    assert fill_rgb(fill).startswith(rgb)


@pytest.mark.parametrize(
    ("col", "letters"), [(1, "A"), (7, "G"), (26, "Z"), (27, "AA"), (703, "AAA")]
)
def test_column_letter(col: int, letters: str) -> None:
    assert column_letter(col) == letters


# --- ods ----------------------------------------------------------------------------


def _ods_cells(path: Path):
    from odf import table, text
    from odf.namespaces import TABLENS
    from odf.opendocument import load

    doc = load(str(path))
    styles = {}
    for st in doc.automaticstyles.childNodes:
        props = [p for p in st.childNodes if p.qname[1] == "table-cell-properties"]
        if props:
            styles[st.getAttribute("name")] = props[0].getAttribute("backgroundcolor")
    sheets = {}
    for tbl in doc.spreadsheet.getElementsByType(table.Table):
        rows = []
        for tr in tbl.getElementsByType(table.TableRow):
            cells = []
            for cell in tr.childNodes:
                if cell.qname == (TABLENS, "covered-table-cell"):
                    cells.append("covered")
                    continue
                paragraphs = [
                    "".join(str(n) for n in p.childNodes) for p in cell.getElementsByType(text.P)
                ]
                cells.append(
                    {
                        "type": cell.getAttribute("valuetype"),
                        "value": cell.getAttribute("value"),
                        "formula": cell.getAttribute("formula"),
                        "rows": cell.getAttribute("numberrowsspanned"),
                        "cols": cell.getAttribute("numbercolumnsspanned"),
                        "paragraphs": paragraphs,
                        "fill": styles.get(cell.getAttribute("stylename")),
                    }
                )
            rows.append(cells)
        sheets[tbl.getAttribute("name")] = rows
    return doc, sheets


def test_ods_round_trip(tmp_path: Path) -> None:
    spec = layout_2023(_dashboard_entries(), fictive=True, print_titles=True)
    doc, sheets = _ods_cells(write_workbook(spec, tmp_path / "tdb.ods"))
    rows = sheets["Tableau de bord"]
    header = next(
        i
        for i, r in enumerate(rows)
        if r and r[0] != "covered" and r[0]["paragraphs"] == ["Mesure"]
    )
    assert [c["paragraphs"][0] for c in rows[header]] == HEADER_2023
    first = rows[header + 2]  # after the engagement row
    assert first[0]["paragraphs"] == ["Rendre obligatoire l'EPP", "Objectif n° 1"]
    assert (first[0]["rows"], first[1]["rows"]) == ("3", "3")
    assert rows[header + 3][0] == "covered" and rows[header + 3][1] == "covered"
    engagement = rows[header + 1]
    assert engagement[0]["cols"] == "7" and engagement[1:] == ["covered"] * 6
    assert first[3]["type"] == "float" and first[3]["value"] == "7688"
    part = rows[header + 4]
    assert part[3]["type"] == "percentage" and part[3]["formula"] == "of:=[.D9]/[.D8]"
    assert float(part[3]["value"]) == pytest.approx(278 / 7688)
    assert part[3]["paragraphs"] == ["3,6\u00a0%"]
    assert part[5]["type"] == "percentage" and part[5]["value"] == "0.15"
    stacked = next(
        r
        for r in rows
        if len(r) > 2 and r[2] != "covered" and r[2]["paragraphs"][:1] == ["IP entrantes"]
    )
    assert stacked[2]["paragraphs"] == ["IP entrantes", "IP évaluées"]
    assert stacked[3]["type"] == "string" and stacked[3]["paragraphs"] == ["1112", "718"]
    assert stacked[3]["fill"] == "#d9d9d9"
    assert first[3]["fill"] is None
    keywords = [str(k) for k in doc.meta.childNodes if k.qname[1] == "keyword"]
    assert FICTIVE_KEYWORD in keywords


def test_ods_formula_without_cache_and_hidden(tmp_path: Path) -> None:
    spec = WorkbookSpec(
        [
            SheetSpec(
                "A", [[CellSpec(2), CellSpec(formula="=A1*2")], [CellSpec("x")]], hidden_rows=[2]
            ),
            SheetSpec("B", [[CellSpec("y")]], hidden=True),
        ]
    )
    path = write_workbook(spec, tmp_path / "f.ods")
    _, sheets = _ods_cells(path)
    cell = sheets["A"][0][1]
    assert cell["formula"] == "of:=[.A1]*2" and cell["value"] is None and cell["type"] is None
    content = zipfile.ZipFile(path).read("content.xml").decode()
    assert 'table:visibility="collapse"' in content and 'table:display="false"' in content


# --- the example workbooks of data/ -------------------------------------------------------


def _content(path: Path) -> dict:
    out = {}
    for data_only in (False, True):
        wb = openpyxl.load_workbook(path, data_only=data_only)
        for ws in wb.worksheets:
            cells = {
                c.coordinate: (c.value, c.number_format, c.fill.fill_type, c.font.b)
                for row in ws.iter_rows()
                for c in row
                if c.value is not None or c.fill.fill_type
            }
            merges = sorted(str(r) for r in ws.merged_cells.ranges)
            out[(ws.title, data_only)] = (cells, merges)
    return out


def test_examples_are_up_to_date(tmp_path: Path) -> None:
    built = _build_examples().build(tmp_path, ods_dir=tmp_path / "ods")
    assert {p.name for p in built} == {
        EXAMPLE_2023.name,
        EXAMPLE_2021.name,
        EXAMPLE_2023.with_suffix(".ods").name,
        EXAMPLE_2021.with_suffix(".ods").name,
    }
    for example in (EXAMPLE_2023, EXAMPLE_2021):
        assert _content(tmp_path / example.name) == _content(example), (
            f"{example.name} is out of date: run python scripts/build_examples.py"
        )


def test_example_2023_holds_formulas_with_cached_values() -> None:
    values = openpyxl.load_workbook(EXAMPLE_2023, data_only=True).active
    formulas = openpyxl.load_workbook(EXAMPLE_2023).active
    found = {
        c.coordinate: (c.value, values[c.coordinate].value, c.number_format)
        for row in formulas.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    }
    shown = {round(v, 4): fmt for _, v, fmt in found.values()}
    assert shown == {
        0.0362: "0.0%",
        0.0967: "0%",
        0.0304: "0.00%",
        0.0448: "0.00%",
        0.0517: "0.0%",
        0.0461: "0.0%",
    }
    assert [c.value for c in values[5]] == HEADER_2023
    assert values["A3"].value == "TABLEAU DE BORD SNPPE"
    assert _find(values, "44,52%").data_type == "s"


def test_example_2021_sheets() -> None:
    wb = openpyxl.load_workbook(EXAMPLE_2021)
    assert wb.sheetnames == ["indications", "définitions", "tableau de bord"]
    ws = wb["tableau de bord"]
    assert ws["G1"].value == "Cibles" and ws["G2"].value == "2020\n(rappel)"
    crip = _find(ws, "Renforcer les CRIP")
    assert ws.cell(crip.row, 4).value == "1112\n718\n9\n1,30 %"
    assert _find(wb["définitions"], "DEFINITION ET SOURCES DES PRINCIPAUX INDICATEURS HARMONISES")
    grey = _find(ws, "Mobiliser la société civile")
    assert grey.fill.fgColor.rgb == "FF" + GREY_FILL


@pytest.mark.parametrize(
    ("shown", "value", "fmt"),
    [
        ("7 688", 7688, "#,##0"),
        ("1149", 1149, None),
        ("15%", 0.15, "0%"),
        ("3,6%", 0.036, "0.0%"),
        ("20,00 %", 0.2, "0.00%"),
        ("0,30", 0.3, "0.00"),
        ("2\u00a0550", 2550, "#,##0"),
    ],
)
def test_parse_nombre(shown: str, value: float, fmt: str | None) -> None:
    number = _build_examples().parse_nombre(shown)
    assert number == Number(value, fmt)


def test_ratio_must_match_the_source_text(tmp_path: Path) -> None:
    source = (ROOT / "data" / "sources" / "seed000_2023.yaml").read_text(encoding="utf-8")
    bad = source.replace("epp / naissances = 3,6%", "epp / naissances = 3,7%")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ValueError, match="3,7%"):
        _build_examples().load_source(tmp_path / "bad.yaml")
