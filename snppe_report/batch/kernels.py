"""One warm Jupyter kernel per batch worker, reused from report to report.

Starting a kernel and importing pandas, matplotlib and the package in it costs more
than executing the report itself (nbconvert #438: ~1.2-1.5 s for an empty notebook).
A batch worker therefore keeps one kernel alive and runs every report it is given in
that kernel, through papermill's public engine registry: :func:`warm_engine` makes
:class:`WarmEngine` papermill's default engine while a batch job runs, so
:func:`snppe_report.report.render.render_report` runs unchanged and simply finds a kernel
that is already up; outside that block papermill behaves as usual.

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

import asyncio
import atexit
import contextlib
import logging
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "WarmKernel",
    "WarmEngine",
    "install",
    "warm_engine",
    "shutdown",
    "kill_all",
    "kernel_peak_mb",
]

log = logging.getLogger(__name__)

#: Reports run in one kernel before it is replaced.
MAX_RUNS = 100

# chdir first: the previous job's folder is gone, and %reset needs a valid cwd. %reset
# ends with a full garbage collection, over a heap holding pandas and matplotlib: 0.13 s
# per report. What survives it is frozen (gc.freeze), so the next report's collection
# only looks at what that report made (0.01 s). Reference counting still frees frozen
# objects; only a cycle among them would wait for the kernel's replacement (MAX_RUNS).
# So the last error of the previous notebook is dropped first: its traceback holds the
# frames, and the data, of the cell that failed (sys.last_*, the last execution result,
# the traceback IPython's formatter keeps).
_PREAMBLE = """\
import os as _snppe_os, sys as _snppe_sys
_snppe_os.chdir({cwd!r})
if "matplotlib.pyplot" in _snppe_sys.modules:
    _snppe_sys.modules["matplotlib.pyplot"].close("all")
for _snppe_name in ("last_type", "last_value", "last_traceback", "last_exc"):
    _snppe_sys.__dict__.pop(_snppe_name, None)
get_ipython().last_execution_result = None
get_ipython().InteractiveTB.tb = None
%reset -f
__import__("gc").freeze()
get_ipython().execution_count = 1
"""

_local = threading.local()
_all_kernels: list[WarmKernel] = []
_lock = threading.Lock()
_installed = False


class WarmKernel:
    """A kernel manager and its client, kept alive across notebooks.

    Every asynchronous call goes through the event loop of the thread that started
    the kernel (the loop nbclient itself uses there), so the client's sockets always
    live in one loop. :meth:`shutdown` may be called from any thread.

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
        self.loop: asyncio.AbstractEventLoop | None = None
        self.runs = 0
        self.started = 0
        self._sockets: str | None = None

    # -- lifecycle -------------------------------------------------------------------
    def ensure(self, kernel_name: str, startup_timeout: float = 60) -> None:
        """Start the kernel unless a healthy one of that name is already running."""
        from jupyter_core.utils import ensure_event_loop

        self.loop = ensure_event_loop()  # this thread's loop, shared with nbclient
        if self.km is not None and (
            kernel_name != self.kernel_name
            or self.runs >= self.max_runs
            or not self._run(self.km.is_alive())
        ):
            self.shutdown()
        if self.km is not None:
            return
        from jupyter_client.manager import AsyncKernelManager

        # IPC sockets in a private folder: no TCP port, no clear-text warning, and
        # nothing left in the job's working folder.
        self._sockets = tempfile.mkdtemp(prefix="snppe-noyau-")
        self.kernel_name = kernel_name
        self.km = AsyncKernelManager(
            kernel_name=kernel_name,
            transport="ipc",
            ip=os.path.join(self._sockets, "k"),
            # the connection file too, rather than in the user's Jupyter runtime folder
            connection_file=os.path.join(self._sockets, "noyau.json"),
            # ready as soon as the kernel answers, not after 0.2 s of IOPub silence
            client_class="snppe_report.report.kernel_client.ReadyKernelClient",
        )
        try:
            from snppe_report.report.execute import KERNEL_ARGUMENTS  # one set of options

            self._run(self.km.start_kernel(extra_arguments=list(KERNEL_ARGUMENTS)))
            self.kc = self.km.client()
            self.kc.start_channels()
            self._run(self.kc.wait_for_ready(timeout=startup_timeout))
        except Exception:
            self.shutdown()
            raise
        self.runs = 0
        self.started += 1
        log.info("noyau %s démarré (pid %s)", kernel_name, self.pid)

    def prepare(self, cwd: str | os.PathLike[str], timeout: float = 60) -> None:
        """Reset the namespace and move the kernel into ``cwd`` (silently)."""
        code = _PREAMBLE.format(cwd=str(Path(cwd).resolve()))
        content = self._run(self._execute_silent(code, timeout))["content"]
        if content.get("status") != "ok":
            raise RuntimeError(
                f"préparation du noyau impossible : {content.get('ename')}: {content.get('evalue')}"
            )
        self.runs += 1

    def release(self) -> None:
        """Move the kernel out of the job's folder, which is about to be deleted."""
        if self.kc is None or self._sockets is None:
            return
        try:
            self._run(self._execute_silent(f"import os; os.chdir({self._sockets!r})", 10))
        except Exception as exc:  # the next prepare() moves it anyway
            log.debug("noyau non déplacé : %s", exc)

    async def _execute_silent(self, code: str, timeout: float) -> dict:
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        while True:
            reply = await self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def shutdown(self, close_loop: bool = False) -> None:
        """Stop the client channels and the kernel process (idempotent).

        Parameters
        ----------
        close_loop : bool
            Also close the event loop (final shutdown; the loop is not running then).
        """
        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception as exc:  # pragma: no cover - best effort
                log.debug("arrêt des canaux : %s", exc)
        if km is not None:
            try:
                self._run(km.shutdown_kernel(now=False))
            except Exception as exc:  # pragma: no cover - best effort
                log.warning("arrêt du noyau : %s", exc)
                try:
                    self._run(km.shutdown_kernel(now=True))
                except Exception:
                    pass
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None
        if close_loop and self.loop is not None and not self.loop.is_running():
            self.loop.close()
            self.loop = None

    def _run(self, coro: Any) -> Any:
        """Run ``coro`` to completion on the kernel's loop, from whatever thread."""
        loop = self.loop
        if loop is None or loop.is_closed():
            from jupyter_core.utils import ensure_event_loop

            loop = self.loop = ensure_event_loop()
        if not loop.is_running():
            return loop.run_until_complete(coro)
        if _running_loop() is loop:  # called from inside a running loop (Jupyter)
            from jupyter_core.utils import run_sync

            return run_sync(_awaited)(coro)  # as nbclient does in that case
        return asyncio.run_coroutine_threadsafe(coro, loop).result(120)

    @property
    def pid(self) -> int | None:
        """Process id of the running kernel, if any."""
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)


async def _awaited(coro: Any) -> Any:
    return await coro


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _kernel_for_thread() -> WarmKernel:
    kernel = getattr(_local, "kernel", None)
    if kernel is None or kernel not in _all_kernels:  # first use, or after shutdown()
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
            try:
                return client.execute()
            finally:
                kernel.release()

    return _WarmEngine


WarmEngine: Any = None


def install() -> None:
    """Register :class:`WarmEngine` as papermill engine ``snppe-warm`` (idempotent).

    Also arranges for :func:`shutdown` to run when the process exits.
    """
    global _installed, WarmEngine
    with _lock:
        if _installed:
            return
        from snppe_report.report.convert import _lean_jsonschema

        _lean_jsonschema()  # before papermill imports nbformat (a Dask worker too)
        from papermill.engines import papermill_engines

        WarmEngine = _engine_class()
        papermill_engines.register("snppe-warm", WarmEngine)
        _installed = True
    atexit.register(shutdown)
    try:
        from multiprocessing import util

        util.Finalize(None, shutdown, exitpriority=100)
    except Exception:  # pragma: no cover - not in a multiprocessing child
        pass


@contextlib.contextmanager
def warm_engine() -> Iterator[None]:
    """Within this block, papermill's default engine is the warm one.

    :func:`snppe_report.report.render.render_report` thus runs unchanged in the warm kernel;
    outside the block (other code of the process, e.g. another task of a Dask
    worker) papermill behaves as usual.
    """
    install()
    from papermill.engines import papermill_engines

    previous = papermill_engines.get_engine(None)
    papermill_engines.register(None, WarmEngine)
    try:
        yield
    finally:
        papermill_engines.register(None, previous)


def shutdown() -> int:
    """Shut down every warm kernel of this process; return how many were running.

    Safe from any thread, including one running an event loop (a Dask worker's
    ``client.run``): the kernels are stopped from a helper thread, on their own loops,
    which are then closed.
    """
    with _lock:
        kernels = list(_all_kernels)
        _all_kernels.clear()
    running = sum(k.km is not None for k in kernels)

    def stop() -> None:
        for kernel in kernels:
            kernel.shutdown(close_loop=True)

    helper = threading.Thread(target=stop, name="snppe-arret-noyaux")
    helper.start()
    helper.join(120)
    return running


def kill_all() -> int:
    """Kill every warm kernel of this process at once (SIGKILL); return how many.

    For a worker that must end now (stopped batch, batch process gone): no message
    exchanged, no event loop needed, safe in a signal handler. Their socket folders go
    with the worker's private temporary folder.
    """
    killed = 0
    for kernel in list(_all_kernels):
        process = getattr(getattr(kernel.km, "provisioner", None), "process", None)
        # through the Popen, which signals only a kernel not reaped yet: the pid of one
        # already gone may belong to another process by now (pid_max can be 32768)
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.send_signal(signal.SIGKILL)
                killed += 1
        if kernel._sockets:
            shutil.rmtree(kernel._sockets, ignore_errors=True)
    return killed


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
