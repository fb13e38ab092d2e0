"""The public per-indicator table on both examples, status counts and late items."""

from __future__ import annotations

import pandas as pd
import pytest

from snppe_report.analysis.indicators import (
    COLUMNS,
    check_campaign_year,
    indicator_frames,
    indicator_table,
    late_items,
    status_counts,
)
from snppe_report.analysis.status import COUNTED, STATUTS
from snppe_report.exceptions import ParameterError
from snppe_report.read.table import extract

from ..conftest import EXAMPLE_2021, EXAMPLE_2023


@pytest.fixture(scope="module")
def haut_rhin():
    return extract(EXAMPLE_2023)


@pytest.fixture(scope="module")
def table_68(haut_rhin) -> pd.DataFrame:
    return indicator_table(haut_rhin)


@pytest.fixture(scope="module")
def table_2021() -> pd.DataFrame:
    return indicator_table(extract(EXAMPLE_2021, "39"))


def row_of(table: pd.DataFrame, label_start: str) -> pd.Series:
    found = table[table["indicateur"].str.startswith(label_start)]
    assert len(found) == 1, label_start
    return found.iloc[0]


def test_exactly_the_contract_columns(table_68, table_2021):
    assert COLUMNS == (
        "departement", "indicateur_id", "indicateur", "unite", "sens", "depart_annee",
        "depart_valeur", "dernier_annee", "dernier_valeur", "cible_annee", "cible_valeur",
        "statut", "raison", "tendance", "rythme_observe", "rythme_requis", "cible_nationale",
        "position_nationale", "constats", "sources",
    )  # fmt: skip
    for table in (table_68, table_2021):
        assert tuple(table.columns) == COLUMNS
        assert set(table["statut"]) <= set(STATUTS)
        assert table["raison"].str.len().gt(0).all()  # every status says why
        assert set(table["tendance"]) <= {"hausse", "stable", "baisse", ""}
        assert set(table["position_nationale"]) <= {"au niveau", "en dessous", ""}
        assert str(table["dernier_annee"].dtype) == "Int64"
        assert table["dernier_valeur"].dtype == "float64"
    assert set(table_68["departement"]) == {"68"} and set(table_2021["departement"]) == {"39"}


@pytest.mark.parametrize(
    ("label", "statut", "words"),
    [
        ("Part des femmes enceintes", "en retard", "rythme requis +5,3 pts par an"),
        ("Nombre d'agents formés sur la période", "en retard", "0 % du rythme requis"),
        ("Nombre de places créées en centre parental", "non évaluable", "unités différentes"),
        ("Nombre de naissances vivantes", "contexte", "dénominateur"),
        ("Cohorte d'enfants de 3-4 ans", "contexte", "Contexte"),
        ("Constitution du groupe d'enfants", "en retard", "non réalisé"),
        ("Nombre de vacations de psychologues", "en bonne voie", "heures par an"),
        ("Intégration des fiches actions", "en bonne voie", "en cours"),
        ("Part des femmes ayant bénéficié d'une VAD", "non évaluable", "aucune cible"),
    ],
)  # fmt: skip
def test_haut_rhin_statuses(table_68, label, statut, words):
    row = row_of(table_68, label)
    assert row["statut"] == statut, row["raison"]
    assert words in row["raison"]


def test_haut_rhin_epp_share(table_68):
    epp = row_of(table_68, "Part des femmes enceintes")
    assert (epp["depart_annee"], epp["dernier_annee"], epp["cible_annee"]) == (2019, 2022, 2023)
    assert epp["cible_valeur"] == 0.15 and epp["cible_nationale"] == 0.20
    assert epp["rythme_observe"] == pytest.approx((700 / 7237 - 278 / 7688) / 3)
    assert epp["rythme_requis"] == pytest.approx(0.15 - 700 / 7237)
    assert (epp["tendance"], epp["position_nationale"], epp["sens"]) == (
        "hausse", "en dessous", "hausse",
    )  # fmt: skip
    assert epp["sources"] == "Tableau de bord!D9, Tableau de bord!E9, Tableau de bord!F9"


def test_findings_are_given_on_their_indicator(table_68):
    assert "ratio_incoherent" in row_of(table_68, "Part des femmes ayant")["constats"]
    health = row_of(table_68, "Part des enfants de 3-4 ans")
    assert "pourcentage_dans_un_nombre" in health["constats"]
    assert health["dernier_valeur"] == pytest.approx(0.6334)
    assert "cible_absente" in health["constats"]
    assert row_of(table_68, "Nombre de session de formations")["constats"] == ""


def test_context_rows_are_never_counted(table_68, haut_rhin):
    details, _ = indicator_frames(haut_rhin)
    counts = status_counts(details)
    assert list(counts["Statut"]) == list(COUNTED)
    counted = int((details["statut"] != "contexte").sum())
    assert counts["Indicateurs"].sum() == counted < len(details)
    assert counts["Part des indicateurs"].sum() == pytest.approx(1.0)
    assert (table_68["statut"] == "contexte").sum() >= 8


def test_the_2021_example(table_2021):
    share = row_of(table_2021, "Part des enfants de 3-4 ans")
    assert (share["statut"], share["depart_annee"], share["dernier_annee"]) == (
        "atteint", 2019, 2019,
    )  # fmt: skip
    assert "valeur 2019" in share["raison"]
    assert share["position_nationale"] == "au niveau"
    assert row_of(table_2021, "Taux d'IP évalués sous 3 mois")["tendance"] == "hausse"
    tiers = row_of(table_2021, "Indicateur sans libellé (Structurer")
    assert tiers["statut"] == "non atteint"


def test_late_items_come_first_by_statut():
    table = pd.DataFrame({
        "statut": ["atteint", "non atteint", "en retard", "en recul", "en retard"],
        "ordre": [0, 1, 2, 3, 4], "indicateur": list("abcde"),
    })  # fmt: skip
    assert list(late_items(table)["indicateur"]) == ["c", "e", "d", "b"]


def test_status_counts_group_objectives_as_the_report_does():
    table = pd.DataFrame({
        "engagement": ["Engagement 2", "Engagement 2", "Engagement 4", "Engagement 4", "E"],
        "objectif": ["", "", "", "Favoriser l'autonomie", ""],
        "statut": ["en retard", "en retard", "en retard", "en retard", "contexte"],
    })  # fmt: skip
    counts = status_counts(table).set_index("Statut")
    assert counts.loc["en retard", "Objectifs concernés"] == 3
    assert counts["Indicateurs"].sum() == 4


def test_campaign_year_must_be_one_of_the_workbook(haut_rhin):
    assert check_campaign_year(haut_rhin, None) == 2023
    assert check_campaign_year(haut_rhin, 2022) == 2022
    for year in (2017, 2021, 2025):
        with pytest.raises(ParameterError) as error:
            check_campaign_year(haut_rhin, year)
        assert "années acceptées : 2019, 2022, 2023" in str(error.value)
        assert error.value.exit_code == 2
    outside = indicator_table(haut_rhin, 2025)
    assert outside["raison"][outside["statut"] != "contexte"].str.contains("hors des années").all()
