"""Reading: a workbook file -> its cells -> typed values -> the tidy table of indicators.

Offers :func:`extract` (a workbook -> :class:`Extraction`, the ``snppe extract``
contract), :func:`read_workbook` (the only way a workbook file is opened),
:func:`parse_value` (one cell's content), the catalogue of harmonised indicators and the
reference table of collectivités. Submodules are imported on first use.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "table": ["COLUMNS", "Extraction", "extract", "extract_workbook"],
        "workbook": ["read_workbook"],
        "cells": ["Cell", "Sheet", "Workbook", "LIMITS"],
        "values": ["ParsedValue", "parse_value"],
        "findings": ["Finding"],
        "catalogue": ["Catalogue", "Indicator", "load_catalogue"],
        "collectivites": ["Collectivite", "get_collectivite", "detect_collectivite"],
    },
)
