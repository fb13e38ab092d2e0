"""The report's "Positionnement" section: the collectivité among the others of a batch.

:func:`load_consolidated_rows` reads a batch's ``consolide.parquet`` (or ``.csv``);
:func:`positionnement` places the report's collectivité with
:func:`snppe_report.analysis.peers.positioning` and turns the result into the frozen
view :class:`Positionnement` (French texts only), which the template
``data/rapport-positionnement.html.j2`` lays out. The collectivité's own figures come
from its report's rows, never from the consolidated file (which may be older).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from snppe_report.analysis.peers import (
    VALUE_COLUMNS,
    Placement,
    Spread,
    positioning,
    ratio_values,
)
from snppe_report.exceptions import InputError
from snppe_report.formatting import format_percent

__all__ = ["LignePosition", "Positionnement", "load_consolidated_rows", "positionnement"]

_NEEDED = ("departement", "indicateur_id", "annee", "nature", "valeur", "unite")


@dataclass(frozen=True)
class LignePosition:
    """One harmonised ratio of the section (texts ready to show; "—" when missing)."""

    indicateur: str
    objectif: str
    valeur: str
    annee: str
    calcule: bool
    cible_nationale: str
    atteint: str
    mediane: str
    quartiles: str
    rang: str
    mediane_region: str
    quartiles_region: str
    rang_region: str
    phrase: str


@dataclass(frozen=True)
class Positionnement:
    """The section: where the collectivité stands, ratio by ratio.

    Attributes
    ----------
    region, ars : str
        Its region and the ARS signing its contract ("" when unknown).
    source : str
        The consolidated file's name.
    collectivites, collectivites_region : int
        Collectivités compared, in all and in the region (this one included).
    lignes : tuple of LignePosition
        One per harmonised ratio with a value; ``sans_valeur`` lists the others.
    sans_valeur : tuple of str
        Harmonised ratios the collectivité gives no value for.
    """

    region: str
    ars: str
    source: str
    collectivites: int
    collectivites_region: int
    lignes: tuple[LignePosition, ...]
    sans_valeur: tuple[str, ...]


def load_consolidated_rows(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``consolide.parquet`` or ``consolide.csv`` of a batch.

    A batch hands its reports the ratios it computed once for every collectivité
    (:data:`~snppe_report.analysis.peers.VALUE_COLUMNS`, a parquet of its private
    folder) instead: such a file is read as it is.

    Raises
    ------
    InputError
        Missing or unreadable file, or one without the tidy columns.
    """
    found = Path(path).expanduser()
    if not found.is_file():
        raise InputError("données consolidées introuvables", file=found)
    try:
        if found.suffix.lower() == ".csv":
            rows = pd.read_csv(found, dtype={"departement": str, "brut": str})
        else:
            rows = pd.read_parquet(found)
    except Exception as exc:  # pyarrow and pandas raise many kinds
        raise InputError(f"données consolidées illisibles : {exc}", file=found) from exc
    if _is_values(rows):
        return rows
    lacking = [c for c in _NEEDED if c not in rows.columns]
    if lacking:
        raise InputError(f"données consolidées sans les colonnes {', '.join(lacking)}", file=found)
    return rows


def _is_values(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` holds ratios (:func:`ratio_values`) rather than tidy cells."""
    return set(VALUE_COLUMNS) <= set(frame.columns) and "nature" not in frame.columns


def positionnement(
    rows: pd.DataFrame, others: pd.DataFrame, code: str, annee: int, source: str = ""
) -> Positionnement:
    """The section's view for one collectivité.

    Parameters
    ----------
    rows : DataFrame
        The report's tidy rows (its own figures).
    others : DataFrame
        Consolidated rows of the batch, or the ratios the batch computed from them
        (:func:`~snppe_report.analysis.peers.ratio_values`); those of ``code``, if any,
        are replaced by ``rows``.
    code : str
        The collectivité.
    annee : int
        Campaign year: values of later years are ignored.
    source : str
        Name of the consolidated file, quoted in the section.
    """
    peers = others if _is_values(others) else ratio_values(others, annee)
    peers = peers[(peers["departement"].astype(str) != str(code)) & (peers["annee"] <= annee)]
    values = pd.concat(
        [peers, ratio_values(rows.assign(departement=str(code)), annee)], ignore_index=True
    )
    place = positioning(values, str(code), annee)
    lignes = tuple(_line(p, place.region) for p in place.placements if p.valeur is not None)
    missing = tuple(p.indicateur for p in place.placements if p.valeur is None)
    return Positionnement(
        region=place.region, ars=place.ars, source=source,
        collectivites=place.collectivites, collectivites_region=place.collectivites_region,
        lignes=lignes, sans_valeur=missing,
    )  # fmt: skip


def _pct(value: float | None) -> str:
    return format_percent(value, 1) if value is not None else "—"


def _rank(spread: Spread) -> str:
    if spread.rang is None:
        return "—"
    first = "1er" if spread.rang == 1 else f"{spread.rang}e"
    return f"{first} sur {spread.effectif}"


def _quartiles(spread: Spread) -> str:
    return f"{_pct(spread.q1)} – {_pct(spread.q3)}" if spread.q1 is not None else "—"


def _line(p: Placement, region: str) -> LignePosition:
    reached = {True: "oui", False: "non", None: "—"}[p.atteint]
    return LignePosition(
        indicateur=p.indicateur, objectif=p.objectif, valeur=_pct(p.valeur),
        annee=str(p.annee), calcule=p.calcule,
        cible_nationale=_pct(p.cible_nationale) if p.cible_nationale is not None else "—",
        atteint=reached, mediane=_pct(p.national.mediane), quartiles=_quartiles(p.national),
        rang=_rank(p.national), mediane_region=_pct(p.regional.mediane),
        quartiles_region=_quartiles(p.regional), rang_region=_rank(p.regional),
        phrase=_sentence(p, region),
    )  # fmt: skip


def _sentence(p: Placement, region: str) -> str:
    """A French sentence made of the figures, e.g. for the PDF reader and alt texts."""
    n = p.national
    side = ""
    if n.mediane is not None and n.effectif > 1:
        gap = (p.valeur - n.mediane) * 100
        if abs(gap) < 0.05:
            side = ", au niveau de la médiane nationale"
        else:
            where = "au-dessus" if gap > 0 else "en dessous"
            points = f"{abs(gap):.1f}".replace(".", ",")
            side = f", {points} point{'s' if abs(gap) >= 2 else ''} {where} de la médiane nationale"
    text = (
        f"{_pct(p.valeur)} en {p.annee}{' (calculé)' if p.calcule else ''} : "
        f"{_rank(n)} collectivité{'s' if n.effectif > 1 else ''} ayant une valeur "
        f"{p.annee}{side}"
    )
    if p.regional.rang is not None and region:
        text += f" ; {_rank(p.regional)} en {region}"
    if p.atteint is not None:
        text += " ; cible nationale atteinte" if p.atteint else " ; cible nationale non atteinte"
    return text + "."
