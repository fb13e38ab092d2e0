"""Write the corpus of broken, odd and hostile workbooks used by ``test_bad_inputs.py``.

Usage::

    python tests/make_bad_inputs.py DIR        # writes every file into DIR

or, from the tests, ``build_corpus(dir) -> {name: path}``. Every file is a real one
of its kind, built here in well under a second in all (the 5 GiB zip bomb is a 5 MB
file: its deflate stream is written block by block, never inflated):

* not a workbook, empty, truncated zip, zip without workbook part, damaged, encrypted,
  huge or web-exported ``.xls``, ``.xlsb``, parts openpyxl cannot read,
  encrypted (an OLE2 compound file holding ``EncryptionInfo`` and
  ``EncryptedPackage`` streams, as Excel writes a password-protected workbook);
* XML entity expansion ("billion laughs") in the shared strings, in a sheet and in
  an ``.ods``; an external entity (XXE) pointing at ``/etc/passwd``;
* zip bombs: a part declaring 5 GiB, a part lying about its size, an ``.ods`` whose
  rows and cells are "repeated" a million times, a sheet with 1.5 million cells;
* no dashboard sheet, a dashboard without year columns, 100 000 rows;
* accepted oddities: formulas without cached value, external links, macros
  (``.xlsm``), hidden sheets/rows/columns, dates and booleans in value cells, HTML
  and JavaScript in text cells, file names with spaces, accents and quotes, titles
  and codes that try to lead out of the output folder.

Only the standard library and openpyxl are used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["build_corpus", "GOOD", "TITLE"]

TITLE = "Tableau de bord SNPPE 2023 — Département du Haut-Rhin (68)"
HEADER = [
    "Mesure",
    "Objectif",
    "Indicateur",
    "Niveau des indicateurs en 2019 (diagnostic)",
    "Niveau des indicateurs en 2022",
    "Niveau cible de l'objectif en 2023",
]
ROWS = [
    ["Engagement 1 : Agir le plus précocement possible", None, None, None, None, None],
    [
        "Rendre obligatoire l'EPP",
        "Objectif n° 1 : systématiser l'EPP",
        "Nombre d'EPP réalisés par la PMI",
        278,
        312,
        400,
    ],
    [None, None, "Nombre de naissances vivantes", 7688, 7500, None],
    [None, None, "Part des femmes enceintes ayant bénéficié d'un EPP", "3,6%", 0.0416, "20 %"],
    [
        "Renforcer la CRIP",
        "Objectif n° 8 : évaluer les IP en moins de 3 mois",
        "Taux d'IP évaluées en moins de 3 mois",
        "44,52%",
        "ND",
        "SO",
    ],
]
GOOD = "68-haut-rhin-bon.xlsx"

_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCREL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


# --- workbooks written by openpyxl ------------------------------------------------
def _dashboard(
    path: Path,
    *,
    title: str = TITLE,
    rows=None,
    header=None,
    edit=None,
    sheet: str = "Tableau de bord",
) -> Path:
    """A small valid dashboard (title, header on row 3, ROWS); ``edit(wb, ws)`` tweaks it."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = title
    for c, text in enumerate(header or HEADER, start=1):
        ws.cell(3, c, text)
    for r, row in enumerate(rows or ROWS, start=4):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    ws["E7"].number_format = "0.0%"
    if edit is not None:
        edit(wb, ws)
    wb.save(path)
    return path


def _hidden(wb, ws) -> None:
    ws.row_dimensions[6].hidden = True  # "Nombre de naissances vivantes": still data
    ws.column_dimensions["E"].hidden = True  # the 2022 values
    old = wb.create_sheet("Ancien tableau")
    old["A1"] = "Version 2021, conservée pour mémoire"
    old.sheet_state = "hidden"
    wb.create_sheet("Très cachée").sheet_state = "veryHidden"


def _dates_booleans(wb, ws) -> None:
    ws["E5"] = dt.datetime(2022, 9, 1)
    ws["E5"].number_format = "dd/mm/yyyy"
    ws["F5"] = True
    ws["E6"] = dt.time(9, 30)
    ws["F6"] = False


HOSTILE_TEXTS = {
    "A1": TITLE + '<script>alert("titre")</script>',
    "C5": "Nombre d'EPP <script>alert(document.cookie)</script><img src=x onerror=alert(1)>"
    '" onmouseover="alert(2)',  # breaks out of an attribute (alt, title) if not escaped
    "D8": '<a href="javascript:alert(1)">44,52%</a>',
    "F5": '400 <iframe src="https://exemple.invalid/"></iframe>',
    "F6": "=cmd|' /C calc'!A0",  # a text that a spreadsheet would run as a formula
    "B5": "<p>Objectif n° 1 : <i>systématiser</i> l'EPP</p><style>body{display:none}</style>",
}


def _html_js(wb, ws) -> None:
    for ref, text in HOSTILE_TEXTS.items():
        ws[ref] = text
        ws[ref].data_type = "s"  # keep "=cmd|..." a text, as a user would have typed it


def _formulas(wb, ws) -> None:
    ws["D7"] = "=D5/D6"  # simple: recomputed
    ws["D7"].number_format = "0.0%"
    ws["E7"] = "=E5/E6"
    ws["E7"].number_format = "0.0%"
    ws["F6"] = '=SUMPRODUCT((D5:D6>0)*1)+INDIRECT("D5")'  # too complex: reported


def _formulas_other_sheets(wb, ws) -> None:
    """Formulas into another sheet ("Données", quoted or not) and chains of formulas, none
    with a cached value (openpyxl writes none), and one into a sheet that does not exist."""
    data = wb.create_sheet("Données")
    data["B4"], data["C4"] = "Naissances", 7688
    data["B5"], data["C5"] = "EPP", 278
    data["C6"] = "=C5/C4"  # a formula that others use
    ws["D6"] = "=Données!C4"
    ws["D7"] = "=Données!C5/Données!C4"
    ws["D7"].number_format = "0.0%"
    ws["E7"] = "='Données'!C6"  # a chain: computed from C6, itself computed
    ws["E7"].number_format = "0.0%"
    ws["F6"] = "=D6+Feuil9!A1"  # no such sheet: reported


def _no_years(wb, ws) -> None:
    for c, text in enumerate(["Valeur de référence", "Valeur actuelle", "Cible"], start=4):
        ws.cell(3, c, text)


def _other_sheets_only(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indications"
    ws["A1"] = "Tous les indicateurs harmonisés doivent être complétés."
    ws["A2"] = "Au moins un indicateur de résultat par action."
    plan = wb.create_sheet("Plan d'actions")
    plan.append(["Action", "Financement État", "Financement Sécurité sociale"])
    plan.append(["Recruter des sages-femmes", 120000, 80000])
    wb.save(path)
    return path


# --- low-level archives -------------------------------------------------------------
def _rewrite(src: Path, dest: Path, replace: dict[str, bytes | None]) -> Path:
    """Copy a zip, replacing (or dropping, with None) and adding parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename in replace:
                continue
            zout.writestr(item, zin.read(item.filename))
        for name, data in replace.items():
            if data is not None:
                zout.writestr(name, data)
    return dest


def _cell_xml(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple) and value[0] == "s":  # ("s", index): a shared string
        return f'<c r="{ref}" t="s"><v>{value[1]}</v></c>'
    if isinstance(value, tuple):  # ("f", formula, cached or None)
        _, formula, cached = value
        v = "" if cached is None else f"<v>{cached}</v>"
        t = ' t="str"' if isinstance(cached, str) else ""
        return f'<c r="{ref}"{t}><f>{escape(formula)}</f>{v}</c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _sheet_xml(rows, *, doctype: str = "", rows_xml=None) -> bytes:
    """Sheet XML from lists of values; ``rows_xml`` (an iterable of strings) is appended."""
    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{_MAIN}"'
        f' xmlns:r="{_DOCREL}"><sheetData>'
    ]
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell_xml(f"{_letters(c)}{r}", v) for c, v in enumerate(row, start=1))
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.extend(rows_xml or ())
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def _xlsx_parts(
    sheet: bytes,
    *,
    workbook_type: str = "sheet.main",
    extra_ct: str = "",
    extra_rels: str = "",
    extra_wb: str = "",
) -> dict[str, bytes]:
    """The minimal parts of a one-sheet workbook ("Tableau de bord")."""
    ct = (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        f'{"ms-excel.sheet.macroEnabled.main+xml" if workbook_type == "macro" else "openxmlformats-officedocument.spreadsheetml.sheet.main+xml"}"/>'  # noqa: E501
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        f"{extra_ct}</Types>"
    )
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_REL}">'
        f'<Relationship Id="rId1" Type="{_DOCREL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    wb = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOCREL}">'
        '<sheets><sheet name="Tableau de bord" sheetId="1" r:id="rId1"/></sheets>'
        f"{extra_wb}</workbook>"
    )
    wb_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_REL}">'
        f'<Relationship Id="rId1" Type="{_DOCREL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f"{extra_rels}</Relationships>"
    )
    return {
        "[Content_Types].xml": ct.encode(),
        "_rels/.rels": rels.encode(),
        "xl/workbook.xml": wb.encode(),
        "xl/_rels/workbook.xml.rels": wb_rels.encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }


def _write_zip(path: Path, parts: dict[str, bytes], level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _table_rows() -> list[list]:
    return [[TITLE], [], HEADER, *ROWS]


# --- OLE2 compound file (encrypted workbooks, old .xls, vbaProject.bin) -----------
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` (each padded to >= 4096 bytes so
    that it lives in regular sectors: no mini stream is needed)."""
    names = list(streams)
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    sectors: list[bytes] = []
    fat: list[int] = []
    starts = []
    for data in datas:
        count = -(-len(data) // 512)
        starts.append(len(sectors))
        for i in range(count):
            sectors.append(data[i * 512 : (i + 1) * 512].ljust(512, b"\0"))
            fat.append(len(sectors) if i < count - 1 else _END)
    # directory: root + one entry per stream (entry i + 1), linked as a right-leaning
    # chain in the compound file's name order: a valid (if unbalanced) tree
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))
    right = {i: 1 + order[k + 1] if k + 1 < len(order) else _NOSTREAM for k, i in enumerate(order)}
    entries = [_dir_entry("Root Entry", 5, 1, _NOSTREAM, _NOSTREAM, 1 + order[0], _END, 0)]
    entries += [
        _dir_entry(names[i], 2, 1, _NOSTREAM, right[i], _NOSTREAM, starts[i], len(datas[i]))
        for i in range(len(names))
    ]
    while len(entries) % 4:
        entries.append(_dir_entry("", 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, 0, 0))
    dir_start = len(sectors)
    for k in range(0, len(entries), 4):
        sectors.append(b"".join(entries[k : k + 4]))
        fat.append(len(sectors) if k + 4 < len(entries) else _END)
    # the FAT sectors themselves come last: n of them describe the n*128 first sectors
    n_fat = 1
    while len(fat) + n_fat > 128 * n_fat:
        n_fat += 1
    assert n_fat <= 109, "the header's DIFAT holds 109 FAT sectors (about 7 MB of streams)"
    fat_start = len(sectors)
    fat += [_FATSECT] * n_fat
    fat += [_FREE] * (128 * n_fat - len(fat))
    sectors += [struct.pack("<128I", *fat[k * 128 : (k + 1) * 128]) for k in range(n_fat)]
    difat = list(range(fat_start, fat_start + n_fat)) + [_FREE] * (109 - n_fat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == 512
    return header + b"".join(sectors)


def _dir_entry(name, kind, color, left, right, child, start, size) -> bytes:
    raw = name.encode("utf-16-le")
    name_len = len(raw) + 2 if name else 0
    return (
        raw.ljust(64, b"\0")
        + struct.pack("<HBBIII", name_len, kind, color, left, right, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", start, size)
    )


def _encrypted() -> bytes:
    descriptor = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
        'xmlns="http://schemas.microsoft.com/office/2006/encryption" '
        'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        '<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
        'saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/><keyEncryptors><keyEncryptor '
        'uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        '<p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" '
        'hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
        'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></keyEncryptor>'
        "</keyEncryptors></encryption>"
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + descriptor.encode()
    cipher = b"".join(hashlib.sha256(i.to_bytes(4, "little")).digest() for i in range(256))
    package = struct.pack("<Q", 6000) + cipher  # plaintext size, then "AES" blocks
    return _cfb({"EncryptionInfo": info, "EncryptedPackage": package})


def _old_xls() -> bytes:
    return _cfb({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(4000)})


# --- zip bombs --------------------------------------------------------------------
def _crc32_zeros(length: int) -> int:
    """CRC-32 of ``length`` zero bytes, by doubling (zlib's crc32_combine), in ms."""

    def times(mat, vec):
        out, i = 0, 0
        while vec:
            if vec & 1:
                out ^= mat[i]
            vec >>= 1
            i += 1
        return out

    def square(mat):
        return [times(mat, m) for m in mat]

    def combine(crc1, crc2, len2):
        odd = [0xEDB88320] + [1 << i for i in range(31)]
        even = square(odd)
        odd = square(even)
        while True:
            even = square(odd)
            if len2 & 1:
                crc1 = times(even, crc1)
            len2 >>= 1
            if not len2:
                break
            odd = square(even)
            if len2 & 1:
                crc1 = times(odd, crc1)
            len2 >>= 1
            if not len2:
                break
        return crc1 ^ crc2

    block = 1 << 20
    crc, done, unit, unit_len = 0, 0, zlib.crc32(bytes(block)), block
    count = length // block
    while count:  # binary decomposition of the number of 1 MiB blocks
        if count & 1:
            crc = combine(crc, unit, unit_len) if done else unit
            done += unit_len
        unit, unit_len = combine(unit, unit, unit_len), unit_len * 2
        count >>= 1
    assert length % block == 0
    return crc


def _zeros_deflate(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of zeros, built from one flushed block."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(bytes(1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    assert block == again  # a full flush resets the window: every block is the same
    return block * mib + comp.flush(zlib.Z_FINISH)


def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> Path:
    """Write a zip from (name, raw_deflate, crc, file_size, compress_size) members, with
    ZIP64 extra fields for sizes over 4 GiB; the stated sizes are written as given."""
    out, central = io.BytesIO(), []
    for name, data, crc, size, csize in members:
        raw = name.encode()
        offset = out.tell()
        big = size >= 0xFFFFFFFF or csize >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, csize) if big else b""
        s32, c32 = (0xFFFFFFFF, 0xFFFFFFFF) if big else (size, csize)
        version = 45 if big else 20
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                version,
                0,
                8,
                0,
                0x21,
                crc,
                c32,
                s32,
                len(raw),
                len(extra),
            )
            + raw
            + extra
        )
        out.write(data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                version,
                version,
                0,
                8,
                0,
                0x21,
                crc,
                c32,
                s32,
                len(raw),
                len(extra),
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
            + extra
        )
    start = out.tell()
    cd = b"".join(central)
    out.write(cd)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd), start, 0)
    )
    path.write_bytes(out.getvalue())
    return path


def _deflated(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = comp.compress(data) + comp.flush()
    return name, raw, zlib.crc32(data), len(data), len(raw)


def _zip_bomb(path: Path, good: Path, gib: int = 5) -> Path:
    """The good workbook plus ``xl/media/image1.bin``: ``gib`` GiB of zeros (5 MB here)."""
    with zipfile.ZipFile(good) as zf:
        members = [_deflated(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    stream = _zeros_deflate(gib * 1024)
    size = gib << 30
    members.append(("xl/media/image1.bin", stream, _crc32_zeros(size), size, len(stream)))
    return _raw_zip(path, members)


def _lying_bomb(path: Path, good: Path) -> Path:
    """The sheet part inflates to 1 GiB but its headers say 4 kB (and the CRC is the real
    one): a reader trusting the declared sizes is safe, one inflating blindly is not."""
    with zipfile.ZipFile(good) as zf:
        members = [
            _deflated(i.filename, zf.read(i.filename))
            for i in zf.infolist()
            if i.filename != "xl/worksheets/sheet1.xml"
        ]
    stream = _zeros_deflate(1024)
    members.append(("xl/worksheets/sheet1.xml", stream, _crc32_zeros(1 << 30), 4096, len(stream)))
    return _raw_zip(path, members)


def _random_digits(count: int, seed: int = 68) -> str:
    table = bytes(48 + b % 10 for b in range(256))
    return random.Random(seed).randbytes(count).translate(table).decode()


def _many_cells(path: Path) -> Path:
    """A dashboard followed by 2 000 rows of 100 one-digit numbers: under the row limit,
    but 200 000 cells (3 MB of XML)."""
    digits = _random_digits(200_000)
    template = "<row>" + "<c><v>%s</v></c>" * 100 + "</row>"
    rows = (template % tuple(digits[k : k + 100]) for k in range(0, len(digits), 100))
    return _write_zip(path, _xlsx_parts(_sheet_xml(_table_rows(), rows_xml=rows)), level=1)


def _huge_styles(path: Path) -> Path:
    """A 25 MB styles part (450 000 cell formats), compressed about 10 to 1: openpyxl
    parses it whole into a tree of several gigabytes."""
    digits = _random_digits(1_800_000)
    template = '<xf numFmtId="%s%s" fontId="0" fillId="0" borderId="%s%s" xfId="0"/>' * 100
    xfs = "".join(template % tuple(digits[k : k + 400]) for k in range(0, len(digits), 400))
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_MAIN}">'
        f"<cellXfs>{xfs}</cellXfs></styleSheet>"
    )
    parts = _xlsx_parts(
        _sheet_xml(_table_rows()),
        extra_ct='<Override PartName="/xl/styles.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
        extra_rels=f'<Relationship Id="rId3" Type="{_DOCREL}/styles" Target="styles.xml"/>',
    )
    parts["xl/styles.xml"] = styles.encode()
    return _write_zip(path, parts, level=1)


def _many_members(path: Path, good: Path, count: int = 30_000) -> Path:
    """The good workbook plus ``count`` empty parts: each costs an object before any
    size is known."""
    with zipfile.ZipFile(good) as zf:
        members = [_deflated(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    empty = zlib.compress(b"", 6)[2:-4]
    members += [(f"xl/media/image{i}.xml", empty, 0, 0, len(empty)) for i in range(count)]
    return _raw_zip(path, members)


def _huge_merge(path: Path, good: Path) -> Path:
    """One merged range A20:XFD1048576: 17 billion cells that openpyxl would create."""
    with zipfile.ZipFile(good) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(
        b"</sheetData>",
        b'</sheetData><mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>',
    )
    return _rewrite(good, path, {"xl/worksheets/sheet1.xml": sheet})


def _far_cell(wb, ws) -> None:
    ws["XFD1048576"] = "x"  # a stray cell: the sheet now spans 17 billion positions


def _huge_texts(path: Path) -> Path:
    """Two 5 MB texts in a 23 kB file (Excel stops at 32 767 characters per cell)."""
    rows = _table_rows()
    rows[5] = [None, None, "Nombre de naissances " + "très longues " * 400_000, 7688, 7500]
    rows[7] = [None, None, "Taux d'IP", "44,52% " + "commentaire " * 400_000]
    return _write_zip(path, _xlsx_parts(_sheet_xml(rows)))


def _many_texts(path: Path) -> Path:
    """40 rows of 32 000-character texts: 1.3 million characters, each cell legal."""
    rows = _table_rows()
    for i in range(40):
        rows.append([None, None, f"Indicateur {i} " + "long " * 6400, 1])
    return _write_zip(path, _xlsx_parts(_sheet_xml(rows)))


def _broken_sheet_xml(path: Path) -> Path:
    sheet = _sheet_xml(_table_rows())
    return _write_zip(path, _xlsx_parts(sheet[: len(sheet) // 2]))


def _hundred_thousand_rows(path: Path) -> Path:
    def rows():
        start = len(_table_rows()) + 1
        for r in range(start, start + 100_000):
            yield (
                f'<row r="{r}"><c r="C{r}" t="inlineStr"><is><t>Indicateur {r}</t></is>'
                f'</c><c r="D{r}"><v>{r}</v></c></row>'
            )

    return _write_zip(path, _xlsx_parts(_sheet_xml(_table_rows(), rows_xml=rows())))


# --- entity expansion ---------------------------------------------------------------
def _laughs_shared_strings(path: Path) -> Path:
    """The indicator label of row 6 is shared string 0, which expands to 3 GB of "lol"."""
    rows = _table_rows()
    rows[5] = [None, None, ("s", 0), 1]
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?>{_LAUGHS}<sst xmlns="{_MAIN}" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    parts = _xlsx_parts(
        _sheet_xml(rows),
        extra_ct='<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
        extra_rels=f'<Relationship Id="rId2" Type="{_DOCREL}/sharedStrings" '
        'Target="sharedStrings.xml"/>',
    )
    parts["xl/sharedStrings.xml"] = sst.encode()
    return _write_zip(path, parts)


def _laughs_sheet(path: Path) -> Path:
    rows = _table_rows()
    rows[5] = [None, None, "&lol9;"]  # escaped by _cell_xml: replaced below
    sheet = _sheet_xml(rows, doctype=_LAUGHS).replace(b"&amp;lol9;", b"&lol9;")
    return _write_zip(path, _xlsx_parts(sheet))


def _external_entity(path: Path) -> Path:
    doctype = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rows = _table_rows()
    rows[5] = [None, None, "&xxe;", 1]
    sheet = _sheet_xml(rows, doctype=doctype).replace(b"&amp;xxe;", b"&xxe;")
    return _write_zip(path, _xlsx_parts(sheet))


# --- OpenDocument -------------------------------------------------------------------
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, tuple):  # ("f", formula): a formula without cached value
        return f'<table:table-cell table:formula="{escape(value[1], {chr(34): "&quot;"})}"/>'
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
        "</text:p></table:table-cell>"
    )


def _ods(
    path: Path, *, doctype: str = "", extra_rows: str = "", rows=None, extra_tables: str = ""
) -> Path:
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in (rows if rows is not None else _table_rows())
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<office:document-content {_ODS_NS}>'
        '<office:body><office:spreadsheet><table:table table:name="Tableau de bord">'
        f"{body}{extra_rows}</table:table>{extra_tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


_LIBRARY_DOCTYPE = (
    '<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
    '"library.dtd">'
)


def _ods_basic_library(path: Path) -> Path:
    """A good .ods holding a LibreOffice Basic library, as LibreOffice writes one: each
    ``Basic/`` part starts with a DOCTYPE naming an external DTD, but declares no entity.
    The macro would start a shell if it ever ran."""
    _ods(path)
    parts = {
        "Basic/script-lc.xml": '<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD '
        'OfficeDocument 1.0//EN" "libraries.dtd"><library:libraries xmlns:library="http://'
        'openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink"><library:'
        'library library:name="Standard" xlink:href="Standard/script.xlb/" xlink:type="simple"'
        ' library:link="false"/></library:libraries>',
        "Basic/Standard/script-lb.xml": f"{_LIBRARY_DOCTYPE}<library:library xmlns:library="
        '"http://openoffice.org/2000/library" library:name="Standard" library:readonly="false"'
        ' library:passwordprotected="false"><library:element library:name="Module1"/>'
        "</library:library>",
        "Basic/Standard/Module1.xml": '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD '
        'OfficeDocument 1.0//EN" "module.dtd"><script:module xmlns:script="http://openoffice.'
        'org/2000/script" script:name="Module1" script:language="StarBasic">Sub Main\n'
        "    Shell(\"sh -c 'echo pwned > /tmp/pwned'\")\nEnd Sub\n</script:module>",
    }
    with zipfile.ZipFile(path, "a") as zf:
        for name, text in parts.items():
            zf.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>\n' + text)
    return path


def _ods_encrypted(path: Path) -> Path:
    """An .ods saved with a password, as LibreOffice writes it: a manifest declaring
    ``encryption-data`` for content.xml, whose bytes are then ciphertext."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry'
        ' manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-'
        'type="text/xml" manifest:size="7760"><manifest:encryption-data manifest:checksum-type='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="AA'
        '=="><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#'
        'aes256-cbc" manifest:initialisation-vector="AA=="/><manifest:key-derivation manifest'
        ':key-derivation-name="PBKDF2" manifest:iteration-count="100000" manifest:salt="AA=="/>'
        "</manifest:encryption-data></manifest:file-entry></manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("content.xml", random.Random(68).randbytes(7760))
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _xlsb(path: Path) -> Path:
    """The parts of an Excel binary workbook (.xlsb): a package whose parts are BIFF12."""
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_CT}">'
        '<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.'
        'sheet.binary.macroEnabled.main"/></Types>'.encode(),
        "xl/workbook.bin": b"\x83\x01\x00" + bytes(64),
        "xl/worksheets/sheet1.bin": b"\x81\x01\x00" + bytes(64),
    }
    return _write_zip(path, parts)


def _biff(record: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", record, len(data)) + data


def _xls_encrypted() -> bytes:
    """An Excel 97-2003 workbook saved with a password: its globals start with BOF, then
    FILEPASS (RC4 encryption header)."""
    bof = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    filepass = _biff(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))
    return _cfb({"Workbook": bof + filepass + _biff(0x000A)})


def _xls_blank_cells(rows: int = 8_000) -> bytes:
    """An Excel 97-2003 workbook whose sheet has rows of 256 formatted blank cells (one
    MULBLANK record each): 2 million cells that xlrd materialises, in a 4 MB file."""
    name = "Feuil1".encode("latin-1")
    font = _biff(
        0x0031,
        struct.pack("<HHHHHBBBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0, 5, 1)
        + "Arial".encode("utf-16-le"),
    )
    xf = _biff(0x00E0, struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0))
    bof = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    head = bof + font * 5 + xf * 16
    sheet_name = struct.pack("<BB", len(name), 0) + name
    offset = len(head) + 4 + 6 + len(sheet_name) + 4
    globals_ = head + _biff(0x0085, struct.pack("<IBB", offset, 0, 0) + sheet_name)
    globals_ += _biff(0x000A)
    blanks = struct.pack("<H", 15) * 256 + struct.pack("<H", 255)
    sheet = _biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
    sheet += _biff(0x0200, struct.pack("<IIHHH", 0, rows, 0, 256, 0))
    sheet += b"".join(_biff(0x00BE, struct.pack("<HH", r, 0) + blanks) for r in range(rows))
    return _cfb({"Workbook": globals_ + sheet + _biff(0x000A)})


def _word_document() -> bytes:
    """A Word 97-2003 document (.doc) renamed .xls: an OLE2 file without a workbook."""
    return _cfb({"WordDocument": b"\xec\xa5\xc1\x00" + bytes(1000)})


def _xlsx_broken(good: Path, path: Path, part: str, old: str, new: str) -> Path:
    """The good workbook with one text replaced in one part."""
    with zipfile.ZipFile(good) as zf:
        text = zf.read(part).decode()
    assert old in text, (part, old)
    return _rewrite(good, path, {part: text.replace(old, new, 1).encode()})


def _ods_formulas_other_sheets(path: Path) -> Path:
    """The .ods twin of ``_formulas_other_sheets``: OpenFormula references to another
    table (``[Données.C5]``, ``[$'Données'.C6]``), a chain, and a missing table."""
    rows = _table_rows()
    rows[5] = [None, None, "Nombre de naissances vivantes", ("f", "of:=[Données.C4]"), 7500]
    rows[6] = [
        None,
        None,
        "Part des femmes enceintes ayant bénéficié d'un EPP",
        ("f", "of:=[Données.C5]/[Données.C4]"),
        ("f", "of:=[$'Données'.C6]"),
        ("f", "of:=[.D6]+[Feuil9.A1]"),
    ]
    data = [[], [], [], [None, "Naissances", 7688], [None, "EPP", 278]]
    data.append([None, None, ("f", "of:=[.C5]/[.C4]")])
    table = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in data
    )
    return _ods(
        path, rows=rows, extra_tables=f'<table:table table:name="Données">{table}</table:table>'
    )


def _ods_nested(path: Path) -> Path:
    """A cell whose text is 20 000 nested spans, then a billion spaces (``text:s``)."""
    deep = "<text:span>" * 20_000 + "1" + "</text:span>" * 20_000
    cell = (
        "<table:table-row><table:table-cell/><table:table-cell/><table:table-cell office:"
        'value-type="string"><text:p>Indicateur imbriqué</text:p></table:table-cell>'
        f'<table:table-cell office:value-type="string"><text:p>{deep}<text:s text:c='
        '"1000000000"/>fin</text:p></table:table-cell></table:table-row>'
    )
    return _ods(path, extra_rows=cell)


def _ods_repeat_bomb(path: Path) -> Path:
    """Rows repeated 1 048 576 times, each with a cell repeated 16 384 times: a few
    hundred bytes that describe 17 billion non-empty cells."""
    cell = (
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float"'
        ' office:value="1"><text:p>1</text:p></table:table-cell>'
    )
    row = f'<table:table-row table:number-rows-repeated="1048576">{cell}</table:table-row>'
    return _ods(path, extra_rows=row * 20)


# --- the corpus -----------------------------------------------------------------------
def build_corpus(folder: str | Path) -> dict[str, Path]:
    """Write every input of the corpus into ``folder``; returns ``{name: path}``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    good = _dashboard(folder / GOOD)
    files: dict[str, Path] = {"bon": good}

    def put(name: str, filename: str, data: bytes) -> None:
        files[name] = folder / filename
        files[name].write_bytes(data)

    # errors: unreadable
    put(
        "pas_un_classeur",
        "68-message.xlsx",
        b"<html><body>Veuillez trouver ci-joint le tableau de bord.</body></html>\n",
    )
    put("pdf", "68-tableau.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    put("vide", "68-vide.xlsx", b"")
    data = good.read_bytes()
    put("zip_tronque", "68-tronque.xlsx", data[: len(data) // 2])
    put("zip_sans_classeur", "68-archive.xlsx", _zip_bytes({"lisez-moi.txt": b"bonjour"}))
    put("chiffre", "68-protege.xlsx", _encrypted())
    put("xls_ancien", "68-ancien.xls", _old_xls())
    # errors: unsafe
    files["entites_chaines"] = _laughs_shared_strings(folder / "68-entites-chaines.xlsx")
    files["entites_feuille"] = _laughs_sheet(folder / "68-entites-feuille.xlsx")
    files["entite_externe"] = _external_entity(folder / "68-entite-externe.xlsx")
    files["entites_ods"] = _ods(
        folder / "68-entites.ods",
        doctype=_LAUGHS,
        extra_rows="<table:table-row><table:table-cell office:value-"
        'type="string"><text:p>&lol9;</text:p>'
        "</table:table-cell></table:table-row>",
    )
    files["bombe_zip"] = _zip_bomb(folder / "68-bombe.xlsx", good)
    files["bombe_zip_tailles_fausses"] = _lying_bomb(folder / "68-bombe-menteuse.xlsx", good)
    files["bombe_ods_repetitions"] = _ods_repeat_bomb(folder / "68-repetitions.ods")
    files["cellules_innombrables"] = _many_cells(folder / "68-cellules.xlsx")
    files["styles_geants"] = _huge_styles(folder / "68-styles.xlsx")
    files["parties_innombrables"] = _many_members(folder / "68-parties.xlsx", good)
    files["fusion_geante"] = _huge_merge(folder / "68-fusion.xlsx", good)
    files["cellule_lointaine"] = _dashboard(folder / "68-lointaine.xlsx", edit=_far_cell)
    files["ods_imbrication"] = _ods_nested(folder / "68-imbrication.ods")
    files["xml_casse"] = _broken_sheet_xml(folder / "68-xml-casse.xlsx")
    files["textes_innombrables"] = _many_texts(folder / "68-textes.xlsx")
    files["ods_repetition_invalide"] = _ods(
        folder / "68-repetition-invalide.ods",
        extra_rows='<table:table-row table:number-rows-repeated="beaucoup"/>',
    )
    files["cent_mille_lignes"] = _hundred_thousand_rows(folder / "68-cent-mille-lignes.xlsx")
    # errors: what openpyxl meets in a damaged package (IndexError, TypeError, ValueError)
    files["style_inexistant"] = _xlsx_broken(
        good,
        folder / "68-style-inexistant.xlsx",
        "xl/worksheets/sheet1.xml",
        '<c r="A1"',
        '<c r="A1" s="99"',
    )
    files["format_sans_code"] = _xlsx_broken(
        good,
        folder / "68-format-sans-code.xlsx",
        "xl/styles.xml",
        "<cellXfs",
        '<numFmts count="1"><numFmt numFmtId="200"/></numFmts><cellXfs',
    )
    files["lien_sans_cible"] = _xlsx_broken(
        good,
        folder / "68-lien-sans-cible.xlsx",
        "xl/worksheets/sheet1.xml",
        "</sheetData>",
        "</sheetData><hyperlinks><hyperlink/></hyperlinks>",
    )
    files["proprietes_illisibles"] = _rewrite(
        good, folder / "68-proprietes.xlsx",
        {"docProps/core.xml": b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://'
         b'schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dcterms="'
         b'http://purl.org/dc/terms/"><dcterms:created>hier</dcterms:created>'
         b"</cp:coreProperties>"},
    )  # fmt: skip
    # errors: other formats and protections
    files["ods_chiffre"] = _ods_encrypted(folder / "68-chiffre.ods")
    files["xlsb"] = _xlsb(folder / "68-binaire.xlsb")
    files["xlsb_renomme"] = _xlsb(folder / "68-binaire.xlsx")
    put("xls_chiffre", "68-protege.xls", _xls_encrypted())
    put("doc_renomme", "68-courrier.xls", _word_document())
    put("xls_cellules_vides", "68-cellules-vides.xls", _xls_blank_cells())
    # ".xls" files that web applications export: an HTML table, Excel 2003 XML, CSV
    put(
        "xls_html",
        "68-export.xls",
        b'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table><tr><td>'
        b"Nombre d'EPP</td><td>278</td></tr></table></body></html>",
    )
    put(
        "xls_xml_2003",
        "68-export-xml.xls",
        b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:'
        b'schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Tableau de bord"/>'
        b"</Workbook>",
    )
    put("xls_csv", "68-export-csv.xls", b"Indicateur;2019\nEntretiens pr\xc3\xa9nataux;278\n")
    # errors: layout and collectivité
    files["sans_tableau_de_bord"] = _other_sheets_only(folder / "68-sans-tableau.xlsx")
    files["sans_colonne_annee"] = _dashboard(folder / "68-sans-annee.xlsx", edit=_no_years)
    files["traversee_sans_code"] = _dashboard(
        folder / "tableau-de-bord.xlsx", title="Tableau de bord SNPPE 2023 — ../../../etc/cron.d"
    )
    # accepted, with the right behaviour
    files["formules_sans_valeur"] = _dashboard(folder / "68-formules.xlsx", edit=_formulas)
    files["formules_autres_feuilles"] = _dashboard(
        folder / "68-formules-feuilles.xlsx", edit=_formulas_other_sheets
    )
    files["liens_externes"] = _external_links(folder / "68-liens-externes.xlsx")
    files["macros_xlsm"] = _xlsm(folder / "68-macros.xlsm", good)
    files["caches"] = _dashboard(folder / "68-caches.xlsx", edit=_hidden)
    files["dates_booleens"] = _dashboard(folder / "68-dates.xlsx", edit=_dates_booleans)
    files["html_js"] = _dashboard(folder / "68-html.xlsx", edit=_html_js)
    files["nom_special"] = _dashboard(folder / '68 Haut-Rhin « tableau » l\'été "v2" $(id).xlsx')
    files["traversee_titre"] = _dashboard(
        folder / "tdb-2023.xlsx", title="Tableau de bord SNPPE 2023 — Département ../../etc (68)"
    )
    files["feuille_traversee"] = _dashboard(folder / "68-feuille.xlsx", sheet="..%2F..%2Fetc")
    files["ods_bon"] = _ods(folder / "68-haut-rhin.ods")
    files["ods_formules_autres_feuilles"] = _ods_formulas_other_sheets(
        folder / "68-formules-feuilles.ods"
    )
    files["ods_macros_basic"] = _ods_basic_library(folder / "68-macros-basic.ods")
    files["doctype_sans_entite"] = _write_zip(
        folder / "68-doctype.xlsx",
        _xlsx_parts(_sheet_xml(_table_rows(), doctype="<!DOCTYPE worksheet>")),
    )
    files["texte_geant"] = _huge_texts(folder / "68-texte-geant.xlsx")
    return files


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _external_links(path: Path) -> Path:
    """Formulas into another workbook ([1] = C:\\Users\\...\\source.xlsx), as Excel saves
    them: with a cached value (D5, E5) and one without (F5)."""
    rows = _table_rows()
    rows[4] = [
        "Rendre obligatoire l'EPP",
        "Objectif n° 1 : systématiser l'EPP",
        "Nombre d'EPP réalisés par la PMI",
        ("f", "[1]Feuil1!A1", 278),
        ("f", "'[1]Feuil1'!B1", 312),
        ("f", "[1]Feuil1!C1", None),
    ]
    link = (
        f'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="{_MAIN}" '
        f'xmlns:r="{_DOCREL}"><externalBook r:id="rId1"><sheetNames><sheetName val="Feuil1"/>'
        '</sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>278</v>'
        "</cell></row></sheetData></sheetDataSet></externalBook></externalLink>"
    )
    link_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_REL}">'
        f'<Relationship Id="rId1" Type="{_DOCREL}/externalLinkPath" '
        'Target="file:///C:/Users/agent/Documents/source%20PMI.xlsx" TargetMode="External"/>'
        "</Relationships>"
    )
    parts = _xlsx_parts(
        _sheet_xml(rows),
        extra_ct='<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>',
        extra_rels=f'<Relationship Id="rId9" Type="{_DOCREL}/externalLink" '
        'Target="externalLinks/externalLink1.xml"/>',
        extra_wb='<externalReferences><externalReference r:id="rId9"/></externalReferences>',
    )
    parts["xl/externalLinks/externalLink1.xml"] = link.encode()
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = link_rels.encode()
    return _write_zip(path, parts)


def _xlsm(path: Path, good: Path) -> Path:
    """The good workbook as a macro-enabled one, with a ``Workbook_Open`` macro that would
    start a shell if it ever ran."""
    with zipfile.ZipFile(good) as zf:
        ct = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    ct = ct.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdVba" Type="http://schemas.'
        'microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin"/></Relationships>',
    )
    source = (
        b'Attribute VB_Name = "ThisWorkbook"\r\nPrivate Sub Workbook_Open()\r\n'
        b'    Shell "cmd /c echo pwned > C:\\pwned.txt"\r\nEnd Sub\r\n'
    )
    vba = _cfb(
        {
            "PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\n'
            b"Document=ThisWorkbook/&H00000000\r\n",
            "ThisWorkbook": source,
        }
    )
    return _rewrite(
        good,
        path,
        {
            "[Content_Types].xml": ct.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "xl/vbaProject.bin": vba,
        },
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage : python tests/make_bad_inputs.py DOSSIER")
    for key, file in build_corpus(sys.argv[1]).items():
        print(f"{key:28} {file.stat().st_size:>10} o  {file.name}")
