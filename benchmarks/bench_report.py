"""Time one report (HTML + PDF), step by step, against the 4-second target.

    python benchmarks/bench_report.py                      # the Haut-Rhin example, 3 runs
    python benchmarks/bench_report.py --runs 1 data/tdb-snppe-2021-departement-non-nomme.xlsx \
        --departement 39

Prints, for each run and as the median: kernel start/stop, cell execution, HTML, PDF,
the parent's extraction (before the kernel starts), the total of ``render_report``
(parameter check included), and the ratio to the target. ``--formats html`` times the
HTML alone. The parent
process's imports are measured once, apart: a batch pays them once for all reports.
The machine's load average is printed too: on a busy machine every step is slower,
so the CPU time actually spent (this process plus the kernel, a child process) is
printed as well: on an idle machine the wall time approaches it.

Last, two lower bounds of the total on this machine, from the same run: the CPU time
spread perfectly over every core, and the chain kernel → cells → HTML → PDF with the
PDF (re-timed alone, in CPU seconds) split perfectly over every core. The PDF needs the
whole HTML, which needs the executed notebook: no scheduling can go below the chain.
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from snppe_report.report.render import render_report  # noqa: E402

IMPORTS = time.perf_counter() - _STARTED
TARGET = 4.0
ROOT = Path(__file__).resolve().parents[1]
STEPS = (
    ("kernel", "noyau : démarrage et arrêt"),
    ("execution", "exécution des cellules"),
    ("html", "HTML (nbconvert)"),
    ("pdf", "PDF (WeasyPrint)"),
    ("extraction", "extraction parent (avant le noyau)"),
    ("total", "total render_report"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "workbook", nargs="?", default=ROOT / "data" / "68-haut-rhin-tdb-snppe-2023.xlsx"
    )
    parser.add_argument("--departement")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", nargs="+", default=["html", "pdf"])
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-rapport-") as out:
        for i in range(args.runs):
            cpu = _cpu()
            result = render_report(
                args.workbook, departement=args.departement, formats=args.formats, out_dir=out
            )
            durations = {**result.durations, "cpu": _cpu() - cpu}
            runs.append(durations)
            _print_run(f"essai {i + 1}", durations)
            pages = _pages(result.outputs["pdf"]) if "pdf" in result.outputs else 0
        pdf_cpu = _pdf_cpu(result.outputs.get("html")) if "pdf" in args.formats else 0.0
    median = {key: statistics.median(r.get(key, 0.0) for r in runs) for key, _ in STEPS}
    cpu = statistics.median(r["cpu"] for r in runs)
    print()
    _print_run("médiane", median)
    print(f"\n{pages} pages PDF ; imports du processus parent (une fois) : {IMPORTS:.2f} s")
    print(f"objectif {TARGET:.0f} s : médiane = {median['total'] / TARGET:.2f} × l'objectif")
    print(f"temps CPU (processus + noyau) : {cpu:.2f} s = {cpu / TARGET:.2f} × l'objectif")
    cores = os.cpu_count() or 1
    chain = median["kernel"] + median["execution"] + median.get("html", 0.0) + pdf_cpu / cores
    print(f"\nplanchers sur {cores} cœurs (mesurés, pas estimés) :")
    print(f"  temps CPU réparti sans perte sur les {cores} cœurs : {cpu / cores:.2f} s")
    print(
        f"  chaîne noyau + cellules + HTML + PDF partagé en {cores} ({pdf_cpu:.2f} s CPU"
        f" / {cores}) : {chain:.2f} s = {chain / TARGET:.2f} × l'objectif"
    )
    print(f"charge de la machine (1, 5, 15 min) : {', '.join(f'{x:.1f}' for x in _load())}")


def _print_run(label: str, durations: dict) -> None:
    parts = " | ".join(f"{name} {durations.get(key, 0.0):5.2f} s" for key, name in STEPS)
    cpu = f" | CPU {durations['cpu']:5.2f} s" if "cpu" in durations else ""
    print(f"{label:>8} | {parts}{cpu}")


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the kernels)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _pdf_cpu(html_path: Path | None) -> float:
    """CPU seconds of the PDF step alone, on the report's own HTML (best of two)."""
    if html_path is None:
        return 0.0
    from snppe_report.report.render import html_to_pdf

    html = Path(html_path).read_text(encoding="utf-8")
    best = float("inf")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        for _ in range(2):
            started = time.process_time()
            html_to_pdf(html, Path(tmp) / "rapport.pdf")
            best = min(best, time.process_time() - started)
    return best


def _pages(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(pdf).pages)


def _load() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:  # pragma: no cover - not on this platform
        return (0.0, 0.0, 0.0)


if __name__ == "__main__":
    main()
