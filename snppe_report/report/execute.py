"""The execution step of a report: papermill runs the notebook in a private folder.

Private to :mod:`snppe_report.report.render`, which re-exports :func:`execute_notebook` and
:data:`EXECUTED`. With :mod:`snppe_report.report.render` and :mod:`snppe_report.report.convert`, the
only papermill importer (papermill is imported inside the functions that need it).

A failed execution is kept for audit (:func:`snppe_report.report.publish.keep_failure`) and
raised as :class:`~snppe_report.exceptions.RenderError`, or as the workbook's own
:class:`~snppe_report.exceptions.SnppeError` subclass when the notebook stopped on one.
The kernel is always shut down: nbclient stops it in a ``finally`` once it is up, and
:func:`execute_notebook` kills it itself when a signal (Ctrl-C, SIGTERM) interrupts the
run while the kernel is still starting, a moment nbclient's synchronous path leaves
uncovered, so that it never outlives the private folder it runs in. The kernel's
standard error goes to a file of that folder, never to the user's terminal; its last
line explains a kernel that died.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snppe_report import exceptions
from snppe_report.exceptions import RenderError, SnppeError
from snppe_report.report.convert import _lean_jsonschema
from snppe_report.report.publish import keep_failure

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["EXECUTED", "KERNEL_STDERR", "LaunchedKernel", "execute_notebook"]

# The logger of the render step, as before the split (and as in publish).
log = logging.getLogger("snppe_report.report.render")

#: Name of the executed notebook inside a job's working folder.
EXECUTED = "execution.ipynb"
#: The kernel's standard error, inside the job's working folder.
KERNEL_STDERR = "noyau.stderr"

#: Options of every kernel this module starts: no kernel log noise on its stderr; no
#: history written to the user's IPython profile (nbclient's own choice too); no thread
#: forwarding what C libraries write on the file descriptors (a report shows no console
#: output anyway: Python's own prints still reach the notebook, and are dropped).
KERNEL_ARGUMENTS = (
    "--IPKernelApp.log_level=ERROR",
    "--HistoryManager.hist_file=:memory:",
    "--IPKernelApp.capture_fd_output=False",
)
#: Modules a kernel launched ahead (:class:`LaunchedKernel`) imports while it starts, so
#: that the notebook's first cells find them loaded; nothing is bound in its namespace.
PRELOADED = (
    "pandas",
    "matplotlib.figure",
    "matplotlib.backends.backend_svg",
    "snppe_report.report.model",
    "snppe_report.report.sections",
    "snppe_report.report.charts",
)

_manager_class: Any = None


class LaunchedKernel:
    """A kernel launched ahead of its notebook, in a private folder of its own.

    A cold report spends about a second importing papermill and reading the workbook
    before it needs a kernel, and a kernel takes about as long to start and to import
    pandas, matplotlib and the package: launched first, it starts meanwhile on the
    other core. :func:`execute_notebook` then runs the notebook in it (``kernel=``);
    :meth:`close` kills it (if still running) and removes its folder, whatever
    happened: a refused workbook only costs a kernel stopped at once.

    Parameters
    ----------
    kernel_name : str
        Jupyter kernel name.

    Attributes
    ----------
    workdir : Path
        The private folder: the kernel's working directory, where the executed
        notebook and the kernel's standard error (:data:`KERNEL_STDERR`) go.
    """

    def __init__(self, kernel_name: str = "python3") -> None:
        self.kernel_name = kernel_name
        self.workdir: Path = Path()
        self.managers: list[Any] = []
        self.km: Any = None
        self._process: subprocess.Popen | None = None

    def start(self) -> LaunchedKernel:
        """Make the folder and launch the kernel (``with LaunchedKernel(...)`` calls it)."""
        self.workdir = Path(tempfile.mkdtemp(prefix="snppe-rapport-"))
        preload = "; ".join(f"__import__({name!r})" for name in PRELOADED) + ";"
        arguments = [*KERNEL_ARGUMENTS, f"--IPKernelApp.exec_lines={preload}"]
        try:
            spec = _ipykernel_spec(self.kernel_name)
            if spec is not None and _ipc_fits(self.workdir):
                self._spawn(spec, arguments)  # ipykernel's own command: at once, by hand
                return self
            from jupyter_client.kernelspec import KernelSpecManager
            from jupyter_core.utils import run_sync

            KernelSpecManager().get_kernel_spec(self.kernel_name)  # NoSuchKernel, quietly
            cls = _owned_manager_class(self.managers, self.workdir / KERNEL_STDERR)
            km = cls(kernel_name=self.kernel_name)
            run_sync(km.start_kernel)(cwd=str(self.workdir), extra_arguments=arguments)
            self.km = km
        except Exception as exc:  # no such kernel...: the notebook's run says it, in French
            log.debug("noyau non lancé d'avance : %s", exc)
            self.close(remove=False)
        except BaseException:
            self.close()
            raise
        return self

    def _spawn(self, spec: dict[str, Any], arguments: list[str]) -> None:
        """Launch ipykernel with a connection file of our own (IPC sockets in the folder).

        jupyter_client takes 0.2-0.3 s to import before it can launch anything; the
        kernel, launched first, gains that time. The process is then adopted by a
        kernel manager (:meth:`manager`), exactly as if jupyter_client had started it:
        same command, options and environment as its launcher gives (own session,
        ``JPY_PARENT_PID``: the kernel ends if this process dies).
        """
        self._connection = {
            "transport": "ipc",
            "ip": str(self.workdir / "k"),
            "shell_port": 1,
            "iopub_port": 2,
            "stdin_port": 3,
            "control_port": 4,
            "hb_port": 5,
            "key": secrets.token_hex(32),
            "signature_scheme": "hmac-sha256",
            "kernel_name": self.kernel_name,
        }
        self._connection_file = self.workdir / "noyau.json"
        descriptor = os.open(self._connection_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(self._connection, stream)
        command = [sys.executable, *spec["argv"][1:]]
        command = [str(self._connection_file) if a == "{connection_file}" else a for a in command]
        environment = {**os.environ, **spec.get("env", {}), "JPY_PARENT_PID": str(os.getpid())}
        environment.pop("PYTHONEXECUTABLE", None)  # as jupyter_client's launcher does
        with open(self.workdir / KERNEL_STDERR, "wb") as stderr:
            self._process = subprocess.Popen(
                [*command, *arguments],
                cwd=self.workdir,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
            )

    def manager(self) -> Any:
        """The kernel manager of this kernel (None if it could not be launched)."""
        if self.km is None and self._process is not None:
            from jupyter_client.provisioning.local_provisioner import LocalProvisioner

            cls = _owned_manager_class(self.managers, self.workdir / KERNEL_STDERR)
            km = cls(kernel_name=self.kernel_name, connection_file=str(self._connection_file))
            km.load_connection_info(self._connection)
            provisioner = LocalProvisioner(
                kernel_id=km.kernel_id or secrets.token_hex(16), kernel_spec=None, parent=km
            )
            provisioner.process = self._process
            provisioner.pid = self._process.pid
            provisioner.pgid = self._process.pid  # its own session
            provisioner.connection_info = km.get_connection_info()
            km.provisioner = provisioner
            self.managers.append(km)
            self.km = km
        return self.km

    def close(self, remove: bool = True) -> None:
        """Kill the kernel if it still runs, then remove the private folder (idempotent).

        The folder is removed even if the kill is interrupted: the kernel's standard
        error is a file of that folder, and ``JPY_PARENT_PID`` ends the kernel with
        this process.
        """
        try:
            _kill_kernels(self.managers)
            _kill(self._process)
        finally:
            if remove and self.workdir != Path():
                shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> LaunchedKernel:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def execute_notebook(
    notebook: str | os.PathLike[str],
    parameters: Mapping[str, Any],
    *,
    workdir: str | os.PathLike[str],
    kernel_name: str = "python3",
    failed_path: str | os.PathLike[str] | None = None,
    kernel: LaunchedKernel | None = None,
) -> tuple[NotebookNode, dict[str, float]]:
    """Run the notebook with papermill in ``workdir`` (its working directory).

    Parameters
    ----------
    notebook : path-like
        Input notebook (never modified).
    parameters : mapping
        Injected after the cell tagged ``parameters``.
    workdir : path-like
        Private folder of this job: the kernel's working directory and the place
        of the executed notebook.
    kernel_name : str
        Jupyter kernel name.
    failed_path : path-like, optional
        Where to keep the executed notebook when a cell fails (for audit).
    kernel : LaunchedKernel, optional
        A kernel launched ahead in ``workdir`` (its own folder): the notebook runs in
        it, and it is killed at the end. Otherwise papermill starts one.

    Returns
    -------
    tuple of (NotebookNode, dict)
        The executed notebook and the durations ``kernel`` and ``execution`` (s).

    Raises
    ------
    SnppeError
        A cell raised a :class:`SnppeError` subclass: raised again, same type and message.
    RenderError
        Any other failure of the execution.
    """
    papermill = _papermill()
    output = Path(workdir) / EXECUTED
    stderr = Path(workdir) / KERNEL_STDERR
    started = time.perf_counter()
    if kernel is not None and kernel.manager() is not None:
        if Path(workdir).resolve() != kernel.workdir.resolve():
            raise ValueError("un noyau lancé d'avance s'exécute dans son propre dossier")
        managers, own = kernel.managers, {"km": kernel.manager()}
    else:
        managers = []
        own = {"kernel_manager_class": _owned_manager_class(managers, stderr)}
    try:
        nb = papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=dict(parameters),
            kernel_name=kernel_name,
            cwd=str(workdir),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            # nbclient options: no graceful-shutdown wait, no kernel log noise on stderr
            shutdown_kernel="immediate",
            extra_arguments=list(KERNEL_ARGUMENTS),
            **own,
        )
    except papermill.PapermillExecutionError as exc:
        keep_failure(output, failed_path)
        raise _cell_error(exc, notebook) from exc
    except Exception as exc:  # kernel death, timeout, unreadable notebook...
        _kill_kernels(managers)
        keep_failure(output, failed_path)
        last = _last_line(stderr)
        raise RenderError(
            f"l'exécution du notebook a échoué : {type(exc).__name__}: {exc}"
            + (f" (noyau : {last})" if last else ""),
            file=notebook,
        ) from exc
    finally:  # Ctrl-C, SIGTERM, a kernel launched ahead: no kernel outlives its folder
        _kill_kernels(managers)
    wall = time.perf_counter() - started
    cells = sum(
        float(cell.metadata.get("papermill", {}).get("duration") or 0.0) for cell in nb.cells
    )
    _drop_streams(nb)
    return nb, {"kernel": max(wall - cells, 0.0), "execution": cells}


def _cell_error(exc: Any, notebook: str | os.PathLike[str]) -> SnppeError:
    """The error a failed cell raised, as our own type when it was one of ours."""
    cls = getattr(exceptions, exc.ename, None)
    if isinstance(cls, type) and issubclass(cls, SnppeError):
        return cls(exc.evalue)
    return RenderError(
        f"le notebook s'est arrêté à la cellule {exc.exec_count} : {exc.ename}: {exc.evalue}",
        file=notebook,
    )


def _drop_streams(nb: NotebookNode) -> None:
    """Remove printed text (warnings, logs) from the outputs: a report shows no console."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                log.warning("sortie texte du notebook ignorée : %s", out.get("text", "")[:500])
            else:
                kept.append(out)
        cell["outputs"] = kept


def _ipykernel_spec(kernel_name: str) -> dict[str, Any] | None:
    """The kernelspec ``kernel_name`` if it runs ipykernel's launcher in this interpreter.

    Found as jupyter_client finds it (first ``kernels/<name>/kernel.json`` on the
    Jupyter data path, else ipykernel's built-in ``python3``), without importing
    jupyter_client. None for any other command (another interpreter, another
    launcher): jupyter_client then starts that kernel itself.
    """
    from jupyter_core.paths import jupyter_path

    ipython = os.environ.get("IPYTHONDIR") or os.path.join(os.path.expanduser("~"), ".ipython")
    for folder in [*jupyter_path("kernels"), os.path.join(ipython, "kernels")]:
        found = Path(folder) / kernel_name.lower() / "kernel.json"
        if found.is_file():
            try:
                spec = json.loads(found.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            break
    else:
        if kernel_name.lower() != "python3":
            return None
        spec = {"argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]}
    environment = spec.get("env", {})
    if not isinstance(environment, dict) or any("${" in str(v) for v in environment.values()):
        return None  # jupyter_client expands ${VARIABLES}: let it launch that kernel
    if (spec.get("metadata") or {}).get("kernel_provisioner"):
        return None
    argv = spec.get("argv") or []
    interpreters = {
        "python",
        f"python{sys.version_info[0]}",
        f"python{sys.version_info[0]}.{sys.version_info[1]}",
        sys.executable,
    }
    own = argv[1:] == ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
    if not own or argv[0] not in interpreters:
        return None
    return spec


def _ipc_fits(folder: Path) -> bool:
    """Whether IPC sockets fit in ``folder`` (a Unix socket path has at most 107 bytes)."""
    return os.name == "posix" and len(os.fsencode(folder / "k-5")) <= 100


def _owned_manager_class(managers: list[Any], stderr: Path) -> type:
    """A kernel manager class that records each manager in ``managers`` when it launches.

    The kernel's standard error goes to the file ``stderr``. The class is made once
    (jupyter_client is imported on first use); the list and the path are the call's
    own, class attributes of a per-call subclass.
    """
    global _manager_class
    if _manager_class is None:
        from jupyter_client.manager import AsyncKernelManager
        from traitlets import Type

        from snppe_report.report.kernel_client import ReadyKernelClient

        class OwnedKernelManager(AsyncKernelManager):
            """Records itself before its kernel starts; the kernel's stderr to a file; its
            clients are ready as soon as the kernel answers (:mod:`.kernel_client`)."""

            client_factory = Type(ReadyKernelClient, klass=ReadyKernelClient)
            registry: list[Any] = []
            stderr_path: Path | None = None

            def client(self, **kwargs: Any) -> Any:
                kc = super().client(**kwargs)
                self.clients = [*getattr(self, "clients", []), kc]
                return kc

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
                self.registry.append(self)
                if self.stderr_path is None or "stderr" in kw:
                    await super()._async_launch_kernel(kernel_cmd, **kw)
                    return
                with open(self.stderr_path, "wb") as stream:  # the child keeps its own copy
                    await super()._async_launch_kernel(kernel_cmd, stderr=stream, **kw)

        _manager_class = OwnedKernelManager
    attributes = {"registry": managers, "stderr_path": stderr}
    return type("OwnedKernelManager", (_manager_class,), attributes)


def _kill_kernels(managers: list[Any]) -> None:
    """Kill and reap every kernel of ``managers`` still running, close its sockets and
    contexts and remove its connection file (what nbclient's own cleanup does once the
    kernel is up). The whole process group goes, as jupyter_client's kill does: the
    kernel leads its own session, and whatever the notebook started goes with it."""
    for km in managers:
        for kc in getattr(km, "clients", []):
            try:
                kc.stop_channels()
                if getattr(kc, "_created_context", False) and not kc.context.closed:
                    kc.context.destroy(linger=0)
            except Exception as exc:  # pragma: no cover - best effort
                log.debug("canaux du noyau non fermés : %s", exc)
        km.clients = []
        provisioner = getattr(km, "provisioner", None)
        _kill(getattr(provisioner, "process", None), getattr(provisioner, "pgid", None))
        try:
            km.cleanup_connection_file()
            km._close_control_socket()  # noqa: SLF001 - jupyter_client has no public one
            if km._created_context and not km.context.closed:  # noqa: SLF001
                km.context.destroy(linger=0)
        except Exception as exc:  # pragma: no cover - best effort
            log.debug("ressources du noyau non libérées : %s", exc)


def _kill(process: subprocess.Popen | None, group: int | None = None) -> None:
    """SIGKILL ``process`` and its process group (it leads one), then reap it."""
    if process is None or process.poll() is not None:
        return
    try:
        try:
            os.killpg(group or process.pid, signal.SIGKILL)
        except (OSError, AttributeError):  # not a group leader, or not POSIX
            process.kill()
        process.wait(10)
    except Exception as exc:  # pragma: no cover - best effort, exiting anyway
        log.debug("noyau non arrêté : %s", exc)


def _last_line(path: Path) -> str:
    """The last non-empty line of a kernel's standard error ('' if none)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    lines = [line.strip() for line in lines if line.strip()]
    return lines[-1][:300] if lines else ""


def _papermill():
    """papermill, imported on first use (after :func:`_lean_jsonschema`)."""
    _lean_jsonschema()
    import papermill

    return papermill
