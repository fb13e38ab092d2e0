"""The checks of a zip package (xlsx, ods) done before any part is inflated or parsed.

The archive's member count (read from the end-of-central-directory record), declared
sizes and compression ratios, every member's integrity, each XML part's size and prolog
(defusedxml: entity declarations refused, a DOCTYPE without them accepted), and whether
an OpenDocument manifest declares encrypted parts. Used by
:mod:`snppe_report.read.workbook`; the limits are :data:`~snppe_report.read.cells.LIMITS`.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from snppe_report.exceptions import UnreadableWorkbookError, UnsafeWorkbookError
from snppe_report.read.cells import LIMITS
from snppe_report.read.damage import log_detail, zip_cause

__all__ = ["open_archive", "check_xml_parts", "encrypted_package", "ZIP_ERRORS"]

_XML_PARTS = (".xml", ".rels", ".vml")
_MANIFEST_NS = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
#: what reading a damaged member raises: bad deflate data, CRC, truncation, an unknown
#: compression method (NotImplementedError), an encrypted member (RuntimeError)
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


def encrypted_package(archive: zipfile.ZipFile) -> bool:
    """Whether an OpenDocument manifest declares encrypted parts (a password)."""
    try:
        with archive.open("META-INF/manifest.xml") as fh:
            for _, el in iterparse(fh, events=("start",)):
                if el.tag == _MANIFEST_NS + "encryption-data":
                    return True
    except (DefusedXmlException, ParseError, *ZIP_ERRORS, ValueError):
        return False  # the part is checked, and reported, with the others
    return False


def open_archive(path: Path, data: bytes) -> zipfile.ZipFile:
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
    except (*ZIP_ERRORS, ValueError) as exc:
        log_detail(path, exc)
        raise UnreadableWorkbookError(
            f"archive du classeur illisible ou tronquée ({zip_cause(exc)}).", file=path
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
    except (*ZIP_ERRORS, ValueError) as exc:  # testzip catches only BadZipFile
        archive.close()
        log_detail(path, exc)
        raise UnreadableWorkbookError(
            f"archive du classeur corrompue ({zip_cause(exc)}).", file=path
        ) from exc
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


def check_xml_parts(archive: zipfile.ZipFile, path: Path) -> None:
    """Bound every XML part's size and refuse entity declarations in any of them.

    Entities can only be declared in a DTD, before the root element, so each part is
    parsed with defusedxml up to its first element: cheap, and independent of whether
    openpyxl itself uses defusedxml (it does only when installed and not disabled by the
    ``OPENPYXL_DEFUSEDXML`` variable; openpyxl also wraps the error in a bare
    ``ValueError``). A DOCTYPE that declares no entity is harmless and accepted:
    LibreOffice writes one in each part of a Basic macro library (``Basic/*.xml``), whose
    macros snppe-report never runs; an external DTD it names is never fetched.
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
                for _ in iterparse(fh, events=("start",)):
                    break
        except DefusedXmlException as exc:
            raise UnsafeWorkbookError(
                f"le classeur contient du XML dangereux (déclaration d'entités dans la "
                f"partie « {member.filename} ») : lecture refusée.",
                file=path,
            ) from exc
        except (ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError):
            continue  # a broken part is reported by the reader that needs it
