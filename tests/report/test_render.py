"""render: workbook -> executed notebook -> HTML -> PDF, in a real Jupyter kernel.

The two example workbooks are rendered once per module (HTML + PDF); the other tests
read those outputs, or replace the costly steps by stand-ins.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
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
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


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


def test_fictive_workbook_with_markup(tmp_path, caplog):
    """A cell holding <script> goes through report, nbconvert and WeasyPrint as text;
    fictive data are flagged on every page of the PDF; WeasyPrint accepts all the CSS."""
    from .test_model import MERGES, ROWS, SCRIPT, build_dashboard

    rows = [["TABLEAU DE BORD SNPPE — DONNÉES FICTIVES"], *ROWS[1:]]
    path = build_dashboard(tmp_path / "68-injection.xlsx", rows, merges=MERGES)
    html = render.notebook_to_html(_fake_executed(report.build_report(extract(path))))
    assert SCRIPT not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        reader = pypdf.PdfReader(render.html_to_pdf(html, tmp_path / "injection.pdf"))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    pages = [page.extract_text() for page in reader.pages]
    assert any("alert(1)" in text for text in pages)
    assert all("DONNÉES FICTIVES" in text for text in pages)


# -- PDF ----------------------------------------------------------------------------------


def test_pdf_68(rendered):
    pages, text = _pdf_text(rendered["68"].outputs["pdf"])
    assert pages >= 10
    expected = ("Haut-Rhin (68)", "Collectivité européenne d'Alsace", "7 688", "3,6 %",
                "Synthèse", "Qualité des données", "Annexes", f"page 2 / {pages}")  # fmt: skip
    for piece in expected:
        assert piece in text, piece
    assert "DONNÉES FICTIVES" not in text


def test_pdf_39(rendered):
    pages, text = _pdf_text(rendered["39"].outputs["pdf"])
    assert pages >= 8
    assert "Jura (39)" in text and "2021" in text
    assert "1 112" in text  # the stacked CRIP cell, read and formatted


@pytest.mark.parametrize(
    "src", ["http://example.invalid/x.png", "file:///etc/hostname", "//example.invalid/x"]
)
def test_pdf_fetches_nothing_but_data_urls(tmp_path, src):
    html = f'<html lang="fr"><body><p>x</p><img src="{src}"></body></html>'
    with pytest.raises(RenderError, match="ressource externe refusée"):
        render.html_to_pdf(html, tmp_path / "x.pdf", base_url="http://example.invalid/")
    assert not (tmp_path / "x.pdf").exists()


# -- the screen -------------------------------------------------------------------------


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
    monkeypatch.setattr(render, "_resolve", _must_not_run)
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
    monkeypatch.setattr(render, "html_to_pdf", _fail_pdf)
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
    sections = {
        "couverture": report.cover_html, "sommaire": report.toc_html,
        "synthese": report.synthese_html, "engagements": report.engagements_html,
        "qualite": report.quality_html, "annexes": report.annexes_html,
    }  # fmt: skip
    nb = nbformat.read(render.NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.get("id") in sections:
            cell.outputs = [nbformat.v4.new_output(
                "display_data", data={"text/html": sections[cell.id](rapport)})]  # fmt: skip
    return nb


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
