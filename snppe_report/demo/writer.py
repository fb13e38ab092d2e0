"""Write SNPPE dashboards as real workbooks (.xlsx with openpyxl, .ods with odfpy).

Two levels:

- the low level describes a workbook cell by cell (:class:`CellSpec`, :class:`SheetSpec`,
  :class:`WorkbookSpec`) and :func:`write_workbook` writes it as Excel or LibreOffice
  would: merged ranges, number formats, formulas *with* their cached values, line breaks
  inside cells, grey fills, A4 landscape page setup;
- the high level models a dashboard as a list of :class:`DashboardEntry` and lays it out
  like one of the two known workbooks (:func:`layout_2023`, seed 000; :func:`layout_2021`,
  seed 001). ``scripts/build_examples.py`` and the synthetic-data generator both use it.

A dashboard is a list of :class:`DashboardEntry` (engagement headings, indicator rows
with one value per column key, blank rows, page breaks); column keys are
``"<nature>_<year>"`` (``valeur_2019``, ``cible_2023``, ``atteinte_2023``), see
:func:`columns_2023` and :func:`columns_2021`. The model is in
:mod:`snppe_report.demo.spec`, the layout builders in :mod:`snppe_report.demo.layouts`;
both are served from here, so callers only import :mod:`snppe_report.demo.writer`.
No heavy import (openpyxl, odfpy) happens until a file is written.
"""

from __future__ import annotations

from pathlib import Path

from snppe_report.demo.layouts import layout_2021, layout_2023
from snppe_report.demo.spec import (
    DEFAULT_LEGEND,
    ENGAGEMENT_FILL,
    FICTIVE_KEYWORD,
    FICTIVE_LINE,
    GREY_FILL,
    GREY_FILL_THEME,
    HEADER_FILL,
    CellSpec,
    DashboardEntry,
    DefinitionEntry,
    DocumentProperties,
    IndicationLine,
    Number,
    Ratio,
    SheetSpec,
    Value,
    WorkbookSpec,
    column_letter,
    columns_2021,
    columns_2023,
    fill_rgb,
)

__all__ = [
    "CellSpec",
    "SheetSpec",
    "DocumentProperties",
    "WorkbookSpec",
    "fill_rgb",
    "column_letter",
    "GREY_FILL",
    "GREY_FILL_THEME",
    "HEADER_FILL",
    "ENGAGEMENT_FILL",
    "FICTIVE_KEYWORD",
    "Number",
    "Ratio",
    "DashboardEntry",
    "DefinitionEntry",
    "IndicationLine",
    "columns_2021",
    "columns_2023",
    "FICTIVE_LINE",
    "DEFAULT_LEGEND",
    "Value",
    "write_workbook",
    "layout_2021",
    "layout_2023",
]


def write_workbook(spec: WorkbookSpec, path: str | Path) -> Path:
    """Write ``spec`` to ``path``; the suffix chooses the format.

    Parameters
    ----------
    spec
        The workbook to write.
    path
        Destination ending in ``.xlsx`` (openpyxl, then formula cached values added to
        the package as Excel stores them) or ``.ods`` (odfpy).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    ValueError
        For another suffix, a duplicate sheet name or a formula whose reference
        cannot be written.
    """
    path = Path(path)
    names = [s.name for s in spec.sheets]
    if len(set(names)) != len(names) or not names:
        raise ValueError(f"sheet names must be unique and non-empty: {names}")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from snppe_report.demo.xlsx_writer import write_xlsx

        write_xlsx(spec, path)
    elif suffix == ".ods":
        from snppe_report.demo.ods_writer import write_ods

        write_ods(spec, path)
    else:
        raise ValueError(f"unsupported workbook suffix {suffix!r} (expected .xlsx or .ods)")
    return path
