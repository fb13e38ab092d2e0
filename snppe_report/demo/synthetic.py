"""Fictive dashboards for every département (``snppe demo-data``).

:func:`write_demo_workbooks` writes one workbook per département, deterministic for a
seed, laid out by :mod:`snppe_report.demo.writer` like one of the two known workbooks
(roughly half like seed 000, campaign 2023, half like seed 001, campaign 2021). Each
is marked as fictive in its title block and its document properties, so every report
made from it says DONNÉES FICTIVES.

What a workbook holds, and how often (rates per cell or per workbook, see ``_RATES``):

* magnitudes following the département's population (``data/population.csv``:
  births per year and children aged 0-6, approximate INSEE orders of magnitude);
* the harmonised indicators of the catalogue, numerators and denominators consistent
  with the declared ratios (ratios written as formulas, %-formatted numbers or text);
* local indicators (counts, hours, months, qualitative levels such as « En cours »);
* targets, attainment levels (2023), ND / SO / NC / « Non connu » codes, values with
  a comment (« 10 % COVID », « 2 550 (2018) », « 41 + 9 logements autonomes »);
* optional objectives on a grey background, chosen (filled) or left empty;
* stacked cells (2021 layout: several indicators and values on lines of one cell);
* a few data-entry slips: a percentage in a count row, a rate target typed on the
  first row of its objective, a declared ratio that disagrees with its numerator and
  denominator.

The numbers are invented: only their orders of magnitude are plausible.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from snppe_report.exceptions import ParameterError
from snppe_report.read.collectivites import Collectivite, departements

__all__ = ["Population", "population", "write_demo_workbooks", "demo_layouts"]

log = logging.getLogger(__name__)

#: Probabilities used by the generator (per value cell unless stated).
_RATES = {
    "nd": 0.06,  # mean share of harmonised value cells written ND / NC / Non connu
    "text_number": 0.2,  # a count typed as text ("7 688")
    "comment": 0.03,  # a value with a comment or a reference year
    "slip_percent_in_count": 0.12,  # per workbook: a % typed in a count row
    "slip_target_first_row": 0.12,  # per workbook: a rate target on the first row
    "slip_ratio": 0.15,  # per workbook: a declared ratio disagreeing with its parts
    "optional_chosen": 0.5,  # per optional objective: filled rather than left empty
    "stacked": 0.5,  # per 2021 workbook: CRIP / ASE / retour blocks in stacked cells
}


@dataclass(frozen=True)
class Population:
    """Approximate yearly births and children aged 0-6 of a département."""

    naissances: int
    enfants_0_6: int


@cache
def population() -> dict[str, Population]:
    """The approximate populations of ``data/population.csv``, by département code.

    Returns
    -------
    dict of str to Population
        The 101 départements. Orders of magnitude only (the data is fictive).
    """
    text = resources.files("snppe_report").joinpath("data", "population.csv").read_text("utf-8")
    return {
        row["code"]: Population(int(row["naissances"]), int(row["enfants_0_6"]))
        for row in csv.DictReader(io.StringIO(text))
    }


def demo_layouts(count: int = 101, seed: int = 2026) -> list[tuple[Collectivite, int]]:
    """The départements and campaign years :func:`write_demo_workbooks` would write.

    Parameters
    ----------
    count : int
        Number of départements, 1 to 101.
    seed : int
        Random seed.

    Returns
    -------
    list of (Collectivite, int)
        In code order; the year is 2023 (layout of seed 000) or 2021 (seed 001).
        Half the départements get each layout; a subset keeps both halves.
    """
    everyone = list(departements())
    if not 1 <= count <= len(everyone):
        raise ParameterError(f"nombre de départements entre 1 et {len(everyone)} : {count}")
    rng = random.Random(f"snppe-demo-{seed}")
    order = everyone[:]
    rng.shuffle(order)
    year = {d.code: 2023 if i % 2 == 0 else 2021 for i, d in enumerate(order)}
    first = [d for d in order if year[d.code] == 2023][: (count + 1) // 2]
    second = [d for d in order if year[d.code] == 2021][: count // 2]
    chosen = {d.code for d in first + second}
    return [(d, year[d.code]) for d in everyone if d.code in chosen]


def write_demo_workbooks(
    out_dir: str | Path, count: int = 101, seed: int = 2026, jobs: int | None = None
) -> list[Path]:
    """Write fictive dashboards, one per département.

    Parameters
    ----------
    out_dir : str or Path
        Destination folder (created if needed).
    count : int
        Number of départements (1 to 101); a subset keeps both layouts.
    seed : int
        Random seed: the same seed writes the same workbooks (a département's content
        does not depend on ``count``, nor on ``jobs``).
    jobs : int, optional
        Worker processes writing workbooks at the same time (default: the number of
        cores, at most 4, and none for fewer than 20 workbooks).

    Returns
    -------
    list of Path
        The workbooks, in département code order, named
        ``<code>-<nom>-tdb-snppe-<année>-fictif.xlsx``.

    Raises
    ------
    ParameterError
        When ``count`` is not between 1 and 101.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tasks = [
        (c.code, annee, seed, str(out / f"{c.slug}-tdb-snppe-{annee}-fictif.xlsx"))
        for c, annee in demo_layouts(count, seed)
    ]
    if jobs is None:
        workers = min(os.cpu_count() or 1, _MAX_JOBS, len(tasks) // _PER_JOB or 1)
    else:
        workers = max(1, min(jobs, len(tasks)))
    if workers <= 1:
        paths = [_write_one(task) for task in tasks]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            paths = list(pool.map(_write_one, tasks, chunksize=4))
    log.info("%d classeurs fictifs écrits dans %s", len(paths), out)
    return paths


_MAX_JOBS = 4
_PER_JOB = 10  # below ten workbooks per worker, starting processes does not pay


def _write_one(task: tuple[str, int, int, str]) -> Path:
    """Build and write one workbook (runs in a worker process)."""
    from snppe_report.demo.writer import write_workbook
    from snppe_report.read.collectivites import get_collectivite

    code, annee, seed, path = task
    return write_workbook(build_demo_workbook(get_collectivite(code), annee, seed), path)


def build_demo_workbook(collectivite: Collectivite, annee: int, seed: int = 2026):
    """The :class:`~snppe_report.demo.writer.WorkbookSpec` of one fictive dashboard.

    Parameters
    ----------
    collectivite : Collectivite
        A département.
    annee : int
        2023 (layout of seed 000) or 2021 (layout of seed 001).
    seed : int
        Random seed.

    Returns
    -------
    WorkbookSpec
    """
    from snppe_report.demo.content import build_spec

    rng = random.Random(f"snppe-demo-{seed}-{collectivite.code}")
    return build_spec(collectivite, annee, rng, population()[collectivite.code], _RATES)
