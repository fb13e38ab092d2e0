"""The notebooks: committed without outputs, a ``parameters`` cell first, thin code only."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
REPORT = Path(__file__).resolve().parents[1] / "notebooks" / "rapport_departemental.ipynb"


def _read(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def _code(nb: nbformat.NotebookNode) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def test_report_notebook_exists():
    assert REPORT in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    for cell in _code(_read(path)):
        assert cell.outputs == [], cell.source
        assert cell.execution_count is None, cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_tagged_parameters(path):
    first, *others = _code(_read(path))
    assert "parameters" in first.metadata.get("tags", [])
    assert not any("parameters" in c.metadata.get("tags", []) for c in others)
    for node in ast.parse(first.source).body:  # plain assignments of defaults only
        assert isinstance(node, ast.Assign), ast.dump(node)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_definitions_in_notebooks(path):
    for cell in _code(_read(path)):
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
            ), cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_thin_cells(path):
    for cell in _code(_read(path)):
        assert len(cell.source.splitlines()) <= 8, cell.source


def test_report_parameters():
    import papermill

    params = papermill.inspect_notebook(str(REPORT))
    assert list(params) == [
        "workbook", "departement", "annee", "autres_classeurs", "consolide", "emetteur",
        "extraction_lue",
    ]  # fmt: skip
    assert params["consolide"]["default"] == "None"
    assert params["emetteur"]["default"] == "None"  # no issuer block by default
    assert params["workbook"]["default"].endswith('68-haut-rhin-tdb-snppe-2023.xlsx"')
    assert params["departement"]["default"] == "None"
    assert params["annee"]["default"] == "None"


def test_report_kernel_imports_only_what_it_needs():
    """The kernel round trip stays lean: no pyplot, no nbconvert, no WeasyPrint."""
    imported = set()
    for cell in _code(_read(REPORT)):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")
    assert imported == {"IPython.display", "snppe_report"}


def test_cells_hidden_from_the_report_are_tagged():
    from snppe_report.report.render import HIDDEN_TAGS

    nb = _read(REPORT)
    hidden = [c for c in nb.cells if set(c.metadata.get("tags", [])) & set(HIDDEN_TAGS)]
    assert hidden and hidden[0].cell_type == "markdown"  # the how-to for analysts
