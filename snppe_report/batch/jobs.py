"""The jobs a batch sends to its workers, and how their failures come back.

Every job takes one plain ``dict`` and returns one plain, picklable ``dict`` (no
exception ever crosses a process boundary): ``{"statut": "ok", ...}`` or
``{"statut": "echec", "erreur": {...}}`` where ``erreur`` is
:meth:`SnppeError.to_dict` (French message naming file, sheet and cell) or, for an
unexpected exception, the same fields with a French message and the traceback.

* :func:`extract_job` reads one workbook (no kernel: a bad workbook fails here,
  before any kernel starts);
* :func:`render_job` renders the report of one collectivité with
  :func:`snppe_report.report.render.render_report`, in this worker's warm kernel;
* :func:`synthesis_job` renders the national synthesis.

This module imports nothing heavy at load time: it is imported by the parent, by
``forkserver`` workers and by Dask workers alike.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import logging
import resource
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snppe_report.destinations import output_error
from snppe_report.exceptions import RenderError, SnppeError

__all__ = [
    "JobSet",
    "DEFAULT_JOBS",
    "extract_job",
    "render_job",
    "synthesis_job",
    "failure",
    "run_guarded",
]

log = logging.getLogger(__name__)

#: A job: one plain dict in, one plain dict out.
Job = Callable[[Mapping[str, Any]], dict]

# Renders run in one long-lived thread per process ("snppe-rendu"): papermill moves
# the whole process into the job's working folder, so two renders must not
# interleave (a Dask worker may run several tasks at once); and that thread keeps the
# warm kernel and the event loop its client lives in (Dask runs each task in a fresh
# context, where jupyter_core would create, and leak, a new loop every time).
_RENDER_THREAD: ThreadPoolExecutor | None = None
_RENDER_THREAD_LOCK = threading.Lock()

_STAGES = {
    "lecture": "la lecture du classeur",
    "rapport": "la production du rapport",
    "synthese": "la production de la synthèse nationale",
}


@dataclass(frozen=True)
class JobSet:
    """The three job functions of a batch (module-level functions: they are pickled).

    Tests replace them to exercise the orchestration without kernels.
    """

    extract: Job
    render: Job
    synthesis: Job


def failure(exc: BaseException, stage: str = "rapport", file: str | None = None) -> dict:
    """A failed job's result: the error as plain fields, message in French.

    Parameters
    ----------
    exc : BaseException
        What went wrong.
    stage : str
        ``"lecture"``, ``"rapport"`` or ``"synthese"``: names the step in the message.
    file : str, optional
        The input concerned, when the error does not name it.
    """
    if isinstance(exc, OSError):  # a failed write: its French cause, not Python's text
        exc = output_error(exc)
    if isinstance(exc, SnppeError):
        erreur = exc.to_dict()
        if getattr(exc, "errno", None):
            erreur["errno"] = exc.errno  # type: ignore[attr-defined]  # full disk: stop
    else:
        erreur = {
            "type": type(exc).__name__,
            "message": (
                f"erreur inattendue pendant {_STAGES.get(stage, stage)} : "
                f"{type(exc).__name__}: {exc}"
            ),
            "fichier": file,
            "feuille": None,
            "cellule": None,
            "trace": "".join(traceback.format_exception(exc))[-4000:],
        }
    if erreur.get("fichier") is None and file is not None:
        erreur["fichier"] = file
    return {"statut": "echec", "erreur": erreur}


def run_guarded(job: Job, task: Mapping[str, Any]) -> dict:
    """Run ``job(task)``; any exception becomes a failed result instead of escaping.

    A stopping signal (:class:`KeyboardInterrupt`, not an :class:`Exception`) still
    stops the batch.
    """
    try:
        result = job(task)
    except Exception as exc:  # a job must never take the batch down
        log.debug("tâche en échec", exc_info=True)
        return failure(exc, str(task.get("etape", "rapport")), task.get("fichier"))
    if not isinstance(result, dict) or "statut" not in result:
        return failure(
            TypeError(f"résultat de tâche invalide : {type(result).__name__}"),
            str(task.get("etape", "rapport")),
            task.get("fichier"),
        )
    return result


# -- the real jobs ------------------------------------------------------------------------


def extract_job(task: Mapping[str, Any]) -> dict:
    """Read one workbook: ``{"fichier": path}`` -> ``{"statut", "extraction", "durees"}``.

    The extraction itself (an :class:`~snppe_report.read.table.Extraction`: frozen
    dataclass of plain values and DataFrames) travels back to the parent, which
    groups, merges and consolidates.
    """
    from snppe_report.read.table import extract

    started = time.perf_counter()
    try:
        extraction = extract(task["fichier"], departement=task.get("departement"))
    except SnppeError as exc:
        return failure(exc, "lecture", task["fichier"])
    return {
        "statut": "ok",
        "extraction": extraction,
        "durees": {"lecture": time.perf_counter() - started},
    }


def render_job(task: Mapping[str, Any]) -> dict:
    """Render one collectivité's report in this worker's warm kernel.

    Parameters
    ----------
    task : mapping
        ``principal`` (workbook path), ``autres`` (other workbooks of the same
        collectivité), ``extractions`` (optional: the principal's and the others'
        extractions, already read by :func:`extract_job`, so that the render reads no
        workbook again), ``collectivite`` (``{"code", "nom", "slug"}`` from the
        reference table), ``annee``, ``formats``, ``out_dir``, ``kernel_name`` and
        ``noyau_chaud`` (reuse one kernel per worker, default true).

    Returns
    -------
    dict
        ``statut``, ``sorties`` (format -> absolute path), ``durees`` (seconds per
        step) and ``memoire_mo`` (peak resident memory of the worker and its kernel).
    """
    return in_render_thread(_render, task)


def synthesis_job(task: Mapping[str, Any]) -> dict:
    """Render the national synthesis (``synthese-nationale.html`` / ``.pdf``)."""
    return in_render_thread(_synthesis, task)


def in_render_thread(func: Callable[..., dict], *args: Any) -> dict:
    """Run ``func(*args)`` in this process's render thread and wait for it."""
    global _RENDER_THREAD
    with _RENDER_THREAD_LOCK:
        if _RENDER_THREAD is None:
            _RENDER_THREAD = ThreadPoolExecutor(1, thread_name_prefix="snppe-rendu")
        executor = _RENDER_THREAD
    return executor.submit(func, *args).result()


def _render(task: Mapping[str, Any]) -> dict:
    """Render into a private folder, check, then publish into the collectivité's folder.

    The workbook is the batch's snapshot of it, whose hash is checked against the one
    planned; the report is published only once it is known to be about the expected
    collectivité, so a job never writes into another collectivité's folder.
    """
    from snppe_report.report import render
    from snppe_report.report.publish import discard, keep_failure, publish

    expected = task["collectivite"]
    out_dir = Path(task["out_dir"]).resolve()
    dest = _inside(out_dir / expected["slug"], out_dir)
    principal = Path(task["principal"])
    if task.get("sha256") and _sha256(principal) != task["sha256"]:
        raise RenderError(
            "le classeur a changé depuis la planification du lot : relancer le lot",
            file=task.get("fichier") or principal,
        )
    kwargs: dict[str, Any] = {
        "annee": task.get("annee"),
        "formats": tuple(task["formats"]),
        "kernel_name": task.get("kernel_name", "python3"),
        # a warm kernel is already up; a fresh one is launched ahead, as by snppe report
        "early_kernel": not task.get("noyau_chaud", True),
    }
    if task.get("departement"):
        kwargs["departement"] = task["departement"]
    others = list(task.get("autres") or ())
    if others and "autres_classeurs" in inspect.signature(render.render_report).parameters:
        kwargs["autres_classeurs"] = others
    if task.get("consolide"):
        kwargs["consolide"] = task["consolide"]
    if task.get("emetteur"):
        kwargs["emetteur"] = task["emetteur"]
    if task.get("extractions"):
        kwargs["extractions"] = list(task["extractions"])  # read once, by extract_job
    with tempfile.TemporaryDirectory(prefix="snppe-rendu-") as private:
        staging = Path(private)
        try:
            with _engine(task):
                result = render.render_report(principal, out_dir=staging, **kwargs)
        except BaseException:
            for failed in staging.glob("*/*.echec.ipynb"):  # kept for audit, where it belongs
                keep_failure(failed, dest / failed.name)
            raise
        if result.collectivite.code != expected["code"]:
            raise RenderError(
                f"le classeur décrit {result.collectivite.nom} ({result.collectivite.code}) "
                f"et non {expected['nom']} ({expected['code']}) : rien n'a été publié",
                file=task.get("fichier") or principal,
            )
        published = publish({kind: Path(p) for kind, p in result.outputs.items()}, dest)
    discard(dest / f"rapport-{result.annee}.echec.ipynb")
    outputs = {kind: str(_inside(Path(path), out_dir)) for kind, path in published.items()}
    return {
        "statut": "ok",
        "sorties": outputs,
        "durees": {k: round(float(v), 3) for k, v in result.durations.items()},
        "memoire_mo": _memory(),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _synthesis(task: Mapping[str, Any]) -> dict:
    from snppe_report.synthesis.build import render_synthesis

    started = time.perf_counter()
    out_dir = Path(task["out_dir"]).resolve()
    with _engine(task):
        outputs = render_synthesis(
            Path(task["consolide"]),
            dict(task["manifeste"]),
            out_dir,
            tuple(task["formats"]),
            annee=task.get("annee"),
        )
    return {
        "statut": "ok",
        "sorties": {k: str(_inside(Path(p), out_dir)) for k, p in outputs.items()},
        "durees": {"total": round(time.perf_counter() - started, 3)},
        "memoire_mo": _memory(),
    }


DEFAULT_JOBS = JobSet(extract=extract_job, render=render_job, synthesis=synthesis_job)


# -- helpers ------------------------------------------------------------------------------


def _engine(task: Mapping[str, Any]) -> contextlib.AbstractContextManager:
    """The warm-kernel engine, unless the task asks for a fresh kernel."""
    if not task.get("noyau_chaud", True):
        return contextlib.nullcontext()
    from snppe_report.batch.kernels import warm_engine

    return warm_engine()


def _inside(path: Path, root: Path) -> Path:
    """``path`` resolved, refusing anything outside ``root`` (defence in depth)."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise RenderError(f"sortie hors du dossier de sortie refusée : {resolved}", file=path)
    return resolved


def _memory() -> dict[str, float]:
    """Peak resident memory (MB) of this process and of its warm kernel."""
    usage = {"processus": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    try:
        from snppe_report.batch.kernels import kernel_peak_mb
    except ImportError:  # pragma: no cover
        return usage
    kernel = kernel_peak_mb()
    if kernel is not None:
        usage["noyau"] = round(kernel, 1)
    return usage
