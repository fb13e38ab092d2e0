"""The only module that opens workbook files.

A workbook (``.xlsx``, ``.xlsm``, ``.ods``) becomes a :class:`Workbook`: its sheets,
each a sparse grid of :class:`Cell` objects with their number format, grey fill and
merged ranges, plus the document properties and the file's SHA-256.

Safety first: the file's size, the archive's declared sizes and compression ratios
and each sheet's row count are checked *before* anything is inflated or parsed;
XML is parsed with defusedxml (entity expansion refused); macros are never run
(openpyxl does not execute VBA; ``keep_vba`` is off). Formula cells keep their
cached value; a formula without a cached value is kept as :attr:`Cell.formula`
with ``value=None`` so that the table can compute or report it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .exceptions import UnreadableWorkbookError, UnsafeWorkbookError

__all__ = ["Cell", "Sheet", "Workbook", "read_workbook", "column_letter", "LIMITS"]

log = logging.getLogger(__name__)

LIMITS = {
    "file_bytes": 50 * 1024**2,  # a dashboard is a few hundred kB
    "inflated_bytes": 200 * 1024**2,  # sum of the archive's declared member sizes
    "ratio": 200,  # max compression ratio of a large member
    "sheet_rows": 20_000,  # rows with content in one sheet
}
SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def column_letter(col: int) -> str:
    """1 -> "A", 28 -> "AB"."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """One non-empty cell as the workbook stores it."""

    row: int
    col: int
    value: object
    number_format: str = "General"
    grey: bool = False
    formula: str | None = None  # set only for a formula without cached value

    @property
    def coord(self) -> str:
        return f"{column_letter(self.col)}{self.row}"


@dataclass
class Sheet:
    """A sparse grid of cells with merged ranges (min_row, min_col, max_row, max_col)."""

    name: str
    cells: dict[tuple[int, int], Cell]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self._anchor: dict[tuple[int, int], tuple[int, int]] = {}
        for r0, c0, r1, c1 in self.merged:
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
                continue  # absurd merge: treat as unmerged rather than explode
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._anchor[(r, c)] = (r0, c0)
        self.max_row = max((r for r, _ in self.cells), default=0)
        self.max_col = max((c for _, c in self.cells), default=0)

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """Top-left cell of the merged range holding (row, col), or (row, col) itself."""
        return self._anchor.get((row, col), (row, col))

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell shown at (row, col): merged ranges resolve to their top-left cell."""
        return self.cells.get(self.anchor(row, col))

    def text(self, row: int, col: int) -> str:
        """The shown content of (row, col) as stripped text ('' when empty)."""
        cell = self.cell(row, col)
        if cell is None or cell.value is None:
            return ""
        return str(cell.value).strip()

    def merge_span(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range holding (row, col), if any."""
        r0, c0 = self.anchor(row, col)
        for rng in self.merged:
            if rng[0] == r0 and rng[1] == c0:
                return rng
        return None


@dataclass
class Workbook:
    """A workbook read from disk."""

    path: Path
    sha256: str
    sheets: list[Sheet]
    properties: dict[str, str]
    kind: str  # "xlsx" | "ods"

    def property_texts(self) -> list[str]:
        return [v for v in self.properties.values() if v]


def read_workbook(path: str | Path) -> Workbook:
    """Read a workbook safely.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx``, ``.xlsm`` or ``.ods`` file.

    Returns
    -------
    Workbook

    Raises
    ------
    UnreadableWorkbookError
        Missing file, unknown format, not a workbook, truncated, encrypted.
    UnsafeWorkbookError
        Over the size limits, or XML that tries entity expansion.
    """
    path = Path(path)
    data = _read_bytes(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if data[:8] == _OLE_MAGIC:
        raise _ole_error(path, data)
    if kind is None:
        raise UnreadableWorkbookError(
            f"format « {path.suffix or 'sans extension'} » non pris en charge : "
            "fournissez un classeur .xlsx, .xlsm ou .ods.",
            file=path,
        )
    archive = _open_archive(path, data)
    try:
        if kind == "ods":
            from ._ods import read_ods

            sheets, props = read_ods(archive, path, LIMITS["sheet_rows"])
        else:
            formulas = _scan_xlsx(archive, path)
            sheets, props = _read_xlsx(path, formulas)
    except DefusedXmlException as exc:
        raise UnsafeWorkbookError(
            "le classeur contient du XML dangereux (déclaration d'entités) : lecture refusée.",
            file=path,
        ) from exc
    finally:
        archive.close()
    return Workbook(path, hashlib.sha256(data).hexdigest(), sheets, props, kind)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise UnreadableWorkbookError("fichier introuvable.", file=path)
    if not path.is_file():
        raise UnreadableWorkbookError("ce chemin n'est pas un fichier.", file=path)
    size = path.stat().st_size
    if size == 0:
        raise UnreadableWorkbookError("le fichier est vide (0 octet).", file=path)
    if size > LIMITS["file_bytes"]:
        raise UnsafeWorkbookError(
            f"fichier trop volumineux ({size / 1024**2:.0f} Mo ; limite "
            f"{LIMITS['file_bytes'] // 1024**2} Mo pour un tableau de bord).",
            file=path,
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableWorkbookError(f"lecture impossible ({exc.strerror}).", file=path) from exc


def _ole_error(path: Path, data: bytes) -> UnreadableWorkbookError:
    if "EncryptedPackage".encode("utf-16-le") in data:
        return UnreadableWorkbookError(
            "classeur protégé par un mot de passe (chiffré) : enregistrez-en une copie "
            "sans mot de passe puis relancez.",
            file=path,
        )
    return UnreadableWorkbookError(
        "format Excel 97-2003 (.xls) non pris en charge : enregistrez le classeur au "
        "format .xlsx puis relancez.",
        file=path,
    )


def _open_archive(path: Path, data: bytes) -> zipfile.ZipFile:
    import io

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableWorkbookError(
            "ce fichier n'est pas un classeur Excel ou LibreOffice (ou il est tronqué).",
            file=path,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableWorkbookError(
            f"archive du classeur illisible ou tronquée ({exc}).", file=path
        ) from exc
    total = sum(m.file_size for m in members)
    if total > LIMITS["inflated_bytes"]:
        raise UnsafeWorkbookError(
            f"le classeur se décompresse en {total / 1024**2:.0f} Mo (limite "
            f"{LIMITS['inflated_bytes'] // 1024**2} Mo) : archive suspecte (bombe zip).",
            file=path,
        )
    for m in members:
        if m.file_size > 10 * 1024**2 and m.file_size > LIMITS["ratio"] * max(m.compress_size, 1):
            raise UnsafeWorkbookError(
                f"la partie « {m.filename} » a un taux de compression anormal : "
                "archive suspecte (bombe zip).",
                file=path,
            )
    bad = archive.testzip() if total < 20 * 1024**2 else None
    if bad is not None:
        raise UnreadableWorkbookError(
            f"archive corrompue (partie « {bad} »).", file=path
        )
    return archive


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map sheet name -> part path inside an xlsx archive."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise KeyError("xl/workbook.xml")
    rels = {}
    if "xl/_rels/workbook.xml.rels" in names:
        with archive.open("xl/_rels/workbook.xml.rels") as fh:
            for _, el in iterparse(fh, forbid_dtd=True):
                if el.tag.endswith("Relationship"):
                    target = el.get("Target", "")
                    target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                    rels[el.get("Id")] = target
    parts = {}
    with archive.open("xl/workbook.xml") as fh:
        for _, el in iterparse(fh, forbid_dtd=True):
            if el.tag == _MAIN_NS + "sheet":
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                if rid in rels:
                    parts[el.get("name", "")] = rels[rid]
    return parts


def _scan_xlsx(archive: zipfile.ZipFile, path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Bound the sheets' sizes and find formulas without a cached value, per sheet."""
    try:
        parts = _sheet_parts(archive)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise UnreadableWorkbookError(
            "ce fichier n'est pas un classeur Excel valide (workbook.xml absent).", file=path
        ) from exc
    found: dict[str, dict[tuple[int, int], str]] = {}
    for name, part in parts.items():
        if part not in archive.namelist():
            continue
        found[name] = _scan_sheet(archive, part, name, path)
    return found


def _scan_sheet(archive, part, name, path) -> dict[tuple[int, int], str]:
    rows = 0
    missing: dict[tuple[int, int], str] = {}
    formula = value = ref = None
    with archive.open(part) as fh:
        for event, el in iterparse(fh, events=("start", "end"), forbid_dtd=True):
            tag = el.tag
            if event == "start":
                if tag == _MAIN_NS + "c":
                    ref, formula, value = el.get("r"), None, None
                continue
            if tag == _MAIN_NS + "row":
                rows += 1
                if rows > LIMITS["sheet_rows"]:
                    raise UnsafeWorkbookError(
                        f"la feuille compte plus de {LIMITS['sheet_rows']:,} lignes : ce n'est "
                        "pas un tableau de bord SNPPE (limite de sécurité).".replace(",", " "),
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


def _parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref.upper())
    if not m:
        return (0, 0)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _read_xlsx(path: Path, formulas: dict) -> tuple[list[Sheet], dict[str, str]]:
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns on extensions, data validation...
            wb = openpyxl.load_workbook(path, data_only=True, keep_vba=False, keep_links=False)
    except DefusedXmlException:
        raise
    except Exception as exc:  # openpyxl raises many types on broken parts
        raise UnreadableWorkbookError(
            f"classeur Excel illisible ({type(exc).__name__} : {exc}).", file=path
        ) from exc
    sheets = []
    for ws in wb.worksheets:
        sheets.append(_xlsx_sheet(ws, formulas.get(ws.title, {})))
    props = wb.properties
    properties = {
        k: str(getattr(props, k) or "")
        for k in ("title", "subject", "keywords", "description", "creator", "category")
    }
    wb.close()
    return sheets, properties


def _xlsx_sheet(ws, missing: dict[tuple[int, int], str]) -> Sheet:
    cells: dict[tuple[int, int], Cell] = {}
    for row in ws.iter_rows():
        for c in row:
            value = c.value
            key = (c.row, c.column)
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
    return Sheet(
        ws.title, cells, merged, ws.sheet_state != "visible", hidden_rows, hidden_cols
    )


def is_grey_rgb(rgb: str) -> bool:
    """True for a grey (not white, not black) ``RRGGBB`` / ``AARRGGBB`` colour."""
    rgb = (rgb or "").lstrip("#")[-6:]
    if len(rgb) != 6:
        return False
    try:
        r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return max(r, g, b) - min(r, g, b) <= 16 and 0x60 <= max(r, g, b) <= 0xF4


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
