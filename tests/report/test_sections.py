"""sections: each section object in HTML and Typst; the whole Typst report, compiled.

No kernel: the report is built in this process and its Typst document compiled with
the same library and standards as the exporter.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from snppe_report.batch.outputs import consolidated_frame
from snppe_report.read.table import extract
from snppe_report.report import model as report
from snppe_report.report import sections
from snppe_report.report.cells import STATUS_LEGEND
from snppe_report.report.typst import MEDIA_TYPE, compile_pdf

from .test_model import GENERATED, MERGES, ROWS, build_dashboard

ROOT = Path(__file__).resolve().parents[2]

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


# -- the statuses and the Positionnement in the PDF (the two examples) ------------------

EXAMPLE_2023 = ROOT / "data" / "68-haut-rhin-tdb-snppe-2023.xlsx"
EXAMPLE_2021 = ROOT / "data" / "tdb-snppe-2021-departement-non-nomme.xlsx"


@pytest.fixture(scope="module")
def examples():
    return extract(EXAMPLE_2023), extract(EXAMPLE_2021, departement="39")


@pytest.fixture(scope="module")
def placed(examples, tmp_path_factory):
    """The Haut-Rhin report placed among the two examples' consolidated data, as a PDF."""
    path = tmp_path_factory.mktemp("lot") / "consolide.parquet"
    frames = [e.rows.assign(fichier=f.name) for e, f in zip(examples, (EXAMPLE_2023, EXAMPLE_2021))]
    consolidated_frame(frames).to_parquet(path)
    rapport = report.build_report(examples[0], consolide=path, generated=GENERATED)
    pdf = path.with_name("rapport.pdf")
    compile_pdf(sections.report_typst(rapport), pdf)
    pages = [page.extract_text().replace("\u00a0", " ") for page in pypdf.PdfReader(pdf).pages]
    return rapport, pages


def test_synthesis_page_lists_every_late_item_with_its_figures(placed):
    rapport, pages = placed
    page = next(p for p in pages[2:] if "Indicateurs en retard, en recul ou non atteints" in p)
    assert "Indicateurs par statut" in page and "chiffres de contexte" in page
    assert len(rapport.retards) >= 3
    for item in rapport.retards:
        assert _squash(f"{item.statut_libelle} {item.indicateur}") in _squash(page), item
        assert _squash(item.chiffres) in _squash(page), item
    assert _squash("rythme observé +2,0 pts par an, requis +5,3 pts par an") in _squash(page)


def test_cover_says_the_campaign_and_the_origin(placed):
    rapport, pages = placed
    assert "Campagne 2023 — valeurs jusqu'à 2022, cibles 2023" in pages[0]
    assert _squash(rapport.origine_texte) in _squash(pages[0])


def test_tiles_show_the_three_judgements_marks_and_findings(placed):
    _rapport, pages = placed
    text = "\n".join(pages)
    text = text[text.rindex("Indicateurs harmonisés nationaux") :]  # the tiles
    epp = text[text.index("Part des femmes enceintes ayant") :][:900]
    for piece in ("Statut", "◔ En retard", "Tendance", "↗ en hausse (favorable)",
                  "Position nationale", "En dessous de la cible nationale (20 %)"):  # fmt: skip
        assert piece in epp, piece
    vad = text[text.index("Part des femmes ayant bénéficié d'une VAD") :][:900]
    assert "6,87 % ▲" in vad and "▲ Valeur 2019 : taux déclaré 6,87 %" in vad


def test_engagement_rows_carry_marks_findings_and_trends(placed):
    rapport, pages = placed
    typst = sections.engagements_section(rapport).typst
    assert '#constat("▲")[Valeur 2019 « 44\\,52' in typst
    text = _squash("\n".join(pages))
    assert _squash("▲ Valeur 2019 « 44,52% » : un pourcentage sur une ligne de nombre.") in text
    assert _squash("Valeur 2019 (diagnostic) non disponible : « ND ».") in text
    assert _squash("◇ Contexte ↘ en baisse") in text


def test_annex_prints_the_rules_with_their_thresholds_and_the_legend(placed):
    rapport, pages = placed
    text = _squash("\n".join(pages))
    assert _squash("au moins 95 % du rythme requis") in text
    for status, legend in STATUS_LEGEND.items():
        assert _squash(legend) in text, status
    assert _squash("Taux absent du classeur, calculé à partir de son numérateur") in text


def test_positionnement_section_in_the_pdf_with_its_toc_entry(examples, placed):
    rapport, pages = placed
    section = sections.positionnement_section(rapport)
    assert section.html == report.positionnement_html(rapport) and section.html
    assert section.typst.lstrip().startswith("#pagebreak(weak: true)\n= Positionnement")
    assert "table.header(" in section.typst
    toc = pages[1]
    assert "Positionnement" in toc
    page = next(p for p in pages[2:] if "Positionnement des ratios harmonisés 2023" in p)
    assert "consolide.parquet" in page and "Médiane" in page and "Quartiles" in page
    assert "1er sur 1" in page  # the 2021 example has no 2022 ratio: alone in its year
    plain = report.build_report(examples[0], generated=GENERATED)
    empty = sections.positionnement_section(plain)
    assert (empty.html, empty.typst) == ("", "")
    assert "= Positionnement" not in sections.report_typst(plain)
