"""Many workbooks -> every report, an index, the national synthesis, consolidated data.

:func:`run_batch` reads as the list of its steps:

1. find the workbooks under the input folder and hash them;
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

Every file is published atomically: a failed re-run never replaces a good report.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from snppe_report import __version__
from snppe_report.analysis.peers import ratio_values
from snppe_report.batch import outputs
from snppe_report.batch.consolidated import members_of
from snppe_report.batch.jobs import DEFAULT_JOBS, JobSet, failure
from snppe_report.batch.plan import group_inputs, index_rows, plan_reports
from snppe_report.batch.runners import make_runner
from snppe_report.exceptions import InputError, ParameterError

__all__ = ["BatchResult", "run_batch", "find_workbooks", "WORKBOOK_SUFFIXES", "JobSet"]

log = logging.getLogger(__name__)

# .xls and .xlsb are not read, but listed so that each gets a failed entry with
# its French message ("enregistrez-le au format .xlsx") instead of vanishing.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".xlsb")
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
            f"en {_seconds(self.manifest['durees']['total'])}.",
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
        Folder searched recursively for ``.xlsx``, ``.xlsm`` and ``.ods`` workbooks.
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
        The folder does not exist or holds no workbook.
    """
    started = time.perf_counter()
    formats = _check_options(formats, jobs)
    folder = Path(dossier)
    if not folder.is_dir():
        raise InputError("dossier de classeurs introuvable", file=folder)
    out = Path(out_dir).resolve()
    files = find_workbooks(folder, exclude=out)
    if not files:
        raise InputError("aucun classeur (.xlsx, .xlsm, .ods) dans ce dossier", file=folder)
    out.mkdir(parents=True, exist_ok=True)
    previous = outputs.load_manifest(out / outputs.MANIFEST) or {}
    jobset = job_set or DEFAULT_JOBS
    show = _Progress.make(progress)
    durations: dict[str, float] = {}
    options = {"annee": annee, "formats": formats, "kernel_name": kernel_name, "out_dir": out}

    with make_runner(executor, jobs, scheduler) as runner:
        tick = time.perf_counter()
        inputs = [_input(path, folder) for path in files]
        reads = _collect(runner.run(jobset.extract, inputs, counted=False), show, "lecture", inputs)
        durations["lecture"] = time.perf_counter() - tick

        tick = time.perf_counter()
        groups, read_failures = group_inputs(inputs, reads, previous, annee, out)
        # the machine data first: each report reads it to place its collectivité
        frame = outputs.consolidated_frame([g.rows for g in groups])
        consolide = outputs.write_machine_data(frame, out)
        values = ratio_values(frame)
        peers = (out / outputs.CONSOLIDATED[2], outputs.values_digest(values))
        plan = plan_reports(groups, previous, force=force, peers=peers, **options)
        with ThreadPoolExecutor(1) as background:
            people = background.submit(
                outputs.write_people_data, frame, out, members_of(groups, annee), values
            )
            tasks = [group.task for group in plan.to_render]
            show.note(
                f"{len(tasks)} rapport(s) à produire, {len(plan.skipped)} inchangé(s) ou écarté(s)"
            )
            results = _collect(runner.run(jobset.render, tasks), show, "rapports", tasks)
            for group, result in zip(plan.to_render, results, strict=True):
                group.result = result
            consolide.update(people.result())
        durations["rapports"] = time.perf_counter() - tick

        manifest = _manifest(folder, options, executor, jobs, groups, read_failures)
        manifest["consolide"] = consolide
        tick = time.perf_counter()
        manifest["synthese"] = _synthesis(runner, jobset, frame, manifest, previous, force, out)
        durations["synthese"] = time.perf_counter() - tick

    durations["total"] = time.perf_counter() - started
    manifest["durees"] = {k: round(v, 3) for k, v in durations.items()}
    outputs.write_manifest(out / outputs.MANIFEST, manifest)
    rows = index_rows(groups, read_failures, out, annee)
    outputs.write_index(out / outputs.INDEX, outputs.render_index(manifest, rows))
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


def _input(path: Path, folder: Path) -> dict:
    return {
        "etape": "lecture",
        "fichier": str(path.resolve()),
        "nom": path.relative_to(folder).as_posix(),
        "sha256": outputs.file_sha256(path),
    }


def _collect(results, show: _Progress, step: str, tasks: Sequence[Mapping]) -> list[dict]:
    """Gather ``(index, result)`` pairs in task order, reporting progress."""
    gathered: list[dict | None] = [None] * len(tasks)
    show.start(step, len(tasks))
    for done, (index, result) in enumerate(results, start=1):
        gathered[index] = result
        show.advance(step, done, len(tasks), tasks[index], result)
    lost = failure(RuntimeError("tâche perdue : aucun résultat reçu"), step)
    return [r if r is not None else lost for r in gathered]


def _manifest(folder, options, executor, jobs, groups, read_failures) -> dict:
    entries = [e for g in groups for e in g.entries()] + read_failures
    entries.sort(key=lambda e: e["fichier"])
    bilan = {s: sum(e["statut"] == s for e in entries) for s in ("ok", "inchange", "echec")}
    return {
        "outil": "snppe-report",
        "version": __version__,
        "genere_le": datetime.now().astimezone().isoformat(timespec="seconds"),
        "dossier": str(folder.resolve()),
        "annee": options["annee"],
        "formats": list(options["formats"]),
        "executeur": executor,
        "travailleurs": jobs or (os.cpu_count() if executor == "local" else None),
        "fictif": any(g.fictive for g in groups),
        "bilan": bilan,
        "entrees": entries,
    }


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


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


class _Progress:
    """Progress on standard error: a bar on a terminal, one line per report otherwise."""

    def __init__(self, mode: str, callback: Callable | None = None) -> None:
        self.mode = mode
        self.callback = callback
        self._bar: Any = None

    @classmethod
    def make(cls, progress: bool | Callable | None) -> _Progress:
        if callable(progress):
            return cls("callback", progress)
        if progress is False:
            return cls("off")
        return cls("bar" if sys.stderr.isatty() else "lines")

    def note(self, text: str) -> None:
        if self.mode == "callback":
            self.callback("note", 0, 0, text)
        elif self.mode != "off":
            print(text, file=sys.stderr, flush=True)

    def start(self, step: str, total: int) -> None:
        self.close()
        if self.mode == "bar" and total:
            from tqdm import tqdm

            label = "Lecture" if step == "lecture" else "Rapports"
            self._bar = tqdm(
                total=total,
                desc=label,
                unit="classeur" if step == "lecture" else "rapport",
                file=sys.stderr,
                dynamic_ncols=True,
            )

    def advance(self, step: str, done: int, total: int, task: Mapping, result: Mapping) -> None:
        line = _line(step, done, total, task, result)
        if self.mode == "callback":
            self.callback(step, done, total, line)
        elif self._bar is not None:
            self._bar.update(1)
            if result.get("statut") == "echec":
                self._bar.write(line, file=sys.stderr)
        elif self.mode == "lines" and (step != "lecture" or result.get("statut") == "echec"):
            print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _line(step: str, done: int, total: int, task: Mapping, result: Mapping) -> str:
    who = task.get("collectivite", {}).get("libelle") or task.get("nom") or task.get("fichier")
    if result.get("statut") == "echec":
        what = f"échec : {result['erreur']['message']}"
    elif step == "lecture":
        what = "lu"
    else:
        what = f"rapport produit en {_seconds(result.get('durees', {}).get('total', 0.0))}"
    return f"[{done}/{total}] {who} : {what}"
