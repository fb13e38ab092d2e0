"""The collectivités with child-protection powers, and detecting a workbook's one.

The public face of three modules, split along their seams:

- :mod:`snppe_report.read.collectivite_table`: the reference table
  ``data/collectivites.csv`` (the 101 départements, and 6AE Collectivité européenne
  d'Alsace, 20R Collectivité de Corse, 75C Ville de Paris, 69M Métropole de Lyon) and
  its lookups;
- :mod:`snppe_report.read.collectivite_names`: the collectivités one text names or
  codes, regions and other bodies ("ARS Auvergne-Rhône-Alpes", "Préfecture de la région
  …") left out;
- :mod:`snppe_report.read.collectivite_detection`: the decision over a workbook's
  titles, sheet names and file name, or the ``--departement`` option.
"""

from __future__ import annotations

from snppe_report.read.collectivite_detection import (
    ORIGIN_OPTION,
    detect_collectivite,
    resolve,
)
from snppe_report.read.collectivite_table import (
    DEPARTEMENT_KINDS,
    KINDS,
    Collectivite,
    all_collectivites,
    departements,
    get_collectivite,
    parent_collectivites,
)

__all__ = [
    "Collectivite",
    "get_collectivite",
    "all_collectivites",
    "departements",
    "parent_collectivites",
    "detect_collectivite",
    "resolve",
    "ORIGIN_OPTION",
    "KINDS",
    "DEPARTEMENT_KINDS",
]
