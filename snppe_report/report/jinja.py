"""The Jinja2 environment of the package's HTML templates (``snppe_report/data/*.j2``).

One configuration for the report sections, the batch index and the national
synthesis: autoescape on (every workbook text is escaped), undefined names are errors,
block tags leave no blank lines. Each caller adds its own filters and globals to the
fresh environment it gets, and caches it.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["environment", "typst_environment"]


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


def typst_environment() -> Any:
    """A new ``jinja2.Environment`` over the package's Typst templates (``*.typ.j2``).

    Every ``{{ ... }}`` output is escaped as Typst markup
    (:func:`snppe_report.report.typst.escape`): a workbook text can never become
    Typst code. Numbers are written as they are; values marked safe (``| safe``, the
    string literals of the ``lit`` filter) are written unescaped: macro calls are
    written ``{{ m.name(...) | safe }}`` (forgetting it shows the macro's markup
    escaped, never runs a workbook text). ``| insecable`` turns spaces into no-break
    spaces (a number never breaks across lines); ``| colle`` does so only inside the
    numbers of a sentence (:func:`glue_numbers`).
    """
    import jinja2
    from markupsafe import Markup

    from snppe_report.report.typst import escape, string

    def finalize(value: Any) -> Any:
        if isinstance(value, Markup):
            return str(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return escape(value)

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("snppe_report", "data"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )
    env.filters["lit"] = lambda value: Markup(string(value))
    env.filters["insecable"] = lambda value: str(value).replace(" ", "\u00a0")
    env.filters["colle"] = glue_numbers
    return env


_GLUE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))|(?<=\d) (?=%|pts?\b|points\b)")


def glue_numbers(value: Any) -> str:
    """No-break spaces inside the numbers of a sentence: "7 688", "20 %", "+2,0 pts".

    For the ``colle`` filter of the Typst templates: a line never breaks inside a
    number or between a number and its unit; the text is escaped afterwards.
    """
    return _GLUE.sub("\u00a0", str(value))
