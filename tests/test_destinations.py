"""Destinations checked before any work, and failed writes explained in French."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from snppe_report import destinations
from snppe_report.exceptions import OutputError
from snppe_report.output import atomic_path

from .filesystems import WITHOUT_DAC_OVERRIDE, fill, mounted_tmpfs, read_only_for_others


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.ENOSPC, "disque plein"),
        (errno.EDQUOT, "quota disque dépassé"),
        (errno.EROFS, "dossier en lecture seule (système de fichiers monté en lecture seule)"),
        (errno.EACCES, "dossier en lecture seule (droits d'écriture refusés)"),
        (errno.EPIPE, "sortie fermée"),
        (errno.EBADF, "sortie fermée"),
        (errno.ENOTDIR, "un élément du chemin est un fichier, pas un dossier"),
        (errno.EISDIR, "c'est un dossier, pas un fichier"),
        (errno.ENOENT, "dossier introuvable"),
        (errno.ELOOP, "erreur du système (boucle)"),
    ],
)
def test_reasons_in_french(code, expected):
    assert destinations.reason(OSError(code, "boucle")) == expected


def test_output_error_names_the_output_and_keeps_errno(tmp_path):
    error = destinations.output_error(OSError(errno.ENOSPC, "No space", str(tmp_path / "a.csv")))
    assert str(error) == f"« {tmp_path / 'a.csv'} » : écriture impossible : disque plein"
    assert destinations.is_disk_full(error) and error.exit_code == 2
    assert destinations.is_disk_full({"errno": errno.ENOSPC})
    assert not destinations.is_disk_full({"errno": errno.EACCES})


@pytest.mark.parametrize(
    ("make", "check", "message"),
    [
        (lambda p: (p / "f").write_text("x") and p / "f" / "x.csv", "file", "est un fichier"),
        (lambda p: (p / "f").write_text("x") and p / "f" / "a" / "b", "folder", "est un fichier"),
        (lambda p: p, "file", "c'est un dossier, pas un fichier"),
        (lambda p: (p / "f").write_text("x") and p / "f", "folder", "pas un dossier de sortie"),
    ],
)
def test_impossible_destinations(tmp_path, make, check, message):
    target = make(tmp_path)
    test = destinations.check_file if check == "file" else destinations.check_folder
    with pytest.raises(OutputError, match=message):
        test(target)
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["f"])  # no probe left


def test_missing_folders_are_fine(tmp_path):
    destinations.check_file(tmp_path / "a" / "b" / "table.csv")
    destinations.check_folder(tmp_path / "c" / "d")
    assert list(tmp_path.iterdir()) == []  # nothing created by the check


def test_full_file_system(tmp_path):
    with mounted_tmpfs(tmp_path / "petit", "256k") as small:
        destinations.check_folder(small / "sortie")
        (small / "table.csv").write_text("précédente")
        fill(small)
        with pytest.raises(OutputError, match="disque plein"):
            destinations.check_folder(small / "sortie")
        with pytest.raises(OutputError, match="disque plein") as info:
            with atomic_path(small / "table.csv") as tmp:
                tmp.write_bytes(b"x" * 500_000)
        assert str(small / "table.csv") in str(info.value)
        assert (small / "table.csv").read_text() == "précédente"
        assert sorted(p.name for p in small.iterdir()) == ["remplissage", "table.csv"]


def test_read_only_file_system(tmp_path):
    with mounted_tmpfs(tmp_path / "ro", readonly=True) as ro:
        with pytest.raises(OutputError, match="lecture seule"):
            destinations.check_folder(ro / "sortie")
        with pytest.raises(OutputError, match="lecture seule"):
            with atomic_path(ro / "table.csv") as tmp:
                tmp.write_text("x")


@pytest.mark.skipif(WITHOUT_DAC_OVERRIDE is None, reason="setpriv (root) absent")
def test_read_only_folder_even_for_root(tmp_path):
    folder = read_only_for_others(tmp_path / "ro")
    code = (
        "from snppe_report.destinations import check_folder\n"
        f"check_folder({str(folder / 'lot')!r})\n"
    )
    done = subprocess.run(
        [*WITHOUT_DAC_OVERRIDE, sys.executable, "-c", code], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "OutputError" in done.stderr and "droits d'écriture refusés" in done.stderr


def test_write_stdout_closed_and_full(monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    assert destinations.stdout_closed()
    with pytest.raises(OutputError, match="sortie fermée"):
        destinations.write_stdout("x")
    with open("/dev/full", "w") as full:
        monkeypatch.setattr(sys, "stdout", full)
        with pytest.raises(OutputError, match="disque plein"):
            destinations.write_stdout("x" * 100_000)
