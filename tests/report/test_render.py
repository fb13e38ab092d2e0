"""render: workbook -> executed notebook -> HTML -> PDF, in a real Jupyter kernel.

The two example workbooks are rendered once per module (HTML + PDF); the other tests
read those outputs, or replace the costly steps by stand-ins.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import psutil
import pypdf
import pytest

from snppe_report.exceptions import LayoutError, ParameterError, RenderError
from snppe_report.read.table import extract
from snppe_report.report import execute as _execute
from snppe_report.report import model as report
from snppe_report.report import render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_2023 = ROOT / "data" / "68-haut-rhin-tdb-snppe-2023.xlsx"
EXAMPLE_2021 = ROOT / "data" / "tdb-snppe-2021-departement-non-nomme.xlsx"
EXTERNAL = re.compile(
    r"""<(?:script|link|iframe|object|embed)\b|(?:src|href)\s*=\s*["']?(?:https?:|//)"""
    r"""|url\(\s*["']?(?:https?:|//)|@import""",
    re.IGNORECASE,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Both examples rendered once: {"68": ReportResult, "39": ReportResult}."""
    out = tmp_path_factory.mktemp("rapports")
    return {
        "68": render.render_report(EXAMPLE_2023, out_dir=out),
        "39": render.render_report(EXAMPLE_2021, departement="39", out_dir=out),
    }


def _pdf_text(path: Path) -> tuple[int, str]:
    reader = pypdf.PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), text.replace("\u00a0", " ")  # numbers hold no-break spaces


# -- outputs ------------------------------------------------------------------------------


def test_outputs_named_after_collectivite_and_year(rendered):
    r68, r39 = rendered["68"], rendered["39"]
    assert (r68.collectivite.code, r68.annee) == ("68", 2023)
    assert (r39.collectivite.code, r39.annee) == ("39", 2021)
    for result in (r68, r39):
        folder = result.outputs["html"].parent
        assert folder.name == result.collectivite.slug
        assert {p.name for p in folder.iterdir()} == {
            f"rapport-{result.annee}.{ext}" for ext in ("html", "pdf", "ipynb")
        }  # nothing else: no temporary file left behind
        assert set(result.outputs) == {"html", "pdf", "ipynb"}


def test_durations_are_measured(rendered):
    durations = rendered["68"].durations
    for step in ("extraction", "kernel", "execution", "html", "pdf", "total"):
        assert durations[step] > 0, step
    assert durations["total"] >= durations["execution"] + durations["pdf"]


def test_executed_notebook_keeps_parameters_and_key_values(rendered):
    nb = nbformat.read(rendered["68"].outputs["ipynb"], as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and str(EXAMPLE_2023) in injected[0].source
    values = [
        out.data[report.KEY_VALUES_MIMETYPE]
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if report.KEY_VALUES_MIMETYPE in out.get("data", {})
    ]  # fmt: skip
    assert values and values[0]["collectivite"] == "68" and values[0]["annee"] == 2023


def test_sections_are_displayed_in_html_and_in_typst(rendered):
    """JupyterLab and the HTML report show text/html; the PDF is made of text/vnd.typst."""
    nb = nbformat.read(rendered["68"].outputs["ipynb"], as_version=4)
    bundles = [
        out.data for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if "text/vnd.typst" in out.get("data", {})
    ]  # fmt: skip
    # cover, toc, synthèse, positionnement, engagements, qualité, annexes
    assert len(bundles) == 7
    titles = [b["text/plain"] for b in bundles]
    assert titles[3] == "Section « Positionnement » du rapport"
    empty = [t for t, b in zip(titles, bundles) if not b["text/html"].strip()]
    assert empty == [titles[3]]  # no consolidated data: the section shows nothing
    assert not bundles[3]["text/vnd.typst"].strip()


def test_the_workbook_is_read_once(rendered):
    """The kernel loads the parent's extraction instead of reading the workbook again."""
    nb = nbformat.read(rendered["68"].outputs["ipynb"], as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "extraction_lue = " in injected.source and ".pickle" in injected.source


def test_every_kernel_is_shut_down(rendered):
    children = [p for p in psutil.Process().children(recursive=True) if p.is_running()]
    kernels = [p for p in children if "ipykernel" in " ".join(_cmdline(p))]
    assert kernels == []


# -- HTML ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["68", "39"])
def test_html_is_a_self_contained_french_page(rendered, key):
    html = rendered[key].outputs["html"].read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "In&nbsp;[" not in html and "Out[" not in html  # no prompts
    assert "locate_workbook" not in html and "import" not in html  # no code
    assert "Mode d'emploi" not in html  # cells tagged "masquer" are left out
    assert "cm-editor" not in html and "highlight" not in html  # no code input
    assert f"<title>Rapport SNPPE {rendered[key].annee}" in html


@pytest.mark.parametrize("key", ["68", "39"])
def test_html_is_nbconvert_s_without_its_soup_pass(rendered, key):
    """The exporter skips only nbconvert's closing BeautifulSoup pass: applied to our
    page, that pass gives nbconvert's own output, and had nothing to fix but the
    tabindex of output divs (every image has a French alt text already)."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from snppe_report.report import convert

    nb = nbformat.read(rendered[key].outputs["ipynb"], as_version=4)
    exporter = convert._exporter()
    ours = exporter.from_notebook_node(nb)[0]
    soup = BeautifulSoup(ours, features="html.parser")
    images = soup.select("img")
    assert images and all(img.get("alt", "").strip() for img in images)
    assert not any("No description" in img["alt"] for img in images)
    for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
        elem.attrs["tabindex"] = "0"
    assert str(soup) == HTMLExporter.from_notebook_node(exporter, nb)[0]


def test_fictive_workbook_with_markup(tmp_path):
    """A cell holding <script> or Typst code goes through report, nbconvert and Typst as
    text; fictive data are flagged on every page of the PDF."""
    from .test_model import MERGES, ROWS, SCRIPT, build_dashboard

    rows = [["TABLEAU DE BORD SNPPE — DONNÉES FICTIVES"], *[list(r) for r in ROWS[1:]]]
    rows[9][2] = 'Signature #read("/etc/passwd") ] $x$'
    path = build_dashboard(tmp_path / "68-injection.xlsx", rows, merges=MERGES)
    nb = _fake_executed(report.build_report(extract(path)))
    html = render.notebook_to_html(nb)
    assert SCRIPT not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    reader = pypdf.PdfReader(render.notebook_to_pdf(nb, tmp_path / "injection.pdf"))
    pages = [page.extract_text() for page in reader.pages]
    assert any("alert(1)" in text for text in pages)
    assert any('#read("/etc/passwd") ] $x$' in text for text in pages)
    assert all("DONNÉES FICTIVES" in text for text in pages)


# -- PDF ----------------------------------------------------------------------------------


def test_pdf_68(rendered):
    pages, text = _pdf_text(rendered["68"].outputs["pdf"])
    assert pages >= 10
    expected = ("Haut-Rhin (68)", "Collectivité européenne d'Alsace", "7 688", "3,6 %",
                "Synthèse", "Qualité des données", "Annexes", "Colophon",
                f"page 2 / {pages}", f"page {pages} / {pages}")  # fmt: skip
    for piece in expected:
        assert piece in text, piece
    assert "DONNÉES FICTIVES" not in text
    assert "Chaque chiffre du rapport avec sa cellule" not in text  # annex: HTML only


def test_pdf_68_says_what_is_late_on_its_synthesis_page(rendered):
    """Issue 10's test: the late objectives can be listed from the synthesis page alone."""
    reader = pypdf.PdfReader(rendered["68"].outputs["pdf"])
    pages = [page.extract_text().replace("\u00a0", " ") for page in reader.pages]
    assert "Campagne 2023 — valeurs jusqu'à 2022, cibles 2023" in pages[0]
    assert "D'après le nom du fichier" in pages[0]
    page = next(p for p in pages[2:] if "Indicateurs en retard, en recul ou non atteints" in p)
    flat = re.sub(r"\s+", " ", page)
    for late in ("En retard Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois",
                 "rythme observé +2,0 pts par an, requis +5,3 pts par an",
                 "En retard Nombre d'agents formés sur la période du contrat : "
                 "0 (sans objet) en 2019 → 0",
                 "En retard Constitution du groupe d'enfants"):  # fmt: skip
        assert late in flat, late
    assert "Indicateurs par statut" in flat and "(Objectif n° 8)" in flat


def test_pdf_39(rendered):
    pages, text = _pdf_text(rendered["39"].outputs["pdf"])
    assert pages >= 8
    assert "Jura (39)" in text and "2021" in text
    assert "1 112" in text  # the stacked CRIP cell, read and formatted


@pytest.mark.parametrize("key", ["68", "39"])
def test_pdf_is_tagged_pdf_ua_and_pdf_a_with_embedded_fonts(rendered, key):
    path = rendered[key].outputs["pdf"]
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged
    assert root["/Lang"] == "fr"
    assert reader.metadata.title.startswith(f"Rapport SNPPE {rendered[key].annee} — ")
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    fonts = _fonts(reader)
    assert fonts and all(embedded for embedded in fonts.values()), fonts
    assert all("DejaVuSans" in name for name in fonts)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes", info.stdout, re.MULTILINE)
    assert re.search(rf"^Pages:\s+{len(reader.pages)}$", info.stdout, re.MULTILINE)


@pytest.mark.parametrize("key", ["68", "39"])
def test_pdf_font_sizes(rendered, key):
    """Tables and notes at 8,5 pt at least, body text at 10 pt; only the running header
    and the page numbers are smaller (8 pt)."""
    reader = pypdf.PdfReader(rendered[key].outputs["pdf"])
    sizes: dict[str, float] = {}
    for page in reader.pages:

        def visit(text, cm, tm, _font, size):
            if text.strip():
                scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
                sizes[text.strip()] = min(size * scale, sizes.get(text.strip(), 99.0))

        page.extract_text(visitor_text=visit)
    furniture = re.compile(
        r"page \d+ / \d+|.* · Rapport SNPPE (\d{4}|· Campagne \d{4}.*)|DONNÉES FICTIVES.*"
    )
    small = {t for t, size in sizes.items() if size < 8.49}
    assert small and all(furniture.fullmatch(t) for t in small), small
    body = [size for t, size in sizes.items() if t.startswith("La Stratégie nationale")]
    assert body and min(body) >= 10


def test_pdf_text_reads_in_order(rendered):
    """pdftotext reads each tile whole: side-by-side blocks would interleave."""
    out = subprocess.run(["pdftotext", str(rendered["68"].outputs["pdf"]), "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    tiles = out.rindex("Indicateurs harmonisés nationaux")  # the heading, after the toc
    tile = out.index("Part des femmes enceintes ayant", tiles)
    following = out[tile : tile + 600]
    assert following.index("Diagnostic 2019 :") < following.index("Cible nationale :")
    order = [out.rindex("Indicateurs par statut"), out.index("Contrôles de")]
    order.append(out.rindex("Colophon"))
    assert order == sorted(order)


def test_exporter_through_jupyter_nbconvert(rendered, tmp_path):
    """`jupyter nbconvert --to snppe-pdf` (entry point) gives the same PDF's text."""
    notebook = tmp_path / "rapport.ipynb"
    shutil.copy(rendered["68"].outputs["ipynb"], notebook)
    jupyter = Path(sys.executable).parent / "jupyter"
    for target, name in (("snppe-pdf", "rapport.pdf"), ("snppe-typst", "rapport.typ")):
        subprocess.run([str(jupyter), "nbconvert", "--to", target, str(notebook)],
                       check=True, capture_output=True)  # fmt: skip
        assert (tmp_path / name).stat().st_size > 0
    source = (tmp_path / "rapport.typ").read_text(encoding="utf-8")
    assert source.count("\n#show: rapport.with(") == 1 and "Mode d'emploi" not in source
    ours, theirs = _pdf_text(rendered["68"].outputs["pdf"]), _pdf_text(tmp_path / "rapport.pdf")
    assert theirs[0] == ours[0]
    assert _squash_dates(theirs[1]) == _squash_dates(ours[1])


# -- the screen -------------------------------------------------------------------------


@pytest.mark.parametrize("width", [390, 1280])
def test_html_report_passes_axe_without_horizontal_scroll(rendered, width):
    """The whole Haut-Rhin report: axe's default rules and td-has-header, no page scroll
    (each wide table scrolls in its own focusable, named region)."""
    from tests import a11y

    audit = a11y.audit(rendered["68"].outputs["html"], width=width)
    assert not audit.violations, a11y.describe(audit.violations)
    assert audit.scroll_width <= audit.client_width


@pytest.mark.parametrize("size", ["1280,900", "390,844"], ids=["portable", "telephone"])
def test_html_renders_in_headless_chromium(rendered, tmp_path, size):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium absent : installer le paquet Debian « chromium » (make system-deps)")
    shot = tmp_path / "capture.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profil'}", f"--screenshot={shot}",
         f"--window-size={size}", rendered["68"].outputs["html"].as_uri()],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    assert shot.stat().st_size > 5_000
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == tuple(int(v) for v in size.split(","))
        colors = image.convert("L").getextrema()
        assert colors[1] - colors[0] > 100  # text on a background, not a blank page


# -- parameters and failures ----------------------------------------------------------------


def test_default_parameters_run_from_another_directory(tmp_path):
    import papermill

    nb = papermill.execute_notebook(
        str(render.NOTEBOOK), str(tmp_path / "out.ipynb"), cwd=str(tmp_path),
        progress_bar=False, kernel_name="python3",
    )  # fmt: skip
    (cover_cell,) = [cell for cell in nb.cells if cell.get("id") == "couverture"]
    cover = cover_cell.outputs[0].data["text/html"]
    assert "Haut-Rhin (68)" in cover


def test_unknown_parameter_is_refused():
    with pytest.raises(ParameterError, match="inconnu.*anne\\b"):
        render.validate_parameters(render.NOTEBOOK, {"workbook": "x.xlsx", "anne": 2023})


@pytest.mark.parametrize(
    "kwargs",
    [{"annee": "2023"}, {"departement": 39}, {"annee": True}, {"formats": ("html", "docx")}],
)
def test_bad_parameters_fail_before_any_kernel(monkeypatch, tmp_path, kwargs):
    monkeypatch.setattr(render, "execute_notebook", _must_not_run)
    monkeypatch.setattr(render, "_read", _must_not_run)
    with pytest.raises(ParameterError) as error:
        render.render_report(EXAMPLE_2023, out_dir=tmp_path, **kwargs)
    assert error.value.exit_code == 2


def test_failed_execution_keeps_previous_report_and_audit_notebook(monkeypatch, tmp_path):
    previous = tmp_path / "68-haut-rhin" / "rapport-2023.html"
    previous.parent.mkdir()
    previous.write_text("ANCIEN RAPPORT", encoding="utf-8")
    failing = _notebook_raising(tmp_path, "from snppe_report.exceptions import LayoutError\n"
                                          "raise LayoutError('aucun tableau de bord')")  # fmt: skip
    monkeypatch.setattr(render, "NOTEBOOK", failing)
    with pytest.raises(LayoutError, match="aucun tableau de bord") as error:
        render.render_report(EXAMPLE_2023, out_dir=tmp_path)
    assert error.value.exit_code == 2
    assert previous.read_text(encoding="utf-8") == "ANCIEN RAPPORT"
    audit = previous.parent / "rapport-2023.echec.ipynb"
    assert audit.exists()
    assert "aucun tableau de bord" in audit.read_text(encoding="utf-8")
    assert sorted(p.name for p in previous.parent.iterdir()) == [
        "rapport-2023.echec.ipynb", "rapport-2023.html"]  # fmt: skip


def test_failed_pdf_publishes_nothing(monkeypatch, rendered, tmp_path):
    nb = nbformat.read(rendered["68"].outputs["ipynb"], as_version=4)
    monkeypatch.setattr(render, "execute_notebook", lambda *a, **k: (nb, {"kernel": 0.0}))
    monkeypatch.setattr(render, "notebook_to_pdf", _fail_pdf)
    folder = tmp_path / "68-haut-rhin"
    folder.mkdir()
    (folder / "rapport-2023.pdf").write_bytes(b"%PDF ancien")
    with pytest.raises(RenderError, match="PDF"):
        render.render_report(EXAMPLE_2023, out_dir=tmp_path)
    assert [p.name for p in folder.iterdir()] == ["rapport-2023.pdf"]
    assert (folder / "rapport-2023.pdf").read_bytes() == b"%PDF ancien"


@pytest.mark.parametrize(
    "ename, expected", [("LayoutError", LayoutError), ("ValueError", RenderError)]
)
def test_cell_errors_map_to_our_errors(ename, expected):
    exc = SimpleNamespace(ename=ename, evalue="message", exec_count=3)
    error = _execute._cell_error(exc, render.NOTEBOOK)
    assert type(error) is expected and "message" in str(error)


def test_html_only(monkeypatch, rendered, tmp_path):
    nb = nbformat.read(rendered["68"].outputs["ipynb"], as_version=4)
    monkeypatch.setattr(render, "execute_notebook", lambda *a, **k: (nb, {"kernel": 0.0}))
    result = render.render_report(EXAMPLE_2023, out_dir=tmp_path, formats=["html"])
    assert set(result.outputs) == {"html", "ipynb"} and "pdf" not in result.durations


# -- helpers ------------------------------------------------------------------------------


def _fake_executed(rapport) -> nbformat.NotebookNode:
    """The report notebook with the section outputs a kernel would have produced."""
    from snppe_report.report import sections as s

    sections = {
        "couverture": s.cover_section, "sommaire": s.toc_section,
        "synthese": s.synthese_section, "engagements": s.engagements_section,
        "qualite": s.quality_section, "annexes": s.annexes_section,
    }  # fmt: skip
    nb = nbformat.read(render.NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.get("id") in sections:
            data = sections[cell.id](rapport)._repr_mimebundle_()
            cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    return nb


def _fonts(reader: pypdf.PdfReader) -> dict[str, bool]:
    """Every font of every page: base name -> embedded (a font file in its descriptor)."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for d in descendants:
                d = d.get_object()
                desc = d.get("/FontDescriptor")
                desc = desc.get_object() if desc is not None else {}
                found[str(d.get("/BaseFont"))] = any(
                    k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
    return found


def _squash_dates(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _notebook_raising(folder: Path, source: str) -> Path:
    nb = nbformat.read(render.NOTEBOOK, as_version=4)
    nb.cells = [nb.cells[1], nbformat.v4.new_code_cell(source)]
    path = folder / "echec.ipynb"
    nbformat.write(nb, path)
    return path


def _must_not_run(*_args, **_kwargs):
    raise AssertionError("no kernel, no extraction before the parameters are valid")


def _fail_pdf(*_args, **_kwargs):
    raise RenderError("la génération du PDF a échoué : test")


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


@pytest.mark.slow
def test_other_years_merge_into_one_series_with_revisions(tmp_path):
    """A collectivité's workbooks of other years join the report's series."""
    from snppe_report.report.render import render_report

    root = Path(__file__).resolve().parents[2] / "data"
    older = tmp_path / "68-haut-rhin-2021.xlsx"
    shutil.copy(root / "tdb-snppe-2021-departement-non-nomme.xlsx", older)
    result = render_report(
        root / "68-haut-rhin-tdb-snppe-2023.xlsx",
        formats=("html",),
        out_dir=tmp_path / "sortie",
        autres_classeurs=[older],
    )
    html = result.outputs["html"].read_text(encoding="utf-8")
    assert "68-haut-rhin-2021.xlsx" in html  # cover names the merged workbook
    assert "révisée" in html  # revision findings, with both cells
    assert "[68-haut-rhin-2021.xlsx]tableau de bord!D39" in html  # older figures keep their cell
