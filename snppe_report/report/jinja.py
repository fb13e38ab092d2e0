"""The Jinja2 environment of the package's HTML templates (``snppe_report/data/*.j2``).

One configuration for the report sections, the batch index and the national
synthesis: autoescape on (every workbook text is escaped), undefined names are errors,
block tags leave no blank lines. Each caller adds its own filters and globals to the
fresh environment it gets, and caches it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["environment"]


def environment() -> Any:
    """A new ``jinja2.Environment`` over the package's ``data/`` templates."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("snppe_report", "data"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
