"""Where outputs go: a destination checked before any work, a failed write explained.

* :func:`check_file` / :func:`check_folder` verify, before a long extraction or render,
  that an output can be written where asked (the folder exists or can be created, is a
  folder, accepts a new file, has free space), and raise :class:`OutputError` with
  the reason otherwise;
* :func:`output_error` turns the :class:`OSError` of a failed write into an
  :class:`OutputError` naming the output and the cause in French (disque plein,
  dossier en lecture seule, sortie fermée…);
* :func:`write_stdout` writes text on the standard output and flushes it, so that a
  full disk behind ``> fichier`` is noticed (a closed pipe is left to the caller:
  :class:`BrokenPipeError` ends a command quietly, as Unix tools do).

Pure standard library: imported by the CLI before anything heavy.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import tempfile
from pathlib import Path

from snppe_report.exceptions import OutputError

__all__ = [
    "STDOUT",
    "check_file",
    "check_folder",
    "is_disk_full",
    "output_error",
    "reason",
    "silence_stdout",
    "stdout_closed",
    "write_stdout",
]

log = logging.getLogger(__name__)

#: How the standard output is named in messages.
STDOUT = "sortie standard"
_BLOCK = 1 << 16

_REASONS = {
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota disque dépassé",
    errno.EROFS: "dossier en lecture seule (système de fichiers monté en lecture seule)",
    errno.EACCES: "dossier en lecture seule (droits d'écriture refusés)",
    errno.EPERM: "opération refusée par le système (droits insuffisants)",
    errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOENT: "dossier introuvable",
    errno.ENAMETOOLONG: "chemin trop long",
    errno.EPIPE: "sortie fermée",
    errno.EBADF: "sortie fermée",
    errno.EFBIG: "fichier trop gros pour ce système de fichiers",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts",
    errno.EXDEV: "déplacement impossible entre deux systèmes de fichiers",
}


def reason(exc: OSError) -> str:
    """The French cause of a failed write (``"disque plein"``…)."""
    known = _REASONS.get(exc.errno or 0)
    if known:
        return known
    detail = exc.strerror or type(exc).__name__
    return f"erreur du système ({detail})"


def output_error(exc: OSError, target: str | os.PathLike[str] | None = None) -> OutputError:
    """An :class:`OutputError` for ``exc``: ``écriture impossible : <cause>``.

    ``target`` names the output; by default the file of the error, if any.
    """
    if isinstance(exc, OutputError):  # pragma: no cover - defensive
        return exc
    where = target if target is not None else (exc.filename or None)
    log.info("écriture impossible (%s) : %r", where, exc)  # the system's words, with -v
    error = OutputError(f"écriture impossible : {reason(exc)}", file=where)
    error.errno = exc.errno  # type: ignore[attr-defined]
    return error


def is_disk_full(error: BaseException | dict | None) -> bool:
    """Whether an error (or a failed job's ``erreur`` fields) is a full disk or quota."""
    if isinstance(error, dict):
        return error.get("errno") in (errno.ENOSPC, errno.EDQUOT)
    return getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT)


def check_file(path: str | os.PathLike[str]) -> None:
    """Raise :class:`OutputError` unless a file can be written at ``path``.

    The folder need not exist yet (it is created when the file is written): its
    nearest existing ancestor must be a folder that accepts a new file.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError("écriture impossible : c'est un dossier, pas un fichier", file=path)
    _check_dir(path.parent, path)


def check_folder(path: str | os.PathLike[str]) -> None:
    """Raise :class:`OutputError` unless files can be written into the folder ``path``."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(
            "écriture impossible : c'est un fichier, pas un dossier de sortie", file=path
        )
    _check_dir(path, path)


def _check_dir(folder: Path, target: Path) -> None:
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        raise OutputError(
            f"écriture impossible : « {existing} » est un fichier, pas un dossier", file=target
        )
    try:
        free = os.statvfs(existing)
    except OSError:  # pragma: no cover - statvfs refused: the probe below decides
        free = None
    if free is not None and free.f_bavail == 0 and free.f_blocks:
        raise OutputError("écriture impossible : disque plein", file=target)
    try:
        fd, probe = tempfile.mkstemp(prefix=".snppe-essai-", dir=existing)
    except OSError as exc:
        raise output_error(exc, target) from None
    try:
        os.write(fd, b"0")
    except OSError as exc:
        raise output_error(exc, target) from None
    finally:
        os.close(fd)
        Path(probe).unlink(missing_ok=True)


def _nearest_existing(folder: Path) -> Path:
    """``folder`` or its nearest ancestor that exists (a file in the path included)."""
    folder = Path(os.path.abspath(folder))
    for candidate in (folder, *folder.parents):
        try:
            os.stat(candidate)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return candidate
        return candidate
    return Path(folder.anchor)  # pragma: no cover - the root always exists


def stdout_closed() -> bool:
    """Whether the standard output is closed (``>&-``): Python then has no ``sys.stdout``."""
    return sys.stdout is None


def write_stdout(text: str) -> None:
    """Write ``text`` on the standard output and flush it.

    Raises
    ------
    BrokenPipeError
        The reader went away (``| head``): the caller ends quietly.
    OutputError
        Anything else (disk full behind ``> fichier``, closed output).
    """
    if sys.stdout is None:
        raise OutputError("écriture impossible : sortie fermée", file=STDOUT)
    try:
        # in blocks: one huge write to a pipe whose reader leaves may end "successfully"
        # with part of the text, where the next write reports the closed pipe
        for start in range(0, len(text), _BLOCK):
            sys.stdout.write(text[start : start + _BLOCK])
            sys.stdout.flush()
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise output_error(exc, STDOUT) from None


def silence_stdout() -> None:
    """Point the standard output at /dev/null, so nothing more is written (nor fails).

    After a closed pipe or a full disk, Python would otherwise flush what is left at
    exit and print an English ``Exception ignored`` message.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
