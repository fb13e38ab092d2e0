"""The region of each département and of each collectivité, and its ARS.

Reference data ``data/regions.csv`` (read once): the 101 départements with their
region (INSEE code and name, regions of 2016) and the agence régionale de santé that
co-signs the contracts of the region's collectivités (one ARS per region). A
collectivité grouping départements (Collectivité européenne d'Alsace, Collectivité
de Corse, Métropole de Lyon, Ville de Paris) lies in the region of its départements.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from snppe_report.exceptions import CollectiviteError
from snppe_report.read.collectivites import get_collectivite

__all__ = ["Region", "region_of", "regions"]


@dataclass(frozen=True)
class Region:
    """A region: INSEE code, name and the ARS that signs its contracts."""

    code: str
    nom: str
    ars: str


@cache
def _by_departement() -> dict[str, Region]:
    text = resources.files("snppe_report").joinpath("data", "regions.csv").read_text("utf-8")
    return {
        row["departement"]: Region(row["region_code"], row["region"], row["ars"])
        for row in csv.DictReader(io.StringIO(text))
    }


def regions() -> tuple[Region, ...]:
    """The 18 regions, in the order of the reference table (mainland, then overseas)."""
    return tuple(dict.fromkeys(_by_departement().values()))


def region_of(code: str) -> Region | None:
    """The region of a département or collectivité code (``"59"``, ``"6AE"``, ``"69M"``).

    Parameters
    ----------
    code : str
        A code of ``data/collectivites.csv``.

    Returns
    -------
    Region or None
        None for an unknown code, or a collectivité whose départements lie in
        several regions (none does today).
    """
    table = _by_departement()
    if code in table:
        return table[code]
    try:
        departements = get_collectivite(code).departements
    except CollectiviteError:  # an unknown code has no region
        return None
    found = {table[d] for d in departements if d in table}
    return found.pop() if len(found) == 1 else None
