"""Where batch jobs run: a local process pool, a Dask cluster, or this process.

Every runner has one method, :meth:`run`, yielding ``(index, result)`` as jobs
finish, and never raising for a job: a job's exception, a crashed worker or a lost
Dask worker all come back as failed results (French message), so one bad input
cannot stop the others.

* :class:`LocalRunner`: :class:`concurrent.futures.ProcessPoolExecutor` with a
  ``forkserver`` context (``spawn`` where unavailable) and ``max_tasks_per_child``
  so a leaking worker is replaced. A worker that dies (segfault, out of memory)
  breaks the pool: the pool is rebuilt, the jobs that had not started are
  resubmitted, and those that were running are retried one at a time, so the
  culprit is identified and failed alone.
* :class:`DaskRunner`: the same jobs on an existing ``dask.distributed`` cluster
  (workers must see the same files: shared file system). At the end, every
  worker's warm kernel is shut down.
* :class:`SerialRunner`: in this process, one job after the other (debugging).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from . import _batch_kernel
from ._batch_jobs import Job, failure, run_guarded
from .exceptions import ParameterError

__all__ = ["Runner", "LocalRunner", "DaskRunner", "SerialRunner", "make_runner"]

log = logging.getLogger(__name__)

#: Reports one worker process renders before it is replaced (bounds leaks).
MAX_TASKS_PER_CHILD = 50
#: How long to wait for a Dask scheduler before giving up.
DASK_TIMEOUT = "20s"
_PRELOAD = ["snppe_report._batch_jobs", "snppe_report.table", "snppe_report.render"]


class Runner:
    """Interface of the runners."""

    def run(self, job: Job, tasks: Sequence[Mapping[str, Any]]) -> Iterator[tuple[int, dict]]:
        """Yield ``(index in tasks, result dict)`` as jobs finish."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers and shut their kernels down."""

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialRunner(Runner):
    """Run every job in this process, in order."""

    def run(self, job: Job, tasks: Sequence[Mapping[str, Any]]) -> Iterator[tuple[int, dict]]:
        for index, task in enumerate(tasks):
            yield index, run_guarded(job, task)

    def close(self) -> None:
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

    Parameters
    ----------
    jobs : int
        Number of worker processes.
    max_tasks_per_child : int
        Jobs per worker process before it is replaced.
    """

    def __init__(self, jobs: int, max_tasks_per_child: int = MAX_TASKS_PER_CHILD) -> None:
        self.jobs = jobs
        self.max_tasks_per_child = max_tasks_per_child
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn"
        )
        if self._context.get_start_method() == "forkserver":
            # Workers fork from a server that has already imported the package.
            self._context.set_forkserver_preload(_PRELOAD)
        self._pool: ProcessPoolExecutor | None = None
        self._markers = Path(tempfile.mkdtemp(prefix="snppe-lot-"))

    def _get_pool(self, workers: int) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=self._context,
                max_tasks_per_child=self.max_tasks_per_child,
            )
        return self._pool

    def _reset_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, job: Job, tasks: Sequence[Mapping[str, Any]]) -> Iterator[tuple[int, dict]]:
        queue = list(range(len(tasks)))
        alone: deque[int] = deque()  # suspects of a crash, retried one at a time
        while queue or alone:
            isolated = bool(alone)
            batch = [alone.popleft()] if isolated else queue
            if not isolated:
                queue = []
            pool = self._get_pool(1 if isolated else self.jobs)
            futures: dict[Future, int] = {
                pool.submit(_marked, job, tasks[i], str(self._marker(i))): i for i in batch
            }
            done: set[int] = set()
            broken = False
            for future in as_completed(futures):
                index = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                except Exception as exc:  # e.g. a result that cannot be pickled
                    result = failure(exc, str(tasks[index].get("etape", "rapport")))
                done.add(index)
                yield index, result
            if isolated or broken:
                self._reset_pool()  # back to the full width after an isolated retry
            if not broken:
                continue
            lost = [i for i in batch if i not in done]
            if isolated:
                yield lost[0], _crash(tasks[lost[0]])
                self._marker(lost[0]).unlink(missing_ok=True)
                continue
            running = [i for i in lost if self._marker(i).exists()]
            for i in running:
                self._marker(i).unlink(missing_ok=True)
            log.warning("un processus de travail s'est arrêté brutalement : reprise des tâches")
            alone.extend(running)
            queue = [i for i in lost if i not in running] + queue

    def _marker(self, index: int) -> Path:
        return self._markers / f"{index}.en-cours"

    def close(self) -> None:
        # Workers shut their kernels down as they exit (multiprocessing finalizer).
        self._reset_pool()
        shutil.rmtree(self._markers, ignore_errors=True)


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

    def run(self, job: Job, tasks: Sequence[Mapping[str, Any]]) -> Iterator[tuple[int, dict]]:
        from distributed import as_completed as dask_completed

        futures = {
            self.client.submit(run_guarded, job, dict(task), pure=False, retries=1): i
            for i, task in enumerate(tasks)
        }
        for future in dask_completed(list(futures), loop=self.client.loop):
            index = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # lost worker (KilledWorker), cancelled future...
                result = failure(exc, str(tasks[index].get("etape", "rapport")))
            future.release()
            yield index, result

    def close(self) -> None:
        try:
            self.client.run(_batch_kernel.shutdown)
        except Exception as exc:  # pragma: no cover - best effort
            log.warning("arrêt des noyaux sur les workers Dask : %s", exc)
        self.client.close()


def make_runner(executor: str, jobs: int | None, scheduler: str | None) -> Runner:
    """The runner for ``executor`` (``"local"``, ``"dask"`` or ``"serial"``)."""
    if executor == "local":
        return LocalRunner(jobs or os.cpu_count() or 1)
    if executor == "dask":
        if not scheduler:
            raise ParameterError("--executor dask demande --scheduler ADRESSE")
        return DaskRunner(scheduler)
    if executor == "serial":
        return SerialRunner()
    raise ParameterError(f"exécuteur inconnu « {executor} » : choisir local ou dask")
