"""Indicator table, recomputed ratios and status counts, on the seeds' figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from snppe_report.analysis.indicators import (
    RATIO_COLUMNS,
    TABLE_COLUMNS,
    indicator_table,
    recompute_ratios,
    status_counts,
)
from snppe_report.analysis.status import STATUTS

from ..tidy_rows import tidy


def y2023(v2019=None, v2022=None, c2023=None) -> dict:
    """The cells of a 2023 layout row (seed 000): 2019, 2022, target 2023."""
    cells = {("valeur", 2019): v2019, ("valeur", 2022): v2022, ("cible", 2023): c2023}
    return {key: text for key, text in cells.items() if text is not None}


EPP = "Atteindre à horizon 2022 un taux de couverture par la PMI d'au moins 20 % des EPP"
BILANS = "Faire progresser le nombre de bilans de santé en école maternelle"
VAD = "Permettre qu'à horizon 2022 au moins 15 % des enfants bénéficient de VAD"
CRIP = "Action 6: Renforcer les CRIP"
CONTROLE = "Action 8: Systématiser un volet maîtrise des risques"
ODPE = "Action 13: Renforcer l'ODPE"

SEED_000 = [
    ("Nombre de naissances vivantes selon le domicile de la mère (source INSEE)", EPP,
     y2023("7 688", "7 237")),
    ("Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)", EPP,
     y2023("278", "700")),
    ("Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la PMI",
     EPP, y2023("3,6%", "10%", "15%")),
    ("Cohorte d'enfants de 3-4 ans scolarisés en septembre N-1 (source Education nationale)",
     BILANS, y2023("8 329", "7 908")),
    ("Nombre d'enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école maternelle "
     "réalisé par la PMI (source DREES / CD)", BILANS, y2023("44,52%", "63,34%")),
    ("Nombre d'enfants de 0 à 6 ans (source INSEE)", VAD, y2023("50 805", "47 467")),
    ("Nombre d'enfants ayant bénéficié d'une VAD réalisée par une puéricultrice ou une "
     "infirmière de la PMI (source DREES / CD)", VAD, y2023("1 544", "2 127")),
    ("Part d'enfants ayant bénéficié d'une VAD réalisée par la PMI", VAD,
     y2023("3,04%", "4,48%")),
    ("Nombre d'IP évaluées", CRIP, y2023("ND", "1291")),
    ("Nombre de vacations de psychologues", CRIP,
     y2023("940 heures", "997,5 heures", "1000 heures")),
    ("Signature d'un nouveau protocole", "Action 7", y2023("SO", "Protocole signé",
                                                           "Protocole signé")),
    ("Réalisation du protocole", CONTROLE, y2023("SO", "80%", "100%")),
    ("Intégration des fiches actions au sein du schéma de protection de l'enfance", CONTROLE,
     y2023("SO", "En cours", "100%")),
    ("Nombre d'enfants bénéficiant d'une double prise en charge ASE/handicap effective",
     "Action 9.1", y2023("354 mineurs + 10 majeurs soit 21,4%", "436 mineurs 14 majeurs",
                         "440 mineurs 17 majeurs")),
    ("Nombre de journées d'accueil réalisées par l'association Millepatte", "Action 14",
     y2023("750", "ND", "1500")),
    ("Nombre de familles différentes accompagnées en centre parental renforcé diffus "
     "expérimental", "Action 15", y2023("SO", "19", "15")),
    ("Constitution du groupe d'enfants", "Engagement 3", y2023("SO", "Non réalisé en 2022",
                                                               "Réalisé")),
    ("Nombre de réunions de l'ODPE, comité de décision et de suivi", ODPE,
     y2023("3", "2", "2")),
    ("Actualisation des données chiffrées à l'échelle de la CeA", ODPE,
     y2023("SO", "oui", "oui")),
    ("Contribution du groupe à la conférence stratégique", "Action 12", y2023("SO", "SO")),
]  # fmt: skip


def seed_000() -> pd.DataFrame:
    return tidy(*SEED_000, sheet="TDB 2023")


def row_of(table: pd.DataFrame, label_start: str) -> pd.Series:
    found = table[table["indicateur"].str.startswith(label_start)]
    assert len(found) == 1, label_start
    return found.iloc[0]


# -- indicator_table on seed 000 -----------------------------------------------------------
@pytest.fixture(scope="module")
def table_000() -> pd.DataFrame:
    return indicator_table(seed_000(), 2023)


def test_table_columns_and_order(table_000):
    assert tuple(table_000.columns) == TABLE_COLUMNS
    assert len(table_000) == len(SEED_000)
    assert list(table_000["indicateur"]) == [label for label, _, _ in SEED_000]
    assert set(table_000["statut"]) <= set(STATUTS)
    assert table_000["explication"].str.len().gt(0).all()


def test_epp_in_progress(table_000):
    epp = row_of(table_000, "Part des femmes enceintes")
    assert epp["indicateur_id"] == "epp-part" and epp["harmonise"]
    assert (epp["unite"], epp["direction"]) == ("pourcentage", "hausse")
    assert epp["diagnostic"] == pytest.approx(0.036)
    assert (epp["diagnostic_brut"], epp["diagnostic_source"]) == ("3,6%", "TDB 2023!D12")
    assert (epp["dernier_annee"], epp["dernier_valeur"]) == (2022, pytest.approx(0.10))
    assert (epp["cible_annee"], epp["cible"], epp["cible_brut"]) == (2023, 0.15, "15%")
    assert epp["statut"] == "en progrès"
    assert epp["taux_atteinte"] == pytest.approx((0.10 - 0.036) / (0.15 - 0.036))
    assert "20 %" in epp["cible_nationale"]
    assert epp["valeurs"] == {2019: pytest.approx(0.036), 2022: pytest.approx(0.10)}
    assert epp["cibles"] == {2023: pytest.approx(0.15)}


@pytest.mark.parametrize(
    ("label", "statut", "taux", "words"),
    [
        ("Part d'enfants ayant bénéficié d'une VAD", "non évaluable", None, "Aucune cible"),
        ("Nombre de vacations de psychologues", "en progrès", 57.5 / 60, "heures"),
        ("Signature d'un nouveau protocole", "atteint", 1.0, "Protocole signé"),
        ("Réalisation du protocole", "en progrès", 0.8, "sans objet"),
        ("Intégration des fiches actions", "en progrès", None, "En cours"),
        ("Nombre d'enfants bénéficiant d'une double", "non évaluable", None, "non comparables"),
        ("Nombre de journées d'accueil réalisées par", "non évaluable", None, "ND en 2022"),
        ("Nombre de familles différentes", "atteint", 19 / 15, "19 en 2022"),
        ("Constitution du groupe d'enfants", "stable", None, "Non réalisé en 2022"),
        ("Nombre de réunions de l'ODPE", "atteint", 1.0, "≤"),
        ("Actualisation des données chiffrées", "atteint", 1.0, "oui"),
        ("Contribution du groupe", "non évaluable", None, "Aucune cible"),
        ("Nombre d'enfants de 3-4 ans ayant", "non évaluable", None, "ignorée"),
        ("Nombre d'IP évaluées", "non évaluable", None, "Aucune cible"),
    ],
)  # fmt: skip
def test_seed_000_statuses(table_000, label, statut, taux, words):
    row = row_of(table_000, label)
    assert row["statut"] == statut, row["explication"]
    assert words in row["explication"]
    if taux is None:
        assert row["taux_atteinte"] is None or math.isnan(row["taux_atteinte"])
    else:
        assert row["taux_atteinte"] == pytest.approx(taux)


def test_sans_objet_diagnostic_is_zero_for_a_rising_indicator(table_000):
    row = row_of(table_000, "Réalisation du protocole")
    assert (row["diagnostic"], row["diagnostic_brut"]) == (0.0, "SO")
    assert row["valeurs"] == {2019: None, 2022: pytest.approx(0.8)}
    assert row_of(table_000, "Nombre de réunions de l'ODPE")["direction"] == "baisse"


# -- indicator_table: years and fallbacks (seed 001, a 2021 layout) --------------------------
def test_target_and_start_fallbacks():
    rows = tidy(
        ("Délai moyen d'évaluation des IP", CRIP,
         {("valeur", 2020): "6 mois", ("valeur", 2021): "4,5 mois", ("cible", 2020): "6 mois",
          ("cible", 2022): "3 mois"}),
        ("Nombre de places en villages d'enfants", "Fratries",
         {("valeur", 2019): "24", ("valeur", 2020): "34", ("cible", 2020): "34"}),
        ("Délai d'attente avant une place en lieu de vie", "Local",
         {("valeur", 2019): "8 mois", ("valeur", 2021): "7 mois", ("cible", 2021): "6 mois"}),
        ("Cohorte d'enfants de 3-4 ans scolarisés en septembre N-1 (source Education "
         "nationale)", BILANS,
         {("valeur", 2019): "2917", ("valeur", 2020): "70,00 %", ("cible", 2020): "70,00 %",
          ("cible", 2021): "95,00 %", ("cible", 2022): "95,00 %"}),
    )  # fmt: skip
    table = indicator_table(rows, 2021)
    delay = row_of(table, "Délai moyen")
    assert (delay["direction"], delay["statut"], delay["cible_annee"]) == (
        "baisse", "en progrès", 2022,
    )  # fmt: skip
    assert delay["taux_atteinte"] == pytest.approx(0.5)
    assert "Pas de cible 2021 : cible 2022 retenue." in delay["explication"]
    assert "Pas de valeur 2019 : point de départ 2020." in delay["explication"]
    places = row_of(table, "Nombre de places")
    assert (places["cible_annee"], places["dernier_annee"], places["statut"]) == (
        2020, 2020, "atteint",
    )  # fmt: skip
    local_delay = row_of(table, "Délai d'attente")
    assert (local_delay["direction"], local_delay["statut"]) == ("baisse", "en progrès")
    cohort = row_of(table, "Cohorte")
    assert (cohort["statut"], cohort["cible_annee"], cohort["unite"]) == (
        "non évaluable", 2021, "nombre",
    )  # fmt: skip
    assert "pourcentage" in cohort["explication"] and "2020" in cohort["explication"]


def test_direction_of_local_durations():
    stacked = "Nombre d'IP entrantes / Nombre d'IP évaluées / Taux d'IP évalués sous 3 mois"
    rows = tidy(
        (stacked, CRIP, {("valeur", 2020): "6 mois", ("cible", 2020): "6 mois",
                         ("cible", 2021): "4,5 mois", ("cible", 2022): "3 mois"}),
        ("Durée moyenne d'accompagnement des jeunes majeurs", "Local",
         {("valeur", 2019): "6 mois", ("valeur", 2021): "7 mois", ("cible", 2021): "9 mois"}),
    )  # fmt: skip
    table = indicator_table(rows, 2021)
    crip = row_of(table, "Nombre d'IP entrantes")
    assert (crip["direction"], crip["statut"], crip["cible_annee"]) == (
        "baisse", "non évaluable", 2021,
    )  # fmt: skip
    assert "non atteinte" in crip["explication"]
    duration = row_of(table, "Durée moyenne")
    assert (duration["direction"], duration["statut"]) == ("hausse", "en progrès")


def test_same_indicator_under_two_objectives_gives_two_rows():
    rows = tidy(
        ("Nombre d'enfants de 0 à 6 ans (source INSEE)", VAD, {("valeur", 2019): "16997"}),
        ("Nombre d'enfants de 0 à 6 ans (source INSEE)", "Consultations",
         {("valeur", 2019): "16997"}),
    )  # fmt: skip
    table = indicator_table(rows, 2021)
    assert list(table["objectif"]) == [VAD, "Consultations"]
    assert set(table["indicateur_id"]) == {"enfants-0-6-ans"}


def test_empty_rows_give_an_empty_table():
    assert indicator_table(seed_000().iloc[0:0], 2023).empty


# -- recompute_ratios -------------------------------------------------------------------
def _ratios(*indicators) -> pd.DataFrame:
    return recompute_ratios(tidy(*indicators))


def test_seed_000_ratios_are_coherent():
    ratios = recompute_ratios(seed_000())
    assert tuple(ratios.columns) == RATIO_COLUMNS
    by_key = {(r.indicateur_id, r.annee): r for r in ratios.itertuples()}
    assert set(by_key) == {("epp-part", 2019), ("epp-part", 2022), ("vad-puer-part", 2019),
                           ("vad-puer-part", 2022)}  # fmt: skip
    for key, computed in {
        ("epp-part", 2019): 278 / 7688,
        ("vad-puer-part", 2019): 1544 / 50805,
        ("vad-puer-part", 2022): 2127 / 47467,
    }.items():
        assert by_key[key].ratio_calcule == pytest.approx(computed)
        assert by_key[key].coherent is True
    epp = by_key[("epp-part", 2019)]
    assert (epp.numerateur, epp.denominateur, epp.ratio_declare) == (278, 7688, 0.036)
    assert epp.ecart_points == pytest.approx(0.01602, abs=1e-4)
    assert epp.sources == "TDB 2023!D12, TDB 2023!D11, TDB 2023!D10"
    assert by_key[("epp-part", 2022)].coherent is True  # 700 / 7 237 = 9,67 % for "10 %"


STACKED_CRIP = [
    ("Nombre d'IP évaluées", CRIP, {("valeur", 2019): "718", ("valeur", 2021): "714"}),
    ("Nombre d'IP évaluées en moins de 3 mois", CRIP,
     {("valeur", 2019): "9", ("valeur", 2021): "146"}),
    ("Taux d'IP évalués sous 3 mois", CRIP,
     {("valeur", 2019): "1,30 %", ("valeur", 2021): "20,46 %"}),
]  # fmt: skip
ASE = "Garantir l'accompagnement de tous les enfants protégés en situation de handicap"


@pytest.mark.parametrize(
    ("numerator", "denominator", "reported", "coherent"),
    [
        ("278", "7 688", "3,6%", True),
        ("1 544", "50 805", "3,04%", True),
        ("2 127", "47 467", "4,48%", True),
        ("146", "714", "20,46 %", True),
        ("126", "175", "72,00 %", True),
        ("9", "718", "1,30 %", True),  # 1,25 %: "1,30" is one decimal, plus the tolerance
        ("278", "7 688", "3,62 %", True),
        ("278", "7 688", "3,8 %", False),  # 0,18 point > 0,05 + 0,1
        ("278", "7 688", "5,2%", False),
        ("82", "112", "73,40 %", False),  # 73,21 %
        ("89", "120", "74,00 %", True),  # 74,17 % against a whole number
        ("5", "0", "3 %", None),  # zero denominator
    ],
)
def test_ratio_coherence(numerator, denominator, reported, coherent):
    ratios = _ratios(
        ("Nombre d'enfants bénéficiant d'une mesure ASE et d'une notification MDPH", ASE,
         {("valeur", 2021): denominator}),
        ("Nombre d'enfants bénéficiant d'une double prise en charge ASE/handicap effective",
         ASE, {("valeur", 2021): numerator}),
        ("Part des enfants bénéficiant d'une double prise en charge ASE/handicap effective",
         ASE, {("valeur", 2021): reported}),
    )  # fmt: skip
    (record,) = ratios.to_dict("records")
    assert record["coherent"] is coherent
    if coherent is None:
        assert record["ratio_calcule"] is None


def test_stacked_crip_ratios_of_seed_001():
    ratios = _ratios(*STACKED_CRIP)
    assert list(ratios["annee"]) == [2019, 2021]
    assert list(ratios["coherent"]) == [True, True]
    assert ratios["ratio_calcule"].tolist() == pytest.approx([9 / 718, 146 / 714])


def test_ratio_without_reported_value_and_percentage_terms():
    ratios = _ratios(
        ("Nombre de naissances vivantes selon le domicile de la mère (source INSEE)", EPP,
         {("valeur", 2019): "2 550 (2018)"}),
        ("Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)", EPP,
         {("valeur", 2019): "255"}),
        ("Cohorte d'enfants de 3-4 ans scolarisés en septembre N-1", BILANS,
         {("valeur", 2019): "8 329"}),
        ("Nombre d'enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école "
         "maternelle réalisé par la PMI (source DREES / CD)", BILANS,
         {("valeur", 2019): "44,52%"}),
    )  # fmt: skip
    (record,) = ratios.to_dict("records")
    assert (record["indicateur_id"], record["ratio_calcule"]) == ("epp-part", 0.1)
    assert record["ratio_declare"] is None and record["coherent"] is None


def test_terms_are_taken_from_the_ratio_objective():
    rows = tidy(
        ("Nombre d'enfants de 0 à 6 ans (source INSEE)", "Consultations",
         {("valeur", 2019): "99 999"}),
        ("Nombre d'enfants de 0 à 6 ans (source INSEE)", VAD, {("valeur", 2019): "50 805"}),
        ("Nombre d'enfants ayant bénéficié d'une VAD réalisée par la PMI", VAD,
         {("valeur", 2019): "1 544"}),
        ("Part d'enfants ayant bénéficié d'une VAD réalisée par la PMI", VAD,
         {("valeur", 2019): "3,04%"}),
    )  # fmt: skip
    (record,) = recompute_ratios(rows).to_dict("records")
    assert record["denominateur"] == 50805 and record["coherent"] is True


# -- counts ---------------------------------------------------------------------------------
def test_status_counts(table_000):
    counts = status_counts(table_000)
    assert list(counts.columns) == [
        "Statut", "Indicateurs", "Part des indicateurs", "Objectifs concernés",
    ]  # fmt: skip
    assert list(counts["Statut"]) == list(STATUTS)
    assert counts["Indicateurs"].sum() == len(table_000)
    assert counts["Part des indicateurs"].sum() == pytest.approx(1.0)
    atteint = counts.set_index("Statut").loc["atteint"]
    assert atteint["Indicateurs"] == 4 and atteint["Objectifs concernés"] == 3  # ODPE twice


def test_status_counts_of_an_empty_table():
    counts = status_counts(indicator_table(seed_000().iloc[0:0], 2023))
    assert counts["Indicateurs"].sum() == 0 and counts["Part des indicateurs"].sum() == 0


def test_indicators_without_objective_count_as_one_objective_per_engagement():
    """As the report groups them ("Objectif non précisé"), within their engagement."""
    table = pd.DataFrame({
        "engagement": ["Engagement 2", "Engagement 2", "Engagement 4", "Engagement 4"],
        "objectif": ["", "", "", "Favoriser l'autonomie"],
        "statut": ["en progrès", "en progrès", "en progrès", "en progrès"],
    })  # fmt: skip
    counts = status_counts(table).set_index("Statut")
    assert counts.loc["en progrès", "Objectifs concernés"] == 3
