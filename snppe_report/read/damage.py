"""French causes for what a damaged workbook makes the libraries raise.

A refusal never shows a Python exception: zipfile, zlib, the XML parser and openpyxl
raise ``BadZipFile``, ``zlib.error``, ``ParseError``, ``TypeError`` ("Nested.from_tree()
missing 1 required positional argument"), ``KeyError``, ``IndexError``... with English
texts. Each is turned here into a French cause for the user; the technical detail goes
to the log (shown by ``snppe -v``).
"""

from __future__ import annotations

import logging
import traceback
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

__all__ = ["zip_cause", "xml_cause", "openpyxl_cause", "log_detail"]

log = logging.getLogger("snppe_report.read")

#: openpyxl module (path fragment) -> the part of the workbook it was reading
_OPENPYXL_PARTS = (
    ("openpyxl/styles/", "la mise en forme « styles.xml »"),
    ("openpyxl/reader/strings", "les textes partagés « sharedStrings.xml »"),
    ("openpyxl/worksheet/_reader", "une feuille"),
    ("openpyxl/worksheet/", "une feuille"),
    ("openpyxl/workbook/", "la liste des feuilles « workbook.xml »"),
    ("openpyxl/packaging/core", "les propriétés du document « docProps/core.xml »"),
    ("openpyxl/packaging/", "la structure du classeur « [Content_Types].xml »"),
    ("openpyxl/chart/", "un graphique"),
    ("openpyxl/drawing/", "un dessin ou une image"),
    ("openpyxl/comments/", "un commentaire"),
    ("openpyxl/pivot/", "un tableau croisé dynamique"),
    ("openpyxl/formatting/", "une mise en forme conditionnelle"),
    ("openpyxl/descriptors/", None),  # generic validation: the caller's frame decides
    ("openpyxl/xml/", None),
)


def log_detail(path: Path, exc: BaseException) -> None:
    """Record the technical detail of a refusal (``snppe -v`` shows it)."""
    log.info("%s : détail technique : %s: %s", Path(path).name, type(exc).__name__, exc)


def zip_cause(exc: BaseException) -> str:
    """What is wrong with an archive, in French, from the exception reading it raised."""
    text = str(exc).lower()
    if isinstance(exc, zlib.error):
        return "données compressées invalides"
    if isinstance(exc, EOFError) or "truncated" in text or "eof" in text:
        return "archive tronquée"
    if isinstance(exc, NotImplementedError) or "compression" in text:
        return "méthode de compression non prise en charge"
    if isinstance(exc, RuntimeError) or "encrypted" in text or "password" in text:
        return "partie chiffrée par un mot de passe"
    if "crc" in text:
        return "somme de contrôle incorrecte"
    if isinstance(exc, zipfile.BadZipFile):
        return "structure de l'archive invalide"
    if isinstance(exc, OSError):
        return "lecture impossible"
    return "archive illisible"


def xml_cause(exc: BaseException) -> str:
    """What is wrong with an XML part, in French."""
    if isinstance(exc, ParseError):
        line, column = getattr(exc, "position", (0, 0)) or (0, 0)
        where = f" (ligne {line}, colonne {column})" if line else ""
        return f"XML illisible{where}"
    return "XML illisible : une valeur attendue numérique ne l'est pas"


#: openpyxl's own wrapper ("Unable to read workbook: could not read X from ...") -> part
_OPENPYXL_WRAPPED = (
    ("could not read properties", "les propriétés du document « docProps/core.xml »"),
    ("could not read worksheets", "une feuille"),
    ("could not read stylesheet", "la mise en forme « styles.xml »"),
    ("could not read", "la structure du classeur"),
)
_REASONS = (
    (KeyError, "une référence interne ne mène nulle part"),
    (IndexError, "une référence à un style ou un texte partagé inexistant"),
    (TypeError, "un élément XML incomplet ou inattendu"),
    (ValueError, "une valeur hors de ce que le format permet"),
    (AttributeError, "un élément XML inattendu"),
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 10:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _part(exc: BaseException) -> str | None:
    """The workbook part openpyxl was reading, from its traceback (innermost first)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        name = frame.filename.replace("\\", "/")
        for fragment, described in _OPENPYXL_PARTS:
            if fragment in name and described is not None:
                return described
    text = str(exc).lower()
    return next((part for key, part in _OPENPYXL_WRAPPED if key in text), None)


def openpyxl_cause(exc: BaseException) -> str:
    """Which part of an xlsx workbook openpyxl could not read, and why, in French."""
    chain = _chain(exc)
    for link in chain:
        missing = str(link.args[0]) if isinstance(link, KeyError) and link.args else ""
        if "there is no item named" in missing.lower() and missing.count("'") >= 2:
            return f"la partie « {missing.split(chr(39))[1]} » manque dans l'archive"
    innermost = chain[-1]
    part = next((p for p in (_part(link) for link in reversed(chain)) if p), None)
    reason = next((text for kind, text in _REASONS if isinstance(innermost, kind)), "")
    reason = reason or "un contenu non conforme au format"
    return f"{reason} dans {part}" if part else reason
