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

The private helpers :func:`_string`, :func:`_markup` and :func:`_compile` are the
synthesis's own escape and compile functions (to be shared with the departmental
report's Typst renderer).
"""

from __future__ import annotations

import math
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from snppe_report.exceptions import RenderError
from snppe_report.read.catalogue import load_catalogue
from snppe_report.synthesis import messages
from snppe_report.synthesis.html import MACROS
from snppe_report.synthesis.tables import _name, _tolerance_points

if TYPE_CHECKING:
    from snppe_report.synthesis.model import Synthesis

__all__ = ["PDF_STANDARDS", "compile_pdf", "section_typst"]

#: The standards every synthesis PDF declares (Typst checks them while compiling).
PDF_STANDARDS = ("ua-1", "a-2a")


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
    return _compile(source, Path(out))


# -- private escape and compile helpers --------------------------------------------------


def _string(text: object) -> str:
    """A Typst string literal holding ``text`` exactly (code mode)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        text = ""
    value = str(text)
    value = "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)
    value = value.replace("\\", "\\\\").replace('"', '\\"')
    value = value.replace("\n", "\\n").replace("\t", "\\t")
    return f'"{value}"'


def _markup(text: object) -> str:
    """``text`` as markup that Typst shows as is: ``#"...";`` (the ``;`` ends it)."""
    return f"#{_string(text)};"


def _compile(source: str, out: Path) -> Path:
    import typst

    with tempfile.TemporaryDirectory(prefix="snppe-typst-") as tmp:
        root = Path(tmp)
        main = root / "main.typ"
        main.write_text(source, encoding="utf-8")
        try:
            pdf = typst.compile(str(main), root=str(root), pdf_standards=list(PDF_STANDARDS))
        except Exception as exc:  # typst.TypstError: its diagnostic names the line
            detail = str(getattr(exc, "diagnostic", "") or exc).strip()
            raise RenderError(f"la composition Typst du PDF a échoué : {detail[:600]}",
                              file=str(out)) from exc  # fmt: skip
    out.write_bytes(pdf)
    return out


@cache
def _template():
    from snppe_report.formatting import format_date, format_number, format_percent, format_points
    from snppe_report.report import jinja

    env = jinja.environment()
    env.autoescape = False  # Typst, not HTML: every text goes through tm / ts instead
    env.filters.update(
        pct=lambda v, d=1: format_percent(v, d),
        nombre=lambda v, d=None: format_number(v, d),
        points=lambda v: format_points(v, 1),
        date_fr=format_date,
        tm=_markup,
        ts=_string,
    )
    env.globals.update(
        isnan=lambda v: v is None or (isinstance(v, float) and math.isnan(v)),
        catalogue_label=lambda ident: load_catalogue().get(ident).label,
        collectivite_name=_name,
        map_source=messages.MAP_SOURCE,
        annee_valeurs=messages.value_year,
        progress_sentence=messages.progress_sentence,
        status_columns=messages.status_columns,
        method_items=lambda s: messages.method_items(s, _tolerance_points()),
    )
    return env.get_template("synthese-nationale.typ.j2")
