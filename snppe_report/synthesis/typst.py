"""The Typst twin of the synthesis's HTML, and its compilation to an accessible PDF.

:func:`section_typst` renders one macro of ``data/synthese-nationale.typ.j2`` (the
same sections as the HTML template, from the same model and the same sentences of
:mod:`.messages`). No text is ever pasted into Typst markup as is: the template's
filters turn every text into a string literal (``#"...";`` in markup, ``"..."`` in
code), so a workbook text holding ``#``, ``*``, ``[`` or ``"`` stays text.

:func:`compile_pdf` compiles a document with the ``typst`` package in a private,
empty root folder (the document can read no file), declaring PDF/UA-1 and PDF/A-2a:
Typst then tags the PDF (title, language, headings, table headers, figures with
their text alternative) and refuses a document that breaks those standards.

Escaping and compiling are the departmental report's (:mod:`snppe_report.report.typst`):
one string-literal writer, one compiler (fonts loaded once, helper process, standards).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from snppe_report.report import typst as report_typst
from snppe_report.synthesis.html import MACROS, add_helpers

if TYPE_CHECKING:
    from snppe_report.synthesis.model import Synthesis

__all__ = ["PDF_STANDARDS", "compile_pdf", "section_typst"]

#: The standards every synthesis PDF declares (Typst checks them while compiling).
PDF_STANDARDS = report_typst.PDF_STANDARDS


def section_typst(name: str, s: Synthesis) -> str:
    """One macro of :data:`snppe_report.synthesis.html.MACROS`, in Typst markup.

    The first one (``couverture``) opens the document: title, language, page
    furniture (the fictive-data banner on every page when the data is fictive).
    """
    if name not in MACROS:
        raise ValueError(f"section inconnue : {name!r}")
    return str(getattr(_template().module, name)(s))


def compile_pdf(source: str, out: str | Path) -> Path:
    """Compile a Typst document to ``out`` as a tagged PDF/UA-1 and PDF/A-2a.

    Parameters
    ----------
    source : str
        The whole document (:func:`snppe_report.synthesis.render.typst_source`).
    out : path-like
        The PDF to write.

    Returns
    -------
    Path

    Raises
    ------
    RenderError
        When Typst refuses the document (its message, in the error).
    """
    out = Path(out)
    report_typst.compile_pdf(source, out)
    return out


def _markup(text: object) -> str:
    """``text`` as markup that Typst shows as is: ``#"...";`` (the ``;`` ends it)."""
    return f"#{_string(text)};"


def _string(text: object) -> str:
    """A Typst string literal holding ``text`` (NaN, like None, is empty)."""
    if isinstance(text, float) and math.isnan(text):
        text = None
    return report_typst.string(text)


@cache
def _template():
    from snppe_report.report import jinja

    env = jinja.environment(autoescape=False)  # Typst: every text goes through tm / ts
    add_helpers(env)
    env.filters.update(tm=_markup, ts=_string)
    return env.get_template("synthese-nationale.typ.j2")
