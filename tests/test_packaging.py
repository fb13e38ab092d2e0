"""A wheel carries the notebooks and the nbconvert template: `snppe report` works
from an installed package, not only from the repository (editable install)."""

import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import EXAMPLE_2023, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("snppe_report-*.whl")
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(site)
    for part in (
        "snppe_report/notebooks/rapport_departemental.ipynb",
        "snppe_report/notebooks/synthese_nationale.ipynb",
        "snppe_report/templates/snppe/conf.json",
        "snppe_report/templates/snppe/index.html.j2",
        "snppe_report/templates/snppe/static/report.css",
        "snppe_report/templates/snppe_typst/conf.json",
        "snppe_report/templates/snppe_typst/index.typ.j2",
        "snppe_report/templates/snppe_typst/static/rapport.typ",
        "snppe_report/data/rapport-engagements.typ.j2",
        "snppe_report/data/catalogue.yaml",
        "snppe_report/data/annotation.yaml",
        "snppe_report/annotate/write.py",
    ):
        assert part in names, part
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    declared = (site / entry_points).read_text(encoding="utf-8")
    assert "[nbconvert.exporters]" in declared and "snppe-pdf = " in declared
    return site


def test_report_from_the_installed_wheel(wheel_site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(wheel_site)}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import snppe_report.report.render as r; print(r.NOTEBOOK, r.TEMPLATES)",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    notebook, templates = where.stdout.split()
    assert notebook.startswith(str(wheel_site)) and templates.startswith(str(wheel_site))
    run = subprocess.run(
        [sys.executable, "-m", "snppe_report.cli", "report", str(EXAMPLE_2023),
         "--format", "html,pdf", "-o", str(tmp_path / "out")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    html = (tmp_path / "out" / "68-haut-rhin" / "rapport-2023.html").read_text(encoding="utf-8")
    assert "Haut-Rhin" in html and "7 688" in html
    assert (tmp_path / "out" / "68-haut-rhin" / "rapport-2023.pdf").read_bytes()[:5] == b"%PDF-"
