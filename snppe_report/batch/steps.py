"""The steps of one batch between planning and publication, and what they did so far.

:class:`BatchSteps` reads the workbooks (their snapshots), groups and plans them,
renders the reports while the journal (:mod:`.journal`) is rewritten after each one,
writes the consolidated data in the background, then renders the synthesis. When
the batch is stopped (signal, full disk, failed write), :meth:`BatchSteps.stopped`
writes the journal of what exists and returns the error to raise.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from snppe_report.analysis.peers import ratio_values
from snppe_report.batch import annotated, outputs
from snppe_report.batch.consolidated import members_of
from snppe_report.batch.jobs import JobSet, failure
from snppe_report.batch.journal import Journal
from snppe_report.batch.plan import Group, group_inputs, plan_reports
from snppe_report.batch.progress import Progress
from snppe_report.batch.runners import Runner
from snppe_report.batch.signals import SIGNAL_WORDS
from snppe_report.destinations import is_disk_full
from snppe_report.exceptions import Interruption, OutputError
from snppe_report.output import write_table

__all__ = ["BatchSteps", "DiskFull"]


class DiskFull(Exception):
    """A report failed for lack of space: the following ones would too."""

    def __init__(self, error: dict) -> None:
        super().__init__(error.get("message"))
        self.error = error


class BatchSteps:
    """The steps of one batch, and what it has done so far (for the journal)."""

    def __init__(
        self, journal: Journal, annee: int | None, workdir: Path, annoter: bool = False
    ) -> None:
        self.journal = journal
        self.workdir = workdir  # the batch's private folder (snapshots, peers' ratios)
        self.annee = annee
        self.annoter = annoter
        self.groups: list[Group] = []
        self.read_failures: list[dict] = []
        self.durations: dict[str, float] = {}
        self.planned = False  # before planning, the previous manifest is still the truth

    def run(self, runner: Runner, jobset: JobSet, inputs, previous, force, show, options) -> None:
        out = options["out_dir"]
        tick = time.perf_counter()
        reads = _collect(runner.run(jobset.extract, inputs, counted=False), show, "lecture", inputs)
        reads = [_unsnapped(read, item) for read, item in zip(reads, inputs, strict=True)]
        self.durations["lecture"] = time.perf_counter() - tick

        tick = time.perf_counter()
        self.groups, self.read_failures = group_inputs(inputs, reads, previous, self.annee, out)
        if self.annoter:
            self.journal.copies = annotated.annotate_all(runner, inputs, reads, out)
        # the machine data first: each report reads it to place its collectivité
        frame = outputs.consolidated_frame([g.rows for g in self.groups])
        consolide = outputs.write_machine_data(frame, out)
        values = ratio_values(frame)
        # computed once here, not again by each report: the reports read these ratios
        # (named as the file they come from, which the Positionnement section cites)
        ratios = self.workdir / outputs.CONSOLIDATED[2]
        write_table(values, ratios)
        peers = (ratios, outputs.values_digest(values))
        plan = plan_reports(self.groups, previous, force=force, peers=peers, **options)
        for group in plan.to_render:
            group.result = {}  # not done yet: the journal keeps its previous entries
        self.planned = True
        self.journal.write(self.groups, self.read_failures, "en_cours", self.annee)
        with ThreadPoolExecutor(1) as background:
            people = background.submit(
                outputs.write_people_data, frame, out, members_of(self.groups, self.annee), values
            )
            tasks = [group.task for group in plan.to_render]
            show.note(
                f"{len(tasks)} rapport(s) à produire, {len(plan.skipped)} inchangé(s) ou écarté(s)"
            )
            show.start("rapports", len(tasks))
            for done, (index, result) in enumerate(runner.run(jobset.render, tasks), start=1):
                group = plan.to_render[index]
                group.result = _unsnapped(result, group.members[group.principal][0])
                show.advance("rapports", done, len(tasks), tasks[index], result)
                if result.get("statut") == "echec" and is_disk_full(result.get("erreur")):
                    raise DiskFull(result["erreur"])
                self.journal.write(self.groups, self.read_failures, "en_cours", self.annee)
            for group in plan.to_render:
                if not group.result:
                    group.result = failure(RuntimeError("tâche perdue : aucun résultat reçu"))
            consolide.update(people.result())
            self.journal.consolide = consolide
        self.durations["rapports"] = time.perf_counter() - tick

        manifest = self.journal.manifest(self.groups, self.read_failures, "en_cours")
        tick = time.perf_counter()
        self.journal.synthese = _synthesis(runner, jobset, frame, manifest, previous, force, out)
        self.durations["synthese"] = time.perf_counter() - tick

    def stopped(self, stop: BaseException) -> Interruption | OutputError:
        """Write the journal of a stopped batch; the error to raise."""
        done = sum(g.result.get("statut") == "ok" for g in self.groups if g.result)
        waiting = sum(not g.result for g in self.groups)
        written = "manifeste et index à jour"
        try:
            if self.planned:
                self.journal.write(self.groups, self.read_failures, "interrompu", self.annee)
            else:
                written = "manifeste précédent conservé"
        except OutputError as exc:
            written = f"manifeste non mis à jour ({exc.message})"
        tail = (
            f"{done} rapport(s) produit(s), {waiting} en attente ; {written} ; "
            "relancer la même commande pour produire seulement ce qui manque"
        )
        if isinstance(stop, DiskFull):
            return OutputError(
                f"disque plein : lot arrêté ({stop.error.get('message')}) ; {tail}",
                file=self.journal.out,
            )
        if isinstance(stop, OutputError):
            return OutputError(f"{stop.message} ; lot arrêté : {tail}", file=stop.file)
        number = getattr(stop, "signum", signal.SIGINT)
        word = SIGNAL_WORDS.get(number, f"signal {number}")
        return Interruption(f"lot interrompu ({word}) : {tail}", signal_number=number)


def _unsnapped(result: dict, item: Mapping) -> dict:
    """A job's result naming the original workbook, not the batch's snapshot of it."""
    erreur = result.get("erreur")
    if isinstance(erreur, dict) and erreur.get("fichier") in (item["fichier"], None):
        result = {**result, "erreur": {**erreur, "fichier": item.get("source")}}
    return result


def _collect(results, show: Progress, step: str, tasks: Sequence[Mapping]) -> list[dict]:
    """Gather ``(index, result)`` pairs in task order, reporting progress."""
    gathered: list[dict | None] = [None] * len(tasks)
    show.start(step, len(tasks))
    for done, (index, result) in enumerate(results, start=1):
        gathered[index] = result
        show.advance(step, done, len(tasks), tasks[index], result)
    lost = failure(RuntimeError("tâche perdue : aucun résultat reçu"), step)
    return [r if r is not None else lost for r in gathered]


def _synthesis(runner, jobset, frame, manifest, previous, force, out) -> dict:
    from snppe_report.report.render import NOTEBOOK, TEMPLATES

    notebook = NOTEBOOK.parent / "synthese_nationale.ipynb"
    key = outputs.report_key(
        [outputs.consolidated_digest(frame)],
        outputs.inputs_digest(notebook, TEMPLATES),
        annee=manifest["annee"],
        formats=manifest["formats"],
        kernel_name="",
        # which inputs succeeded matters, not whether their report was re-rendered
        digest=repr(
            sorted((e["fichier"], e["sha256"], e["statut"] == "echec") for e in manifest["entrees"])
        ),
    )
    before = previous.get("synthese") or {}
    if (
        not force
        and before.get("cle") == key
        and before.get("statut") in ("ok", "inchange")
        and all((out / p).is_file() for p in (before.get("sorties") or {}).values())
    ):
        return {**before, "statut": "inchange", "durees": {}}
    task = {
        "etape": "synthese",
        "consolide": str(out / outputs.CONSOLIDATED[2]),
        "manifeste": manifest,
        "out_dir": str(out),
        "formats": manifest["formats"],
        "annee": manifest["annee"],  # the campaign of the synthesis (None: the most frequent)
    }
    ((_, result),) = runner.run(jobset.synthesis, [task])
    entry = {"statut": result["statut"], "cle": key, "sorties": {}, "durees": {}, "erreur": None}
    if result["statut"] == "ok":
        entry["sorties"] = {k: _relative(p, out) for k, p in result["sorties"].items()}
        entry["durees"] = result.get("durees", {})
    else:
        entry["erreur"] = result["erreur"]
        entry["cle"] = None
        kept = {k: p for k, p in (before.get("sorties") or {}).items() if (out / p).is_file()}
        entry["sorties"], entry["rapport_precedent"] = kept, bool(kept)
    return entry


def _relative(path: str, out: Path) -> str:
    return Path(path).resolve().relative_to(out).as_posix()
