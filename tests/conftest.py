"""Shared fixtures: small dashboards built with openpyxl, and the example workbooks."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
EXAMPLE_2023 = DATA / "68-haut-rhin-tdb-snppe-2023.xlsx"
EXAMPLE_2021 = DATA / "tdb-snppe-2021-departement-non-nomme.xlsx"
GREY = PatternFill("solid", fgColor="FFD9D9D9")
HEADER_2023 = [
    "Mesure",
    "Objectif",
    "Indicateur",
    "Niveau des indicateurs en 2019 (diagnostic)",
    "Niveau des indicateurs en 2022",
    "Niveau cible de l'objectif en 2023",
    "Niveau d'atteinte de l'objectif en 2023",
]


@pytest.fixture(autouse=True, scope="session")
def _template_cache(tmp_path_factory):
    """The tests compile templates into a cache of their own, never the user's
    (``report.jinja.bytecode_cache``); the kernels they start inherit it."""
    import os

    from snppe_report.report.jinja import CACHE_VARIABLE

    previous = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(tmp_path_factory.mktemp("cache-gabarits"))
    yield
    if previous is None:
        os.environ.pop(CACHE_VARIABLE, None)
    else:
        os.environ[CACHE_VARIABLE] = previous


def build_dashboard(
    path: Path,
    rows: list[list],
    *,
    merges=(),
    grey=(),
    formats=None,
    sheet="Tableau de bord",
    extra_sheets=(),
) -> Path:
    """Write ``rows`` (lists of cell values, None = empty) into a one-sheet workbook.

    ``merges``: ranges like "A3:A5"; ``grey``: cells like "B3"; ``formats``: {cell: format}.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for rng in merges:
        ws.merge_cells(rng)
    for ref in grey:
        ws[ref].fill = GREY
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    for name, extra in extra_sheets:
        other = wb.create_sheet(name)
        for r, row in enumerate(extra, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    other.cell(r, c, value)
    wb.save(path)
    return path


@pytest.fixture
def dashboard(tmp_path):
    """Factory: ``dashboard(rows, name="68-x.xlsx", **kw) -> Path``."""

    def make(rows, name="68-test.xlsx", **kw):
        return build_dashboard(tmp_path / name, rows, **kw)

    return make
