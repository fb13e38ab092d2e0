"""The batch's journal and its defences, with fake jobs (no kernel).

Interrupted batches (the manifest and index describe what exists, a re-run renders only
what is missing or changed), duplicated workbooks, a workbook replaced during the batch,
a full disk, a read-only output folder, every spreadsheet suffix listed.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from snppe_report.batch import jobs as _batch_jobs
from snppe_report.exceptions import Interruption, OutputError
from snppe_report.output import atomic_path

from ..filesystems import mounted_tmpfs
from .test_run import fake_extract, fake_render, fake_synthesis, fake_workbook, run


def signalling_render(task: dict) -> dict:
    """The fake render, which first sends itself the signal its workbook asks for."""
    data = json.loads(Path(task["principal"]).read_text())
    if data.get("signal"):
        os.kill(os.getpid(), data["signal"])
    return fake_render(task)


def big_render(task: dict) -> dict:
    """A fake render writing a 300 kB report (to fill a small disk)."""
    dest = Path(task["out_dir"]) / task["collectivite"]["slug"] / "rapport.html"
    with atomic_path(dest) as tmp:
        tmp.write_bytes(b"x" * 300_000)
    return {"statut": "ok", "sorties": {"html": str(dest)}, "durees": {"total": 0.01}}


SIGNALLING = _batch_jobs.JobSet(fake_extract, signalling_render, fake_synthesis)
BIG = _batch_jobs.JobSet(fake_extract, big_render, fake_synthesis)


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _statuses(manifest: dict) -> dict[str, str]:
    return {e["fichier"]: e["statut"] for e in manifest["entrees"]}


def _stopping_workbook(folder: Path, name: str, code: str, number: int) -> Path:
    path = fake_workbook(folder, name, code, 2023)
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "signal": number}))
    return path


@pytest.mark.parametrize(("number", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_batch_leaves_a_true_manifest_and_reruns_only_the_rest(tmp_path, number, code):
    src, out = tmp_path / "classeurs", tmp_path / "sortie"
    src.mkdir()
    fake_workbook(src, "25-doubs.xlsx", "25", 2023)  # rendered first (reference order)
    stop = _stopping_workbook(src, "39-jura.xlsx", "39", number)
    fake_workbook(src, "68-haut-rhin.xlsx", "68", 2023)
    with pytest.raises(Interruption) as info:
        run(src, out, job_set=SIGNALLING)
    assert info.value.exit_code == code
    assert "1 rapport(s) produit(s), 2 en attente" in str(info.value)
    manifest = _manifest(out)
    assert manifest["etat"] == "interrompu"
    assert _statuses(manifest) == {"25-doubs.xlsx": "ok"}
    assert manifest["en_attente"] == ["39-jura.xlsx", "68-haut-rhin.xlsx"]
    index = (out / "index.html").read_text()
    assert 'href="25-doubs/rapport-2023.html"' in index and "en attente" in index
    assert not list(out.rglob(".*.tmp")) and not list(out.glob(".snppe-travail-*"))

    fake_workbook(src, stop.name, "39", 2023)  # no signal this time
    again = run(src, out)
    assert _statuses(again.manifest) == {
        "25-doubs.xlsx": "inchange",
        "39-jura.xlsx": "ok",
        "68-haut-rhin.xlsx": "ok",
    }
    assert again.manifest["etat"] == "termine" and again.manifest["en_attente"] == []


def test_interruption_keeps_the_previous_entries_of_what_was_not_reached(tmp_path):
    src, out = tmp_path / "classeurs", tmp_path / "sortie"
    src.mkdir()
    for name, code in (("25-doubs.xlsx", "25"), ("39-jura.xlsx", "39"), ("68-hr.xlsx", "68")):
        fake_workbook(src, name, code, 2023)
    first = {e["fichier"]: e for e in run(src, out).entries}
    # changed, but not its harmonised ratios: the other reports' Positionnement holds
    changed = {"epp-part": {"2019": 0.10, "2022": 0.15}, "local-actions": {"2022": 4}}
    fake_workbook(src, "68-hr.xlsx", "68", 2023, changed)
    _stopping_workbook(src, "25-doubs.xlsx", "25", signal.SIGTERM)  # changed, stops
    with pytest.raises(Interruption):
        run(src, out, job_set=SIGNALLING)
    kept = {e["fichier"]: e for e in _manifest(out)["entrees"]}
    assert kept["68-hr.xlsx"] == first["68-hr.xlsx"]  # what exists: the previous report
    assert (out / kept["68-hr.xlsx"]["sorties"]["html"]).is_file()
    fake_workbook(src, "25-doubs.xlsx", "25", 2023)
    again = run(src, out)
    assert _statuses(again.manifest) == {
        "25-doubs.xlsx": "inchange",  # back to the content of its last report
        "39-jura.xlsx": "inchange",
        "68-hr.xlsx": "ok",  # changed: rendered again
    }


def test_duplicated_workbooks_are_named(tmp_path):
    src, out = tmp_path / "classeurs", tmp_path / "sortie"
    src.mkdir()
    for name in ("68-a.xlsx", "68-b.xlsx", "copie/68-a.xlsx"):
        (src / name).parent.mkdir(exist_ok=True)
        fake_workbook(src, name, "68", 2023)
    fake_workbook(src, "39-jura.xlsx", "39", 2021)
    result = run(src, out)
    doubles = {e["fichier"]: e.get("doublons") for e in result.entries}
    assert doubles == {
        "68-a.xlsx": ["68-b.xlsx", "copie/68-a.xlsx"],
        "68-b.xlsx": ["68-a.xlsx", "copie/68-a.xlsx"],
        "copie/68-a.xlsx": ["68-a.xlsx", "68-b.xlsx"],
        "39-jura.xlsx": None,
    }
    index = (out / "index.html").read_text()
    assert "68-b.xlsx : contenu identique à 68-a.xlsx, copie/68-a.xlsx" in index


def replacing_render(task: dict) -> dict:
    """The fake render; the first report overwrites another workbook of the folder."""
    folder = Path(task["out_dir"]).parent / "classeurs"
    if task["collectivite"]["code"] == "25":
        fake_workbook(folder, "39-jura.xlsx", "68", 2023, {"epp-part": {"2019": 0.9}})
    return fake_render(task)


def test_workbook_replaced_during_the_batch_renders_what_was_planned(tmp_path):
    from snppe_report.batch.outputs import file_sha256

    src, out = tmp_path / "classeurs", tmp_path / "sortie"
    src.mkdir()
    fake_workbook(src, "25-doubs.xlsx", "25", 2023)
    jura = fake_workbook(src, "39-jura.xlsx", "39", 2021)
    planned = file_sha256(jura)
    jobs = _batch_jobs.JobSet(fake_extract, replacing_render, fake_synthesis)
    result = run(src, out, job_set=jobs)
    entry = next(e for e in result.entries if e["fichier"] == "39-jura.xlsx")
    assert file_sha256(jura) != planned  # replaced meanwhile by a Haut-Rhin workbook
    assert entry["sha256"] == planned and entry["statut"] == "ok"
    assert entry["collectivite"]["code"] == "39"
    assert (out / "39-jura" / "rapport-2021.html").read_text() == "html Jura 0"
    assert not (out / "68-haut-rhin").exists()
    again = run(src, out)  # the replacement is seen by the next batch
    assert {e["collectivite"]["code"] for e in again.entries} == {"25", "68"}


def test_full_disk_stops_the_batch_cleanly(tmp_path):
    src = tmp_path / "classeurs"
    src.mkdir()
    for code, name in (("01", "ain"), ("02", "aisne"), ("03", "allier"), ("04", "alpes")):
        fake_workbook(src, f"{code}-{name}.xlsx", code, 2023)
    with mounted_tmpfs(tmp_path / "petit", "800k") as small:
        out = small / "lot"
        with pytest.raises(OutputError) as info:
            run(src, out, job_set=BIG)
        message = str(info.value)
        assert "disque plein" in message and "lot arrêté" in message
        assert info.value.exit_code == 2
        assert not list(small.rglob("*.tmp")) and not list(out.glob(".snppe-travail-*"))
        manifest = _manifest(out)
        done = [e for e in manifest["entrees"] if e["statut"] == "ok"]
        assert done and all((out / e["sorties"]["html"]).is_file() for e in done)
        assert manifest["etat"] == "interrompu"


CALLS: list[str] = []


def counting_extract(task: dict) -> dict:
    CALLS.append(task["fichier"])
    return fake_extract(task)


def test_read_only_output_folder_refused_before_any_work(tmp_path):
    src = tmp_path / "classeurs"
    src.mkdir()
    fake_workbook(src, "68-haut-rhin.xlsx", "68", 2023)
    jobs = _batch_jobs.JobSet(counting_extract, fake_render, fake_synthesis)
    CALLS.clear()
    with mounted_tmpfs(tmp_path / "ro", readonly=True) as ro:
        with pytest.raises(OutputError, match="lecture seule"):
            run(src, ro / "lot", job_set=jobs)
    assert CALLS == []


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path):
    from snppe_report.batch.workspace import Workspace

    src, out = tmp_path / "classeurs", tmp_path / "sortie"
    src.mkdir()
    fake_workbook(src, "68-haut-rhin.xlsx", "68", 2023)
    with Workspace(out.resolve()):
        with pytest.raises(OutputError, match="un autre lot est en cours"):
            run(src, out)
    assert run(src, out).entries[0]["statut"] == "ok"  # the lock went with the first


@pytest.mark.parametrize(
    "name",
    ["a.xltx", "b.xltm", "c.fods", "d.ots", "e.xls", "f.xlt", "g.xlsb", "h.numbers", "i.XLSX"],
)
def test_every_spreadsheet_gets_an_entry(tmp_path, name):
    """Real reader (no kernel): each file is read or refused with its French message."""
    src = tmp_path / "classeurs"
    src.mkdir()
    (src / name).write_bytes(b"PK\x03\x04 ceci n'est pas un classeur")
    jobs = _batch_jobs.JobSet(_batch_jobs.extract_job, fake_render, fake_synthesis)
    result = run(src, tmp_path / "sortie", job_set=jobs)
    (entry,) = result.entries
    assert entry["fichier"] == name and entry["statut"] == "echec"
    message = entry["erreur"]["message"]
    assert name in message and "Error" not in message and "Traceback" not in message


def signalling_extract(task: dict) -> dict:
    if "signal" in Path(task["fichier"]).read_text():
        os.kill(os.getpid(), signal.SIGINT)
    return fake_extract(task)


def test_interrupted_while_reading_keeps_the_previous_manifest(tmp_path):
    src, out = tmp_path / "classeurs", tmp_path / "sortie"
    src.mkdir()
    fake_workbook(src, "39-jura.xlsx", "39", 2021)
    run(src, out)
    before = (out / "manifest.json").read_bytes()
    _stopping_workbook(src, "68-haut-rhin.xlsx", "68", signal.SIGINT)
    jobs = _batch_jobs.JobSet(signalling_extract, fake_render, fake_synthesis)
    with pytest.raises(Interruption, match="manifeste précédent conservé"):
        run(src, out, job_set=jobs)
    assert (out / "manifest.json").read_bytes() == before
