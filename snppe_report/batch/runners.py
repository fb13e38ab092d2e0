"""Where batch jobs run: a local process pool, a Dask cluster, or this process.

Every runner has one method, :meth:`run`, yielding ``(index, result)`` as jobs
finish, and never raising for a job: a job's exception, a crashed worker or a lost
Dask worker all come back as failed results (French message), so one bad input
cannot stop the others.

* :class:`LocalRunner`: :class:`concurrent.futures.ProcessPoolExecutor` with a
  ``forkserver`` context (``spawn`` where unavailable), replaced by a fresh
  generation of workers every ``max_tasks_per_child`` tasks per worker, so a leaking
  worker does not live for ever. A worker that dies (segfault, out of memory) breaks
  its pool: the jobs that had not started go to a new pool, and those that were
  running are retried one at a time, so the culprit is identified and failed alone.
* :class:`DaskRunner`: the same jobs on an existing ``dask.distributed`` cluster
  (workers must see the same files: shared file system). At the end, every
  worker's warm kernel is shut down.
* :class:`SerialRunner`: in this process, one job after the other (debugging).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from snppe_report.batch import kernels as _batch_kernel
from snppe_report.batch.jobs import Job, failure, run_guarded
from snppe_report.batch.signals import init_worker
from snppe_report.exceptions import ParameterError

__all__ = ["Runner", "LocalRunner", "DaskRunner", "SerialRunner", "make_runner"]

log = logging.getLogger(__name__)

#: Tasks one worker process runs (on average) before it is replaced (bounds leaks).
MAX_TASKS_PER_CHILD = 60
#: Seconds an interrupted batch gives its workers to stop before killing them.
ABORT_GRACE = 5.0
#: How long to wait for a Dask scheduler before giving up.
DASK_TIMEOUT = "20s"
_PRELOAD = [
    "snppe_report.batch.jobs",
    "snppe_report.read.table",
    "snppe_report.report.render",
    "snppe_report.batch.warmup",  # papermill, nbconvert, Typst: imported once, for all
]


class Runner:
    """Interface of the runners."""

    def run(
        self, job: Job, tasks: Sequence[Mapping[str, Any]], counted: bool = True
    ) -> Iterator[tuple[int, dict]]:
        """Yield ``(index in tasks, result dict)`` as jobs finish.

        ``counted`` false marks light tasks (reading workbooks) that do not count
        toward a worker's quota of tasks.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release workers and shut their kernels down."""

    def abort(self) -> None:
        """Stop now (interrupted batch): running jobs are abandoned, workers stopped."""
        self.close()

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialRunner(Runner):
    """Run every job in this process, in order."""

    def run(
        self, job: Job, tasks: Sequence[Mapping[str, Any]], counted: bool = True
    ) -> Iterator[tuple[int, dict]]:
        for index, task in enumerate(tasks):
            yield index, run_guarded(job, task)

    def close(self) -> None:
        _batch_kernel.shutdown()

    def abort(self) -> None:
        _batch_kernel.kill_all()
        _batch_kernel.shutdown()


def _marked(job: Job, task: Mapping[str, Any], marker: str) -> dict:
    """Worker side: leave a marker while the job runs (to find who crashed a pool)."""
    Path(marker).touch()
    try:
        return run_guarded(job, task)
    finally:
        Path(marker).unlink(missing_ok=True)


class LocalRunner(Runner):
    """A pool of worker processes on this machine.

    At most ``jobs`` tasks are in flight at any time. Worker processes are replaced
    by generations: after ``jobs * max_tasks_per_child`` tasks a new pool takes the
    next tasks while the old one finishes its last ones and exits (the executor's
    own ``max_tasks_per_child`` can hang on Python 3.11, cpython#115634).

    Parameters
    ----------
    jobs : int
        Number of worker processes.
    max_tasks_per_child : int
        Tasks per worker process (on average) before its generation is replaced.
    """

    def __init__(
        self,
        jobs: int,
        max_tasks_per_child: int = MAX_TASKS_PER_CHILD,
        workdir: Path | None = None,
    ) -> None:
        self.jobs = jobs
        self.max_tasks_per_child = max_tasks_per_child
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"
        )
        _quiet_resource_tracker()
        if self._context.get_start_method() == "forkserver":
            # Workers fork from a server that has already imported the package.
            self._context.set_forkserver_preload(_PRELOAD)
        self._pool: ProcessPoolExecutor | None = None
        self._given = 0  # tasks given to the current generation
        self._retired: list[threading.Thread] = []
        self._pools: list[ProcessPoolExecutor] = []  # every pool, to stop them all on abort
        if workdir is not None:
            self._markers = Path(workdir) / "marqueurs"
            self._markers.mkdir(parents=True, exist_ok=True)
        else:
            self._markers = Path(tempfile.mkdtemp(prefix="snppe-lot-"))

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        # Workers are tied to this process: see snppe_report.batch.signals.
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._context,
            initializer=init_worker,
            initargs=(os.getpid(),),
        )
        self._pools.append(pool)
        return pool

    def _current(self, counted: bool) -> ProcessPoolExecutor:
        if self._pool is not None and self._given >= self.jobs * self.max_tasks_per_child:
            self._retire(self._pool)
        if self._pool is None:
            self._pool, self._given = self._new_pool(self.jobs), 0
        self._given += counted
        return self._pool

    def _retire(self, pool: ProcessPoolExecutor) -> None:
        """Let ``pool`` finish its tasks and exit; new tasks go to a new generation.

        The shutdown waits in a thread of its own (joined by :meth:`close`): the
        workers exit, and stop their kernels, while the batch goes on.
        """
        closing = threading.Thread(
            target=pool.shutdown, kwargs={"wait": True}, name="snppe-fin-generation"
        )
        closing.start()
        self._retired.append(closing)
        if pool is self._pool:
            self._pool = None

    def run(
        self, job: Job, tasks: Sequence[Mapping[str, Any]], counted: bool = True
    ) -> Iterator[tuple[int, dict]]:
        """Yield ``(index, result)`` as jobs finish.

        ``counted`` false: these tasks (light ones, such as reading workbooks) do not
        count toward a generation's quota.
        """
        waiting = deque(range(len(tasks)))
        alone: deque[int] = deque()  # suspects of a crash, retried one at a time
        flying: dict[Future, tuple[int, ProcessPoolExecutor, bool]] = {}
        while waiting or alone or flying:
            while alone and not flying:  # a suspect runs alone, on its own pool
                index = alone.popleft()
                pool = self._new_pool(1)
                flying[self._submit(pool, job, tasks, index)] = (index, pool, True)
            while waiting and not alone and len(flying) < self.jobs:
                index = waiting.popleft()
                pool = self._current(counted)
                flying[self._submit(pool, job, tasks, index)] = (index, pool, False)
            finished, _ = wait(flying, return_when=FIRST_COMPLETED)
            broken: set[ProcessPoolExecutor] = set()
            for future in finished:
                index, pool, isolated = flying.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.add(pool)
                    if isolated:
                        yield index, _crash(tasks[index])
                    elif self._marker(index).exists():
                        alone.append(index)  # it was running: maybe the culprit
                    else:
                        waiting.appendleft(index)
                    self._marker(index).unlink(missing_ok=True)
                    continue
                except Exception as exc:  # e.g. a result that cannot be pickled
                    result = failure(exc, str(tasks[index].get("etape", "rapport")))
                if isolated:
                    self._retire(pool)
                yield index, result
            for pool in broken:
                log.warning("un processus de travail s'est arrêté brutalement : reprise des tâches")
                self._retire(pool)

    def _submit(
        self, pool: ProcessPoolExecutor, job: Job, tasks: Sequence[Mapping[str, Any]], index: int
    ) -> Future:
        return pool.submit(_marked, job, tasks[index], str(self._marker(index)))

    def _marker(self, index: int) -> Path:
        return self._markers / f"{index}.en-cours"

    def close(self) -> None:
        # Workers shut their kernels down as they exit (multiprocessing finalizer).
        if self._pool is not None:
            self._retire(self._pool)
        for closing in self._retired:
            closing.join()  # every worker has exited, its kernel shut down
        self._retired.clear()
        self._pools.clear()
        shutil.rmtree(self._markers, ignore_errors=True)

    def abort(self, grace: float = ABORT_GRACE) -> None:
        """Stop every worker now: SIGTERM (each kills its kernel), then SIGKILL."""
        processes = []
        for pool in self._pools:
            # private attribute, stable since Python 3.2: the only way to reach the
            # worker processes of a ProcessPoolExecutor
            processes += list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                # a forkserver worker is reaped by the server, not by us: is_alive() reads
                # its exit first, so a pid already freed (and maybe reused) is not signalled
                if process.is_alive():
                    process.terminate()
        deadline = time.monotonic() + grace
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(max(0.0, deadline - time.monotonic()))
                if process.is_alive():
                    process.kill()
                    process.join(1)
        self._pool = None
        for closing in self._retired:
            closing.join(grace)
        self._retired.clear()
        self._pools.clear()
        shutil.rmtree(self._markers, ignore_errors=True)
        # a worker killed after the grace period could not remove its private folder
        from snppe_report.batch.workspace import remove_stale_worker_dirs

        remove_stale_worker_dirs()


def _quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker without its English warnings.

    If the batch is killed (SIGKILL), the tracker outlives it for a moment and warns
    about "leaked semaphore objects" on the user's terminal: it cleans them up all
    the same, so its warning is silenced (its own process only).
    """
    from multiprocessing import resource_tracker

    saved = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = "ignore::UserWarning"
    try:
        resource_tracker.ensure_running()
    finally:
        if saved is None:
            del os.environ["PYTHONWARNINGS"]
        else:
            os.environ["PYTHONWARNINGS"] = saved


def _crash(task: Mapping[str, Any]) -> dict:
    return failure(
        RuntimeError(
            "le processus de travail s'est arrêté brutalement (mémoire épuisée ou plantage) ; "
            "les autres rapports ne sont pas affectés"
        ),
        str(task.get("etape", "rapport")),
        task.get("fichier") or task.get("principal"),
    )


class DaskRunner(Runner):
    """The jobs on an existing Dask distributed cluster.

    Parameters
    ----------
    scheduler : str
        Address of the scheduler (``tcp://host:8786``).
    """

    def __init__(self, scheduler: str) -> None:
        self._futures: list = []  # of the current run, cancelled by abort()
        try:
            from distributed import Client
        except ImportError as exc:
            raise ParameterError(
                "l'exécution sur Dask demande le module distributed : installer snppe-report[dask]"
            ) from exc
        try:
            self.client = Client(scheduler, timeout=DASK_TIMEOUT, set_as_default=False)
        except OSError as exc:
            raise ParameterError(
                f"planificateur Dask injoignable à l'adresse « {scheduler} » : {exc}"
            ) from exc

    def run(
        self, job: Job, tasks: Sequence[Mapping[str, Any]], counted: bool = True
    ) -> Iterator[tuple[int, dict]]:
        from distributed import as_completed as dask_completed

        futures = {
            self.client.submit(run_guarded, job, dict(task), pure=False, retries=1): i
            for i, task in enumerate(tasks)
        }
        self._futures = list(futures)
        for future in dask_completed(list(futures), loop=self.client.loop):
            index = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # lost worker (KilledWorker), cancelled future...
                result = failure(exc, str(tasks[index].get("etape", "rapport")))
            future.release()
            yield index, result

    def abort(self) -> None:
        """Cancel the tasks not finished (the cluster itself is not ours to stop)."""
        try:
            self.client.cancel(self._futures)
        except Exception as exc:  # pragma: no cover - best effort
            log.warning("annulation des tâches Dask : %s", exc)
        self.close()

    def close(self) -> None:
        try:
            self.client.run(_batch_kernel.shutdown)
        except Exception as exc:  # pragma: no cover - best effort
            log.warning("arrêt des noyaux sur les workers Dask : %s", exc)
        self.client.close()


def make_runner(
    executor: str, jobs: int | None, scheduler: str | None, workdir: Path | None = None
) -> Runner:
    """The runner for ``executor`` (``"local"``, ``"dask"`` or ``"serial"``).

    ``workdir``: the batch's private folder (crash markers of the local pool).
    """
    if executor == "local":
        return LocalRunner(jobs or os.cpu_count() or 1, workdir=workdir)
    if executor == "dask":
        if not scheduler:
            raise ParameterError("--executor dask demande --scheduler ADRESSE")
        return DaskRunner(scheduler)
    if executor == "serial":
        return SerialRunner()
    raise ParameterError(f"exécuteur inconnu « {executor} » : choisir local ou dask")
