"""Fictive workbooks (``snppe demo-data``) and the writers that lay dashboards out.

Offers :func:`write_demo_workbooks` and :func:`write_workbook`.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "synthetic": ["write_demo_workbooks", "demo_layouts"],
        "writer": ["write_workbook"],
    },
)
