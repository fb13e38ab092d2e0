"""The batch's lock, what interrupted batches left behind, and the snapshots."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile

import pytest

from snppe_report.batch.workspace import Workspace, remove_stale_worker_dirs
from snppe_report.exceptions import InputError, OutputError


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_lock_is_exclusive_and_released(tmp_path):
    with Workspace(tmp_path) as first:
        assert first.dir.is_dir()
        with pytest.raises(OutputError, match=r"un autre lot est en cours .*processus \d+"):
            Workspace(tmp_path).__enter__()
    assert not first.dir.exists()
    with Workspace(tmp_path):
        pass


def test_leftovers_of_a_killed_batch_are_removed(tmp_path):
    dead = _dead_pid()
    left = [
        tmp_path / ".snppe-travail-123456" / "classeurs" / "0" / "68.xlsx",
        tmp_path / "68-haut-rhin" / ".rapport-2023.html.0a1b2c3d4e5f.tmp",
        tmp_path / ".manifest.json.k2j4_x9q.tmp",
    ]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    kept = tmp_path / "68-haut-rhin" / "rapport-2023.html"
    kept.write_text("bon rapport")
    worker = tempfile.mkdtemp(prefix=f"snppe-travail-{dead}-")
    with Workspace(tmp_path):
        assert not any(p.exists() for p in left)
        assert kept.read_text() == "bon rapport"
    assert not (tmp_path / ".snppe-travail-123456").exists()
    assert not os.path.exists(worker)


def test_live_workers_folders_are_kept(tmp_path):
    mine = tempfile.mkdtemp(prefix=f"snppe-travail-{os.getpid()}-", dir=tmp_path)
    assert remove_stale_worker_dirs(str(tmp_path)) == 0 and os.path.isdir(mine)


def test_snapshot_is_a_copy_with_its_hash(tmp_path):
    source = tmp_path / "68.xlsx"
    source.write_bytes(b"contenu du classeur")
    with Workspace(tmp_path / "sortie") as space:
        copy, sha = space.snapshot(0, source)
        source.write_bytes(b"remplace pendant le lot")
        assert copy.name == "68.xlsx" and copy.read_bytes() == b"contenu du classeur"
        assert sha == hashlib.sha256(b"contenu du classeur").hexdigest()
        with pytest.raises(InputError, match="classeur illisible"):
            space.snapshot(1, tmp_path / "absent.xlsx")


def test_other_temporary_files_are_left_alone(tmp_path):
    others = [
        tmp_path / ".notes.txt.abcdef12.tmp",
        tmp_path / "a" / "b" / ".rapport-1.html.abc123.tmp",
    ]
    for path in others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    with Workspace(tmp_path):
        assert all(p.exists() for p in others)
