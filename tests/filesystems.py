"""Conditions for output-error tests: a full disk, a read-only folder, a closed output.

* :func:`mounted_tmpfs`: a small tmpfs mounted for the test (root in a container can
  usually mount one; the test is skipped where it cannot), optionally read-only;
* :func:`fill`: fill a file system to its last byte;
* :data:`WITHOUT_DAC_OVERRIDE`: a command prefix that drops the capabilities that let
  root write into a folder without write permission (``setpriv``), so a ``chmod 555``
  folder is read-only for the command even when the tests run as root.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

_SETPRIV = shutil.which("setpriv")
#: Prefix of a command run without CAP_DAC_OVERRIDE (None when setpriv is missing).
WITHOUT_DAC_OVERRIDE = (
    [
        _SETPRIV,
        "--inh-caps=-dac_override,-dac_read_search",
        "--bounding-set=-dac_override,-dac_read_search",
    ]
    if _SETPRIV and os.geteuid() == 0
    else None
)


@contextlib.contextmanager
def mounted_tmpfs(where: Path, size: str = "1m", readonly: bool = False) -> Iterator[Path]:
    """Mount a tmpfs of ``size`` at ``where`` for the block (skip the test if impossible)."""
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if readonly else "")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"tmpfs impossible à monter ici : {done.stderr.decode(errors='replace')}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(folder: Path) -> None:
    """Write into ``folder`` until its file system is full."""
    with open(folder / "remplissage", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def read_only_for_others(folder: Path) -> Path:
    """``folder`` created with mode 555 (read-only once root's override is dropped)."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    return folder
