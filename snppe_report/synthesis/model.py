"""The national synthesis's model: frozen dataclasses, built by :mod:`.build`, shown by
:mod:`.html`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from snppe_report.read.catalogue import Indicator
from snppe_report.read.collectivites import Collectivite, departements
from snppe_report.synthesis.tables import _covered

__all__ = ["IndicatorSection", "Synthesis"]


@dataclass(frozen=True)
class IndicatorSection:
    """One harmonised ratio across collectivités.

    Attributes
    ----------
    indicator : Indicator
        The catalogue ratio.
    objective : str
        Title of its national objective.
    values : DataFrame
        One row per collectivité with a value, best first: ``rang, code, nom,
        valeur, annee, calcule, coherent, atteint``.
    aggregate : float or None
        Sum of numerators over sum of denominators (collectivités giving both).
    map_svg, distribution_svg : str
        The figures (empty without any value).
    """

    indicator: Indicator
    objective: str
    values: pd.DataFrame
    expected: int
    aggregate: float | None
    map_svg: str = ""
    distribution_svg: str = ""

    @property
    def count(self) -> int:
        """Collectivités giving a value."""
        return len(self.values)

    @property
    def median(self) -> float | None:
        """Median of the values."""
        return float(self.values["valeur"].median()) if self.count else None

    @property
    def reached(self) -> int:
        """Collectivités at or above the national target."""
        return int(self.values["atteint"].sum()) if self.count else 0


@dataclass(frozen=True)
class Synthesis:
    """Everything the national synthesis shows."""

    annee: int | None
    fictive: bool
    generated: date
    collectivites: pd.DataFrame  # code, nom, annee_campagne, fichiers, statut
    sections: tuple[IndicatorSection, ...]
    completeness: pd.DataFrame
    completeness_map_svg: str
    failures: tuple[dict, ...] = field(default_factory=tuple)
    source: str = ""

    @property
    def missing_departements(self) -> tuple[Collectivite, ...]:
        """Départements covered by no collectivité of the batch."""
        covered = set()
        for code in self.collectivites["code"]:
            covered.update(_covered(code))
        return tuple(d for d in departements() if d.code not in covered)

    @property
    def title_year(self) -> str:
        """``"campagne 2023"`` or ``"dernières valeurs déclarées"``."""
        return f"campagne {self.annee}" if self.annee else "dernières valeurs déclarées"
