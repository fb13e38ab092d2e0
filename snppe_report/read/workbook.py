"""The only module that opens workbook files.

A workbook (``.xlsx``, ``.xlsm``, ``.ods``) becomes a :class:`Workbook`: its sheets,
each a sparse grid of :class:`Cell` objects with their number format, grey fill and
merged ranges, plus the document properties and the file's SHA-256.

Safety first: the file's size, the archive's member count, declared sizes and
compression ratios, and each XML part's size are checked here *before* anything is
inflated; every XML part's prolog is read with defusedxml first, so a DTD (entity
expansion, external entities) is refused whatever the format reader does. The format
reader then bounds each sheet's row and cell counts (and, for xlsx, the merged area)
while it streams the sheet parts, before openpyxl would materialise every cell of a
merged range or of a sheet's bounding box; the sheets' spanned area and total text
are checked here once they are read. Formula cells keep their cached value; a
formula without a cached value is kept as :attr:`Cell.formula` with ``value=None``
so that the table can compute or report it.

This module holds the public API and what both formats share; the format details
are in :mod:`snppe_report.read.xlsx` (``.xlsx``/``.xlsm``: a defusedxml pre-scan of the
parts, then openpyxl, which never runs macros: ``keep_vba`` is off) and
:mod:`snppe_report.read.ods` (``.ods``: a streamed defusedxml reader). All the limits
are in :data:`LIMITS`, read at call time (``read.xlsx`` reads them from :mod:`.cells`,
``read.ods`` receives them from :func:`read_workbook`).
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from snppe_report.exceptions import UnreadableWorkbookError, UnsafeWorkbookError
from snppe_report.read.cells import (
    LIMITS,
    Cell,
    Sheet,
    Workbook,
    cap_text,
    column_letter,
    is_grey_rgb,
)

__all__ = [
    "Cell",
    "Sheet",
    "Workbook",
    "read_workbook",
    "column_letter",
    "cap_text",
    "is_grey_rgb",
    "LIMITS",
]

log = logging.getLogger(__name__)

SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XML_PARTS = (".xml", ".rels", ".vml")
# what reading a damaged member raises: bad deflate data, CRC, truncation, an unknown
# compression method (NotImplementedError), an encrypted member (RuntimeError)
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


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
        _check_xml_parts(archive, path)
        if kind == "ods":
            from snppe_report.read.ods import read_ods

            sheets, props = read_ods(archive, path, LIMITS["sheet_rows"], LIMITS["cells"])
        else:
            from snppe_report.read.xlsx import read_xlsx

            sheets, props = read_xlsx(archive, path)
        _check_sheets(sheets, path)
    except DefusedXmlException as exc:
        raise UnsafeWorkbookError(
            "le classeur contient du XML dangereux (déclaration d'entités) : lecture refusée.",
            file=path,
        ) from exc
    except (ParseError, ValueError) as exc:  # malformed XML, non-numeric attributes
        raise UnreadableWorkbookError(
            f"classeur endommagé : XML illisible ({exc}).", file=path
        ) from exc
    except RecursionError:
        raise
    except _ZIP_ERRORS as exc:  # data behind a valid directory: bad deflate, encrypted member...
        raise UnreadableWorkbookError(f"archive du classeur corrompue ({exc}).", file=path) from exc
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
    count = _declared_members(data)
    if count > LIMITS["members"]:
        raise UnsafeWorkbookError(
            f"l'archive du classeur déclare {count} parties (limite {LIMITS['members']}) : "
            "archive suspecte.",
            file=path,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (*_ZIP_ERRORS, ValueError) as exc:
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
    try:
        bad = archive.testzip() if total < 20 * 1024**2 else None
    except (*_ZIP_ERRORS, ValueError) as exc:  # testzip catches only BadZipFile
        archive.close()
        raise UnreadableWorkbookError(f"archive du classeur corrompue ({exc}).", file=path) from exc
    if bad is not None:
        raise UnreadableWorkbookError(f"archive corrompue (partie « {bad} »).", file=path)
    return archive


def _declared_members(data: bytes) -> int:
    """Member count of the end-of-central-directory record, read before ``ZipFile`` builds
    one object per member (0xFFFF, the ZIP64 marker, counts as too many)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 12 > len(data):
        return 0  # let zipfile report the damage
    return int.from_bytes(data[end + 10 : end + 12], "little")


def _check_xml_parts(archive: zipfile.ZipFile, path: Path) -> None:
    """Bound every XML part's size and refuse a DTD in any of them.

    A DTD can only appear before the root element, so each part is parsed with
    defusedxml up to its first element: cheap, and independent of whether openpyxl
    itself uses defusedxml (it does only when installed and not disabled by the
    ``OPENPYXL_DEFUSEDXML`` variable; openpyxl also wraps the error in a bare
    ``ValueError``).
    """
    for member in archive.infolist():
        if not member.filename.lower().endswith(_XML_PARTS):
            continue
        if member.file_size > LIMITS["xml_part_bytes"]:
            raise UnsafeWorkbookError(
                f"la partie « {member.filename} » fait {member.file_size / 1024**2:.0f} Mo "
                f"décompressée (limite {LIMITS['xml_part_bytes'] // 1024**2} Mo) : "
                "classeur suspect.",
                file=path,
            )
        try:
            with archive.open(member) as fh:
                for _ in iterparse(fh, events=("start",), forbid_dtd=True):
                    break
        except DefusedXmlException as exc:
            raise UnsafeWorkbookError(
                f"le classeur contient du XML dangereux (déclaration d'entités dans la "
                f"partie « {member.filename} ») : lecture refusée.",
                file=path,
            ) from exc
        except (ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError):
            continue  # a broken part is reported by the reader that needs it


def _check_sheets(sheets: list[Sheet], path: Path) -> None:
    """Refuse absurd sheets: non-empty cells spanning a huge rectangle (a stray cell in
    XFD1048576), since every later step walks a sheet's rows and columns; or megabytes
    of text, which every later step normalises and parses character by character."""
    text = sum(len(c.value) for s in sheets for c in s.cells.values() if isinstance(c.value, str))
    if text > LIMITS["text_chars"]:
        raise UnsafeWorkbookError(
            f"le classeur contient {text:,} caractères de texte (limite de sécurité "
            f"{LIMITS['text_chars']:,}) : ce n'est pas un tableau de bord SNPPE.".replace(",", " "),
            file=path,
        )
    for sheet in sheets:
        if sheet.max_row * sheet.max_col > LIMITS["sheet_area"]:
            far = max(sheet.cells, key=lambda rc: rc[0] * rc[1])
            raise UnsafeWorkbookError(
                f"la feuille s'étend sur {sheet.max_row} lignes et {sheet.max_col} colonnes "
                f"(limite de sécurité {LIMITS['sheet_area']:,} cases) : supprimez le contenu "
                "isolé loin du tableau puis relancez.".replace(",", " "),
                file=path,
                sheet=sheet.name,
                cell=f"{column_letter(far[1])}{far[0]}",
            )
