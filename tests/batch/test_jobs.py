"""The render job publishes only what it planned, where it belongs (no kernel: the
report renderer is replaced by a fake that reads the fake JSON workbooks)."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import pytest

from snppe_report.batch import jobs
from snppe_report.exceptions import RenderError
from snppe_report.read.collectivites import get_collectivite
from snppe_report.report import render
from snppe_report.report.render import ReportResult


def fake_render_report(workbook, *, out_dir, annee=None, formats=(), **kw):
    data = json.loads(Path(workbook).read_text())
    who = get_collectivite(data["code"])
    dest = Path(out_dir) / who.slug
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "rapport-2023.html").write_text(f"rapport {who.nom}")
    return ReportResult(who, 2023, {"html": dest / "rapport-2023.html"}, {"total": 0.1})


@pytest.fixture
def task(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "render_report", fake_render_report)
    workbook = tmp_path / "39-jura.xlsx"
    workbook.write_text(json.dumps({"code": "39"}))
    return {
        "etape": "rapport",
        "principal": str(workbook),
        "sha256": hashlib.sha256(workbook.read_bytes()).hexdigest(),
        "fichier": "39-jura.xlsx",
        "autres": [],
        "collectivite": {"code": "39", "nom": "Jura", "slug": "39-jura"},
        "annee": None,
        "formats": ["html"],
        "out_dir": str(tmp_path / "sortie"),
        "noyau_chaud": False,
    }


def test_render_publishes_into_the_collectivite_folder(task):
    result = jobs._render(task)
    assert Path(result["sorties"]["html"]).read_text() == "rapport Jura"
    assert Path(result["sorties"]["html"]).parent.name == "39-jura"


def test_never_publishes_into_another_collectivite_folder(task):
    Path(task["principal"]).write_text(json.dumps({"code": "68"}))
    task["sha256"] = hashlib.sha256(Path(task["principal"]).read_bytes()).hexdigest()
    with pytest.raises(RenderError, match="décrit Haut-Rhin.*rien n'a été publié"):
        jobs._render(task)
    assert not (Path(task["out_dir"]) / "68-haut-rhin").exists()
    assert not list(Path(task["out_dir"]).rglob("*.html"))


def test_a_workbook_changed_since_planning_is_not_rendered(task):
    Path(task["principal"]).write_text(json.dumps({"code": "39", "autre": 1}))
    with pytest.raises(RenderError, match="a changé depuis la planification"):
        jobs._render(task)


def test_os_errors_become_french_failures():
    result = jobs.failure(OSError(errno.ENOSPC, "No space left", "/x/rapport.html"))
    assert result["erreur"]["message"] == "« /x/rapport.html » : écriture impossible : disque plein"
    assert result["erreur"]["errno"] == errno.ENOSPC and result["erreur"]["type"] == "OutputError"
