"""One warm Jupyter kernel per batch worker, reused from report to report.

Starting a kernel and importing pandas, matplotlib and the package in it costs more
than executing the report itself (nbconvert #438: ~1.2-1.5 s for an empty notebook).
A batch worker therefore keeps one kernel alive and runs every report it is given in
that kernel, through papermill's public engine registry: :func:`install` registers
:class:`WarmEngine` as papermill's default engine *in the worker process only*, so
:func:`snppe_report.render.render_report` runs unchanged and simply finds a kernel
that is already up.

Before each notebook the engine, silently (nothing reaches the notebook):

* clears the user namespace (``%reset -f``: no variable of the previous report
  survives; imported modules stay, which is the point);
* closes every matplotlib figure, so no chart can leak into the next report;
* moves the kernel into the job's private working folder (papermill's ``cwd``);
* resets the execution counter, so cell numbers and error messages stay those of a
  fresh run.

The kernel is replaced after ``max_runs`` reports (bounding what a long-lived
interpreter accumulates), when it died, or when another kernel name is asked for.
It is shut down by :func:`shutdown`, registered to run when the worker process
exits (multiprocessing finalizer and :mod:`atexit`); ipykernel's parent poller also
stops an orphaned kernel if the worker is killed.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

__all__ = ["WarmKernel", "WarmEngine", "install", "shutdown", "kernel_peak_mb"]

log = logging.getLogger(__name__)

#: Reports run in one kernel before it is replaced.
MAX_RUNS = 40

_PREAMBLE = """\
%reset -f
import os as _snppe_os, sys as _snppe_sys
if "matplotlib.pyplot" in _snppe_sys.modules:
    _snppe_sys.modules["matplotlib.pyplot"].close("all")
_snppe_os.chdir({cwd!r})
get_ipython().execution_count = 1
del _snppe_os, _snppe_sys
"""

_local = threading.local()
_all_kernels: list[WarmKernel] = []
_lock = threading.Lock()
_installed = False


class WarmKernel:
    """A kernel manager and its client, kept alive across notebooks.

    Parameters
    ----------
    kernel_name : str
        Jupyter kernel name.
    max_runs : int
        Notebooks run before the kernel is replaced by a fresh one.
    """

    def __init__(self, kernel_name: str = "python3", max_runs: int = MAX_RUNS) -> None:
        self.kernel_name = kernel_name
        self.max_runs = max_runs
        self.km: Any = None
        self.kc: Any = None
        self.runs = 0
        self.started = 0
        self._sockets: str | None = None

    # -- lifecycle -------------------------------------------------------------------
    def ensure(self, kernel_name: str, startup_timeout: float = 60) -> None:
        """Start the kernel unless a healthy one of that name is already running."""
        from jupyter_core.utils import run_sync

        if self.km is not None and (
            kernel_name != self.kernel_name
            or self.runs >= self.max_runs
            or not run_sync(self.km.is_alive)()
        ):
            self.shutdown()
        if self.km is not None:
            return
        from jupyter_client.manager import AsyncKernelManager

        self.kernel_name = kernel_name
        # IPC sockets in a private folder: no TCP port, no clear-text warning, and
        # nothing left in the job's working folder.
        self._sockets = tempfile.mkdtemp(prefix="snppe-noyau-")
        km = AsyncKernelManager(
            kernel_name=kernel_name, transport="ipc", ip=os.path.join(self._sockets, "k")
        )
        run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.enabled=False"])
        self.km, self.kc, self.runs = km, km.client(), 0
        self.kc.start_channels()
        try:
            run_sync(self.kc.wait_for_ready)(timeout=startup_timeout)
        except Exception:
            self.shutdown()
            raise
        self.started += 1
        log.info("noyau %s démarré (pid %s)", kernel_name, self.pid)

    def prepare(self, cwd: str | os.PathLike[str], timeout: float = 60) -> None:
        """Reset the namespace and move the kernel into ``cwd`` (silently)."""
        from jupyter_core.utils import run_sync

        code = _PREAMBLE.format(cwd=str(Path(cwd).resolve()))
        reply = run_sync(self._execute_silent)(code, timeout)
        if reply["content"].get("status") != "ok":
            content = reply["content"]
            raise RuntimeError(
                f"préparation du noyau impossible : {content.get('ename')}: {content.get('evalue')}"
            )
        self.runs += 1

    async def _execute_silent(self, code: str, timeout: float) -> dict:
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        while True:
            reply = await self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def shutdown(self) -> None:
        """Stop the client channels and the kernel process (idempotent)."""
        from jupyter_core.utils import run_sync

        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception as exc:  # pragma: no cover - best effort
                log.debug("arrêt des canaux : %s", exc)
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=False)
            except Exception as exc:  # pragma: no cover - best effort
                log.warning("arrêt du noyau : %s", exc)
                try:
                    run_sync(km.shutdown_kernel)(now=True)
                except Exception:
                    pass
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None

    @property
    def pid(self) -> int | None:
        """Process id of the running kernel, if any."""
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)


def _kernel_for_thread() -> WarmKernel:
    kernel = getattr(_local, "kernel", None)
    if kernel is None:
        kernel = WarmKernel()
        _local.kernel = kernel
        with _lock:
            _all_kernels.append(kernel)
    return kernel


def _engine_class():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.utils import merge_kwargs, remove_args

    class _WarmEngine(NBClientEngine):
        """papermill engine running notebooks in this thread's warm kernel."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            kernel = _kernel_for_thread()
            kernel.ensure(kernel_name or "python3", start_timeout)
            # papermill has already moved this process into ``cwd`` (its chdir helper).
            kernel.prepare(os.getcwd())
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel.kernel_name,
                log=logging.getLogger("papermill"),
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                km=kernel.km,
            )
            client = PapermillNotebookClient(nb_man, **final)
            client.kc = kernel.kc  # reuse the open channels: nothing to start, nothing to leak
            return client.execute()

    return _WarmEngine


WarmEngine: Any = None


def install() -> None:
    """Make the warm engine papermill's default engine in this process (idempotent)."""
    global _installed, WarmEngine
    with _lock:
        if _installed:
            return
        from papermill.engines import papermill_engines

        WarmEngine = _engine_class()
        papermill_engines.register(None, WarmEngine)
        papermill_engines.register("snppe-warm", WarmEngine)
        _installed = True
    atexit.register(shutdown)
    try:
        from multiprocessing import util

        util.Finalize(None, shutdown, exitpriority=100)
    except Exception:  # pragma: no cover - not in a multiprocessing child
        pass


def shutdown() -> int:
    """Shut down every warm kernel of this process; return how many were running."""
    with _lock:
        kernels = list(_all_kernels)
    running = 0
    for kernel in kernels:
        if kernel.km is not None:
            running += 1
        kernel.shutdown()
    return running


def kernel_peak_mb() -> float | None:
    """Peak resident memory (MB) of this thread's warm kernel, from /proc (Linux)."""
    kernel = getattr(_local, "kernel", None)
    pid = kernel.pid if kernel is not None else None
    return _peak_mb(pid) if pid else None


def _peak_mb(pid: int | str) -> float | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None
