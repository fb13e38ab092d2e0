"""execute: papermill runs a notebook in a real kernel, which never outlives its folder.

A one-cell notebook keeps these tests fast; the kernels are real (ipykernel), or a
kernelspec of this test that dies at start with a message on its standard error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import psutil
import pytest

from snppe_report.exceptions import RenderError
from snppe_report.report import execute

pytestmark = pytest.mark.slow


@pytest.fixture
def notebook(tmp_path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("valeur = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("resultat = valeur * 2\nresultat")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = tmp_path / "petit.ipynb"
    nbformat.write(nb, path)
    return path


def _kernels() -> list[psutil.Process]:
    me = psutil.Process()
    return [
        p
        for p in me.children(recursive=True)
        if p.is_running()
        and p.status() != psutil.STATUS_ZOMBIE
        and "ipykernel" in " ".join(p.cmdline())
    ]


def test_kernel_runs_in_the_folder_and_its_stderr_is_kept_there(notebook, tmp_path):
    work = tmp_path / "travail"
    work.mkdir()
    nb, durations = execute.execute_notebook(notebook, {"valeur": 21}, workdir=work)
    assert nb.cells[-1].outputs[0]["data"]["text/plain"] == "42"
    assert set(durations) == {"kernel", "execution"}
    assert (work / execute.KERNEL_STDERR).is_file()  # the kernel's stderr, not the terminal
    assert _kernels() == []


def test_interrupted_while_the_kernel_starts_kills_it_first(notebook, tmp_path, monkeypatch):
    """Ctrl-C or SIGTERM during the kernel's start-up: nbclient's cleanup does not run
    then, so execute_notebook kills and reaps the kernel itself, and removes its
    connection file, before the caller removes the folder."""
    from snppe_report.report.kernel_client import ReadyKernelClient

    seen: dict[str, object] = {}

    async def interrupted(self, timeout=None):
        seen["kernel"] = _kernels()
        seen["connection"] = Path(self.connection_file)
        raise KeyboardInterrupt

    monkeypatch.setattr(ReadyKernelClient, "wait_for_ready", interrupted)
    work = tmp_path / "travail"
    work.mkdir()
    with pytest.raises(KeyboardInterrupt):
        execute.execute_notebook(notebook, {}, workdir=work)
    assert len(seen["kernel"]) == 1  # it was running when the signal came
    assert _kernels() == []  # and it is gone, reaped, before the caller goes on
    assert not seen["connection"].exists()


def test_a_kernel_dying_at_start_is_named_with_its_last_words(
    notebook, tmp_path, monkeypatch, capfd
):
    specs = tmp_path / "jupyter" / "kernels" / "mourant"
    specs.mkdir(parents=True)
    message = "ModuleNotFoundError: No module named 'absent'"
    (specs / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-c", f"import sys; sys.exit({message!r})"],
                "display_name": "mourant",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    work = tmp_path / "travail"
    work.mkdir()
    with pytest.raises(RenderError, match=r"\(noyau : ModuleNotFoundError: No module named"):
        execute.execute_notebook(notebook, {}, workdir=work, kernel_name="mourant")
    assert message not in capfd.readouterr().err  # on the file, not on the terminal


def test_kernel_launched_ahead_runs_the_notebook_then_is_gone(notebook):
    with execute.LaunchedKernel() as kernel:
        assert kernel._process is not None  # ipykernel's own command: launched by hand
        assert "ipykernel_launcher" in " ".join(psutil.Process(kernel._process.pid).cmdline())
        nb, _ = execute.execute_notebook(
            notebook, {"valeur": 4}, workdir=kernel.workdir, kernel=kernel
        )
        assert nb.cells[-1].outputs[0]["data"]["text/plain"] == "8"
        assert _kernels() == []  # killed once the notebook has run
        folder = kernel.workdir
    assert not folder.exists()


def test_a_refused_report_kills_the_kernel_launched_ahead():
    kernel = execute.LaunchedKernel().start()
    assert _kernels()
    kernel.close()  # what render_report does when the workbook is refused
    assert _kernels() == [] and not kernel.workdir.exists()


def test_only_ipykernel_s_own_command_is_launched_by_hand(tmp_path, monkeypatch):
    assert execute._ipykernel_spec("python3")["argv"][1:3] == ["-m", "ipykernel_launcher"]
    assert execute._ipykernel_spec("inconnu") is None
    other = tmp_path / "jupyter" / "kernels" / "python3"
    other.mkdir(parents=True)
    (other / "kernel.json").write_text(
        json.dumps({"argv": ["/opt/autre/python", "-m", "ipykernel_launcher", "-f",
                             "{connection_file}"], "display_name": "autre", "language": "python"})
    )  # fmt: skip
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    assert execute._ipykernel_spec("python3") is None  # jupyter_client launches that one


def test_a_kernel_named_but_absent_is_left_to_papermill_s_french_error(notebook, capfd):
    with execute.LaunchedKernel("absent") as kernel:
        assert kernel.manager() is None and _kernels() == []
        with pytest.raises(RenderError, match="absent"):
            execute.execute_notebook(
                notebook, {}, workdir=kernel.workdir, kernel_name="absent", kernel=kernel
            )
    assert "Traceback" not in capfd.readouterr().err
