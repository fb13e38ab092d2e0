"""Time the national synthesis of fictive workbooks: the model, and its PDF by Typst vs WeasyPrint.

    python benchmarks/bench_synthesis.py            # 101 fictive workbooks, 2 runs
    python benchmarks/bench_synthesis.py -n 30 --runs 1

Writes the fictive workbooks and their consolidated rows in a temporary folder (no
report is rendered), then, in one run: ``build_synthesis`` (campaign, sections, maps),
the Typst source of every section and its compilation to a tagged PDF, and, for
comparison, WeasyPrint on the same synthesis's HTML sections (the engine the
synthesis used before; the sections alone, without the nbconvert template's
stylesheet). Prints each median and the ratio WeasyPrint / Typst measured in this run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from snppe_report.demo.synthetic import write_demo_workbooks
from snppe_report.read.table import extract
from snppe_report.synthesis.build import build_synthesis
from snppe_report.synthesis.html import MACROS, section_html
from snppe_report.synthesis.typst import compile_pdf, section_typst


def _seconds(value: float) -> str:
    return f"{value:.2f} s".replace(".", ",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--nombre", type=int, default=101)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    import weasyprint  # the former engine, kept in the dev dependencies for this comparison

    with tempfile.TemporaryDirectory(prefix="snppe-bench-synthese-") as tmp:
        work = Path(tmp)
        paths = write_demo_workbooks(work / "classeurs", count=args.nombre, seed=2026)
        frames, entries = [], []
        for path in paths:
            ex = extract(path)
            frames.append(ex.contract().assign(fichier=path.name))
            entries.append({"fichier": path.name, "statut": "ok", "annee_campagne": ex.annee,
                            "collectivite": {"code": ex.collectivite.code,
                                             "nom": ex.collectivite.nom}})  # fmt: skip
        rows = pd.concat(frames, ignore_index=True)
        manifest = {"fictif": True, "annee": None, "entrees": entries}
        timings: dict[str, list[float]] = {"modèle": [], "Typst": [], "WeasyPrint": []}
        for run in range(args.runs):
            tick = time.perf_counter()
            s = build_synthesis(rows, manifest)
            timings["modèle"].append(time.perf_counter() - tick)
            tick = time.perf_counter()
            source = "\n".join(section_typst(name, s) for name in MACROS)
            compile_pdf(source, work / f"typst-{run}.pdf")
            timings["Typst"].append(time.perf_counter() - tick)
            html = "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>S</title>"
            html += "</head><body><main>" + "".join(section_html(n, s) for n in MACROS)
            tick = time.perf_counter()
            page = weasyprint.HTML(string=html + "</main></body></html>")
            page.write_pdf(work / f"weasy-{run}.pdf")
            timings["WeasyPrint"].append(time.perf_counter() - tick)
        medians = {k: statistics.median(v) for k, v in timings.items()}
        print(f"{args.nombre} classeurs fictifs, {len(s.collectivites)} collectivités comparées "
              f"(campagne {s.annee}), {args.runs} passage(s)")  # fmt: skip
        for name, value in medians.items():
            print(f"  {name:<11} {_seconds(value)} (médiane)")
        ratio = medians["WeasyPrint"] / medians["Typst"]
        print(f"  PDF : WeasyPrint / Typst = {ratio:.1f}".replace(".", ","))


if __name__ == "__main__":
    main()
