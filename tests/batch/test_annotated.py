"""snppe batch --annoter: an annotated copy of every workbook read, linked from the index.

Real workbooks and the real reading job; reports and synthesis are the fakes of
``test_run`` (no kernel).
"""

from __future__ import annotations

import hashlib
import shutil

import openpyxl

from snppe_report.batch import jobs as _batch_jobs
from snppe_report.batch import run as batch

from .test_run import EXAMPLE_2021, EXAMPLE_2023, fake_render, fake_synthesis

REAL_READ = _batch_jobs.JobSet(
    extract=_batch_jobs.extract_job, render=fake_render, synthesis=fake_synthesis
)


def _lot(tmp_path):
    src = tmp_path / "classeurs"
    src.mkdir()
    shutil.copy(EXAMPLE_2023, src / "68-haut-rhin-2023.xlsx")
    shutil.copy(EXAMPLE_2021, src / "39-jura-2021.xlsx")  # the code from the file name
    (src / "casse.xlsx").write_bytes(b"PK\x03\x04 pas un classeur")
    return src, tmp_path / "sortie"


def _run(src, out, **kw):
    return batch.run_batch(
        src, out_dir=out, annee=2023, executor="serial", formats=("html",), progress=False,
        job_set=REAL_READ, **kw,
    )  # fmt: skip


def test_batch_annoter_writes_and_links_every_copy(tmp_path):
    src, out = _lot(tmp_path)
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    result = _run(src, out, annoter=True)
    copies = result.manifest["copies_annotees"]
    assert {name: c["copie"] for name, c in copies.items()} == {
        "39-jura-2021.xlsx": "39-jura/39-jura-2021-annote.xlsx",
        "68-haut-rhin-2023.xlsx": "68-haut-rhin/68-haut-rhin-2023-annote.xlsx",
    }  # the broken workbook has no copy: its read failed
    for record in copies.values():
        book = openpyxl.load_workbook(out / record["copie"])
        assert book.sheetnames[0] == "Constats" and record["constats"] > 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Copie annotée" in html
    assert 'href="68-haut-rhin/68-haut-rhin-2023-annote.xlsx"' in html
    assert 'href="39-jura/39-jura-2021-annote.xlsx"' in html
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()} == hashes


def test_batch_without_annoter_has_no_copy_nor_column(tmp_path):
    src, out = _lot(tmp_path)
    result = _run(src, out)
    assert "copies_annotees" not in result.manifest
    assert not list(out.rglob("*-annote.xlsx"))
    assert "Copie annotée" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_copy_not_written_is_a_message_on_its_row():
    from snppe_report.batch.annotated import link_annotated

    rows = [{"code": "68", "messages": []}, {"code": "39", "messages": []}]
    copy = "68-haut-rhin/68-haut-rhin-2023-annote.xlsx"
    link_annotated(rows, {
        "68-a.xlsx": {"code": "68", "statut": "ok", "copie": copy},
        "68-b.xlsx": {"code": "68", "statut": "ok", "copie": copy},  # the same workbook twice
        "39-a.xlsx": {"code": "39", "statut": "echec", "erreur": {"message": "disque plein"}},
    })  # fmt: skip
    assert rows[0]["annotees"] == [{
        "nom": "68-haut-rhin-2023-annote.xlsx",
        "lien": "68-haut-rhin/68-haut-rhin-2023-annote.xlsx",
        "fichier": "68-a.xlsx",
    }]  # fmt: skip
    assert rows[1]["messages"] == ["copie annotée non écrite : disque plein"]
    assert "annotees" not in rows[1]
