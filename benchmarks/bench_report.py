"""Time one report (HTML + PDF): cold, step by step, and against doing it by hand.

    python benchmarks/bench_report.py                      # the Haut-Rhin example
    python benchmarks/bench_report.py --runs 1 data/tdb-snppe-2021-departement-non-nomme.xlsx \
        --departement 39

Measured in one run, on the same workbook and notebook:

(a) one cold report: the console script ``snppe report CLASSEUR -o DOSSIER`` (HTML and
    PDF) in a new process, as a user runs it (``--runs`` times, median); target 2,5 s;
(b) the do-it-yourself loop: the ``papermill`` CLI, then ``jupyter nbconvert --to html
    --no-input``, then the ``weasyprint`` CLI on the HTML; target (b) / (a) ≥ 4;
(c) the split of one :func:`~snppe_report.report.render.render_report` in this process:
    kernel start and stop, cell execution, HTML (nbconvert), PDF (nbconvert exporter +
    Typst), the parent's extraction; and the charts: the report's charts drawn again in
    this process (what the cells spend on them; target 0,3 s for the 12 charts);
(d) the floors of (a) on this machine, from the same run: the CPU time of (c) spread
    perfectly over every core, and the chain kernel → cells → PDF, which no scheduling
    can shorten (the PDF needs the executed notebook).

The machine's load average is printed: other processes slow every measure down.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "rapport_departemental.ipynb"
TARGET_COLD = 2.5
TARGET_SPEEDUP = 4.0
TARGET_CHARTS = 0.3
STEPS = (
    ("kernel", "noyau"),
    ("execution", "cellules"),
    ("graphiques", "dont graphiques"),
    ("html", "HTML"),
    ("pdf", "PDF"),
    ("extraction", "lecture (parent)"),
    ("total", "total"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "workbook", nargs="?", type=Path, default=ROOT / "data" / "68-haut-rhin-tdb-snppe-2023.xlsx"
    )
    parser.add_argument("--departement")
    parser.add_argument("--runs", type=int, default=3, help="rapports à froid (a)")
    args = parser.parse_args()
    print(f"charge de la machine (1, 5, 15 min) : {_load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-rapport-") as tmp:
        out = Path(tmp)
        cold, cold_cpu = [], []
        for i in range(1, args.runs + 1):
            seconds, cpu_seconds = _cold(args.workbook, args.departement, out / "a")
            cold.append(seconds)
            cold_cpu.append(cpu_seconds)
            print(f"(a) rapport à froid {i} : {seconds:.2f} s (CPU {cpu_seconds:.2f} s)",
                  flush=True)  # fmt: skip
        by_hand = _by_hand(args.workbook, args.departement, out / "b")
        print(f"(b) à la main (papermill, nbconvert, weasyprint) : {by_hand:.2f} s", flush=True)
        split, cpu, pages = _split(args.workbook, args.departement, out / "c")
    median = statistics.median(cold)
    cores = os.cpu_count() or 1
    chain = split["kernel"] + split["execution"] + split["pdf"]
    print()
    print("(c) " + " | ".join(f"{name} {split.get(key, 0.0):.2f} s" for key, name in STEPS))
    print(f"    {split['nb_graphiques']} graphiques : {split['graphiques']:.3f} s "
          f"(objectif {TARGET_CHARTS:.1f} s) ; PDF de {pages} pages")  # fmt: skip
    print(f"(d) planchers sur {cores} cœurs : temps CPU réparti {cpu / cores:.2f} s ; "
          f"chaîne noyau + cellules + PDF {chain:.2f} s")  # fmt: skip
    print()
    print(f"rapport à froid (médiane de {len(cold)}) : {median:.2f} s "
          f"= {median / TARGET_COLD:.2f} × l'objectif de {TARGET_COLD:.1f} s ; temps CPU "
          f"{statistics.median(cold_cpu):.2f} s (processus, noyau, sous-processus)")  # fmt: skip
    print(f"à la main / à froid : {by_hand / median:.1f} × (objectif ≥ {TARGET_SPEEDUP:.0f} ×)")
    print(f"charge de la machine (1, 5, 15 min) : {_load()}")


def _cold(workbook: Path, departement: str | None, out: Path) -> tuple[float, float]:
    """(a): ``snppe report`` in a new process: wall and CPU seconds (with its kernel)."""
    command = [str(BIN / "snppe"), "report", str(workbook), "-o", str(out)]
    if departement:
        command += ["--departement", departement]
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started, _children_cpu() - cpu


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def _by_hand(workbook: Path, departement: str | None, out: Path) -> float:
    """(b): the three CLIs a user would chain without this kit."""
    out.mkdir(parents=True)
    stem = out / "rapport"
    papermill = [str(BIN / "papermill"), str(NOTEBOOK), f"{stem}.ipynb", "-p", "workbook",
                 str(workbook.resolve()), "--no-progress-bar", "--cwd", str(out)]  # fmt: skip
    if departement:
        papermill += ["-p", "departement", departement]
    steps = [
        papermill,
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", f"{stem}.ipynb"],
        [str(BIN / "weasyprint"), f"{stem}.html", f"{stem}.pdf"],
    ]
    started = time.perf_counter()
    for step in steps:
        subprocess.run(step, check=True, capture_output=True)
    return time.perf_counter() - started


def _split(workbook: Path, departement: str | None, out: Path) -> tuple[dict, float, int]:
    """(c): one render in this process, step by step, and the charts drawn again."""
    import pypdf

    from snppe_report.report import charts, model
    from snppe_report.report.render import render_report

    cpu = _cpu()
    result = render_report(workbook, departement=departement, out_dir=out)
    cpu = _cpu() - cpu
    split = dict(result.durations)
    spent = [0.0, 0]
    draw = charts.trajectory_svg

    def timed(**kwargs):
        started = time.perf_counter()
        try:
            return draw(**kwargs)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += 1

    charts.trajectory_svg = timed
    try:
        model.build_report(model.load_extraction(workbook, departement))
    finally:
        charts.trajectory_svg = draw
    split["graphiques"], split["nb_graphiques"] = spent
    return split, cpu, len(pypdf.PdfReader(result.outputs["pdf"]).pages)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the kernel)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _load() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on this platform
        return "inconnue"


if __name__ == "__main__":
    main()
