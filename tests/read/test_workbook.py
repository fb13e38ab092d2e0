import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

from snppe_report.exceptions import UnreadableWorkbookError, UnsafeWorkbookError
from snppe_report.read import workbook as wbmod
from snppe_report.read.workbook import column_letter, is_grey_rgb, read_workbook


@pytest.fixture
def xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "TDB 2023"
    ws["A1"] = "Mesure"
    ws["A2"] = "Rendre obligatoire l'EPP\nObjectif n° 1"
    ws.merge_cells("A2:A4")
    ws["B2"] = 7688
    ws["B3"] = 278
    ws["B4"] = "=B3/B2"  # openpyxl writes no cached value
    ws["C4"] = 0.036
    ws["C4"].number_format = "0.0%"
    ws["D2"] = "gris"
    ws["D2"].fill = PatternFill("solid", fgColor="FFD9D9D9")
    ws["D3"] = "gris thème"
    ws["D3"].fill = PatternFill("solid", fgColor=Color(theme=0, tint=-0.15))
    ws["D4"] = "blanc"
    ws["D4"].fill = PatternFill("solid", fgColor="FFFFFFFF")
    ws.row_dimensions[3].hidden = True
    wb.create_sheet("cachée").sheet_state = "hidden"
    wb.properties.keywords = "donnees-fictives"
    path = tmp_path / "68-tdb.xlsx"
    wb.save(path)
    return path


def test_cells_merges_formats_and_fills(xlsx):
    book = read_workbook(xlsx)
    assert book.kind == "xlsx" and len(book.sha256) == 64
    sheet = book.sheets[0]
    assert sheet.name == "TDB 2023"
    assert sheet.text(3, 1) == sheet.text(2, 1) == "Rendre obligatoire l'EPP\nObjectif n° 1"
    assert sheet.anchor(4, 1) == (2, 1)
    assert sheet.cells[(4, 3)].number_format == "0.0%"
    assert sheet.cells[(4, 3)].value == pytest.approx(0.036)
    assert [sheet.cells[(r, 4)].grey for r in (2, 3, 4)] == [True, True, False]
    assert 3 in sheet.hidden_rows
    assert book.sheets[1].hidden
    assert "donnees-fictives" in book.property_texts()


def test_formula_without_cached_value_is_kept(xlsx):
    cell = read_workbook(xlsx).sheets[0].cells[(4, 2)]
    assert cell.value is None and cell.formula == "=B3/B2"
    assert cell.coord == "B4"


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("vide.xlsx", b"", "vide"),
        ("texte.xlsx", b"ceci n'est pas un classeur", "pas un classeur"),
        ("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
        (
            "chiffre.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "mot de passe",
        ),
        ("notes.csv", b"a,b\n1,2\n", "non pris en charge"),
    ],
)
def test_unreadable_inputs_name_the_file(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableWorkbookError) as info:
        read_workbook(path)
    assert fragment in str(info.value)
    assert name in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableWorkbookError, match="introuvable"):
        read_workbook(tmp_path / "absent.xlsx")


def test_truncated_archive(tmp_path, xlsx):
    data = xlsx.read_bytes()
    path = tmp_path / "tronque.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableWorkbookError, match="tronqu"):
        read_workbook(path)


def test_zip_without_workbook_part(tmp_path):
    path = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "bonjour")
    with pytest.raises(UnreadableWorkbookError, match="workbook.xml"):
        read_workbook(path)


def test_row_limit(monkeypatch, tmp_path):
    wb = openpyxl.Workbook()
    for i in range(1, 60):
        wb.active.cell(i, 1, i)
    path = tmp_path / "long.xlsx"
    wb.save(path)
    monkeypatch.setitem(wbmod.LIMITS, "sheet_rows", 50)
    with pytest.raises(UnsafeWorkbookError, match="50 lignes") as info:
        read_workbook(path)
    assert info.value.sheet == "Sheet"


@pytest.mark.parametrize(
    ("rgb", "grey"),
    [
        ("FFD9D9D9", True),
        ("BFBFBF", True),
        ("#F2F2F2", True),
        ("FFFFFFFF", False),
        ("FF000000", False),
        ("FFFF0000", False),
        ("", False),
        ("zz", False),
    ],
)
def test_is_grey_rgb(rgb, grey):
    assert is_grey_rgb(rgb) is grey


@pytest.mark.parametrize(("col", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (703, "AAA")])
def test_column_letter(col, letters):
    assert column_letter(col) == letters


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)


def test_ods_styles_inherited_from_styles_xml(tmp_path):
    """As LibreOffice writes them: a cell's automatic style (content.xml) names a
    parent style and a data style that live in styles.xml."""
    styles = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_ODS_NS}><office:styles>
<number:percentage-style style:name="N144"><number:number number:decimal-places="1"
 number:min-decimal-places="1" number:min-integer-digits="1"/><number:text>%</number:text>
</number:percentage-style>
<style:style style:name="Facultatif" style:family="table-cell">
<style:table-cell-properties fo:background-color="#d9d9d9"/></style:style>
<style:style style:name="FacultatifPct" style:family="table-cell"
 style:parent-style-name="Facultatif" style:data-style-name="N144"/>
</office:styles></office:document-styles>"""
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {_ODS_NS}><office:automatic-styles>
<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Facultatif"/>
<style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default"
 style:data-style-name="N144"/>
<style:style style:name="ce3" style:family="table-cell" style:parent-style-name="FacultatifPct">
<style:table-cell-properties fo:background-color="#ffffff"/></style:style>
<style:style style:name="ce4" style:family="table-cell" style:parent-style-name="FacultatifPct"/>
</office:automatic-styles><office:body><office:spreadsheet><table:table table:name="TDB">
<table:table-row>
<table:table-cell table:style-name="ce1" office:value-type="string"><text:p>gris</text:p>
</table:table-cell>
<table:table-cell table:style-name="ce2" office:value-type="percentage" office:value="0.0361">
<text:p>3.6%</text:p></table:table-cell>
<table:table-cell table:style-name="ce3" office:value-type="percentage" office:value="0.5">
<text:p>50.0%</text:p></table:table-cell>
<table:table-cell table:style-name="ce4" office:value-type="percentage" office:value="0.25">
<text:p>25.0%</text:p></table:table-cell>
</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"""
    path = tmp_path / "68-tdb.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("styles.xml", styles)
        zf.writestr("content.xml", content)
    cells = read_workbook(path).sheets[0].cells
    assert [cells[(1, c)].grey for c in (1, 2, 3, 4)] == [True, False, False, True]
    assert [cells[(1, c)].number_format for c in (2, 3, 4)] == ["0.0%"] * 3
    assert cells[(1, 2)].value == pytest.approx(0.0361)


def test_excel_escapes_in_strings_are_decoded(tmp_path, xlsx):
    """Excel writes a carriage return as _x000D_ in its strings; openpyxl keeps it."""
    patched = tmp_path / "68-echappe.xlsx"
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith(("sharedStrings.xml", "sheet1.xml")):
                data = data.replace(b">Mesure<", b">Mes_x000D_\nure _x005F_x000D_<")
            dst.writestr(item, data)
    assert read_workbook(patched).sheets[0].text(1, 1) == "Mes\r\nure _x000D_"


def test_strict_open_xml_is_refused_with_what_to_do(tmp_path, xlsx):
    """Excel's "Strict Open XML Spreadsheet" uses other namespaces, which openpyxl
    does not read: say so, instead of "no dashboard found"."""
    strict = tmp_path / "68-strict.xlsx"
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(strict, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data.replace(main, b"http://purl.oclc.org/ooxml/spreadsheetml/main"))
    with pytest.raises(UnreadableWorkbookError) as err:
        read_workbook(strict)
    assert "Open XML Strict" in str(err.value) and "68-strict.xlsx" in str(err.value)
    assert err.value.exit_code == 2


# --------------------------------------------------------------------------- formats

LIBREOFFICE = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice"


@pytest.mark.parametrize(
    ("suffix", "kind"),
    [(".xls", "xls"), (".xltx", "xlsx"), (".fods", "fods"), (".ods", "ods"), (".xlsx", "xlsx")],
)
def test_formats_read_from_libreoffice_fixtures(suffix, kind):
    book = read_workbook(LIBREOFFICE / f"68-haut-rhin-tdb-snppe-2023-libreoffice{suffix}")
    assert book.kind == kind
    assert book.sheets[0].name == "Tableau de bord"
    assert book.properties["title"] == "Tableau de bord SNPPE 2023"


def test_basic_macro_library_is_accepted_and_never_run(tmp_path):
    """LibreOffice writes a DOCTYPE (no entity) in each part of a Basic library."""
    path = LIBREOFFICE / "68-haut-rhin-tdb-snppe-2023-libreoffice-macro.ods"
    with zipfile.ZipFile(path) as zf:
        assert b"<!DOCTYPE" in zf.read("Basic/Standard/Module1.xml")
    assert read_workbook(path).sheets[0].name == "Tableau de bord"


def test_encrypted_ods_is_named_as_such():
    with pytest.raises(UnreadableWorkbookError, match="classeur LibreOffice chiffré"):
        read_workbook(LIBREOFFICE / "68-haut-rhin-tdb-snppe-2023-libreoffice-chiffre.ods")


@pytest.mark.parametrize(
    ("doctype", "accepted"),
    [
        ("<!DOCTYPE office:document-content>", True),
        ('<!DOCTYPE x PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "x.dtd">', True),
        ('<!DOCTYPE x SYSTEM "file:///etc/passwd">', True),  # an external DTD is never read
        ("<!DOCTYPE x [<!ELEMENT x ANY>]>", True),
        ('<!DOCTYPE x [<!ENTITY e "e">]>', False),
        ('<!DOCTYPE x [<!ENTITY % p SYSTEM "http://exemple.invalid/p"> %p;]>', False),
        ('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', False),
    ],
)
def test_doctype_accepted_entities_refused(tmp_path, doctype, accepted):
    good = LIBREOFFICE / "68-haut-rhin-tdb-snppe-2023-libreoffice.ods"
    path = tmp_path / "68-doctype.ods"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "content.xml":
                head, sep, rest = data.partition(b"?>")
                data = head + sep + doctype.encode() + rest
            dst.writestr(item, data)
    if accepted:
        assert read_workbook(path).sheets[0].name == "Tableau de bord"
    else:
        with pytest.raises(UnsafeWorkbookError, match="déclaration d'entités"):
            read_workbook(path)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("tdb.xlsb", "(.xlsb) non pris en charge"),
        ("tdb.numbers", "Apple Numbers"),
        ("tdb.csv", "« .csv » non pris en charge"),
    ],
)
def test_refused_formats_say_what_to_do(tmp_path, name, fragment):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(UnreadableWorkbookError, match=re.escape(fragment)) as info:
        read_workbook(path)
    assert "relancez" in str(info.value) or ".xlsx" in str(info.value)


def test_spreadsheet_suffixes_cover_read_and_refused_formats():
    from snppe_report.read.workbook import REFUSED, SPREADSHEET_SUFFIXES, SUFFIXES

    assert {".xls", ".xlsx", ".xlsm", ".xltx", ".ods", ".fods"} <= set(SUFFIXES)
    assert {".xlsb"} <= set(REFUSED)
    assert SPREADSHEET_SUFFIXES == set(SUFFIXES) | set(REFUSED)


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (PermissionError(13, "Permission denied"), "droits insuffisants"),
        (OSError(5, "Input/output error"), "erreur d'entrée-sortie du disque"),
        (OSError(36, "File name too long"), "erreur du système de fichiers"),
    ],
)
def test_unreadable_file_gives_a_french_cause(tmp_path, monkeypatch, error, cause):
    path = tmp_path / "68-tdb.xlsx"
    path.write_bytes(b"PK")

    def refuse(self):
        raise error

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(UnreadableWorkbookError) as info:
        read_workbook(path)
    assert str(info.value).endswith(f"lecture impossible ({cause}).")


@pytest.mark.parametrize(
    ("source", "name", "kind"),
    [
        ("68-haut-rhin-tdb-snppe-2023-libreoffice.xlsx", "68-tdb.xls", "xlsx"),
        ("68-haut-rhin-tdb-snppe-2023-libreoffice.ods", "68-tdb.xlsx", "ods"),
        ("68-haut-rhin-tdb-snppe-2023-libreoffice.xlsx", "68-tdb.ods", "xlsx"),
        ("68-haut-rhin-tdb-snppe-2023-libreoffice.xls", "68-tdb.ods", "xls"),
    ],
)
def test_content_decides_over_a_wrong_suffix(tmp_path, source, name, kind):
    path = tmp_path / name
    path.write_bytes((LIBREOFFICE / source).read_bytes())
    book = read_workbook(path)
    assert book.kind == kind and book.sheets[0].name == "Tableau de bord"


def test_xml_nested_too_deep_is_refused(monkeypatch, tmp_path):
    from snppe_report.read import ods

    def deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(ods, "read_ods", deep)
    with pytest.raises(UnsafeWorkbookError, match="imbriqué trop profondément"):
        read_workbook(LIBREOFFICE / "68-haut-rhin-tdb-snppe-2023-libreoffice.ods")
