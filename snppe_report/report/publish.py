"""Private: atomic publication of a report's files.

Every file is first written to a hidden temporary file *in its destination folder*
(same file system), then moved into place with :func:`os.replace`, which is atomic:
a reader sees the previous complete file or the new complete file, never half of one,
and a run that fails before publishing leaves the previous report untouched.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping
from pathlib import Path

from snppe_report.destinations import output_error

__all__ = ["publish", "stage", "keep_failure", "discard"]

log = logging.getLogger("snppe_report.report.render")


def publish(staged: Mapping[str, Path], dest: Path) -> dict[str, Path]:
    """Move staged files into ``dest`` atomically (same-folder temp file + os.replace).

    A failed write (full disk, read-only folder…) raises
    :class:`~snppe_report.exceptions.OutputError` naming the file and the cause; no
    temporary file is left and the previous files stay as they were.
    """
    temps: dict[str, tuple[Path, Path]] = {}
    target = dest
    try:
        dest.mkdir(parents=True, exist_ok=True)
        for fmt, src in staged.items():
            target = dest / src.name
            temps[fmt] = (stage(src, dest), target)
        for tmp, final in temps.values():
            target = final
            os.replace(tmp, final)
    except OSError as exc:
        raise output_error(exc, target) from None
    finally:
        for tmp, _final in temps.values():
            discard(tmp)
    return {fmt: final for fmt, (_tmp, final) in temps.items()}


def stage(src: Path, folder: Path) -> Path:
    """Copy ``src`` to a new hidden file of ``folder`` (same file system, umask respected)."""
    tmp = folder / f".{src.name}.{uuid.uuid4().hex[:12]}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(src.read_bytes())
    except BaseException:  # a full disk must not leave an empty temporary file behind
        discard(tmp)
        raise
    return tmp


def keep_failure(output: Path, failed_path: str | os.PathLike[str] | None) -> None:
    """Keep the executed notebook of a failed run for audit (never raises)."""
    if failed_path is None or not output.exists():
        return
    failed = Path(failed_path)
    try:
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage(output, failed.parent), failed)
    except OSError as exc:  # the original error matters more
        log.warning("notebook en échec non conservé (%s) : %s", failed, exc)
    else:
        log.warning("notebook en échec conservé pour audit : %s", failed)


def discard(path: Path) -> None:
    """Remove a file if it exists."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
