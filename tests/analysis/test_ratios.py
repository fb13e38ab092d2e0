"""Harmonised ratios recomputed from their numerator and denominator."""

from __future__ import annotations

import pandas as pd
import pytest

from snppe_report.analysis.ratios import RATIO_COLUMNS, recompute_ratios

from ..tidy_rows import tidy
from .seed_rows import BILANS, CRIP, EPP, VAD, seed_000


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
