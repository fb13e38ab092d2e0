"""Many workbooks -> every report, an index, the national synthesis, consolidated data.

:func:`run_batch` reads as the list of its steps:

0. check that the output folder can be written, and lock it (one batch at a time per
   folder; what an interrupted batch left behind is removed,
   :mod:`snppe_report.batch.workspace`);
1. find the workbooks under the input folder; copy each into the batch's private
   folder and hash the copy (the snapshot: what is read and rendered, whatever happens
   to the original during the batch);
2. read every workbook in the workers (no kernel yet: a broken workbook becomes a
   failed entry with its French message, before any kernel starts);
3. group the workbooks by collectivité (code and slug from the reference table, never
   from workbook text); merge each group's rows into one series with
   :func:`snppe_report.analysis.history.merge_extractions` (conflicting values become
   ``revision`` findings naming both cells); the group's report is rendered from its
   most recent workbook;
4. skip the groups whose incremental key is unchanged (workbooks, notebook,
   templates, package) and whose outputs are still there, unless ``force``;
5. render the other reports in parallel, one job per collectivité, each in its own
   working folder and output folder ``OUT/<slug>/``; every worker keeps one warm
   kernel (:mod:`snppe_report.batch.kernels`); meanwhile the parent writes
   ``consolide.csv|xlsx|parquet``;
6. render the national synthesis; write ``manifest.json`` and ``index.html``.

The manifest and the index are rewritten after each report (:mod:`.journal`): after any
interruption they describe what exists, and a re-run renders only what is missing or
changed. Ctrl-C and SIGTERM stop the workers and their kernels (:mod:`.signals`) and
raise :class:`~snppe_report.exceptions.Interruption`; a full disk stops the batch with
an :class:`~snppe_report.exceptions.OutputError`. Every file is published atomically:
a failed re-run never replaces a good report.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snppe_report.batch import outputs
from snppe_report.batch.jobs import DEFAULT_JOBS, JobSet, failure
from snppe_report.batch.journal import Journal, duplicates
from snppe_report.batch.plan import Group, group_inputs, plan_reports
from snppe_report.batch.progress import Progress, seconds
from snppe_report.batch.runners import Runner, make_runner
from snppe_report.batch.signals import SIGNAL_WORDS, stop_on_signals
from snppe_report.batch.workspace import Workspace
from snppe_report.destinations import check_folder, is_disk_full
from snppe_report.exceptions import InputError, Interruption, OutputError, ParameterError

__all__ = ["BatchResult", "run_batch", "find_workbooks", "WORKBOOK_SUFFIXES", "JobSet"]

log = logging.getLogger(__name__)

# Every file that looks like a spreadsheet gets an entry: read, or refused with the
# reader's French message (what to do with it), never silently left out.
WORKBOOK_SUFFIXES = (
    ".xlsx",
    ".xlsm",
    ".xltx",
    ".xltm",
    ".xls",
    ".xlt",
    ".xlsb",
    ".ods",
    ".ots",
    ".fods",
    ".numbers",
)
FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class BatchResult:
    """What a batch produced: the manifest, and where.

    Attributes
    ----------
    out_dir : Path
        The output folder.
    manifest : dict
        The content of ``manifest.json``.
    """

    out_dir: Path
    manifest: dict

    @property
    def entries(self) -> list[dict]:
        """One entry per input workbook."""
        return list(self.manifest["entrees"])

    @property
    def failures(self) -> list[dict]:
        """Failed entries, plus the synthesis when it failed."""
        failed = [e for e in self.entries if e["statut"] == "echec"]
        synthese = self.manifest.get("synthese") or {}
        if synthese.get("statut") == "echec":
            failed.append({"fichier": "synthèse nationale", **synthese})
        return failed

    def summary(self) -> str:
        """French summary for the terminal."""
        count = self.manifest["bilan"]
        lines = [
            f"{count['ok']} rapport(s) produit(s), {count['inchange']} inchangé(s), "
            f"{count['echec']} échec(s) sur {len(self.entries)} classeur(s) "
            f"en {seconds(self.manifest['durees']['total'])}.",
            f"Index : {self.out_dir / outputs.INDEX}",
        ]
        for failed in self.failures:
            lines.append(f"  échec : {failed['fichier']} : {failed['erreur']['message']}")
        return "\n".join(lines)


def find_workbooks(folder: str | os.PathLike[str], exclude: Path | None = None) -> list[Path]:
    """The workbooks under ``folder`` (recursive), sorted.

    Hidden files, office lock files (``~$…``, ``.~lock…``) and anything under
    ``exclude`` (the output folder, when it lies inside the input folder) are skipped.
    """
    root = Path(folder)
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root).parts
        if any(p.startswith((".", "~$")) for p in rel) or path.suffix.lower() not in (
            WORKBOOK_SUFFIXES
        ):
            continue
        if exclude is not None and path.resolve().is_relative_to(exclude):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found)


def run_batch(
    dossier: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str] = "build/lot",
    annee: int | None = None,
    formats: Sequence[str] = FORMATS,
    jobs: int | None = None,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    kernel_name: str = "python3",
    job_set: JobSet | None = None,
    progress: bool | Callable[[str, int, int, str], None] | None = None,
) -> BatchResult:
    """Render the reports of every workbook of a folder, with index, synthesis and data.

    Parameters
    ----------
    dossier : path-like
        Folder searched recursively for workbooks (:data:`WORKBOOK_SUFFIXES`).
    out_dir : path-like
        Output folder: ``index.html``, ``manifest.json``, ``consolide.*``,
        ``synthese-nationale.*`` and one folder per collectivité.
    annee : int, optional
        Campaign year of the reports (default: each workbook's own).
    formats : sequence of str
        Among ``"html"`` and ``"pdf"``.
    jobs : int, optional
        Reports rendered in parallel (local executor); default: the number of cores.
    force : bool
        Render every report again, even when its inputs are unchanged.
    executor : str
        ``"local"`` (process pool), ``"dask"`` (existing cluster, see ``scheduler``)
        or ``"serial"`` (this process; for debugging).
    scheduler : str, optional
        Address of the Dask scheduler (``executor="dask"``).
    kernel_name : str
        Jupyter kernel running the notebooks.
    job_set : JobSet, optional
        The job functions (tests replace them); default: the real ones.
    progress : bool or callable, optional
        Progress display: None chooses a bar on a terminal and one line per report
        otherwise (on standard error); False shows nothing; a callable receives
        ``(step, done, total, line)``.

    Returns
    -------
    BatchResult
        Its ``failures`` are empty when every report and the synthesis succeeded.

    Raises
    ------
    ParameterError
        Wrong option (format, number of jobs, executor).
    InputError
        The folder does not exist (or is a file) or holds no workbook.
    OutputError
        The output folder cannot be written (checked first), another batch holds it,
        or the disk filled up during the batch (which then stops).
    Interruption
        Ctrl-C or SIGTERM: workers and kernels are stopped, the manifest and the index
        describe what exists (exit code 130 or 143).
    """
    started = time.perf_counter()
    formats = _check_options(formats, jobs)
    folder = Path(dossier)
    if folder.is_file():
        raise InputError(
            "c'est un fichier, pas un dossier : donner le dossier qui contient les classeurs "
            "(pour un seul classeur : snppe report)",
            file=folder,
        )
    if not folder.is_dir():
        raise InputError("dossier de classeurs introuvable", file=folder)
    out = Path(out_dir).resolve()
    check_folder(out)  # before any work: a read-only folder or a full disk is known now
    files = find_workbooks(folder, exclude=out)
    if not files:
        raise InputError(
            f"aucun classeur ({', '.join(WORKBOOK_SUFFIXES)}) dans ce dossier", file=folder
        )
    show = Progress.make(progress)
    with stop_on_signals(), Workspace(out) as space:
        previous = outputs.load_manifest(out / outputs.MANIFEST) or {}
        options = {"annee": annee, "formats": formats, "kernel_name": kernel_name, "out_dir": out}
        header = {
            "dossier": str(folder.resolve()),
            "annee": annee,
            "formats": list(formats),
            "executeur": executor,
            "travailleurs": jobs or (os.cpu_count() if executor == "local" else None),
        }
        inputs = [_input(i, path, folder, space) for i, path in enumerate(files)]
        journal = Journal(out, header, previous, duplicates(inputs))
        batch = _Batch(journal, annee)
        with make_runner(executor, jobs, scheduler, workdir=space.dir) as runner:
            try:
                batch.run(runner, job_set or DEFAULT_JOBS, inputs, previous, force, show, options)
            except (KeyboardInterrupt, _DiskFull, OutputError) as stop:
                runner.abort()
                show.close()
                raise batch.stopped(stop) from None
        batch.durations["total"] = time.perf_counter() - started
        manifest = journal.write(
            batch.groups, batch.read_failures, "termine", annee, batch.durations
        )
    show.close()
    result = BatchResult(out_dir=out, manifest=manifest)
    log.info("%s", result.summary())
    return result


class _DiskFull(Exception):
    """A report failed for lack of space: the following ones would too."""

    def __init__(self, error: dict) -> None:
        super().__init__(error.get("message"))
        self.error = error


class _Batch:
    """The steps of one batch, and what it has done so far (for the journal)."""

    def __init__(self, journal: Journal, annee: int | None) -> None:
        self.journal = journal
        self.annee = annee
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
        plan = plan_reports(self.groups, previous, force=force, **options)
        for group in plan.to_render:
            group.result = {}  # not done yet: the journal keeps its previous entries
        self.planned = True
        self.journal.write(self.groups, self.read_failures, "en_cours", self.annee)
        with ThreadPoolExecutor(1) as background:
            consolidated = background.submit(_consolidate, self.groups, out)
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
                    raise _DiskFull(result["erreur"])
                self.journal.write(self.groups, self.read_failures, "en_cours", self.annee)
            for group in plan.to_render:
                if not group.result:
                    group.result = failure(RuntimeError("tâche perdue : aucun résultat reçu"))
            frame, self.journal.consolide = consolidated.result()
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
        if isinstance(stop, _DiskFull):
            return OutputError(
                f"disque plein : lot arrêté ({stop.error.get('message')}) ; {tail}",
                file=self.journal.out,
            )
        if isinstance(stop, OutputError):
            return OutputError(f"{stop.message} ; lot arrêté : {tail}", file=stop.file)
        number = getattr(stop, "signum", signal.SIGINT)
        word = SIGNAL_WORDS.get(number, f"signal {number}")
        return Interruption(f"lot interrompu ({word}) : {tail}", signal_number=number)


# -- steps ------------------------------------------------------------------------------


def _check_options(formats: Sequence[str], jobs: int | None) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = tuple(f.strip() for f in formats.split(","))
    wanted = tuple(dict.fromkeys(f.lower() for f in formats if f))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ParameterError(
            f"format(s) inconnu(s) : {', '.join(bad) or '(aucun)'} ; choisir html, pdf ou html,pdf"
        )
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"nombre de rapports en parallèle invalide : {jobs!r}")
    return wanted


def _input(index: int, path: Path, folder: Path, space: Workspace) -> dict:
    """One workbook of the batch: its snapshot (read and rendered) and the hash of it."""
    copy, sha = space.snapshot(index, path)
    return {
        "etape": "lecture",
        "fichier": str(copy),
        "source": str(path.resolve()),
        "nom": path.relative_to(folder).as_posix(),
        "sha256": sha,
    }


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


def _consolidate(groups: Sequence[Group], out: Path) -> tuple[Any, dict[str, str]]:
    frame = outputs.consolidated_frame([g.rows for g in groups])
    return frame, outputs.write_consolidated(frame, out)


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
