"""A batch's hold on its output folder: one batch at a time, its private files, snapshots.

* :class:`Workspace` takes an exclusive lock on ``OUT/.snppe-lot.verrou`` (``flock``:
  released by the kernel when the process ends, even by SIGKILL, so a killed batch never
  blocks the next one); a second batch on the same folder stops at once with a clear
  message;
* holding the lock, it removes what a batch killed earlier left behind: its private
  folder ``OUT/.snppe-travail-<pid>/``, the hidden ``.<name>.<random>.tmp`` files of an
  unfinished atomic write, and the per-worker folders ``snppe-travail-<pid>-*`` of the
  system temporary folder whose process is gone;
* :meth:`Workspace.snapshot` copies each workbook into the private folder at planning
  time and hashes the copy: readers and renderers only ever see that copy, so a
  workbook replaced during the batch cannot change what a job renders, and the
  manifest's hash is the hash of the bytes rendered.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from snppe_report.batch.signals import process_alive
from snppe_report.destinations import output_error
from snppe_report.exceptions import InputError, OutputError

__all__ = ["Workspace", "LOCK", "WORK_PREFIX", "WORKER_PREFIX", "remove_stale_worker_dirs"]

log = logging.getLogger(__name__)

LOCK = ".snppe-lot.verrou"
#: Private folder of a running batch inside the output folder (``<prefix><pid>``).
WORK_PREFIX = ".snppe-travail-"
#: Private folder of a worker in the system temporary folder (``<prefix><pid>-<random>``).
WORKER_PREFIX = "snppe-travail-"
_TMP = re.compile(r"^\..+\.[0-9a-z_]{6,}\.tmp$")
_OURS = ("manifest.json", "index.html", "consolide.", "synthese-nationale", "rapport-")
_WORKER_DIR = re.compile(rf"^{WORKER_PREFIX}(\d+)-")


class Workspace:
    """Lock of an output folder and private working folder of the batch holding it.

    Use as a context manager; leaving it removes the private folder and releases the
    lock (the lock file itself stays: removing it would let two batches lock two files).
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.dir = out / f"{WORK_PREFIX}{os.getpid()}"
        self._lock: int | None = None

    def __enter__(self) -> Workspace:
        path = self.out / LOCK
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise output_error(exc, path) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "inconnu"
            os.close(fd)
            raise OutputError(
                f"un autre lot est en cours dans ce dossier de sortie (processus {holder}) : "
                "attendre sa fin, ou choisir un autre dossier avec -o",
                file=self.out,
            ) from None
        self._lock = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self.clean()
            self.dir.mkdir()
        except OSError as exc:
            self.__exit__()
            raise output_error(exc, self.dir) from None
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        if self._lock is not None:  # the file stays: unlinking it would race a waiting batch
            os.close(self._lock)
            self._lock = None

    def clean(self) -> int:
        """Remove what interrupted batches left in the output folder; return the count."""
        removed = 0
        for entry in self.out.iterdir():
            if entry.name.startswith(WORK_PREFIX) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        # only the batch's own outputs, in the folder and one level down (the output
        # folder may be shared with other files: nothing else is touched)
        for path in [*self.out.glob(".*.tmp"), *self.out.glob("*/.*.tmp")]:
            if _TMP.match(path.name) and path.name[1:].startswith(_OURS) and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        removed += remove_stale_worker_dirs()
        if removed:
            log.info("%d fichier(s) temporaire(s) d'un lot interrompu supprimé(s)", removed)
        return removed

    def snapshot(self, index: int, source: Path) -> tuple[Path, str]:
        """Copy ``source`` into the private folder (same name); return it and its SHA-256.

        Raises
        ------
        InputError
            The workbook cannot be read (gone, unreadable).
        OutputError
            The copy cannot be written (full disk…).
        """
        folder = self.dir / "classeurs" / str(index)
        copy = folder / source.name
        digest = hashlib.sha256()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            src = open(source, "rb")  # noqa: SIM115 - closed below, errors told apart
        except OSError as exc:
            if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
                raise InputError(f"classeur illisible : {exc.strerror}", file=source) from None
            raise output_error(exc, folder) from None
        with src:
            try:
                with open(copy, "wb") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        digest.update(block)
                        dst.write(block)
            except OSError as exc:
                copy.unlink(missing_ok=True)
                raise output_error(exc, copy) from None
        return copy, digest.hexdigest()


def remove_stale_worker_dirs(root: str | None = None) -> int:
    """Remove the workers' private folders of the system temp folder whose process is gone."""
    root = root or tempfile.gettempdir()
    removed = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0
    for entry in entries:
        match = _WORKER_DIR.match(entry.name)
        if match and entry.is_dir(follow_symlinks=False) and not process_alive(int(match.group(1))):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
    return removed
