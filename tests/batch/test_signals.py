"""Signals sent to a real batch process; its processes counted afterwards (psutil).

The fast tests run a batch of fake jobs (no kernel) in a local process pool, in a
subprocess; the slow ones run real reports (kernels) on workbooks of ``snppe demo-data``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from snppe_report.batch import jobs as _batch_jobs

from .test_run import fake_extract, fake_render, fake_synthesis, fake_workbook, run

psutil = pytest.importorskip("psutil")
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
from snppe_report.batch import run
from tests.batch.test_signals import SLOW
if sys.argv[3] == "lent":
    run.DEFAULT_JOBS = SLOW
from snppe_report.cli import main
sys.exit(main(["batch", sys.argv[1], "-o", sys.argv[2], "--format", "html", "-j", "2"]))
"""


def slow_render(task: dict) -> dict:
    time.sleep(1.5)
    return fake_render(task)


SLOW = _batch_jobs.JobSet(fake_extract, slow_render, fake_synthesis)


class Batch:
    """``snppe batch`` in a subprocess (its own session, as a terminal job would be)."""

    def __init__(self, src: Path, out: Path, kind: str) -> None:
        self.out = out
        self.process = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(src), str(out), kind],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self._err: list[str] = []
        self._reader = threading.Thread(target=lambda: self._err.append(self.process.stderr.read()))
        self._reader.start()

    def wait_for_reports(self, count: int, timeout: float = 240) -> list:
        """Wait until the manifest lists ``count`` reports; the processes of the batch."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                manifest = json.loads((self.out / "manifest.json").read_text())
                if manifest["bilan"]["ok"] >= count:
                    return psutil.Process(self.process.pid).children(recursive=True)
            except (OSError, ValueError, KeyError):
                pass
            assert self.process.poll() is None, self.stderr()
            time.sleep(0.1)
        raise AssertionError("aucun rapport produit à temps")

    def stderr(self) -> str:
        self._reader.join(60)
        self.process.stderr.close()
        return "".join(self._err)


def _survivors(processes: list, within: float) -> list:
    deadline = time.monotonic() + within
    while True:
        alive = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def _private_folders(processes: list) -> list[str]:
    pids = {p.pid for p in processes}
    root = Path(tempfile.gettempdir())
    return [p.name for p in root.glob("snppe-travail-*") if int(p.name.split("-")[2]) in pids]


@pytest.fixture
def lot(tmp_path):
    src = tmp_path / "classeurs"
    src.mkdir()
    for code, name in (("01", "ain"), ("02", "aisne"), ("03", "allier"), ("04", "alpes")):
        fake_workbook(src, f"{code}-{name}.xlsx", code, 2023)
    return src, tmp_path / "sortie"


@pytest.mark.parametrize(
    ("number", "group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
    ids=["ctrl-c", "sigterm"],
)
def test_signal_stops_workers_french_line_and_code(lot, number, group, code):
    src, out = lot
    batch = Batch(src, out, "lent")
    processes = batch.wait_for_reports(1)
    assert len(processes) >= 2  # workers (and forkserver, resource tracker)
    (os.killpg if group else os.kill)(batch.process.pid, number)  # Ctrl-C: the whole group
    assert batch.process.wait(30) == code
    err = batch.stderr()
    last = err.strip().splitlines()[-1]
    assert last.startswith("snppe : lot interrompu (") and "relancer la même commande" in last
    assert "Traceback" not in err and "Error" not in err and "Warning" not in err
    assert _survivors(processes, 5) == []
    assert _private_folders(processes) == [] and not list(out.glob(".snppe-travail-*"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["etat"] == "interrompu" and manifest["en_attente"]


def test_sigkill_workers_end_by_themselves_and_rerun_finishes(lot):
    src, out = lot
    batch = Batch(src, out, "lent")
    processes = batch.wait_for_reports(1)
    batch.process.kill()
    assert batch.process.wait(10) == -signal.SIGKILL
    assert _survivors(processes, 10) == []
    assert _private_folders(processes) == []
    batch.stderr()
    done = {e["fichier"] for e in json.loads((out / "manifest.json").read_text())["entrees"]}
    assert done and list(out.glob(".snppe-travail-*"))  # the killed batch's own folder
    again = run(src, out)  # the same keys: serial executor, same fake render output
    statuses = {e["fichier"]: e["statut"] for e in again.entries}
    assert {n for n, s in statuses.items() if s == "inchange"} == done
    assert set(statuses.values()) <= {"ok", "inchange"}
    assert not list(out.glob(".snppe-travail-*")) and not list(out.rglob(".*.tmp"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from snppe_report.demo.synthetic import write_demo_workbooks

    folder = tmp_path_factory.mktemp("demo")
    write_demo_workbooks(folder, count=3, seed=2026)
    return folder


def _kernels(processes: list) -> list:
    return [p for p in processes if "ipykernel" in " ".join(p.cmdline())]


@pytest.mark.slow
@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "sigkill"])
def test_real_batch_interrupted_leaves_no_kernel(demo, tmp_path, number):
    out = tmp_path / "lot"
    batch = Batch(demo, out, "reel")
    processes = batch.wait_for_reports(1)
    assert _kernels(processes)
    if number == signal.SIGINT:
        os.killpg(batch.process.pid, number)
        assert batch.process.wait(60) == 130
    else:
        batch.process.kill()
        batch.process.wait(10)
    err = batch.stderr()
    assert "Traceback" not in err and "Warning" not in err and "KeyboardInterrupt" not in err
    assert _survivors(processes, 10) == []
    assert _private_folders(processes) == []


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 1.0], ids=["kernel-starting", "notebook-running"])
def test_report_stopped_by_sigterm(demo, tmp_path, delay):
    workbook = sorted(demo.glob("*.xlsx"))[0]
    with subprocess.Popen(
        [sys.executable, "-m", "snppe_report.cli", "report", str(workbook), "-o", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        deadline = time.monotonic() + 120
        while not _kernels(psutil.Process(process.pid).children(recursive=True)):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.1)
        time.sleep(delay)  # 0: the kernel is still starting; 1: the notebook runs (mostly)
        processes = psutil.Process(process.pid).children(recursive=True)
        process.terminate()
        err = process.stderr.read()
        assert process.wait(60) == 143
    assert err == "snppe : interrompu (SIGTERM).\n"
    assert _survivors(processes, 10) == []
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.rglob("rapport-*"))
