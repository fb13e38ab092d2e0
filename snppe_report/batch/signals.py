"""Stopping a batch cleanly, and tying its workers to it.

Parent side, :func:`stop_on_signals`: while a batch runs, SIGINT (Ctrl-C) and SIGTERM
raise :class:`SignalStop` in the main thread; the batch then stops its workers (and
their kernels), writes its manifest and raises
:class:`~snppe_report.exceptions.Interruption` (exit code 130 or 143). A second signal
during that cleanup is ignored.

Worker side, :func:`init_worker` (the process pool's initializer):

* the worker leaves the terminal's process group, so Ctrl-C reaches the parent only
  (no English traceback from every worker and kernel): the parent stops them itself;
* SIGTERM (sent by the parent, or by the kernel when the worker's parent dies,
  ``PR_SET_PDEATHSIG`` through :mod:`ctypes`) kills the worker's kernel, removes the
  worker's private temporary folder and exits;
* a watchdog thread checks twice a second that the batch process is still alive (it is
  not the worker's parent under ``forkserver``) and does the same when it is gone, so
  after a SIGKILL of the batch nothing it started survives more than a few seconds.

Every temporary file of a worker (papermill's working folders, kernel sockets and
connection files) lives in that private folder, ``<tmp>/snppe-travail-<pid>-*``.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from multiprocessing import util

__all__ = ["SignalStop", "stop_on_signals", "init_worker", "process_alive", "SIGNAL_WORDS"]

log = logging.getLogger(__name__)

#: How each stopping signal is named to the user.
SIGNAL_WORDS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}
_PR_SET_PDEATHSIG = 1
_NOISY = ("asyncio", "papermill", "nbclient", "traitlets", "snppe_report.report.render")
_WATCH_EVERY = 0.5
_private: str | None = None


class SignalStop(KeyboardInterrupt):
    """Raised by the handlers of :func:`stop_on_signals`: a stopping signal arrived.

    A :class:`KeyboardInterrupt` (not an :class:`Exception`), so that no ``except
    Exception`` on the way (papermill, a job guard) mistakes it for a failure.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def word(self) -> str:
        return SIGNAL_WORDS.get(self.signum, f"signal {self.signum}")


@contextlib.contextmanager
def stop_on_signals(once: bool = True) -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`SignalStop` while the block runs (main thread).

    ``once``: after the first signal, the others are ignored until the block ends
    (the cleanup that follows must not be interrupted).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = (signal.SIGINT, signal.SIGTERM)

    def stop(signum, frame):
        if once:
            for other in stopping:
                signal.signal(other, signal.SIG_IGN)
        # what breaks as the run unwinds (kernel client, event loop) is no news: the
        # user asked for it, and gets one French line instead
        for name in _NOISY:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        raise SignalStop(signum)

    previous = {s: signal.signal(s, stop) for s in stopping}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# -- worker side -------------------------------------------------------------------------


def init_worker(batch_pid: int) -> None:
    """Initializer of a batch worker process (see the module docstring)."""
    global _private
    with contextlib.suppress(OSError):
        os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    _private = tempfile.mkdtemp(prefix=f"snppe-travail-{os.getpid()}-")
    tempfile.tempdir = _private  # papermill's folders, kernel sockets: all in here
    # at a normal exit, after the kernels are shut down (their finalizer has priority 100)
    util.Finalize(
        None, shutil.rmtree, args=(_private,), kwargs={"ignore_errors": True}, exitpriority=0
    )
    _parent_death_signal(signal.SIGTERM)
    if not process_alive(batch_pid):  # died before the signal was armed
        end_worker(signal.SIGTERM)
    threading.Thread(
        target=_watch, args=(batch_pid,), name="snppe-surveillance", daemon=True
    ).start()


def end_worker(signum: int) -> None:
    """Kill this worker's kernels, remove its private folder and exit at once."""
    try:
        from snppe_report.batch.kernels import kill_all

        kill_all()
    except Exception:  # pragma: no cover - exiting anyway
        pass
    if _private:
        shutil.rmtree(_private, ignore_errors=True)
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(128 + signum)


def _terminated(signum, frame) -> None:
    end_worker(signum)


def _watch(batch_pid: int) -> None:
    while True:
        time.sleep(_WATCH_EVERY)
        if not process_alive(batch_pid):
            end_worker(signal.SIGTERM)


def _parent_death_signal(signum: int) -> None:
    """Ask Linux to send ``signum`` to this process when its parent dies (best effort)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl: the watchdog remains
        log.debug("PR_SET_PDEATHSIG indisponible")


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a zombie still does)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
