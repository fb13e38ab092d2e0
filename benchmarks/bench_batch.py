"""Time ``snppe batch`` against doing it by hand and against the no-kernel floor.

    python benchmarks/bench_batch.py                   # 101 départements, sample of 3
    python benchmarks/bench_batch.py --nombre 10 --echantillon 2

Measured in one run, on fictive workbooks written by ``snppe_report.demo.synthetic``:

(a) ``snppe batch DOSSIER --format html,pdf -j 2 --force`` on the ``--nombre``
    départements (the console script, in a subprocess): total and per report; then the
    same batch with ``-j 1`` (unless ``--sans-j1``), to show what the second worker gives;
(b) what a user would do without this kit, one département after the other on a
    sample: the ``papermill`` CLI, then ``jupyter nbconvert --to html --no-input``,
    then ``weasyprint`` on the HTML; per report;
(c) the floor: in one process, without any kernel, read the workbook, compute and
    lay out the same notebook (its cells run in an in-process IPython shell), convert
    it with the same nbconvert template and compile the same PDF (Typst); per report, after one
    warm-up report (imports and caches are not counted).

Targets: (a) per report at least 4 times faster than (b); (a) within 1.5 times
(c) x N / 2; peak memory of every worker process and of its kernel at most 500 MB
(from the manifest). The machine's load average is printed: other processes on the
machine slow every measure down.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "rapport_departemental.ipynb"
TARGET_SPEEDUP = 4.0
TARGET_FLOOR = 1.5
TARGET_MEMORY_MB = 500.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nombre", type=int, default=101, help="départements pour (a)")
    parser.add_argument("--echantillon", type=int, default=3, help="départements pour (b), (c)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="travailleurs de (a)")
    parser.add_argument("--garder", type=Path, help="dossier où garder les sorties")
    parser.add_argument(
        "--sans-j1", action="store_true", help="ne pas refaire le lot avec un seul travailleur"
    )
    args = parser.parse_args()

    from snppe_report.demo.synthetic import write_demo_workbooks

    work = Path(tempfile.mkdtemp(prefix="bench-lot-"))
    try:
        inputs = work / "classeurs"
        books = write_demo_workbooks(inputs, count=args.nombre)
        sample = _spread(books, args.echantillon)
        print(f"{len(books)} classeurs fictifs ; échantillon : {', '.join(p.name for p in sample)}")
        print(f"charge de la machine (1, 5, 15 min) : {os.getloadavg()}\n", flush=True)

        a_total, manifest = bench_batch(inputs, work / "lot", args.jobs)
        j1_total = (
            None if args.sans_j1 or args.jobs == 1 else bench_batch(inputs, work / "j1", 1)[0]
        )
        b_runs = bench_by_hand(sample, work / "main")
        c_runs, c_cold = bench_floor(sample, work / "plancher")
        report(args, books, manifest, a_total, b_runs, c_runs, c_cold, j1_total)
        if args.garder:
            shutil.copytree(work, args.garder, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_batch(inputs: Path, out: Path, jobs: int) -> tuple[float, dict]:
    """(a): the console script, as a user runs it."""
    command = [str(BIN / "snppe"), "batch", str(inputs), "-o", str(out), "-j", str(jobs),
               "--format", "html,pdf", "--force"]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    total = time.perf_counter() - started
    print(f"(a) snppe batch : {total:.1f} s (code de sortie {done.returncode})", flush=True)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
    return total, json.loads((out / "manifest.json").read_text())


def bench_by_hand(sample: list[Path], out: Path) -> list[float]:
    """(b): papermill CLI, nbconvert CLI, weasyprint CLI, one report after the other."""
    out.mkdir(parents=True)
    runs = []
    for book in sample:
        stem = out / book.stem
        steps = [
            [str(BIN / "papermill"), str(NOTEBOOK), f"{stem}.ipynb", "-p", "workbook", str(book),
             "--no-progress-bar", "--cwd", str(out)],
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", f"{stem}.ipynb"],
            [str(BIN / "weasyprint"), f"{stem}.html", f"{stem}.pdf"],
        ]  # fmt: skip
        started = time.perf_counter()
        for step in steps:
            subprocess.run(step, check=True, capture_output=True)
        runs.append(time.perf_counter() - started)
        print(f"(b) à la main, {book.name} : {runs[-1]:.1f} s", flush=True)
    return runs


def bench_floor(sample: list[Path], out: Path) -> tuple[list[float], float]:
    """(c): the same notebook and outputs in one process, without a kernel."""
    out.mkdir(parents=True)
    runs = []
    for book in [sample[0], *sample]:  # the first run warms imports and caches up
        started = time.perf_counter()
        _render_without_kernel(book, out / f"{book.stem}.pdf")
        runs.append(time.perf_counter() - started)
        print(f"(c) plancher, {book.name} : {runs[-1]:.1f} s", flush=True)
    return runs[1:], runs[0]


def _render_without_kernel(book: Path, pdf: Path) -> None:
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from snppe_report.report.render import notebook_to_html, notebook_to_pdf

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    shell = InteractiveShell.instance()
    shell.reset(new_session=False)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        if "parameters" in cell.metadata.get("tags", []):
            source += f"\nworkbook = {str(book)!r}"
        with capture_output() as captured:
            result = shell.run_cell(source, store_history=False)
        result.raise_error()
        cell.outputs = [
            nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata)
            for o in captured.outputs
        ]
        if result.result is not None:  # the cell's last expression, as a kernel shows it
            data, metadata = shell.display_formatter.format(result.result)
            cell.outputs.append(
                nbformat.v4.new_output("execute_result", data=data, metadata=metadata)
            )
    html = notebook_to_html(nb, title=f"Rapport SNPPE — {book.stem}")
    pdf.with_suffix(".html").write_text(html, encoding="utf-8")
    notebook_to_pdf(nb, pdf)


def report(args, books, manifest, a_total, b_runs, c_runs, c_cold, j1_total=None) -> None:
    reports = sum(
        1 for e in manifest["entrees"] if e.get("role") == "principal" and e["statut"] == "ok"
    )
    failures = [e for e in manifest["entrees"] if e["statut"] == "echec"]
    a_per = a_total / max(reports, 1)
    b_per = statistics.mean(b_runs)
    c_per = statistics.mean(c_runs)
    floor = c_per * len(books) / args.jobs
    speedup = b_per / a_per
    over_floor = a_total / floor
    workers = [e["memoire_mo"] for e in manifest["entrees"] if e.get("memoire_mo")]
    worker_mb = max((m.get("processus", 0.0) for m in workers), default=float("nan"))
    kernel_mb = max((m.get("noyau", 0.0) for m in workers), default=float("nan"))
    steps = {}
    for entry in manifest["entrees"]:
        for step, seconds in (entry.get("durees") or {}).items():
            steps.setdefault(step, []).append(seconds)

    print("\n== Résultats ==")
    print(f"(a) snppe batch -j {args.jobs}, {reports} rapports HTML+PDF : {a_total:.1f} s "
          f"au total, {a_per:.2f} s par rapport ({len(failures)} échec(s))")  # fmt: skip
    if j1_total is not None:
        print(f"    le même lot avec -j 1 : {j1_total:.1f} s, soit -j {args.jobs} "
              f"{j1_total / a_total:.2f} x plus rapide")  # fmt: skip
    print("    étapes (médiane par rapport) : " + ", ".join(
        f"{k} {statistics.median(v):.2f} s" for k, v in steps.items()))  # fmt: skip
    print(f"    lot : {manifest['durees']}")
    print(f"(b) à la main (papermill, nbconvert, weasyprint) : {b_per:.2f} s par rapport "
          f"(moyenne sur {len(b_runs)})")  # fmt: skip
    print(f"(c) plancher sans noyau : {c_per:.2f} s par rapport (moyenne sur {len(c_runs)}, "
          f"premier rapport à froid : {c_cold:.2f} s)")  # fmt: skip
    print(f"    plancher du lot = (c) x {len(books)} / {args.jobs} = {floor:.1f} s")
    print()
    print(f"ratio (b) / (a) par rapport : {speedup:.2f}  (objectif >= {TARGET_SPEEDUP})  "
          f"{'atteint' if speedup >= TARGET_SPEEDUP else 'NON atteint'}")  # fmt: skip
    print(f"ratio (a) / plancher du lot : {over_floor:.2f}  (objectif <= {TARGET_FLOOR})  "
          f"{'atteint' if over_floor <= TARGET_FLOOR else 'NON atteint'}")  # fmt: skip
    ok_mem = max(worker_mb, kernel_mb) <= TARGET_MEMORY_MB
    print(f"mémoire de pointe : travailleur {worker_mb:.0f} Mo, noyau {kernel_mb:.0f} Mo  "
          f"(objectif <= {TARGET_MEMORY_MB:.0f} Mo chacun)  "
          f"{'atteint' if ok_mem else 'NON atteint'}")  # fmt: skip
    print(f"charge de la machine à la fin : {os.getloadavg()}")


def _spread(items: list[Path], count: int) -> list[Path]:
    """``count`` items spread over the list (both layouts alternate in code order)."""
    count = max(1, min(count, len(items)))
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


if __name__ == "__main__":
    main()
