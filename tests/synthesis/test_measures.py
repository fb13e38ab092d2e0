"""Progress, regions and statuses across collectivités (snppe_report.synthesis.measures)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from snppe_report.synthesis.measures import (
    NO_STATUS,
    by_region,
    progress,
    ranking,
    status_counts,
)


def _ratios(*items):
    """latest_ratios-like rows from (departement, annee, valeur)."""
    return pd.DataFrame({
        "departement": [i[0] for i in items], "annee": [i[1] for i in items],
        "valeur": [i[2] for i in items], "est_calcule": False,
        "calcule": [i[2] for i in items], "coherent": True,
    })  # fmt: skip


@pytest.fixture
def table():
    latest = _ratios(("59", 2022, 0.22), ("62", 2022, 0.15), ("13", 2022, 0.30), ("48", 2019, 0.1))
    series = _ratios(("59", 2019, 0.10), ("62", 2019, 0.18), ("13", 2019, 0.30), ("48", 2019, 0.1))
    statuses = pd.DataFrame({"departement": ["59", "13"], "statut": ["atteint", "en recul"]})
    return ranking(latest, series, target=0.2, statuses=statuses, names={"59": "Nord"})


def test_ranking_best_first_with_progress_and_status(table):
    assert list(table["code"]) == ["13", "59", "62", "48"]
    row = table.set_index("code")
    assert row.loc["59", "nom"] == "Nord" and row.loc["62", "nom"] == "62"
    assert row.loc["59", "evolution"] == pytest.approx(0.12) and row.loc["59", "progresse"]
    assert row.loc["62", "evolution"] == pytest.approx(-0.03) and not row.loc["62", "progresse"]
    assert math.isnan(row.loc["48", "evolution"])  # its latest value is from 2019
    assert row.loc["59", "atteint"] and not row.loc["62", "atteint"]
    assert row.loc["59", "region"] == "Hauts-de-France"
    assert row.loc["62", "statut"] == NO_STATUS


def test_ranking_of_an_indicator_going_down():
    latest = _ratios(("01", 2022, 5.0), ("02", 2022, 2.0))
    series = _ratios(("01", 2019, 6.0), ("02", 2019, 1.0))
    table = ranking(latest, series, target=3.0, direction="baisse")
    assert list(table["code"]) == ["02", "01"]
    assert list(table["atteint"]) == [True, False]
    assert list(table["progresse"]) == [False, True]


def test_progress(table):
    assert progress(table) == {
        "comparables": 3, "progressent": 1, "reculent": 1, "stables": 1,
        "evolution_mediane": pytest.approx(0.0),
    }  # fmt: skip
    assert progress(table.iloc[0:0])["evolution_mediane"] is None


def test_by_region_counts_collectivites_without_value(table):
    regions = by_region(table, ["59", "62", "13", "48", "80"]).set_index("region")
    hdf = regions.loc["Hauts-de-France"]
    assert (hdf["collectivites"], hdf["renseignees"], hdf["atteignent"]) == (3, 2, 1)
    assert hdf["ars"] == "ARS Hauts-de-France"
    assert hdf["mediane"] == pytest.approx(0.185)
    assert hdf["evolution_mediane"] == pytest.approx(0.045)
    assert list(regions.index) == ["Hauts-de-France", "Occitanie", "Provence-Alpes-Côte d'Azur"]


def test_status_counts_in_the_rules_order():
    statuses = pd.DataFrame({"departement": ["01", "02", "03", "04"],
                             "statut": ["en recul", "atteint", "autre", "atteint"]})  # fmt: skip
    counts = status_counts(statuses, ["01", "02", "03", "04", "05"], ("atteint", "en recul"))
    assert list(counts.items()) == [("atteint", 2), ("en recul", 1), ("autre", 1), (NO_STATUS, 1)]
