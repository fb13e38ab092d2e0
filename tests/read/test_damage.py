"""Library exceptions -> French causes: no English text, no Python name."""

import zipfile
import zlib
from xml.etree.ElementTree import ParseError

import pytest

from snppe_report.read.damage import openpyxl_cause, xml_cause, zip_cause


def _parse_error() -> ParseError:
    error = ParseError("not well-formed (invalid token): line 3, column 7")
    error.position = (3, 7)
    return error


@pytest.mark.parametrize(
    ("exc", "cause"),
    [
        (zlib.error("Error -3 while decompressing data"), "données compressées invalides"),
        (EOFError("Compressed file ended before the end-of-stream"), "archive tronquée"),
        (NotImplementedError("That compression method is not supported"), "méthode de"),
        (RuntimeError("File 'x' is encrypted, password required"), "partie chiffrée"),
        (zipfile.BadZipFile("Bad CRC-32 for file 'xl/styles.xml'"), "somme de contrôle"),
        (zipfile.BadZipFile("Bad magic number for file header"), "structure de l'archive"),
        (OSError(5, "Input/output error"), "lecture impossible"),
    ],
)
def test_zip_causes(exc, cause):
    assert zip_cause(exc).startswith(cause)


@pytest.mark.parametrize(
    ("exc", "cause"),
    [
        (_parse_error(), "XML illisible (ligne 3, colonne 7)"),
        (ValueError("invalid literal for int() with base 10: 'beaucoup'"), "XML illisible : une"),
    ],
)
def test_xml_causes(exc, cause):
    assert xml_cause(exc) == cause or xml_cause(exc).startswith(cause)


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


@pytest.mark.parametrize(
    ("exc", "cause"),
    [
        (
            KeyError("There is no item named 'xl/sharedStrings.xml' in the archive"),
            "la partie « xl/sharedStrings.xml » manque dans l'archive",
        ),
        (IndexError("list index out of range"), "une référence à un style ou un texte"),
        (
            TypeError("Nested.from_tree() missing 1 required positional argument: 'node'"),
            "un élément XML incomplet ou inattendu",
        ),
        (
            ValueError("Unable to read workbook: could not read properties from x.xlsx."),
            "une valeur hors de ce que le format permet dans les propriétés du document",
        ),
        (AttributeError("'NoneType' object has no attribute 'get'"), "un élément XML inattendu"),
        (LookupError("?"), "un contenu non conforme au format"),
    ],
)
def test_openpyxl_causes(exc, cause):
    assert openpyxl_cause(_raised(exc)).startswith(cause)


def test_openpyxl_cause_follows_the_wrapped_exception():
    try:
        try:
            raise IndexError("list index out of range")
        except IndexError as inner:
            raise ValueError("Unable to read workbook: could not read stylesheet") from inner
    except ValueError as outer:
        cause = openpyxl_cause(outer)
    assert cause == (
        "une référence à un style ou un texte partagé inexistant dans la mise en forme "
        "« styles.xml »"
    )
