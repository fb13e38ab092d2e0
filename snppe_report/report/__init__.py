"""The departmental report: its model and sections, charts, and the HTML/PDF renderers.

The notebook calls :func:`load_extraction`, :func:`build_report` and the section
functions (:func:`cover_section` ... :func:`annexes_section`: objects displayed in
HTML and in Typst; :func:`key_values`); :func:`render_report` runs the notebook with
papermill and converts it to HTML and, through Typst, to an accessible PDF.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submodules=["notebook_style"],
    submod_attrs={
        "model": [
            "Report",
            "build_report",
            "load_extraction",
            "merge_series",
            "locate_workbook",
            "cover_html",
            "toc_html",
            "synthese_html",
            "positionnement_html",
            "engagements_html",
            "quality_html",
            "annexes_html",
            "report_html",
            "key_values",
        ],
        "sections": [
            "Section",
            "cover_section",
            "toc_section",
            "synthese_section",
            "positionnement_section",
            "engagements_section",
            "quality_section",
            "annexes_section",
            "report_typst",
        ],
        "render": ["ReportResult", "render_report"],
    },
)
