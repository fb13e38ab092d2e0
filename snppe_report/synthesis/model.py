"""The national synthesis's model: frozen dataclasses, built by :mod:`.build`, shown by
:mod:`.html` and :mod:`.typst`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from snppe_report.read.catalogue import Indicator
from snppe_report.read.collectivites import Collectivite, departements
from snppe_report.synthesis.campaign import Campaign
from snppe_report.synthesis.tables import _covered

__all__ = ["IndicatorSection", "MapFigure", "Synthesis"]


@dataclass(frozen=True)
class MapFigure:
    """A map of France by département, with what any renderer needs besides the SVG.

    Attributes
    ----------
    svg : str
        The map (:func:`snppe_report.synthesis.maps.france_map_svg`).
    legend : tuple of (str, str)
        ``(colour, label)`` of each class, then of the départements without a value.
    title : str
        Title of the legend.
    alt : str
        Text alternative naming the values (the table beside the map gives them all).
    """

    svg: str
    legend: tuple[tuple[str, str], ...]
    title: str
    alt: str


@dataclass(frozen=True)
class IndicatorSection:
    """One harmonised ratio across the collectivités of the campaign.

    Attributes
    ----------
    indicator : Indicator
        The catalogue ratio.
    objective : str
        Title of its national objective.
    values : DataFrame
        The ranking (:data:`snppe_report.synthesis.measures.RANKING_COLUMNS`): one
        row per collectivité with a value of the campaign, best first.
    expected : int
        Collectivités of the campaign.
    aggregate : float or None
        Sum of numerators over sum of denominators (collectivités giving both).
    missing : tuple of (str, str)
        ``(code, nom)`` of the collectivités of the campaign without any value.
    regions : DataFrame
        The view by region and ARS (:func:`measures.by_region`).
    statuses : dict of str to int
        Collectivités by status (:func:`measures.status_counts`).
    progress : dict
        :func:`measures.progress` of the ranking.
    map : MapFigure or None
        None without any value or when figures are not drawn.
    distribution_svg : str
        The histogram (empty without any value or figure).
    title : str
        The heading when the objective has several ratios (objective and ratio).
    """

    indicator: Indicator
    objective: str
    values: pd.DataFrame
    expected: int
    aggregate: float | None
    missing: tuple[tuple[str, str], ...] = ()
    regions: pd.DataFrame = field(default_factory=pd.DataFrame)
    statuses: dict[str, int] = field(default_factory=dict)
    progress: dict = field(default_factory=dict)
    map: MapFigure | None = None
    distribution_svg: str = ""
    title: str = ""

    @property
    def name(self) -> str:
        """The section's heading: its ``title``, else its objective's."""
        return self.title or self.objective

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

    @property
    def inconsistent(self) -> pd.DataFrame:
        """Rows of the ranking whose declared ratio disagrees with its terms."""
        return self.values[self.values["coherent"].eq(False)]  # noqa: E712 - object column


@dataclass(frozen=True)
class Synthesis:
    """Everything the national synthesis shows."""

    annee: int | None
    fictive: bool
    generated: date
    collectivites: pd.DataFrame  # code, nom, annee_campagne, fichiers, region, ars
    sections: tuple[IndicatorSection, ...]
    completeness: pd.DataFrame
    completeness_map: MapFigure | None
    failures: tuple[dict, ...] = field(default_factory=tuple)
    source: str = ""
    campaign: Campaign | None = None
    status_order: tuple[str, ...] = ()
    #: The key messages, every sentence written from the figures (``messages.key_messages``).
    messages: tuple[str, ...] = ()

    @property
    def missing_departements(self) -> tuple[Collectivite, ...]:
        """Départements covered by no collectivité of the synthesis."""
        covered = set()
        for code in self.collectivites["code"]:
            covered.update(_covered(code))
        return tuple(d for d in departements() if d.code not in covered)

    @property
    def title_year(self) -> str:
        """``"campagne 2023"`` or ``"dernières valeurs déclarées"``."""
        return f"campagne {self.annee}" if self.annee else "dernières valeurs déclarées"
