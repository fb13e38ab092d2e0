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
   kernel (:mod:`snppe_report.batch.kernels`); the parent writes
   ``consolide.parquet|csv`` before (each report places its collectivité among the
   others) and ``consolide.xlsx`` and ``consolide-excel.csv`` meanwhile;
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
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from snppe_report.batch import outputs
from snppe_report.batch.issuers import load_issuers
from snppe_report.batch.jobs import DEFAULT_JOBS, JobSet
from snppe_report.batch.journal import Journal, duplicates
from snppe_report.batch.progress import Progress, seconds
from snppe_report.batch.runners import make_runner
from snppe_report.batch.signals import stop_on_signals
from snppe_report.batch.steps import BatchSteps, DiskFull
from snppe_report.batch.workspace import Workspace
from snppe_report.destinations import check_folder
from snppe_report.exceptions import InputError, OutputError, ParameterError

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
    annoter: bool = False,
    emetteurs: str | os.PathLike[str] | None = None,
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
    annoter : bool
        Also write an annotated copy of every workbook read into its collectivité's
        folder, linked from the index (:mod:`snppe_report.batch.annotated`).
    emetteurs : path-like, optional
        CSV ``code;emetteur``: the issuer block of each collectivité's cover
        (:mod:`snppe_report.batch.issuers`); none by default.

    Returns
    -------
    BatchResult
        Its ``failures`` are empty when every report and the synthesis succeeded.

    Raises
    ------
    ParameterError
        Wrong option (format, number of jobs, executor).
    InputError
        The folder does not exist (or is a file) or holds no workbook; the issuers'
        file is unreadable or names an unknown collectivité.
    OutputError
        The output folder cannot be written (checked first), another batch holds it,
        or the disk filled up during the batch (which then stops).
    Interruption
        Ctrl-C or SIGTERM: workers and kernels are stopped, the manifest and the index
        describe what exists (exit code 130 or 143).
    """
    started = time.perf_counter()
    formats = _check_options(formats, jobs)
    issuers = load_issuers(emetteurs) if emetteurs is not None else {}
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
        if issuers:
            options["emetteurs"] = issuers
        header = {
            "dossier": str(folder.resolve()),
            "annee": annee,
            "formats": list(formats),
            "executeur": executor,
            "travailleurs": jobs or (os.cpu_count() if executor == "local" else None),
        }
        inputs = [_input(i, path, folder, space) for i, path in enumerate(files)]
        journal = Journal(out, header, previous, duplicates(inputs))
        batch = BatchSteps(journal, annee, space.dir, annoter)
        with make_runner(executor, jobs, scheduler, workdir=space.dir) as runner:
            try:
                batch.run(runner, job_set or DEFAULT_JOBS, inputs, previous, force, show, options)
            except (KeyboardInterrupt, DiskFull, OutputError) as stop:
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
