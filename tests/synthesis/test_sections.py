"""The notebook's sections, HTML and Typst twins (snppe_report.synthesis.sections)."""

from __future__ import annotations

import nbformat
import pytest

from snppe_report.exceptions import RenderError
from snppe_report.synthesis.build import build_synthesis
from snppe_report.synthesis.render import TYPST_MIMETYPE, typst_source
from snppe_report.synthesis.sections import MACROS, section
from snppe_report.synthesis.typst import compile_pdf
from tests.synthesis.test_build import MANIFEST, _epp, _rows


@pytest.fixture(scope="module")
def synthese():
    rows = _rows([*_epp("59", 2019, 30000, 3000, 0.10, "10 %"),
                  *_epp("59", 2022, 29000, 6380, 0.22, "22 %"),
                  *_epp("13", 2022, 23000, 2300, 0.30, "30,0 %"),
                  *_epp("48", 2021, 600, 60)])  # fmt: skip
    return build_synthesis(rows, MANIFEST)


def _notebook(bundles):
    nb = nbformat.v4.new_notebook()
    for data in bundles:
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
        nb.cells.append(cell)
    return nb


def test_each_section_displays_html_and_typst(synthese):
    bundle = section("messages", synthese)._repr_mimebundle_()
    assert "Messages clés" in bundle["text/html"] and "== Messages clés" in bundle[TYPST_MIMETYPE]
    with pytest.raises(ValueError, match="section inconnue"):
        section("annexes", synthese)


def test_the_typst_document_compiles_to_a_tagged_pdf_marked_fictive(synthese, tmp_path):
    from pypdf import PdfReader

    nb = _notebook(section(name, synthese)._repr_mimebundle_() for name in MACROS)
    pdf = compile_pdf(typst_source(nb), tmp_path / "synthese.pdf")
    reader = PdfReader(pdf)
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) >= 5
    assert all("DONNÉES FICTIVES" in t for t in texts)
    assert all(f"page {i} / {len(texts)}" in t for i, t in enumerate(texts, start=1))
    # the indicators follow one another: no page but the last holds only a few lines
    # (its lowest text, the footer aside, is below the page's upper quarter)
    for number, page in enumerate(reader.pages[:-1], start=1):
        lowest = []

        def visit(text, cm, tm, font, size, lowest=lowest):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and y > 25 / 25.4 * 72:  # above the footer band (25 mm)
                lowest.append(y)

        page.extract_text(visitor_text=visit)
        assert min(lowest) < float(page.mediabox.height) * 3 / 4, f"page {number} presque vide"
    whole = " ".join(" ".join(texts).split())
    assert "casse #1 [*x*].xlsx" in whole  # a file name stays text
    assert "Messages clés" in whole and "Par région et par ARS" in whole
    assert reader.metadata.title == "Synthèse nationale SNPPE — campagne 2023"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"


def test_a_notebook_without_typst_output_is_refused():
    with pytest.raises(RenderError, match="aucune section Typst"):
        typst_source(_notebook([{"text/plain": "rien"}]))
