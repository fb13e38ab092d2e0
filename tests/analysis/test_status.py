"""Status rules, attainment and qualitative comparison, on the seeds' figures."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snppe_report.analysis.status import (
    STATUTS,
    Observation,
    attainment_rate,
    compare_qualitative,
    compute_status,
    status_rules,
)
from snppe_report.read.values import parse_value


def obs(annee, text):
    """An Observation from a cell text, as the tidy table types it."""
    parsed = parse_value(text)
    return Observation(annee, parsed.valeur, parsed.unite, text, parsed.statut, f"X!A{annee}")


# -- compute_status: a table of cases ---------------------------------------------------
@pytest.mark.parametrize(
    ("diag", "latest", "target", "direction", "statut", "taux"),
    [
        # seed 000 EPP: 3,6 % -> 10 %, target 15 %
        ((2019, "3,6%"), (2022, "10%"), (2023, "15%"), "hausse", "en progrès", 0.5614),
        # a delay: 6 months -> 4,5 months, target 3 months: lower is better
        ((2019, "6 mois"), (2021, "4,5 mois"), (2022, "3 mois"), "baisse", "en progrès", 0.5),
        ((2019, "6 mois"), (2021, "2,5 mois"), (2022, "3 mois"), "baisse", "atteint", 7 / 6),
        ((2019, "6 mois"), (2021, "7 mois"), (2022, "3 mois"), "baisse", "en recul", -1 / 3),
        ((2019, "61"), (2022, "124"), (2023, "120"), "hausse", "atteint", 63 / 59),
        ((2019, "66"), (2022, "66,5"), (2023, "80"), "hausse", "stable", 0.5 / 14),
        ((2019, "5,2%"), (2022, "4,6%"), (2023, "20%"), "hausse", "en recul", -0.6 / 14.8),
        ((2019, "5,2%"), (2022, "4,9%"), (2023, "20%"), "hausse", "stable", -0.3 / 14.8),
        ((2019, "3,04%"), (2022, "4,48%"), (2023, "15%"), "hausse", "en progrès", 0.1208),
        # diagnostic == target
        ((2019, "66"), (2022, "66"), (2023, "66"), "hausse", "atteint", 1.0),
        ((2019, "10"), (2022, "8"), (2023, "10"), "hausse", "en recul", None),
        # no earlier starting point: reached is still reached
        (None, (2022, "19"), (2023, "15"), "hausse", "atteint", 1.0),
        (None, (2022, "12"), (2023, "16"), "hausse", "non évaluable", None),
        ((2022, "12"), (2022, "12"), (2023, "16"), "hausse", "non évaluable", None),
        # a starting point in another unit is no starting point
        ((2019, "2917"), (2021, "60 %"), (2021, "95 %"), "hausse", "non évaluable", None),
        # missing target or value
        ((2019, "3,04%"), (2022, "4,48%"), None, "hausse", "non évaluable", None),
        ((2019, "3,04%"), None, (2023, "15%"), "hausse", "non évaluable", None),
        # a rate target on a count row: units differ
        ((2019, "2917"), (2019, "2917"), (2021, "95,00 %"), "hausse", "non évaluable", None),
        ((2019, "8 329"), (2022, "7 908"), (2023, "95 %"), "hausse", "non évaluable", None),
        # a number against a text target, and the reverse
        ((2019, "5"), (2022, "8"), (2023, "Réalisé"), "hausse", "non évaluable", None),
        # "100 %" target of a step: numeric, 0 (sans objet) -> 80 %
        ((2019, "0 %"), (2022, "80%"), (2023, "100%"), "hausse", "en progrès", 0.8),
        # texts
        ((2019, "SO"), (2022, "Protocole signé"), (2023, "Protocole signé"), "hausse",
         "atteint", 1.0),
        ((2019, "SO"), (2022, "En cours"), (2023, "100%"), "hausse", "en progrès", None),
        ((2019, "SO"), (2022, "Non réalisé en 2022"), (2023, "Réalisé"), "hausse", "stable",
         None),
        ((2019, "SO"), (2022, "436 mineurs 14 majeurs"), (2023, "440 mineurs 17 majeurs"),
         "hausse", "non évaluable", None),
    ],
)  # fmt: skip
def test_compute_status(diag, latest, target, direction, statut, taux):
    status = compute_status(
        obs(*diag) if diag else None,
        obs(*latest) if latest else None,
        obs(*target) if target else None,
        direction,
    )
    assert status.statut == statut, status.explication
    assert status.statut in STATUTS
    assert status.explication.strip()
    if taux is None:
        assert status.taux_atteinte is None
    else:
        assert status.taux_atteinte == pytest.approx(taux, abs=1e-3)


def test_explanations_say_why_in_french():
    units = compute_status(obs(2019, "2917"), obs(2020, "2917"), obs(2021, "95,00 %"))
    assert "pourcentage" in units.explication and "nombre" in units.explication
    assert compute_status(None, obs(2022, "3"), None).explication == (
        "Aucune cible n'est renseignée."
    )
    progress = compute_status(obs(2019, "3,6%"), obs(2022, "10%"), obs(2023, "15%"))
    assert progress.explication == (
        "De 3,6 % en 2019 à 10 % en 2022, vers la cible 2023 : 15 %, 56 % du chemin parcouru."
    )


def test_explanation_says_when_the_workbook_shows_rounded_figures():
    """Seed 000's EPP share: cells hold 278 / 7 688 and 700 / 7 237, shown "3,6 %" and
    "10 %". The rate is computed on the exact values (53 %, not the 56 % the displayed
    figures would give), and the explanation says so."""
    start = Observation(2019, 278 / 7688, "pourcentage", "3,6 %")
    latest = Observation(2022, 700 / 7237, "pourcentage", "10 %")
    target = Observation(2023, 0.15, "pourcentage", "15 %")
    status = compute_status(start, latest, target)
    assert status.explication == (
        "De 3,62 % en 2019 à 9,67 % en 2022, vers la cible 2023 : 15 %, 53 % du chemin "
        "parcouru. Calcul sur les valeurs exactes des cellules (3,62 % affiché 3,6 % ; "
        "9,67 % affiché 10 %)."
    )
    reached = compute_status(start, Observation(2022, 0.1504, "pourcentage", "15 %"), target)
    assert reached.explication.endswith("(15,04 % affiché 15 %).")


_VALUES = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(_VALUES, _VALUES, _VALUES)
def test_a_falling_indicator_mirrors_a_rising_one(start, latest, target):
    up = compute_status(Observation(2019, start), Observation(2022, latest),
                        Observation(2023, target), "hausse")  # fmt: skip
    down = compute_status(Observation(2019, -start), Observation(2022, -latest),
                          Observation(2023, -target), "baisse")  # fmt: skip
    assert up.statut == down.statut and up.statut in STATUTS
    assert up.taux_atteinte == pytest.approx(down.taux_atteinte)
    if latest >= target:
        assert up.statut == "atteint" and up.taux_atteinte >= 1 - 1e-9


@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=20))
def test_compare_qualitative_accepts_any_text(latest, target, diagnostic):
    assert compare_qualitative(latest, target, diagnostic) in (*STATUTS[:4], None)


@pytest.mark.parametrize(
    ("diagnostic", "latest", "target", "direction", "expected"),
    [
        (0.036, 0.10, 0.15, "hausse", 0.5614),
        (6.0, 4.5, 3.0, "baisse", 0.5),
        (6.0, 3.0, 3.0, "baisse", 1.0),
        (10.0, 12.0, 10.0, "hausse", 1.0),  # diagnostic == target, still met
        (10.0, 8.0, 10.0, "hausse", None),  # diagnostic == target, lost
        (10.0, 8.0, 5.0, "hausse", 1.0),  # target met at the start and still met
        (10.0, 4.0, 5.0, "hausse", None),  # met at the start, lost since
        (2.0, 4.0, 3.0, "baisse", None),
        (0.0, 0.0, 10.0, "hausse", 0.0),
        (None, 0.1, 0.2, "hausse", None),
        (0.1, None, 0.2, "hausse", None),
        (0.1, 0.2, None, "hausse", None),
    ],
)
def test_attainment_rate(diagnostic, latest, target, direction, expected):
    rate = attainment_rate(diagnostic, latest, target, direction)
    assert rate == (None if expected is None else pytest.approx(expected, abs=1e-4))


@pytest.mark.parametrize(
    ("latest", "target", "diagnostic", "expected"),
    [
        ("Protocole signé", "Protocole signé", "SO", "atteint"),
        ("oui", "oui", "", "atteint"),
        ("OUI ", "Oui", "", "atteint"),
        ("réalisé", "REALISE", "", "atteint"),
        ("<p>Réalisé</p>", "réalisé", "", "atteint"),
        ("Objectif atteint depuis le 01/09/2021", "Objectif atteint depuis le 01/09/2021",
         "SO", "atteint"),
        ("Objectif atteint depuis le 01/09/2021", "Réalisé", "SO", "atteint"),
        ("Protocole signé", "signature nouveau protocole", "", "atteint"),
        ("oui", "100%", "", "atteint"),
        ("En cours", "En cours", "", "atteint"),
        ("En cours", "100%", "SO", "en progrès"),
        ("En cours", "Réalisé", "", "en progrès"),
        ("Partiellement réalisé", "Réalisé", "Non", "en progrès"),
        ("Non réalisé en 2022", "Réalisé", "SO", "stable"),
        ("Non réalisé en 2022", "Réalisé", "", "stable"),
        ("Non réalisé", "Réalisé", "En cours", "en recul"),
        ("Protocole non signé", "Protocole signé", "", "stable"),
        ("4 réunions CDPE partenaires", "Actualisation du protocole", "", None),
        ("En cours", "2", "", None),
        ("Non communiqué par le PCPE", "Réalisé", "", None),
        ("oui", "Non", "", None),
        ("", "Réalisé", "", None),
    ],
)  # fmt: skip
def test_compare_qualitative(latest, target, diagnostic, expected):
    assert compare_qualitative(latest, target, diagnostic) == expected


# -- annex ------------------------------------------------------------------------------
def test_status_rules_print_the_thresholds():
    sentences = status_rules()
    text = " ".join(sentences)
    assert len(sentences) >= 10
    assert all(isinstance(s, str) and s.endswith(".") for s in sentences)
    assert "{" not in text and "  " not in text
    for expected in ("2 %", "0,5 point", "0,1 point", "2019", "« délai »", "mois ou jours"):
        assert expected in text
    assert [s.split(" : ")[0] for s in sentences if s.split(" : ")[0] in (
        "Atteint", "En progrès", "Stable", "En recul", "Non évaluable")]  # fmt: skip


def test_figures_given_in_a_unit_column_are_not_called_rounded():
    """41 on a row whose unit column says % is 41 %, exactly what the cell shows."""
    status = compute_status(
        Observation(2019, 0.41, "pourcentage", "41"),
        Observation(2022, 0.52, "pourcentage", "52"),
        Observation(2023, 0.70, "pourcentage", "70"),
    )
    assert status.explication == (
        "De 41 % en 2019 à 52 % en 2022, vers la cible 2023 : 70 %, 38 % du chemin parcouru."
    )
