"""Benchmark: extracting one workbook (target ≤ 0,2 s).

Prints, measured in this run, the median time of `table.extract` on each example
workbook (the module imports are paid once, before timing), the split between
reading the file and building the table, and the ratio to the target.

    .venv/bin/python benchmarks/bench_extract.py [--repetitions 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from snppe_report.read.table import extract, extract_workbook
from snppe_report.read.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {
    ROOT / "data" / "68-haut-rhin-tdb-snppe-2023.xlsx": None,
    ROOT / "data" / "tdb-snppe-2021-departement-non-nomme.xlsx": "39",
}
TARGET_S = 0.2


def _median(fn, repetitions: int) -> float:
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="Mesure de l'extraction d'un classeur.")
    parser.add_argument("--repetitions", type=int, default=15)
    args = parser.parse_args()
    extract(*next(iter(EXAMPLES.items())))  # warm-up: lazy imports, catalogue, caches
    print(f"{'classeur':48} {'lecture':>9} {'table':>9} {'total':>9} {'cible':>7}")
    for path, code in EXAMPLES.items():
        book = read_workbook(path)
        read_s = _median(lambda p=path: read_workbook(p), args.repetitions)
        table_s = _median(lambda b=book, c=code: extract_workbook(b, c), args.repetitions)
        total_s = _median(lambda p=path, c=code: extract(p, c), args.repetitions)
        ratio = total_s / TARGET_S
        print(
            f"{path.name:48} {read_s:8.3f}s {table_s:8.3f}s {total_s:8.3f}s "
            f"{ratio:6.2f}×  ({'OK' if ratio <= 1 else 'au-dessus de la cible'})"
        )


if __name__ == "__main__":
    main()
