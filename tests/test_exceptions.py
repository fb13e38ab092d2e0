import pickle

import pytest

from snppe_report.exceptions import (
    CollectiviteError,
    LayoutError,
    ParameterError,
    RenderError,
    SnppeError,
    UnreadableWorkbookError,
)


def test_message_names_file_sheet_and_cell():
    err = LayoutError("colonne sans année", file="/tmp/x/68-tdb.xlsx", sheet="TDB", cell="E12")
    assert str(err) == "fichier « 68-tdb.xlsx », feuille « TDB », cellule E12 : colonne sans année"


def test_message_without_location():
    assert str(ParameterError("option inconnue")) == "option inconnue"


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (UnreadableWorkbookError, 2),
        (LayoutError, 2),
        (CollectiviteError, 2),
        (ParameterError, 2),
        (RenderError, 3),
    ],
)
def test_exit_codes(cls, code):
    assert cls("x").exit_code == code
    assert issubclass(cls, SnppeError)


def test_survives_pickling_with_its_fields():
    err = UnreadableWorkbookError("tronqué", file="a.xlsx", sheet="S", cell="A1")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is UnreadableWorkbookError
    assert (back.file, back.sheet, back.cell, str(back)) == ("a.xlsx", "S", "A1", str(err))


def test_to_dict_for_manifest():
    data = LayoutError("vide", file="a.xlsx").to_dict()
    assert data["type"] == "LayoutError" and "a.xlsx" in data["message"]
