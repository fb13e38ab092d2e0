"""Fingerprints of a batch's inputs (:mod:`snppe_report.batch.outputs`)."""

from __future__ import annotations

from snppe_report.batch import outputs


def test_inputs_digest_follows_the_files_within_one_process(tmp_path):
    """Each batch fingerprints the files as they are: a process that ran a batch
    before (a test session, a notebook) gives the same keys as a fresh ``snppe batch``."""
    notebook, templates = tmp_path / "rapport.ipynb", tmp_path / "gabarits"
    templates.mkdir()
    notebook.write_text("{}")
    (templates / "index.html.j2").write_text("a")
    first = outputs.inputs_digest(notebook, templates)
    assert outputs.inputs_digest(notebook, templates) == first
    (templates / "index.html.j2").write_text("b")
    changed = outputs.inputs_digest(notebook, templates)
    assert changed != first
    notebook.write_text('{"cells": []}')
    assert outputs.inputs_digest(notebook, templates) not in (first, changed)
