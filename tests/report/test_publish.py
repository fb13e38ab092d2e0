"""Publication of a report's files: all or nothing, even on a full disk."""

from __future__ import annotations

import pytest

from snppe_report.exceptions import OutputError
from snppe_report.report.publish import publish

from ..filesystems import mounted_tmpfs


def test_full_disk_leaves_no_temporary_file_and_the_previous_report(tmp_path):
    staged = tmp_path / "travail"
    staged.mkdir()
    (staged / "rapport-2023.html").write_bytes(b"<p>nouveau</p>" * 40_000)  # 560 kB
    with mounted_tmpfs(tmp_path / "petit", "256k") as small:
        dest = small / "68-haut-rhin"
        dest.mkdir()
        (dest / "rapport-2023.html").write_text("<p>précédent</p>")
        with pytest.raises(OutputError, match="disque plein") as info:
            publish({"html": staged / "rapport-2023.html"}, dest)
        assert str(dest / "rapport-2023.html") in str(info.value)
        assert [p.name for p in dest.iterdir()] == ["rapport-2023.html"]
        assert (dest / "rapport-2023.html").read_text() == "<p>précédent</p>"


def test_publish_replaces_every_file(tmp_path):
    staged = tmp_path / "travail"
    staged.mkdir()
    for name in ("rapport-2023.html", "rapport-2023.pdf"):
        (staged / name).write_text(name)
    done = publish(
        {"html": staged / "rapport-2023.html", "pdf": staged / "rapport-2023.pdf"}, tmp_path / "d"
    )
    assert {k: p.read_text() for k, p in done.items()} == {
        "html": "rapport-2023.html",
        "pdf": "rapport-2023.pdf",
    }
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == sorted(
        p.name for p in staged.iterdir()
    )
