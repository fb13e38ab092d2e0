"""nbconvert exporters of the report's Typst: ``--to snppe_typst`` and ``--to snppe-pdf``.

Registered as ``nbconvert.exporters`` entry points (pyproject.toml), so that
``jupyter nbconvert --to snppe-pdf rapport.ipynb`` works as well as the CLI. Both use
the template folder ``templates/snppe_typst`` (nbconvert's shape: ``conf.json`` and
``index.typ.j2``), which writes the report library (``static/rapport.typ``), then,
cell by cell, the ``text/vnd.typst`` output of every section object the notebook
displayed and the markdown cells converted to Typst. Code is never shown; the cells
tagged with one of :data:`HIDDEN_TAGS` are removed by nbconvert's tag preprocessor,
as in the HTML report.

* :class:`TypstExporter` writes the Typst source (``.typ``);
* :class:`TypstPDFExporter` compiles it with :func:`snppe_report.report.typst.compile_pdf`
  (private empty root, fonts loaded once, PDF/UA-1 and PDF/A-2a).

nbconvert is imported when this module is (it is only imported by nbconvert's entry
point machinery and by :mod:`snppe_report.report.convert`).
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters import TemplateExporter
from traitlets import default
from traitlets.config import Config

from snppe_report._paths import HIDDEN_TAGS, TEMPLATES
from snppe_report.report.markdown import markdown_to_typst
from snppe_report.report.typst import MEDIA_TYPE, compile_pdf, string

__all__ = ["TypstExporter", "TypstPDFExporter"]


class TypstExporter(TemplateExporter):
    """The report as Typst markup (template ``snppe_typst``)."""

    export_from_notebook = "Typst (rapport SNPPE)"
    output_mimetype = MEDIA_TYPE

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".typ"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "snppe_typst"

    @default("template_extension")
    def _template_extension_default(self) -> str:
        return ".typ.j2"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @property
    def default_config(self) -> Config:
        config = Config(
            {
                "TagRemovePreprocessor": {
                    "enabled": True,
                    "remove_cell_tags": set(HIDDEN_TAGS),
                },
            }
        )
        base = super().default_config
        if base:
            merged = base.copy()
            merged.merge(config)
            return merged
        return config

    def default_filters(self) -> Any:
        yield from super().default_filters()
        yield ("markdown2typst", markdown_to_typst)
        yield ("typst_string", string)

    def _init_resources(self, resources: Any) -> Any:
        resources = super()._init_resources(resources)
        env = self.environment

        def include_raw(name: str) -> str:
            """A file of the template folder, as it is (not a Jinja template)."""
            return env.loader.get_source(env, name)[0]

        resources["include_raw"] = include_raw
        return resources


class TypstPDFExporter(TypstExporter):
    """The report as an accessible PDF (PDF/UA-1, PDF/A-2a) compiled by Typst."""

    export_from_notebook = "PDF (rapport SNPPE, Typst)"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[bytes, Any]:
        source, resources = super().from_notebook_node(nb, resources=resources, **kw)
        pdf = compile_pdf(source)
        resources["output_extension"] = ".pdf"
        return pdf, resources
