"""The conversion steps of a report: executed notebook -> HTML, executed notebook -> PDF.

Private to :mod:`snppe_report.report.render`, which re-exports :func:`notebook_to_html`
and :func:`notebook_to_pdf`. With :mod:`snppe_report.report.render`,
:mod:`snppe_report.report.execute` and :mod:`snppe_report.report.exporter`, the only
nbconvert / Typst importer:

* :func:`notebook_to_html` converts with nbconvert's :class:`~nbconvert.HTMLExporter`
  and the ``snppe`` template, code and prompts hidden by the exporter's settings, the
  cells tagged with one of :data:`HIDDEN_TAGS` removed by its tag preprocessor;
* :func:`notebook_to_pdf` converts with the project's own nbconvert exporter
  (:class:`~snppe_report.report.exporter.TypstPDFExporter`, template ``snppe_typst``):
  the sections' Typst outputs compiled by Typst into an accessible PDF (PDF/UA-1,
  PDF/A-2a), in a private empty root, fonts loaded once per process;
* :func:`_preload_in_background` imports and warms up the converters in a thread
  while the kernel executes the notebook.

Heavy imports happen inside the functions that need them, so importing this module
stays cheap.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snppe_report._paths import HIDDEN_TAGS, TEMPLATES  # TEMPLATES: nbconvert templates
from snppe_report.exceptions import RenderError

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["HIDDEN_TAGS", "notebook_to_html", "notebook_to_pdf"]

# The logger of the render step, as before the split (and as in publish).
log = logging.getLogger("snppe_report.report.render")


def notebook_to_html(nb: NotebookNode, *, title: str | None = None) -> str:
    """Convert an executed notebook to one self-contained HTML page (template ``snppe``).

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    title : str, optional
        The page title (``<title>``, PDF metadata).

    Returns
    -------
    str
        The HTML document: ``lang="fr"``, inline CSS, no script, no code, no prompt,
        without the cells tagged with one of :data:`HIDDEN_TAGS`.
    """
    try:
        if title:
            nb = _copy_with_title(nb, title)
        html, _resources = _exporter().from_notebook_node(nb)
    except Exception as exc:
        raise RenderError(f"la conversion en HTML a échoué : {exc}") from exc
    return html


def notebook_to_pdf(
    nb: NotebookNode, pdf_path: str | os.PathLike[str], *, title: str | None = None
) -> Path:
    """Compile an executed report notebook to its accessible PDF (Typst).

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook: its section objects displayed ``text/vnd.typst``.
    pdf_path : path-like
        Where to write the PDF.
    title : str, optional
        Kept in the notebook metadata (the PDF's title is the report's own, set by
        its cover section).

    Returns
    -------
    Path
        ``pdf_path``.

    Raises
    ------
    RenderError
        The Typst source does not compile or breaks PDF/UA-1 or PDF/A-2a.
    """
    try:
        if title:
            nb = _copy_with_title(nb, title)
        pdf, _resources = _pdf_exporter().from_notebook_node(nb)
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(f"la génération du PDF a échoué : {exc}", file=pdf_path) from exc
    Path(pdf_path).write_bytes(pdf)
    return Path(pdf_path)


def _preload_in_background(wanted: tuple[str, ...]) -> threading.Thread:
    """Import the converters in a daemon thread, while the kernel runs.

    The caller joins it before converting; a failed run does not wait for it.
    """
    thread = threading.Thread(target=_preload, args=(wanted,), name="snppe-import", daemon=True)
    thread.start()
    return thread


def _preload(wanted: tuple[str, ...]) -> None:
    """Import and warm up the converters (see :func:`_preload_in_background`)."""
    try:
        import nbformat

        # A first conversion compiles the templates (~0.3 s each): done here, on a
        # notebook of one markdown cell, while the kernel runs.
        tiny = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("é")])
        if "html" in wanted:
            _exporter().from_notebook_node(tiny)
        if "pdf" in wanted:
            from snppe_report.report.exporter import TypstExporter
            from snppe_report.report.typst import fonts

            TypstExporter.from_notebook_node(_pdf_exporter(), tiny)  # the source only
            fonts()
    except Exception:  # the conversion step itself will raise a proper RenderError
        log.debug("préchargement des convertisseurs impossible", exc_info=True)


@cache
def _pdf_exporter() -> Any:
    """The Typst PDF exporter (built once per process)."""
    _lean_jsonschema()
    from snppe_report.report.exporter import TypstPDFExporter

    return TypstPDFExporter()


@cache
def _exporter() -> Any:
    """The configured HTML exporter (built once: template loading costs ~0.2 s)."""
    _lean_jsonschema()
    from traitlets.config import Config

    config = Config()
    # No Pygments stylesheet: there is no code to highlight. (A child template's
    # conf.json cannot turn off a preprocessor its parent enables: the parent's conf
    # is merged last; the exporter's config has the final word.)
    config.CSSHTMLHeaderPreprocessor.enabled = False
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
    return _report_exporter_class()(
        config=config,
        template_name="snppe",
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="fr",
    )


@cache
def _report_exporter_class() -> type:
    """nbconvert's :class:`~nbconvert.HTMLExporter` without its closing BeautifulSoup pass.

    nbconvert 7 parses its whole output again with ``html.parser`` and serialises it
    back, to give every ``<img>`` lacking one an English alt text and to make every
    output ``<div>`` focusable (``tabindex="0"``). On a report that pass costs more
    than the template itself (0.2 s of 0.25 s), and neither change belongs in it: every
    image of the report carries a French alt text (checked by the tests), and its
    tables sit in labelled focusable regions of their own, where nbconvert would add
    a dozen unlabelled tab stops. The rest is nbconvert's method, step for step.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportHTMLExporter(HTMLExporter):
        def from_notebook_node(  # type: ignore[override]
            self, nb: NotebookNode, resources: dict | None = None, **kw: Any
        ) -> tuple[str, dict]:
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportHTMLExporter


def _copy_with_title(nb: NotebookNode, title: str) -> NotebookNode:
    import copy

    nb = copy.copy(nb)
    nb.metadata = copy.deepcopy(nb.metadata)
    nb.metadata["title"] = title
    return nb


def _lean_jsonschema() -> None:
    """Spare the 1.4 s IRI grammar build that importing nbformat triggers.

    nbformat imports jsonschema, whose optional ``rfc3987_syntax`` dependency compiles
    a Lark grammar at import time (python-jsonschema/jsonschema#1428, #1392). nbformat
    never validates the ``iri`` format, so, unless something already imported it, the
    module is marked absent and jsonschema skips that one format checker.

    Called before every import of nbformat, nbconvert or papermill (here, in
    :mod:`snppe_report.report.execute` and in :mod:`snppe_report.report.render`).
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
