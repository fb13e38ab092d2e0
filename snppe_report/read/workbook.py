"""The only module that opens workbook files.

A workbook becomes a :class:`Workbook`: its sheets, each a sparse grid of :class:`Cell`
objects with their number format, grey fill and merged ranges, plus the document
properties and the file's SHA-256. Formats read (:data:`SUFFIXES`): Excel ``.xlsx``,
``.xlsm`` and their templates ``.xltx``, ``.xltm``; Excel 97-2003 ``.xls`` (and ``.xlt``);
OpenDocument ``.ods``, its template ``.ots`` and the flat ``.fods``. Refused with what to
do (:data:`REFUSED`): ``.xlsb``, ``.numbers``.

Safety first: the file's size, the archive's member count, declared sizes and
compression ratios, and each XML part's size are checked here *before* anything is
inflated; every XML part's prolog is read with defusedxml first, so entity declarations
(entity expansion, external entities) are refused whatever the format reader does,
while a DOCTYPE without any (LibreOffice Basic libraries) is accepted. An encrypted
package is named as such. The format reader then bounds each sheet's row and cell
counts (and, for xlsx, the merged area) while it streams the sheet parts, before
openpyxl would materialise every cell of a merged range or of a sheet's bounding box;
the sheets' spanned area and total text are checked here once they are read. Formula
cells keep their cached value; a formula without a cached value is kept as
:attr:`Cell.formula` with ``value=None`` so that the table can compute or report it.
No refusal shows a Python exception: :mod:`snppe_report.read.damage` gives the French
cause, and logs the technical detail.

This module holds the public API and what the formats share; the zip package checks are
in :mod:`snppe_report.read.archive`, the format details in
:mod:`snppe_report.read.xlsx` (a defusedxml pre-scan of the parts, then openpyxl, which
never runs macros: ``keep_vba`` is off), :mod:`snppe_report.read.ods` (a streamed
defusedxml reader, for ``.ods`` and ``.fods``) and :mod:`snppe_report.read.xls` (xlrd).
All the limits are in :data:`LIMITS`, read at call time.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException

from snppe_report.exceptions import UnreadableWorkbookError, UnsafeWorkbookError
from snppe_report.read.archive import ZIP_ERRORS, check_xml_parts, encrypted_package, open_archive
from snppe_report.read.cells import (
    LIMITS,
    Cell,
    Sheet,
    Workbook,
    cap_text,
    column_letter,
    is_grey_rgb,
)
from snppe_report.read.damage import log_detail, xml_cause, zip_cause

__all__ = [
    "Cell",
    "Sheet",
    "Workbook",
    "read_workbook",
    "column_letter",
    "cap_text",
    "is_grey_rgb",
    "LIMITS",
    "SUFFIXES",
    "REFUSED",
    "SPREADSHEET_SUFFIXES",
]

log = logging.getLogger(__name__)

#: suffix -> format read; a file's content decides when it contradicts its suffix (an
#: Excel 97-2003 workbook renamed .xlsx is read as one, an .xlsb renamed .xlsx refused)
SUFFIXES = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xltx": "xlsx",  # Excel templates: the same package as a workbook
    ".xltm": "xlsx",
    ".ods": "ods",
    ".ots": "ods",  # OpenDocument template
    ".fods": "fods",  # flat OpenDocument: one XML file
    ".xls": "xls",
    ".xlt": "xls",
}
#: spreadsheet formats that are refused, with what to do
REFUSED = {
    ".xlsb": (
        "format « Classeur binaire Excel » (.xlsb) non pris en charge : aucune bibliothèque "
        "bien entretenue n'en lit les formats de nombre (un 15 % y serait lu 0,15). Dans "
        "Excel, « Enregistrer sous » > « Classeur Excel (.xlsx) », puis relancez."
    ),
    ".numbers": (
        "format Apple Numbers non pris en charge : dans Numbers, « Fichier » > « Exporter "
        "vers » > « Excel… » (.xlsx), puis relancez."
    ),
}
#: every suffix that looks like a spreadsheet (a batch gives each such file an entry)
SPREADSHEET_SUFFIXES = frozenset(SUFFIXES) | frozenset(REFUSED)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ACCEPTED = ".xlsx, .xlsm, .xls, .ods (ou leurs modèles .xltx, .ots, et .fods)"


def read_workbook(path: str | Path) -> Workbook:
    """Read a workbook safely.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx``, ``.xlsm``, ``.xltx``, ``.xltm``, ``.xls``, ``.xlt``, ``.ods``,
        ``.ots`` or ``.fods`` file.

    Returns
    -------
    Workbook

    Raises
    ------
    UnreadableWorkbookError
        Missing file, unknown or refused format, not a workbook, truncated, encrypted.
    UnsafeWorkbookError
        Over the size limits, or XML that declares entities.
    """
    path = Path(path)
    data = _read_bytes(path)
    suffix = path.suffix.lower()
    kind = SUFFIXES.get(suffix)
    if data[:8] == _OLE_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableWorkbookError(
                "classeur protégé par un mot de passe (chiffré) : enregistrez-en une copie "
                "sans mot de passe puis relancez.",
                file=path,
            )
        kind = "xls"  # Excel 97-2003, whatever the suffix says
    elif suffix in REFUSED:
        raise UnreadableWorkbookError(REFUSED[suffix], file=path)
    elif kind is None:
        raise UnreadableWorkbookError(
            f"format « {path.suffix or 'sans extension'} » non pris en charge : "
            f"fournissez un classeur {_ACCEPTED}.",
            file=path,
        )
    if kind == "xls" and data[:4] == b"PK\x03\x04":
        kind = "xlsx"  # a zip package named .xls: its parts tell which (see below)
    if kind == "xls":
        from snppe_report.read.xls import read_xls

        sheets, props = read_xls(data, path)
    elif kind == "fods":
        sheets, props = _read_fods(data, path)
    else:
        kind, (sheets, props) = _read_archive(data, path, kind)
    _check_sheets(sheets, path)
    return Workbook(path, hashlib.sha256(data).hexdigest(), sheets, props, kind)


def _read_archive(data: bytes, path: Path, kind: str):
    """An xlsx or ods package: the archive and its XML parts checked, then read. The
    parts decide the format when they contradict the suffix (an .ods named .xlsx).
    Returns ``(kind, (sheets, properties))``."""
    archive = open_archive(path, data)
    try:
        names = set(archive.namelist())
        if "xl/workbook.bin" in names:
            raise UnreadableWorkbookError(REFUSED[".xlsb"], file=path)
        if "xl/workbook.xml" in names:
            kind = "xlsx"
        elif "content.xml" in names:
            kind = "ods"
        if "META-INF/manifest.xml" in names and encrypted_package(archive):
            raise UnreadableWorkbookError(
                "classeur LibreOffice chiffré (protégé par un mot de passe) : ouvrez-le dans "
                "LibreOffice, « Fichier » > « Enregistrer sous » sans cocher « Enregistrer "
                "avec mot de passe », puis relancez sur la copie.",
                file=path,
            )
        check_xml_parts(archive, path)
        if kind == "ods":
            from snppe_report.read.ods import read_ods

            return kind, read_ods(archive, path, LIMITS["sheet_rows"], LIMITS["cells"])
        from snppe_report.read.xlsx import read_xlsx

        return kind, read_xlsx(archive, path, data)
    except DefusedXmlException as exc:
        raise _entities(path) from exc
    except (ParseError, ValueError) as exc:  # malformed XML, non-numeric attributes
        log_detail(path, exc)
        raise UnreadableWorkbookError(f"classeur endommagé : {xml_cause(exc)}.", file=path) from exc
    except RecursionError as exc:  # before RuntimeError (a zip error): XML nested too deep
        log_detail(path, exc)
        raise UnsafeWorkbookError(
            "le classeur contient du XML imbriqué trop profondément : ce n'est pas un tableau "
            "de bord SNPPE (limite de sécurité).",
            file=path,
        ) from exc
    except ZIP_ERRORS as exc:  # data behind a valid directory: bad deflate, encrypted member...
        log_detail(path, exc)
        raise UnreadableWorkbookError(
            f"archive du classeur corrompue ({zip_cause(exc)}).", file=path
        ) from exc
    finally:
        archive.close()


def _read_fods(data: bytes, path: Path) -> tuple[list[Sheet], dict[str, str]]:
    """A flat OpenDocument spreadsheet: one XML document, streamed like an .ods content."""
    import io

    from snppe_report.read.ods import read_fods

    if len(data) > LIMITS["xml_part_bytes"]:
        raise UnsafeWorkbookError(
            f"le classeur fait {len(data) / 1024**2:.0f} Mo de XML (limite "
            f"{LIMITS['xml_part_bytes'] // 1024**2} Mo) : classeur suspect.",
            file=path,
        )
    try:
        return read_fods(io.BytesIO(data), path, LIMITS["sheet_rows"], LIMITS["cells"])
    except DefusedXmlException as exc:
        raise _entities(path) from exc
    except (ParseError, ValueError) as exc:
        log_detail(path, exc)
        raise UnreadableWorkbookError(f"classeur endommagé : {xml_cause(exc)}.", file=path) from exc


def _entities(path: Path) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(
        "le classeur contient du XML dangereux (déclaration d'entités) : lecture refusée.",
        file=path,
    )


def _os_cause(exc: OSError) -> str:
    import errno

    causes = {
        errno.EACCES: "droits insuffisants",
        errno.EPERM: "droits insuffisants",
        errno.EIO: "erreur d'entrée-sortie du disque",
        errno.ENOENT: "fichier disparu pendant la lecture",
    }
    return causes.get(exc.errno, "erreur du système de fichiers")


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
        log_detail(path, exc)
        raise UnreadableWorkbookError(f"lecture impossible ({_os_cause(exc)}).", file=path) from exc


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
