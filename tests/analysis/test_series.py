"""Per-indicator series and judgements (indicator_details), on made-up and seed rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from snppe_report.analysis.series import DETAIL_COLUMNS, campaign_years, indicator_details
from snppe_report.analysis.status import STATUTS

from ..tidy_rows import cells, tidy
from .seed_rows import BILANS, CRIP, EPP, SEED_000, VAD, seed_000


def row_of(table: pd.DataFrame, label_start: str) -> pd.Series:
    found = table[table["indicateur"].str.startswith(label_start)]
    assert len(found) == 1, label_start
    return found.iloc[0]


@pytest.fixture(scope="module")
def table_000() -> pd.DataFrame:
    return indicator_details(seed_000(), 2023)


def test_columns_and_order(table_000):
    assert tuple(table_000.columns) == DETAIL_COLUMNS
    assert list(table_000["indicateur"]) == [label for label, _, _ in SEED_000]
    assert set(table_000["statut"]) <= set(STATUTS)
    assert table_000["raison"].str.len().gt(0).all()


def test_epp_share_is_late_with_its_paces(table_000):
    epp = row_of(table_000, "Part des femmes enceintes")
    assert (epp["statut"], epp["unite"], epp["direction"]) == ("en retard", "pourcentage",
                                                               "hausse")  # fmt: skip
    assert epp["rythme_observe"] == pytest.approx((0.10 - 0.036) / 3)
    assert epp["rythme_requis"] == pytest.approx(0.05)
    assert "rythme observé +2,1 pts par an" in epp["raison"]
    assert "rythme requis +5,0 pts par an" in epp["raison"]
    assert (epp["tendance"], epp["tendance_favorable"]) == ("hausse", True)
    assert epp["position_nationale"] == "en dessous"
    assert epp["ecart_national"] == pytest.approx(-0.10)
    assert epp["horizon_passe"] is True
    assert epp["cible_nationale_valeur"] == 0.20
    assert epp["sources"] == "TDB 2023!D12, TDB 2023!E12, TDB 2023!F12"


@pytest.mark.parametrize(
    ("label", "statut", "words"),
    [
        ("Nombre de naissances vivantes", "contexte", "dénominateur du taux"),
        ("Nombre d'entretiens du 4e mois", "contexte", "numérateur du taux"),
        ("Cohorte d'enfants de 3-4 ans", "contexte", "population ou cohorte"),
        ("Nombre d'enfants de 0 à 6 ans", "contexte", "dénominateur"),
        # a ratio's term is context only when the ratio is in the workbook
        ("Nombre d'IP évaluées", "non évaluable", "aucune cible"),
        ("Part d'enfants ayant bénéficié d'une VAD", "non évaluable", "aucune cible"),
        ("Nombre de vacations de psychologues", "en bonne voie", "heures par an"),
        ("Signature d'un nouveau protocole", "atteint", "Protocole signé"),
        ("Réalisation du protocole", "en bonne voie", "sans objet"),
        ("Intégration des fiches actions", "en bonne voie", "En cours"),
        ("Nombre d'enfants bénéficiant d'une double", "non évaluable", "non comparables"),
        ("Nombre de journées d'accueil réalisées par", "non évaluable", "une seule valeur"),
        ("Nombre de familles différentes", "atteint", "19 en 2022"),
        ("Constitution du groupe d'enfants", "en retard", "Non réalisé en 2022"),
        ("Nombre de réunions de l'ODPE", "atteint", "≤"),
        ("Actualisation des données chiffrées", "atteint", "oui"),
        ("Contribution du groupe", "non évaluable", "aucune cible"),
    ],
)  # fmt: skip
def test_seed_000_statuses(table_000, label, statut, words):
    row = row_of(table_000, label)
    assert row["statut"] == statut, row["raison"]
    assert words in row["raison"]


def test_a_share_typed_on_its_count_row_is_shown_on_the_ratio(table_000):
    """Seed 000: 44,52 % and 63,34 % sit on the "Nombre d'enfants… bilan" row."""
    rows = tidy(*SEED_000[3:5], (
        "Part des enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école "
        "maternelle réalisé par la PMI", BILANS, cells(v2019="ND", v2022="ND"),
    ), sheet="TDB 2023")  # fmt: skip
    share = row_of(indicator_details(rows, 2023), "Part des enfants de 3-4 ans")
    assert share["dernier_valeur"] == pytest.approx(0.6334)
    assert share["diagnostic"] == pytest.approx(0.4452)
    assert share["dernier_source"] == "TDB 2023!E11"
    assert share["repris"][2022].origine == "saisie sur la ligne du numérateur"
    assert "saisie sur la ligne du numérateur" in share["raison"]
    assert share["position_nationale"] == "en dessous"


def test_a_missing_ratio_is_computed_from_its_terms():
    rows = tidy(
        ("Nombre de naissances vivantes selon le domicile de la mère (source INSEE)", EPP,
         cells(v2019="7 688", v2022="7 237")),
        ("Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)", EPP,
         cells(v2019="278", v2022="700")),
        ("Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la "
         "PMI", EPP, cells(v2019="3,6%", v2022="ND", c2023="15%")),
    )  # fmt: skip
    epp = row_of(indicator_details(rows, 2023), "Part des femmes")
    assert epp["dernier_valeur"] == pytest.approx(700 / 7237)
    assert epp["repris"][2022].origine == "calculé"
    assert epp["dernier_source"] == "TDB!E11, TDB!E10"
    assert "Valeur 2022 calculée" in epp["raison"]
    assert epp["statut"] == "en retard"


def test_target_and_start_fallbacks():
    rows = tidy(
        ("Délai moyen d'évaluation des IP", CRIP,
         cells(v2020="6 mois", v2021="4,5 mois", c2020="6 mois", c2022="3 mois")),
        ("Nombre de places en villages d'enfants", "Fratries",
         cells(v2019="24", v2020="34", c2020="34")),
        ("Délai d'attente avant une place en lieu de vie", "Local",
         cells(v2019="8 mois", v2021="7 mois", c2021="6 mois")),
    )  # fmt: skip
    table = indicator_details(rows, 2021)
    delay = row_of(table, "Délai moyen")
    assert (delay["direction"], delay["cible_annee"], delay["statut"]) == (
        "baisse",
        2022,
        "en bonne voie",
    )
    assert "Pas de cible 2021 : cible 2022 retenue." in delay["raison"]
    assert "Pas de valeur 2019 : point de départ 2020." in delay["raison"]
    places = row_of(table, "Nombre de places")
    assert (places["cible_annee"], places["dernier_annee"], places["statut"]) == (
        2020, 2020, "atteint",
    )  # fmt: skip
    local_delay = row_of(table, "Délai d'attente")
    assert (local_delay["direction"], local_delay["statut"]) == ("baisse", "non atteint")


def test_a_status_resting_on_an_older_value_says_its_year():
    """Seed 001: the 3-4-year health checks 91 % in 2019 only, target 91 % in 2022."""
    rows = tidy(
        ("Part des enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école "
         "maternelle réalisé par la PMI", BILANS, cells(v2019="91,00 %", c2022="91,00 %")),
        ("Nombre de places en villages d'enfants", "Fratries", cells(v2019="0", v2021="0")),
    )  # fmt: skip
    share = row_of(indicator_details(rows, 2021), "Part des enfants")
    assert (share["statut"], share["valeur_ancienne"]) == ("atteint", 2019)
    assert "Statut établi sur la valeur 2019" in share["raison"]
    # the starting point shown is the 2019 value, even when it is the latest one
    assert (share["depart_annee"], share["diagnostic"]) == (2019, pytest.approx(0.91))
    assert share["tendance"] == ""


def test_a_campaign_year_outside_the_workbook_is_said():
    table = indicator_details(seed_000(), 2025)
    judged = table[table["statut"] != "contexte"]
    assert set(judged["statut"]) == {"non évaluable"}
    assert (
        judged["raison"]
        .str.startswith(
            "Non évaluable : campagne 2025 hors des années du classeur (2019, 2022, 2023)."
        )
        .all()
    )
    assert campaign_years(seed_000()) == (2019, 2022, 2023)


def test_local_population_rows_are_context():
    rows = tidy(
        ("Population des 0-17 ans du département", "Local", cells(v2019="120 000",
                                                                   v2022="110 000")),
        ("Nombre de mesures d'AEMO", "Local", cells(v2019="500", v2022="520", c2023="600")),
    )  # fmt: skip
    table = indicator_details(rows, 2023)
    assert list(table["statut"]) == ["contexte", "en retard"]
    assert row_of(table, "Population")["tendance"] == "baisse"
    assert row_of(table, "Population")["tendance_favorable"] is None


def test_same_indicator_under_two_objectives_gives_two_rows():
    rows = tidy(
        ("Nombre d'enfants de 0 à 6 ans (source INSEE)", VAD, cells(v2019="16997")),
        ("Nombre d'enfants de 0 à 6 ans (source INSEE)", "Consultations", cells(v2019="16997")),
    )  # fmt: skip
    table = indicator_details(rows, 2019)
    assert list(table["objectif"]) == [VAD, "Consultations"]
    assert set(table["indicateur_id"]) == {"enfants-0-6-ans"}


def test_empty_rows_give_an_empty_table():
    assert indicator_details(seed_000().iloc[0:0], 2023).empty


def test_rates_are_none_when_not_computable(table_000):
    row = row_of(table_000, "Contribution du groupe")
    assert row["taux_atteinte"] is None or math.isnan(row["taux_atteinte"])


def test_the_crip_delay_is_placed_against_its_national_maximum():
    rows = tidy(("Délai moyen d'évaluation des IP", CRIP,
                 cells(v2019="6 mois", v2021="4,5 mois", c2022="3 mois")))  # fmt: skip
    delay = indicator_details(rows, 2021).iloc[0]
    assert delay["indicateur_id"] == "crip-delai-evaluation"
    assert (delay["position_nationale"], delay["ecart_national"]) == ("en dessous", 1.5)
    assert "horizon 2022 à venir" in delay["position_texte"]
