"""The consolidated data of a batch, by level: cells, indicators, collectivités.

Pure tables (no I/O) that :mod:`snppe_report.batch.spreadsheet` writes:

* :func:`cells_table`: the tidy cells of every collectivité (the ``snppe extract``
  contract plus ``fichier``) with the collectivité's name, region and fictive flag;
* :func:`collectivite_indicators`: the per-indicator table of one collectivité
  (the adapter over the analysis stage, see its docstring), and
  :func:`indicators_table` for every collectivité;
* :func:`collectivites_table`: one row per collectivité, with its region and ARS, its
  campaign, its headline ratios (:func:`snppe_report.analysis.peers.ratio_values`) and
  the count of its indicators by status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from snppe_report.analysis.indicators import COLUMNS as INDICATOR_TABLE_COLUMNS
from snppe_report.analysis.status import STATUTS
from snppe_report.batch.spreadsheet import Column, Sheet
from snppe_report.batch.spreadsheet import Column as C
from snppe_report.read.regions import region_of

__all__ = [
    "SHORT_LABELS",
    "INDICATOR_COLUMNS",
    "Member",
    "members_of",
    "cells_table",
    "collectivite_indicators",
    "indicators_table",
    "collectivites_table",
]

#: Short names of the harmonised ratios (column headers of the index and workbook).
SHORT_LABELS = {
    "epp-part": "EPP",
    "bilans-part": "Bilans 3-4 ans",
    "vad-sf-part-prenatal": "VAD SF prénatales",
    "vad-sf-part-postnatal": "VAD SF postnatales",
    "vad-puer-part": "VAD puéricultrices",
    "consultations-part": "Consultations infantiles",
    "crip-taux-3-mois": "IP évaluées en moins de 3 mois",
    "ase-handicap-part": "Double prise en charge ASE / handicap",
    "retour-domicile-part": "Retour à domicile accompagné",
}

_KINDS = {
    "departement": "département", "collectivite unique": "collectivité unique",
    "collectivite": "collectivité", "metropole": "métropole",
}  # fmt: skip

#: Columns of :func:`collectivite_indicators`: those of ``snppe indicateurs``.
INDICATOR_COLUMNS = INDICATOR_TABLE_COLUMNS


@dataclass(frozen=True)
class Member:
    """One collectivité of a batch, as the consolidated tables need it.

    Attributes
    ----------
    extraction : Extraction
        Its most recent workbook's extraction, with the merged rows of all its
        workbooks (``rows``).
    annee : int
        The campaign its statuses are computed for (the batch's ``--annee``, else its
        workbook's).
    fictive : bool
        Whether any of its workbooks holds fictive data.
    """

    extraction: Any
    annee: int
    fictive: bool

    @property
    def code(self) -> str:
        return str(self.extraction.collectivite.code)


def members_of(groups: Sequence[Any], annee: int | None = None) -> list[Member]:
    """The :class:`Member` of each batch group (``batch.plan.Group``)."""
    from dataclasses import replace

    out = []
    for group in groups:
        principal = group.members[group.principal][1]
        year = int(annee if annee is not None else principal.annee)
        out.append(Member(replace(principal, rows=group.rows), year, bool(group.fictive)))
    return out


def _facts(members: Sequence[Member]) -> pd.DataFrame:
    records = []
    for m in members:
        coll, region = m.extraction.collectivite, region_of(m.code)
        records.append({
            "departement": m.code, "collectivite": coll.nom,
            "region": region.nom if region else "", "fictif": m.fictive,
        })  # fmt: skip
    return pd.DataFrame.from_records(
        records, columns=["departement", "collectivite", "region", "fictif"]
    )


def cells_table(frame: pd.DataFrame, members: Sequence[Member]) -> pd.DataFrame:
    """The consolidated cells with ``collectivite`` (name), ``region`` and ``fictif``.

    Parameters
    ----------
    frame : DataFrame
        The consolidated rows (``consolide.csv``'s columns).
    members : sequence of Member
        The collectivités of the batch.
    """
    facts = _facts(members)
    out = frame.merge(facts, on="departement", how="left")
    out["collectivite"] = out["collectivite"].fillna(out["departement"])
    out["region"] = out["region"].fillna("")
    out["fictif"] = out["fictif"].eq(True)
    first = ["departement", "collectivite", "region"]
    return out[[*first, *(c for c in frame.columns if c not in first), "fictif"]]


def collectivite_indicators(extraction: Any, annee: int | None = None) -> pd.DataFrame:
    """One row per indicator of one collectivité: the table of ``snppe indicateurs``.

    :func:`snppe_report.analysis.indicators.indicator_table`, so that the consolidated
    workbook says what every report and the CLI say (statut and its reason, tendance,
    paces, position nationale, findings, cells).

    Parameters
    ----------
    extraction : Extraction
        The collectivité's extraction (merged rows of all its workbooks).
    annee : int, optional
        Campaign year; default the extraction's.
    """
    from snppe_report.analysis.indicators import indicator_table

    return indicator_table(extraction, int(annee if annee is not None else extraction.annee))


def indicators_table(members: Sequence[Member]) -> pd.DataFrame:
    """:func:`collectivite_indicators` of every collectivité, with name, region, fictive."""
    frames = [collectivite_indicators(m.extraction, m.annee) for m in members]
    frames = [f for f in frames if len(f)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=list(INDICATOR_COLUMNS)
    )  # fmt: skip
    facts = _facts(members)
    out = table.merge(facts, on="departement", how="left")
    first = ["departement", "collectivite", "region"]
    return out[[*first, *(c for c in table.columns if c not in first), "fictif"]]


def collectivites_table(
    members: Sequence[Member], indicators: pd.DataFrame, values: pd.DataFrame
) -> pd.DataFrame:
    """One row per collectivité: who, where, campaign, headline ratios, statuses.

    Parameters
    ----------
    members : sequence of Member
    indicators : DataFrame
        :func:`indicators_table` of the same members.
    values : DataFrame
        :func:`snppe_report.analysis.peers.ratio_values` of the consolidated rows.

    Returns
    -------
    DataFrame
        ``departement, collectivite, type, region_code, region, ars, campagne,
        classeurs, fictif``, then for each harmonised ratio ``<id>`` (latest value of a
        year <= the campaign) and ``<id>_annee``, then one column per status of
        :data:`~snppe_report.analysis.status.STATUTS`, ``indicateurs`` and
        ``part_atteints``.
    """
    from snppe_report.read.catalogue import load_catalogue

    ratios = [ind.id for ind in load_catalogue().ratios()]
    counts = indicators.groupby(["departement", "statut"]).size().unstack(fill_value=0)
    records = []
    for m in members:
        coll, region = m.extraction.collectivite, region_of(m.code)
        files = m.extraction.rows.get("fichier", pd.Series([Path(m.extraction.path).name]))
        record: dict[str, Any] = {
            "departement": m.code, "collectivite": coll.nom,
            "type": _KINDS.get(coll.kind, coll.kind),
            "region_code": region.code if region else "", "region": region.nom if region else "",
            "ars": region.ars if region else "", "campagne": m.annee,
            "classeurs": ", ".join(sorted(set(files.dropna().astype(str)))), "fictif": m.fictive,
        }  # fmt: skip
        mine = values[(values["departement"] == m.code) & (values["annee"] <= m.annee)]
        latest = mine.sort_values("annee", kind="stable").groupby("indicateur_id").tail(1)
        found = {r.indicateur_id: r for r in latest.itertuples(index=False)}
        for ident in ratios:
            row = found.get(ident)
            record[ident] = float(row.valeur) if row is not None else None
            record[f"{ident}_annee"] = int(row.annee) if row is not None else None
        total = 0
        for statut in STATUTS:
            n = (
                int(counts.loc[m.code, statut])
                if statut in counts and m.code in counts.index
                else 0
            )
            record[statut] = n
            total += n
        record["indicateurs"] = total
        record["part_atteints"] = record[STATUTS[0]] / total if total else None
        records.append(record)
    columns = [
        "departement", "collectivite", "type", "region_code", "region", "ars", "campagne",
        "classeurs", "fictif", *(c for i in ratios for c in (i, f"{i}_annee")), *STATUTS,
        "indicateurs", "part_atteints",
    ]  # fmt: skip
    out = pd.DataFrame.from_records(records, columns=columns)
    for ident in ratios:
        if f"{ident}_annee" in out:
            out[f"{ident}_annee"] = out[f"{ident}_annee"].astype("Int64")
    return out


# -- sheets -------------------------------------------------------------------------------


def consolidated_sheets(
    frame: pd.DataFrame, members: Sequence[Member], values: pd.DataFrame
) -> tuple[Sheet, ...]:
    """The sheets of ``consolide.xlsx``: cells, indicators, collectivités (French headers).

    Parameters
    ----------
    frame : DataFrame
        The consolidated rows.
    members : sequence of Member
        The collectivités of the batch.
    values : DataFrame
        :func:`snppe_report.analysis.peers.ratio_values` of ``frame``.

    Returns
    -------
    tuple of spreadsheet.Sheet
        "Collectivités", "Indicateurs", "Cellules".
    """
    from snppe_report.read.catalogue import load_catalogue

    indicators = indicators_table(members)
    summary = collectivites_table(members, indicators, values)
    ratio_columns = []
    for ind in load_catalogue().ratios():
        short = SHORT_LABELS.get(ind.id, ind.label)
        ratio_columns += [Column(ind.id, short, "pourcentage", 13),
                          Column(f"{ind.id}_annee", f"{short} (année)", "annee", 10)]  # fmt: skip
    statuses = [Column(s, f"Statut « {s} »", "entier", 11) for s in STATUTS]
    return (
        Sheet("Collectivités", "Une ligne par collectivité : région, ARS signataire, "
              "campagne, dernière valeur (année ≤ campagne) de chaque ratio harmonisé et "
              "nombre d'indicateurs par statut.", summary,
              (*WHO, Column("type", "Type", width=14),
               Column("region_code", "Code région", width=8),
               Column("ars", "ARS signataire", width=28),
               Column("campagne", "Campagne", "annee", 10),
               Column("classeurs", "Classeurs", width=34), *ratio_columns, *statuses,
               Column("indicateurs", "Indicateurs (total)", "entier", 11),
               Column("part_atteints", "Part des indicateurs atteints", "pourcentage", 12),
               FICTIVE)),
        Sheet("Indicateurs", "Une ligne par indicateur de chaque collectivité (tableau de "
              "« snppe indicateurs ») : point de départ, dernière valeur, cible, statut et "
              "sa raison.", indicators, (*WHO, *INDICATOR_SHEET, FICTIVE)),
        Sheet("Cellules", "Une ligne par cellule chiffrée des tableaux de bord (contrat de "
              "« snppe extract », comme consolide.csv), avec la collectivité et sa région.",
              cells_table(frame, members), (*WHO, *CELL_SHEET, FICTIVE)),
    )  # fmt: skip


#: Columns of the sheets (key, French header, kind, width).
WHO = (C("departement", "Code", width=7), C("collectivite", "Collectivité", width=28),
       C("region", "Région", width=24))  # fmt: skip
CELL_SHEET = (
    C("engagement", "Engagement", width=30), C("objectif", "Objectif", width=36),
    C("mesure", "Mesure", width=30), C("indicateur", "Indicateur", width=44),
    C("indicateur_id", "Identifiant de l'indicateur", width=22),
    C("annee", "Année", "annee", 8), C("nature", "Nature", width=9),
    C("brut", "Texte de la cellule", width=22), C("valeur", "Valeur", "valeur", 12),
    C("unite", "Unité", width=12), C("statut", "Statut de la cellule", width=10),
    C("note", "Note", width=24), C("source", "Cellule", width=18),
    C("fichier", "Classeur", width=30),
)  # fmt: skip
INDICATOR_SHEET = (
    C("indicateur_id", "Identifiant de l'indicateur", width=22),
    C("indicateur", "Indicateur", width=44), C("unite", "Unité", width=12),
    C("sens", "Sens", width=8), C("depart_annee", "Année de départ", "annee", 9),
    C("depart_valeur", "Valeur de départ", "valeur", 12),
    C("dernier_annee", "Dernière année", "annee", 9),
    C("dernier_valeur", "Dernière valeur", "valeur", 12),
    C("cible_annee", "Année de la cible", "annee", 9),
    C("cible_valeur", "Cible", "valeur", 12), C("statut", "Statut", width=13),
    C("raison", "Raison du statut", width=60), C("tendance", "Tendance", width=12),
    C("rythme_observe", "Rythme observé", "nombre", 11),
    C("rythme_requis", "Rythme requis", "nombre", 11),
    C("cible_nationale", "Cible nationale", "valeur", 12),
    C("position_nationale", "Position nationale", width=24),
    C("constats", "Constats", width=40), C("sources", "Cellules sources", width=24),
)  # fmt: skip


FICTIVE = C("fictif", "Données fictives", "booleen", 9)
