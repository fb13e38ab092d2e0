"""sections: each section object in HTML and Typst; the whole Typst report, compiled.

No kernel: the report is built in this process and its Typst document compiled with
the same library and standards as the exporter.
"""

from __future__ import annotations

import re

import pypdf
import pytest

from snppe_report.read.table import extract
from snppe_report.report import model as report
from snppe_report.report import sections
from snppe_report.report.typst import MEDIA_TYPE, compile_pdf

from .test_model import GENERATED, MERGES, ROWS, build_dashboard

#: Typst payloads a cell may hold; none may run, each must be shown as written.
TYPST_PAYLOADS = [
    '#read("/etc/passwd")',
    '#include "x.typ"',
    "#set page(width: 3cm)",
    "$x^2$ @ref <label> \\ ]",
    "#{ panic() }",
]


def _hostile_rows() -> list[list]:
    rows = [list(r) for r in ROWS]
    rows[0] = ["TABLEAU DE BORD SNPPE — DONNÉES FICTIVES"]
    rows[4][1] = "Atteindre 20 % " + TYPST_PAYLOADS[0]  # objective
    rows[5][2] = "Nombre d'entretiens " + TYPST_PAYLOADS[1]  # indicator
    rows[9][2] = "Signature " + TYPST_PAYLOADS[2]
    rows[9][4] = "Protocole " + TYPST_PAYLOADS[3]  # a value cell
    rows[10][2] = "Réunions " + TYPST_PAYLOADS[4]
    return rows


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = tmp_path_factory.mktemp("typst") / "68-hostile.xlsx"
    build_dashboard(path, _hostile_rows(), merges=MERGES)
    return report.build_report(extract(path), generated=GENERATED, emetteur="Préfecture — ARS")


@pytest.fixture(scope="module")
def hostile_pdf(hostile, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "hostile.pdf"
    compile_pdf(sections.report_typst(hostile), path)
    reader = pypdf.PdfReader(path)
    return reader, [page.extract_text() for page in reader.pages]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_each_section_has_both_representations(hostile):
    for make in (
        sections.cover_section, sections.toc_section, sections.synthese_section,
        sections.engagements_section, sections.quality_section, sections.annexes_section,
    ):  # fmt: skip
        bundle = make(hostile)._repr_mimebundle_()
        assert set(bundle) == {"text/html", MEDIA_TYPE, "text/plain"}
        assert bundle["text/html"].strip() and bundle[MEDIA_TYPE].strip()
        assert bundle["text/plain"].startswith("Section « ")


def test_cover_sets_the_document_up(hostile):
    typst = sections.cover_section(hostile).typst
    assert typst.lstrip().startswith("#show: rapport.with(")
    assert "fictif: true" in typst and "Préfecture — ARS" in typst


def test_hostile_texts_never_run(hostile_pdf):
    _reader, pages = hostile_pdf
    text = _squash("".join(pages))
    for payload in TYPST_PAYLOADS:
        assert _squash(payload) in text, payload  # shown as written, not evaluated
    assert "root:" not in text  # /etc/passwd was not read


def test_fictive_data_on_every_page_with_page_numbers(hostile_pdf):
    _reader, pages = hostile_pdf
    for number, text in enumerate(pages, start=1):
        assert "DONNÉES FICTIVES" in text
        assert f"page {number} / {len(pages)}" in text


def test_publication_layout(hostile, hostile_pdf):
    reader, pages = hostile_pdf
    text = "\n".join(pages)
    assert "Préfecture — ARS" in pages[0]  # issuer block on the cover
    assert hostile.sha256 not in pages[0]  # the SHA-256 moved to the colophon...
    assert "Colophon" in pages[-1] and hostile.sha256 in _squash(pages[-1])
    assert hostile.fichier in pages[-1]
    # the list of every figure with its cell stays in the HTML
    assert "Chaque chiffre du rapport avec sa cellule" not in text
    assert "Chaque chiffre du rapport avec sa cellule" in sections.annexes_section(hostile).html
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "Synthèse" and "Annexes" in outline
    assert reader.metadata.title == hostile.titre


def test_no_issuer_by_default(tmp_path):
    path = build_dashboard(tmp_path / "68-x.xlsx", ROWS, merges=MERGES)
    rapport = report.build_report(extract(path), generated=GENERATED)
    assert rapport.emetteur == ""
    assert "emetteur: none" in sections.cover_section(rapport).typst


def test_charts_are_the_same_svg_with_their_alt_text(hostile):
    charts = [g for e in hostile.engagements for o in e.objectifs for g in o.graphiques]
    assert charts
    typst = sections.engagements_section(hostile).typst
    for chart in charts:
        assert chart.uri.endswith(__import__("base64").b64encode(chart.svg.encode()).decode())
        assert chart.alt and chart.alt.replace('"', '\\"') in typst
