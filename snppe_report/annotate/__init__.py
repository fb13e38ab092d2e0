"""Annotated copies: a workbook sent back with every finding on its cell.

Offers :func:`write_annotated` (a read workbook and its findings ->
``<code>-<nom>-<annee>-annote.xlsx``: the whole workbook copied, each finding's cell
commented and marked, a first sheet "Constats" listing every finding),
:func:`annotate_file` (read, check and annotate one file) and :func:`annotated_name`.
:mod:`~snppe_report.annotate.locate`, :mod:`~snppe_report.annotate.notes` and
:mod:`~snppe_report.annotate.inventory` are pure; :mod:`~snppe_report.annotate.copy`,
:mod:`~snppe_report.annotate.marks` and :mod:`~snppe_report.annotate.constats` import
openpyxl when they run. Submodules are imported on first use.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "write": [
            "Annotated",
            "annotate_file",
            "annotated_name",
            "check_out_dir",
            "write_annotated",
            "write_annotated_all",
        ]
    },
)
