"""Tidy rows built by hand, as table.py makes them (shared by the pure-module tests)."""

from __future__ import annotations

import pandas as pd

from snppe_report.read.catalogue import indicator_id
from snppe_report.read.values import parse_value


def tidy(*indicators: tuple[str, str, dict], sheet: str = "TDB") -> pd.DataFrame:
    """Tidy rows as table.py makes them: (label, objectif, {(nature, year): cell text})."""
    records = []
    for line, (label, objectif, cells) in enumerate(indicators, start=10):
        for column, ((nature, annee), brut) in zip("DEFGHIJK", cells.items(), strict=False):
            parsed = parse_value(brut)
            records.append({
                "departement": "68", "engagement": "Engagement 1", "objectif": objectif,
                "mesure": "", "indicateur": label, "indicateur_id": indicator_id(label),
                "annee": annee, "nature": nature, "brut": brut, "valeur": parsed.valeur,
                "unite": parsed.unite, "statut": parsed.statut, "note": parsed.note,
                "source": f"{sheet}!{column}{line}", "ordre": len(records),
                "objectif_num": pd.NA, "facultatif": False, "ligne": line,
            })  # fmt: skip
    return pd.DataFrame(records).astype({"valeur": "float64"})


def cells(**by_key: str) -> dict:
    """v2019="7 688", c2023="15%" -> {("valeur", 2019): "7 688", ("cible", 2023): "15%"}."""
    natures = {"v": "valeur", "c": "cible", "a": "atteinte"}
    return {(natures[key[0]], int(key[1:])): text for key, text in by_key.items()}
