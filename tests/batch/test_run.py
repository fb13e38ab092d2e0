"""snppe batch: reliability, incrementality, outputs, executors, CLI.

Most tests replace the job functions by fakes (module-level, so worker processes can
unpickle them): a fake workbook is a small JSON text in a ``.xlsx`` file, a fake
render writes ``rapport-<annee>.html`` atomically. The orchestration (grouping,
keys, failures, manifest, index, consolidated data, process pool, Dask) is the real
one. The end-to-end tests at the bottom run real kernels on real workbooks.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from snppe_report.batch import jobs as _batch_jobs
from snppe_report.batch import run as batch
from snppe_report.exceptions import InputError, ParameterError, UnreadableWorkbookError
from snppe_report.output import atomic_path
from snppe_report.read.collectivites import get_collectivite
from snppe_report.read.table import COLUMNS, INTERNAL, Extraction

DATA = Path(__file__).resolve().parents[2] / "data"
EXAMPLE_2023 = DATA / "68-haut-rhin-tdb-snppe-2023.xlsx"
EXAMPLE_2021 = DATA / "tdb-snppe-2021-departement-non-nomme.xlsx"

# -- fake jobs ------------------------------------------------------------------------------


def fake_workbook(
    folder: Path,
    name: str,
    code: str,
    annee: int,
    valeurs: dict | None = None,
    fictive: bool = True,
) -> Path:
    """A fake workbook: JSON text; ``valeurs`` maps indicator id -> {year: value}."""
    path = folder / name
    path.write_text(
        json.dumps(
            {
                "code": code,
                "annee": annee,
                "fictive": fictive,
                "valeurs": valeurs or {"epp-part": {"2019": 0.10, str(annee - 1): 0.15}},
            }
        )
    )
    return path


def _fake_rows(code: str, valeurs: dict) -> pd.DataFrame:
    records = []
    for ordre, (ident, series) in enumerate(valeurs.items()):
        for year, value in series.items():
            brut = f"{value:.2%}" if isinstance(value, float) else str(value)
            records.append(
                (
                    code,
                    "Engagement 1",
                    "Objectif",
                    "Mesure",
                    f"Indicateur {ident}",
                    ident,
                    int(year),
                    "valeur",
                    brut,
                    value,
                    "pourcentage",
                    "ok",
                    "",
                    f"TDB!C{ordre + 3}",
                    ordre,
                    1,
                    False,
                    ordre + 3,
                )
            )
    frame = pd.DataFrame(records, columns=[*COLUMNS, *INTERNAL])
    return frame.astype({"annee": "int64", "valeur": "float64", "facultatif": "bool"})


def fake_extract(task: dict) -> dict:
    text = Path(task["fichier"]).read_text()
    if "crash" in text:
        os._exit(1)  # a worker dying hard (segfault, out of memory)
    try:
        data = json.loads(text)
    except ValueError:
        err = UnreadableWorkbookError(
            "ce fichier n'est pas un classeur Excel ou LibreOffice lisible", file=task["fichier"]
        )
        return _batch_jobs.failure(err, "lecture", task["fichier"])
    extraction = Extraction(
        path=Path(task["fichier"]),
        sha256=task["sha256"],
        sheet="TDB",
        collectivite=get_collectivite(data["code"]),
        collectivite_origine="nom du fichier",
        rows=_fake_rows(data["code"], data["valeurs"]),
        definitions=None,
        annee=data["annee"],
        fictive=data["fictive"],
    )
    return {"statut": "ok", "extraction": extraction, "durees": {"lecture": 0.001}}


def fake_render(task: dict) -> dict:
    principal = Path(task["principal"])
    if "boom" in principal.name:
        raise ZeroDivisionError("division par zéro")
    dest = Path(task["out_dir"]) / task["collectivite"]["slug"]
    annee = task["annee"] or json.loads(principal.read_text())["annee"]
    outputs = {}
    for kind in task["formats"]:
        path = dest / f"rapport-{annee}.{kind}"
        with atomic_path(path) as tmp:
            tmp.write_text(f"{kind} {task['collectivite']['nom']} {len(task['autres'])}")
        outputs[kind] = str(path)
    return {
        "statut": "ok",
        "sorties": outputs,
        "durees": {"total": 0.01},
        "memoire_mo": {"processus": 1.0},
    }


def fake_synthesis(task: dict) -> dict:
    path = Path(task["out_dir"]) / "synthese-nationale.html"
    with atomic_path(path) as tmp:
        tmp.write_text(str(len(task["manifeste"]["entrees"])))
    assert Path(task["consolide"]).is_file()
    return {"statut": "ok", "sorties": {"html": str(path)}, "durees": {"total": 0.01}}


FAKES = _batch_jobs.JobSet(extract=fake_extract, render=fake_render, synthesis=fake_synthesis)


def run(folder, out, **kw):
    kw.setdefault("executor", "serial")
    kw.setdefault("formats", ("html",))
    kw.setdefault("progress", False)
    kw.setdefault("job_set", FAKES)
    return batch.run_batch(folder, out_dir=out, **kw)


@pytest.fixture
def lot(tmp_path):
    """Two good fake workbooks (68, 39) and a broken one."""
    src = tmp_path / "classeurs"
    src.mkdir()
    fake_workbook(src, "68-haut-rhin.xlsx", "68", 2023)
    fake_workbook(src, "39-jura.xlsx", "39", 2021)
    (src / "casse.xlsx").write_bytes(b"PK\x03\x04 pas un classeur")
    return src, tmp_path / "sortie"


def _entry(result, name):
    return next(e for e in result.entries if e["fichier"] == name)


# -- reliability -------------------------------------------------------------------------


def test_broken_workbook_fails_alone_and_is_listed(lot):
    src, out = lot
    result = run(src, out)
    assert [e["fichier"] for e in result.failures] == ["casse.xlsx"]
    failed = _entry(result, "casse.xlsx")
    assert failed["statut"] == "echec"
    assert "n'est pas un classeur" in failed["erreur"]["message"]
    assert failed["erreur"]["type"] == "UnreadableWorkbookError"
    assert _entry(result, "68-haut-rhin.xlsx")["statut"] == "ok"
    assert (out / "68-haut-rhin" / "rapport-2023.html").is_file()
    assert (out / "39-jura" / "rapport-2021.html").is_file()
    index = (out / "index.html").read_text()
    assert "casse.xlsx" in index and "n&#39;est pas un classeur" in index
    assert "DONNÉES FICTIVES" in index
    assert 'href="68-haut-rhin/rapport-2023.html"' in index
    assert index.index("Jura") < index.index("Haut-Rhin")  # sorted by code


def test_unexpected_exception_becomes_failed_entry(lot):
    src, out = lot
    fake_workbook(src, "25-boom.xlsx", "25", 2023)
    result = run(src, out)
    failed = _entry(result, "25-boom.xlsx")
    assert failed["statut"] == "echec"
    assert failed["erreur"]["message"].startswith("erreur inattendue pendant la production")
    assert "ZeroDivisionError" in failed["erreur"]["message"]
    assert _entry(result, "39-jura.xlsx")["statut"] == "ok"


def test_cli_exit_codes(lot, monkeypatch, capsys):
    from snppe_report import cli

    src, out = lot
    monkeypatch.setattr(_batch_jobs, "DEFAULT_JOBS", FAKES)
    monkeypatch.setattr(batch, "DEFAULT_JOBS", FAKES)
    code = cli.main(["batch", str(src), "-o", str(out), "--format", "html", "-j", "1"])
    assert code == 1
    captured = capsys.readouterr()
    assert "casse.xlsx" in captured.out and "1 échec(s)" in captured.out
    (src / "casse.xlsx").unlink()
    assert cli.main(["batch", str(src), "-o", str(out), "--format", "html"]) == 0
    assert cli.main(["batch", str(src / "absent"), "-o", str(out)]) == 2
    assert "introuvable" in capsys.readouterr().err


def test_bad_options():
    with pytest.raises(ParameterError, match="format"):
        batch.run_batch(".", formats=("docx",))
    with pytest.raises(ParameterError, match="parallèle"):
        batch.run_batch(".", jobs=0)


def test_empty_folder(tmp_path):
    with pytest.raises(InputError, match="aucun classeur"):
        run(tmp_path, tmp_path / "out")


# -- incrementality ----------------------------------------------------------------------


def test_rerun_unchanged_skips_and_force_rerenders(lot):
    src, out = lot
    (src / "casse.xlsx").unlink()
    first = run(src, out)
    assert {e["statut"] for e in first.entries} == {"ok"}
    report = out / "68-haut-rhin" / "rapport-2023.html"
    stamp = report.stat().st_mtime_ns
    time.sleep(0.01)
    second = run(src, out)
    assert {e["statut"] for e in second.entries} == {"inchange"}
    assert second.manifest["synthese"]["statut"] == "inchange"
    assert report.stat().st_mtime_ns == stamp
    assert _entry(second, "68-haut-rhin.xlsx")["sorties"] == {
        "html": "68-haut-rhin/rapport-2023.html"
    }
    assert not second.failures
    third = run(src, out, force=True)
    assert {e["statut"] for e in third.entries} == {"ok"}
    assert report.stat().st_mtime_ns > stamp


def test_changed_workbook_or_format_rerenders_only_that_one(lot):
    src, out = lot
    (src / "casse.xlsx").unlink()
    run(src, out)
    before = json.loads((src / "39-jura.xlsx").read_text())["valeurs"]
    # same harmonised ratios, one more local indicator: the others' places are unchanged
    fake_workbook(src, "39-jura.xlsx", "39", 2021, {**before, "local-x": {"2020": 0.5}})
    result = run(src, out)
    assert _entry(result, "39-jura.xlsx")["statut"] == "ok"
    assert _entry(result, "68-haut-rhin.xlsx")["statut"] == "inchange"
    result = run(src, out, formats=("html", "pdf"))
    assert {e["statut"] for e in result.entries} == {"ok"}


def test_changed_ratio_rerenders_every_report(lot):
    """A ratio of one collectivité moves the medians and ranks every report shows."""
    src, out = lot
    (src / "casse.xlsx").unlink()
    first = run(src, out)
    fake_workbook(src, "39-jura.xlsx", "39", 2021, {"epp-part": {"2019": 0.2}})
    result = run(src, out)
    assert {e["statut"] for e in result.entries} == {"ok"}
    assert _entry(result, "68-haut-rhin.xlsx")["cle"] != _entry(first, "68-haut-rhin.xlsx")["cle"]


def test_failed_rerun_keeps_previous_good_report(lot):
    src, out = lot
    run(src, out)
    report = out / "68-haut-rhin" / "rapport-2023.html"
    good = report.read_text()
    (src / "68-haut-rhin.xlsx").write_text("plus un classeur")
    result = run(src, out)
    failed = _entry(result, "68-haut-rhin.xlsx")
    assert failed["statut"] == "echec"
    assert failed["collectivite"] == {"code": "68", "nom": "Haut-Rhin"}
    assert failed["sorties"] == {"html": "68-haut-rhin/rapport-2023.html"}
    assert failed["rapport_precedent"] is True
    assert report.read_text() == good
    index = (out / "index.html").read_text()
    assert "Le rapport précédent est conservé" in index


# -- outputs -----------------------------------------------------------------------------


def test_manifest_content(lot):
    src, out = lot
    run(src, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["bilan"] == {"ok": 2, "inchange": 0, "echec": 1, "en_attente": 0}
    assert manifest["etat"] == "termine" and manifest["en_attente"] == []
    assert manifest["fictif"] is True
    entry = next(e for e in manifest["entrees"] if e["fichier"] == "68-haut-rhin.xlsx")
    assert set(entry) >= {
        "fichier",
        "sha256",
        "collectivite",
        "statut",
        "sorties",
        "durees",
        "erreur",
        "cle",
    }
    assert entry["collectivite"] == {"code": "68", "nom": "Haut-Rhin"}
    assert len(entry["sha256"]) == 64 and len(entry["cle"]) == 64
    assert entry["erreur"] is None and entry["role"] == "principal"
    assert manifest["synthese"]["sorties"] == {"html": "synthese-nationale.html"}
    assert manifest["consolide"] == {
        "csv": "consolide.csv",
        "xlsx": "consolide.xlsx",
        "parquet": "consolide.parquet",
        "csv-excel": "consolide-excel.csv",
    }
    assert not list(out.rglob(".*.tmp"))  # no temporary file left behind


def test_consolidated_files_readable(lot):
    src, out = lot
    run(src, out)
    frames = [
        pd.read_csv(out / "consolide.csv", dtype={"departement": str}),
        pd.read_parquet(out / "consolide.parquet"),
    ]
    for frame in frames:
        assert list(frame.columns) == [*COLUMNS, "fichier"]
        assert sorted(set(frame["departement"])) == ["39", "68"]
        assert len(frame) == 4
    cells = pd.read_excel(out / "consolide.xlsx", sheet_name="Cellules", dtype={"Code": str})
    assert sorted(set(cells["Code"])) == ["39", "68"] and len(cells) == 4
    french = pd.read_csv(
        out / "consolide-excel.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype={"Code": str}
    )
    assert french["Valeur"].tolist() == cells["Valeur"].tolist()


def test_several_years_are_one_group_with_revisions(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    fake_workbook(src, "68-2021.xlsx", "68", 2021, {"epp-part": {"2019": 0.10, "2020": 0.12}})
    fake_workbook(src, "68-2023.xlsx", "68", 2023, {"epp-part": {"2019": 0.11, "2022": 0.15}})
    result = run(src, tmp_path / "out")
    old, new = _entry(result, "68-2021.xlsx"), _entry(result, "68-2023.xlsx")
    assert (old["role"], new["role"]) == ("complement", "principal")
    assert old["sorties"] == new["sorties"] == {"html": "68-haut-rhin/rapport-2023.html"}
    assert [r["code"] for r in new["revisions"]] == ["revision"]
    assert "68-2021.xlsx" in new["revisions"][0]["message"]
    assert (tmp_path / "out/68-haut-rhin/rapport-2023.html").read_text().endswith(" 1")
    consolidated = pd.read_parquet(tmp_path / "out/consolide.parquet")
    assert sorted(consolidated["annee"]) == [2019, 2020, 2022]  # one series, latest wins
    index = (tmp_path / "out/index.html").read_text()
    assert "15,0 %" in index  # headline: latest EPP ratio, French formatting


# -- executors ---------------------------------------------------------------------------


def test_local_pool_survives_a_crashing_worker(lot):
    src, out = lot
    (src / "04-crash.xlsx").write_text("crash")
    result = run(src, out, executor="local", jobs=2)
    crashed = _entry(result, "04-crash.xlsx")
    assert crashed["statut"] == "echec"
    assert "arrêté brutalement" in crashed["erreur"]["message"]
    assert _entry(result, "68-haut-rhin.xlsx")["statut"] == "ok"
    assert _entry(result, "39-jura.xlsx")["statut"] == "ok"
    assert len(result.failures) == 2


def pid_job(task: dict) -> dict:
    return {"statut": "ok", "pid": os.getpid()}


def test_local_pool_replaces_workers_by_generation():
    from snppe_report.batch.runners import LocalRunner

    with LocalRunner(2, max_tasks_per_child=2) as runner:
        results = dict(runner.run(pid_job, [{}] * 9))
    assert sorted(results) == list(range(9))
    assert len({r["pid"] for r in results.values()}) >= 4  # at least 3 generations


def test_dask_executor(lot):
    distributed = pytest.importorskip("distributed")
    src, out = lot
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        result = run(src, out, executor="dask", scheduler=cluster.scheduler_address)
    assert _entry(result, "68-haut-rhin.xlsx")["statut"] == "ok"
    assert [e["fichier"] for e in result.failures] == ["casse.xlsx"]
    assert result.manifest["executeur"] == "dask"


def test_dask_unreachable_scheduler(lot, monkeypatch):
    pytest.importorskip("distributed")
    from snppe_report.batch import runners as _batch_runner

    monkeypatch.setattr(_batch_runner, "DASK_TIMEOUT", "0.5s")
    src, out = lot
    with pytest.raises(ParameterError, match="injoignable"):
        run(src, out, executor="dask", scheduler="tcp://127.0.0.1:9")


def test_synthesis_failure_is_reported(lot):
    src, out = lot
    jobs = _batch_jobs.JobSet(extract=fake_extract, render=fake_render, synthesis=fake_render)
    result = run(src, out, job_set=jobs)
    assert result.manifest["synthese"]["statut"] == "echec"
    assert "synthèse nationale" in [f["fichier"] for f in result.failures]
    assert "Synthèse nationale : échec" in (out / "index.html").read_text()


def test_progress_lines(lot):
    src, out = lot
    lines = []
    run(src, out, progress=lambda step, done, total, line: lines.append((step, line)))
    assert (
        "lecture",
        "[3/3] casse.xlsx : échec : fichier « casse.xlsx » : ce fichier n'est "
        "pas un classeur Excel ou LibreOffice lisible",
    ) in lines or any("casse.xlsx : échec" in line for _, line in lines)
    reports = [line for step, line in lines if step == "rapports"]
    assert len(reports) == 2 and all("rapport produit en" in line for line in reports)


def test_find_workbooks_skips_outputs_locks_and_hidden(tmp_path):
    for name in (
        "a.xlsx",
        "sous/b.ODS",
        "~$a.xlsx",
        ".cache/c.xlsx",
        "notes.txt",
        "sortie/consolide.xlsx",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = batch.find_workbooks(tmp_path, exclude=(tmp_path / "sortie").resolve())
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.xlsx", "sous/b.ODS"]


# -- end to end: real workbooks, real kernels ---------------------------------------------


def _kernels() -> list:
    psutil = pytest.importorskip("psutil")
    return [
        p for p in psutil.Process().children(recursive=True) if "ipykernel" in " ".join(p.cmdline())
    ]


@pytest.mark.slow
def test_end_to_end_real_reports(tmp_path):
    """Examples of data/: Haut-Rhin 2023 + a 2021 workbook filed as Haut-Rhin (one
    series over both years) and as Jura, plus a broken file; two workers."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "68-haut-rhin-2023.xlsx").write_bytes(EXAMPLE_2023.read_bytes())
    (src / "68-haut-rhin-2021.xlsx").write_bytes(EXAMPLE_2021.read_bytes())
    (src / "39-jura-2021.xlsx").write_bytes(EXAMPLE_2021.read_bytes())
    (src / "casse.xlsx").write_bytes(b"PK\x03\x04tronque")
    result = batch.run_batch(src, out_dir=out, formats=("html",), jobs=2, progress=False)
    statuses = {e["fichier"]: e["statut"] for e in result.entries}
    assert statuses == {
        "68-haut-rhin-2023.xlsx": "ok",
        "68-haut-rhin-2021.xlsx": "ok",
        "39-jura-2021.xlsx": "ok",
        "casse.xlsx": "echec",
    }
    haut_rhin = _entry(result, "68-haut-rhin-2023.xlsx")
    assert haut_rhin["role"] == "principal" and haut_rhin["revisions"]
    html = (out / haut_rhin["sorties"]["html"]).read_text()
    assert "Haut-Rhin" in html and "<script" not in html
    # placed among the batch's collectivités: Jura (Bourgogne-Franche-Comté) and itself
    assert 'id="positionnement"' in html and "2 collectivités des données consolidées" in html
    assert "Jura" in (out / "39-jura" / "rapport-2021.html").read_text()
    assert haut_rhin["memoire_mo"]["processus"] < 500
    consolidated = pd.read_parquet(out / "consolide.parquet")
    assert {"68", "39"} == set(consolidated["departement"])
    assert not _kernels()  # every kernel shut down with its worker

    stamp = (out / haut_rhin["sorties"]["html"]).stat().st_mtime_ns
    again = batch.run_batch(src, out_dir=out, formats=("html",), jobs=2, progress=False)
    assert _entry(again, "39-jura-2021.xlsx")["statut"] == "inchange"
    assert (out / haut_rhin["sorties"]["html"]).stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_dask_real_report(tmp_path):
    distributed = pytest.importorskip("distributed")
    src = tmp_path / "in"
    src.mkdir()
    (src / "68.xlsx").write_bytes(EXAMPLE_2023.read_bytes())
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        result = batch.run_batch(
            src,
            out_dir=tmp_path / "out",
            formats=("html",),
            executor="dask",
            scheduler=cluster.scheduler_address,
            progress=False,
        )
        assert not _kernels()  # shut down on the workers at the end of the batch
    assert _entry(result, "68.xlsx")["statut"] == "ok"
    assert (tmp_path / "out" / "68-haut-rhin" / "rapport-2023.html").is_file()


@pytest.mark.slow
def test_warm_kernel_is_reused_and_reset(tmp_path):
    """Two notebooks in one warm kernel: same process, fresh namespace, own folder."""
    import nbformat
    import papermill
    from papermill.engines import NBClientEngine, papermill_engines

    from snppe_report.batch import kernels as _batch_kernel

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "import os\n"
            "print(os.getpid(), os.getcwd(), globals().get('trace', 'propre'))\n"
            "trace = x"
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    source = tmp_path / "carnet.ipynb"
    nbformat.write(nb, source)
    seen = []
    for run_index in (1, 2):
        folder = tmp_path / f"travail{run_index}"
        folder.mkdir()
        with _batch_kernel.warm_engine():
            done = papermill.execute_notebook(
                str(source),
                None,
                parameters={"x": run_index},
                cwd=str(folder),
                progress_bar=False,
            )
        pid, cwd, leftover = done.cells[-1].outputs[0]["text"].split()
        seen.append((pid, Path(cwd).resolve() == folder.resolve(), leftover))
        assert done.cells[-1].execution_count == 3  # counter reset: as a fresh run
    assert papermill_engines.get_engine(None) is NBClientEngine  # restored outside
    assert seen[0][0] == seen[1][0]  # one kernel for both
    assert [s[1:] for s in seen] == [(True, "propre"), (True, "propre")]
    assert _batch_kernel.shutdown() == 1
    assert not _kernels()
