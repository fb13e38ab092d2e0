"""``snppe batch --annoter``: an annotated copy of every workbook read, linked from the index.

Each workbook that was read gets ``OUT/<code>-<nom>/<code>-<nom>-<annee>-annote.xlsx``
(see :mod:`snppe_report.annotate`), made in the workers like the reading: the job reads
the workbook again, checks that its hash is the one planned, and writes the copy
atomically. The parent records the copies in the manifest (``copies_annotees``) and gives
each index row its links (``annotees``); a copy that could not be written is a message
on its collectivité's row, not a failed report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["annotate_job", "annotation_tasks", "annotate_all", "link_annotated"]


def annotate_job(task: Mapping[str, Any]) -> dict:
    """Write one annotated copy: ``{"fichier", "sha256", "departement", "out_dir"}`` ->
    ``{"statut", "copie", "constats"}`` (``copie``: absolute path)."""
    from snppe_report.annotate import annotate_file
    from snppe_report.batch.jobs import failure
    from snppe_report.exceptions import SnppeError

    try:
        written = annotate_file(
            task["fichier"], task["out_dir"], task.get("departement"), task.get("sha256")
        )
    except SnppeError as exc:
        return failure(exc, "copie annotée", task["fichier"])
    return {"statut": "ok", "copie": str(written.path), "constats": written.findings}


def annotation_tasks(inputs: Sequence[Mapping], reads: Sequence[Mapping], out: Path) -> list[dict]:
    """One task per workbook read, into its collectivité's folder (slug from the table)."""
    tasks = []
    for item, read in zip(inputs, reads, strict=True):
        if read.get("statut") != "ok":
            continue
        place = read["extraction"].collectivite
        tasks.append(
            {
                "etape": "copie annotée",
                "fichier": item["fichier"],
                "nom": item["nom"],
                "sha256": item["sha256"],
                "departement": place.code,
                "code": place.code,
                "out_dir": str(out / place.slug),
            }
        )
    return tasks


def annotate_all(runner: Any, inputs: Sequence[Mapping], reads: Sequence[Mapping], out: Path):
    """Run the annotation jobs; returns ``{input name: manifest record}``.

    A record is ``{"code", "statut", "copie"}`` (path relative to ``out``) or
    ``{"code", "statut": "echec", "erreur"}``.
    """
    tasks = annotation_tasks(inputs, reads, out)
    records: dict[str, dict] = {}
    for index, result in runner.run(annotate_job, tasks, counted=False):
        task = tasks[index]
        record = {"code": task["code"], "statut": result["statut"]}
        if result["statut"] == "ok":
            record["copie"] = Path(result["copie"]).resolve().relative_to(out).as_posix()
            record["constats"] = result.get("constats")
        else:
            record["erreur"] = result["erreur"]
        records[task["nom"]] = record
    return dict(sorted(records.items()))


def link_annotated(rows: Sequence[dict], records: Mapping[str, Mapping]) -> None:
    """Give each index row its annotated copies (``annotees``: ``nom``, ``lien``,
    ``fichier``) and a message for each copy that could not be written."""
    by_code = {row["code"]: row for row in rows}
    for name, record in records.items():
        row = by_code.get(record["code"])
        if row is None:
            continue
        if record["statut"] == "ok":
            if any(a["lien"] == record["copie"] for a in row.get("annotees", ())):
                continue  # the same workbook twice in the folder: one copy
            row.setdefault("annotees", []).append(
                {"nom": Path(record["copie"]).name, "lien": record["copie"], "fichier": name}
            )
        else:
            row.setdefault("messages", []).append(
                f"copie annotée non écrite : {record['erreur']['message']}"
            )
