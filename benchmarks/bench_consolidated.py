"""Benchmark: the consolidated data of a batch of fictive départements.

Writes N fictive workbooks, extracts them, then times, in this run: the machine data
(``consolide.parquet`` + ``.csv``, written before the reports), the ratios of every
collectivité (``analysis.peers.ratio_values``), one report's "Positionnement", and the
data for people (``consolide.xlsx`` + ``consolide-excel.csv``, written while the reports
render). Prints each time and its ratio to the machine data's.

    .venv/bin/python benchmarks/bench_consolidated.py [--nombre 101]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from snppe_report.analysis.peers import ratio_values
from snppe_report.batch import consolidated, outputs
from snppe_report.demo.synthetic import write_demo_workbooks
from snppe_report.read.table import extract
from snppe_report.report.positioning import positionnement


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description="Mesure des données consolidées d'un lot.")
    parser.add_argument("--nombre", type=int, default=101)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_demo_workbooks(folder / "classeurs", count=args.nombre)
        members = []
        for path in paths:
            ex = extract(path)
            members.append(
                consolidated.Member(
                    replace(ex, rows=ex.rows.assign(fichier=path.name)), ex.annee, ex.fictive
                )
            )
        frame = outputs.consolidated_frame([m.extraction.rows for m in members])
        out = folder / "lot"
        out.mkdir()
        _, machine = _timed(lambda: outputs.write_machine_data(frame, out))
        values, peers = _timed(lambda: ratio_values(frame))
        first = members[0].extraction
        _, place = _timed(
            lambda: positionnement(first.rows, frame, first.collectivite.code, first.annee)
        )
        _, people = _timed(lambda: outputs.write_people_data(frame, out, members, values))
    print(f"{len(members)} collectivités, {len(frame)} cellules")
    for label, seconds in (
        ("données machine (parquet + csv)", machine),
        ("ratios de toutes les collectivités", peers),
        ("positionnement d'un rapport", place),
        ("données pour les personnes (xlsx + csv Excel)", people),
    ):
        print(f"{label:48} {seconds:7.2f} s  ({seconds / machine:5.1f} × données machine)")


if __name__ == "__main__":
    main()
