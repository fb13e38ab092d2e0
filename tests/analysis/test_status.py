"""The statut rules (attainment, Eurostat paces, texts, reasons), on the seeds' figures."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snppe_report.analysis.status import (
    COUNTED,
    LATE,
    STATUTS,
    Observation,
    attainment_rate,
    compute_status,
    qualitative_level,
    status_rules,
)
from snppe_report.read.values import parse_value


def obs(annee, text):
    """An Observation from a cell text, as the tidy table types it."""
    parsed = parse_value(text)
    return Observation(annee, parsed.valeur, parsed.unite, text, parsed.statut, f"X!A{annee}")


def judge(diag, latest, target, direction="hausse", implied=frozenset()):
    return compute_status(
        obs(*diag) if diag else None,
        obs(*latest) if latest else None,
        obs(*target) if target else None,
        direction,
        implied,
    )


def test_the_statuses_and_their_groups():
    assert STATUTS == ("atteint", "en bonne voie", "en retard", "en recul", "non atteint",
                       "non évaluable", "contexte")  # fmt: skip
    assert "contexte" not in COUNTED and len(COUNTED) == 6
    assert LATE == ("en retard", "en recul", "non atteint")


# -- compute_status: a table of cases ---------------------------------------------------
@pytest.mark.parametrize(
    ("diag", "latest", "target", "direction", "statut", "words"),
    [
        # seed 000 EPP: 3,6 % -> 10 % (2019 -> 2022), target 15 % in 2023: +2,1 points a
        # year observed against +5 points needed in one year
        ((2019, "3,6%"), (2022, "10%"), (2023, "15%"), "hausse", "en retard",
         "rythme observé +2,1 pts par an"),
        # the pace suffices: 940 -> 997,5 hours, 2,5 more in one year
        ((2019, "940 heures"), (2022, "997,5 heures"), (2023, "1000 heures"), "hausse",
         "en bonne voie", "rythme requis +2,5 heures par an"),
        # exactly the pace needed: 0 -> 12 in three years, 16 next year (4 a year both)
        ((2019, "0"), (2022, "12"), (2023, "16"), "hausse", "en bonne voie", "100 %"),
        # 83 % of the pace needed is late (threshold 95 %)
        ((2019, "0"), (2022, "10"), (2023, "14"), "hausse", "en retard", "83 %"),
        # no movement at all is late: 0 agents trained against 2
        ((2019, "0"), (2022, "0"), (2023, "2"), "hausse", "en retard", "0 % du rythme"),
        # moving away beyond the band
        ((2019, "5,2%"), (2022, "4,6%"), (2023, "20%"), "hausse", "en recul", "s'éloigne"),
        # within the band (0,5 point): late, not receding
        ((2019, "5,2%"), (2022, "4,9%"), (2023, "20%"), "hausse", "en retard", "rythme"),
        # a delay: lower is better
        ((2019, "6 mois"), (2021, "4 mois"), (2022, "3 mois"), "baisse", "en bonne voie",
         "-1,0 mois par an"),
        ((2019, "6 mois"), (2021, "5,5 mois"), (2022, "3 mois"), "baisse", "en retard",
         "rythme requis -2,5 mois par an"),
        ((2019, "6 mois"), (2021, "7 mois"), (2022, "3 mois"), "baisse", "en recul", "7 mois"),
        ((2019, "6 mois"), (2021, "2,5 mois"), (2022, "3 mois"), "baisse", "atteint", "≤"),
        # attained
        ((2019, "61"), (2022, "124"), (2023, "120"), "hausse", "atteint", "≥"),
        ((2019, "66"), (2022, "66"), (2023, "66"), "hausse", "atteint", "66"),
        (None, (2022, "19"), (2023, "15"), "hausse", "atteint", "19 en 2022"),
        # the target's year has passed
        ((2019, "33"), (2021, "32"), (2021, "40"), "hausse", "non atteint",
         "année de la cible passée"),
        # a start in another unit is no start; the target's year is still passed
        ((2019, "4"), (2022, "4,6%"), (2021, "5%"), "hausse", "non atteint", "4,6 %"),
        ((2019, "10%"), (2022, "4,6%"), (2021, "5%"), "hausse", "non atteint", "passée"),
        # one point only: no pace
        (None, (2022, "12"), (2023, "16"), "hausse", "non évaluable", "une seule valeur"),
        ((2022, "12"), (2022, "12"), (2023, "16"), "hausse", "non évaluable",
         "une seule valeur"),
        # missing target or value
        ((2019, "3,04%"), (2022, "4,48%"), None, "hausse", "non évaluable",
         "aucune cible de la collectivité"),
        ((2019, "3,04%"), None, (2023, "15%"), "hausse", "non évaluable", "aucune valeur"),
        # mixed units: a rate target on a count row, unit words on one side only
        ((2019, "2917"), (2019, "2917"), (2021, "95,00 %"), "hausse", "non évaluable",
         "(nombre) et cible 2021 « 95,00 % » (pourcentage)"),
        (None, (2022, "32"), (2023, "10 familles"), "hausse", "non évaluable",
         "unités différentes, valeur 2022 « 32 » (nombre) et cible 2023 « 10 familles » "
         "(famille)"),
        ((2019, "940 heures"), (2022, "997,5 heures"), (2023, "1000"), "hausse",
         "non évaluable", "(heure)"),
        ((2019, "250 enfants repérés"), (2020, "260 enfants"), (2021, "80"), "hausse",
         "non évaluable", "(enfant)"),
        ((2019, "6 mois"), (2021, "4,5 mois"), (2022, "3 jours"), "baisse", "non évaluable",
         "(mois) et cible 2022 « 3 jours » (jour)"),
        # words that are no unit
        ((2019, "16997 dont 8374 de moins de 2 ans"), (2022, "17500"), (2023, "20000"),
         "hausse", "en retard", "rythme"),
        ((2019, "0"), (2022, "0, à défaut de places à l'ENPJJ"), (2023, "2"), "hausse",
         "en retard", "0 % du rythme"),
        # texts
        ((2019, "SO"), (2022, "Protocole signé"), (2023, "Protocole signé"), "hausse",
         "atteint", "identique"),
        ((2019, "SO"), (2022, "Objectif atteint depuis le 01/09/2021"), (2023, "Réalisé"),
         "hausse", "atteint", "niveau réalisé"),
        ((2019, "SO"), (2022, "En cours"), (2023, "100%"), "hausse", "en bonne voie",
         "niveau en cours, avant l'échéance"),
        ((2019, "SO"), (2022, "Non réalisé en 2022"), (2023, "Réalisé"), "hausse",
         "en retard", "niveau non réalisé"),
        ((2019, "SO"), (2022, "Non réalisé en 2022"), (2022, "Réalisé"), "hausse",
         "non atteint", "passée"),
        ((2019, "SO"), (2022, "En cours"), (2021, "Réalisé"), "hausse", "non atteint",
         "passée"),
        # nothing done where something is due
        ((2019, "0"), (2020, "0 (COVID)"), (2021, "Prestation d'accompagnement"), "hausse",
         "en retard", "rien de réalisé"),
        ((2019, "5"), (2022, "8"), (2023, "Réalisé"), "hausse", "non évaluable",
         "la cible est un texte et la valeur un nombre"),
        ((2019, "SO"), (2022, "436 mineurs 14 majeurs"), (2023, "440 mineurs 17 majeurs"),
         "hausse", "non évaluable", "textes non comparables"),
        ((2019, ""), (2020, "Programmation prévisionnelle"), (2020, "9 PMI"), "hausse",
         "non évaluable", "textes non comparables"),
    ],
)  # fmt: skip
def test_compute_status(diag, latest, target, direction, statut, words):
    status = judge(diag, latest, target, direction)
    assert status.statut == statut, status.raison
    assert words in status.raison
    assert status.raison.startswith(statut[:1].upper() + statut[1:] + " : ")


def test_paces_are_signed_in_the_unit_per_year():
    status = judge((2019, "6 mois"), (2021, "5,5 mois"), (2022, "3 mois"), "baisse")
    assert status.rythme_observe == pytest.approx(-0.25)
    assert status.rythme_requis == pytest.approx(-2.5)
    epp = compute_status(
        Observation(2019, 278 / 7688, "pourcentage", "3,6 %"),
        Observation(2022, 700 / 7237, "pourcentage", "10 %"),
        Observation(2023, 0.15, "pourcentage", "15 %"),
    )
    assert epp.statut == "en retard"
    assert epp.rythme_observe == pytest.approx((700 / 7237 - 278 / 7688) / 3)
    assert epp.rythme_requis == pytest.approx(0.15 - 700 / 7237)
    assert epp.raison == (
        "En retard : rythme observé +2,0 pts par an (de 3,62 % en 2019 à 9,67 % en 2022), "
        "rythme requis +5,3 pts par an (cible 2023 : 15 %), soit 38 % du rythme requis "
        "(seuil 95 %). Calcul sur les valeurs exactes des cellules (3,62 % affiché 3,6 % ; "
        "9,67 % affiché 10 %)."
    )


def test_a_bare_number_takes_the_unit_its_label_names():
    """ "Nombre de familles…": 19 families against "15 familles" compare."""
    implied = frozenset({"nombre", "famille"})
    status = judge((2019, "0"), (2022, "19"), (2023, "15 familles"), "hausse", implied)
    assert status.statut == "atteint"
    assert judge((2019, "0"), (2022, "19"), (2023, "15 familles")).statut == "non évaluable"


def test_figures_given_in_a_unit_column_are_not_called_rounded():
    """41 on a row whose unit column says % is 41 %, exactly what the cell shows."""
    status = compute_status(
        Observation(2019, 0.41, "pourcentage", "41"),
        Observation(2022, 0.52, "pourcentage", "52"),
        Observation(2023, 0.70, "pourcentage", "70"),
    )
    assert "valeurs exactes" not in status.raison
    assert status.statut == "en retard"  # +3,7 points a year, +18 needed in one year
    assert "+3,7 pts par an" in status.raison and "+18,0 pts par an" in status.raison


_VALUES = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(_VALUES, _VALUES, _VALUES)
def test_a_falling_indicator_mirrors_a_rising_one(start, latest, target):
    up = compute_status(Observation(2019, start), Observation(2022, latest),
                        Observation(2023, target), "hausse")  # fmt: skip
    down = compute_status(Observation(2019, -start), Observation(2022, -latest),
                          Observation(2023, -target), "baisse")  # fmt: skip
    assert up.statut == down.statut and up.statut in STATUTS
    assert up.raison and down.raison
    if latest >= target:
        assert up.statut == "atteint"
    else:
        assert up.statut in ("en bonne voie", "en retard", "en recul")


@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=20))
def test_any_texts_get_a_status_and_a_reason(latest, target, diagnostic):
    status = compute_status(
        Observation(2019, None, "texte", diagnostic, "texte"),
        Observation(2022, None, "texte", latest, "texte"),
        Observation(2023, None, "texte", target, "texte"),
    )
    assert status.statut in COUNTED and status.raison


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Protocole signé", 2), ("oui", 2), ("<p>Réalisé</p>", 2), ("100 %", 2),
        ("Objectif atteint depuis le 01/09/2021", 2), ("En cours", 1),
        ("Partiellement réalisé", 1), ("Non réalisé en 2022", 0), ("Non", 0),
        ("Non communiqué par le PCPE", None), ("4 réunions CDPE partenaires", None), ("", None),
    ],
)  # fmt: skip
def test_qualitative_level(text, level):
    assert qualitative_level(text) == level


@pytest.mark.parametrize(
    ("diagnostic", "latest", "target", "direction", "expected"),
    [
        (0.036, 0.10, 0.15, "hausse", 0.5614),
        (6.0, 4.5, 3.0, "baisse", 0.5),
        (6.0, 3.0, 3.0, "baisse", 1.0),
        (10.0, 12.0, 10.0, "hausse", 1.0),  # diagnostic == target, still met
        (10.0, 8.0, 10.0, "hausse", None),  # diagnostic == target, lost
        (2.0, 4.0, 3.0, "baisse", None),
        (0.0, 0.0, 10.0, "hausse", 0.0),
        (None, 0.1, 0.2, "hausse", None),
        (0.1, None, 0.2, "hausse", None),
    ],
)
def test_attainment_rate(diagnostic, latest, target, direction, expected):
    rate = attainment_rate(diagnostic, latest, target, direction)
    assert rate == (None if expected is None else pytest.approx(expected, abs=1e-4))


# -- annex ------------------------------------------------------------------------------
def test_status_rules_print_the_thresholds():
    sentences = status_rules()
    text = " ".join(sentences)
    assert all(isinstance(s, str) and s.endswith(".") for s in sentences)
    assert "{" not in text and "  " not in text
    for expected in ("95 %", "Eurostat", "2 %", "0,5 point", "0,1 point", "2019", "2022",
                     "« délai »", "mois ou jours", "« cohorte »", "familles"):  # fmt: skip
        assert expected in text, expected
    starts = {s.split(" : ")[0] for s in sentences}
    assert {"Atteint", "Non atteint", "En bonne voie", "En recul", "En retard"} <= starts


def test_a_sans_objet_counted_as_zero_says_so():
    """The series count a 2019 "SO" as 0 for an indicator going up: a reason never shows
    a bare 0 the workbook does not hold."""
    so = Observation(2019, 0.0, "nombre", "SO", "SO", "Tableau de bord!D38")
    assert so.shown() == "0 (sans objet)"
    assert Observation(2019, 0.0, "nombre", "0").shown() == "0"
    status = compute_status(so, Observation(2022, 10.0), Observation(2023, 14.0))
    assert "de 0 (sans objet) en 2019 à 10 en 2022" in status.raison
