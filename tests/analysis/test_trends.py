"""Tendance since the starting point and position against the national target."""

from __future__ import annotations

import pytest

from snppe_report.analysis.status import Observation
from snppe_report.analysis.trends import national_position, trend
from snppe_report.read.values import parse_value


def obs(annee, text):
    parsed = parse_value(text)
    return Observation(annee, parsed.valeur, parsed.unite, text, parsed.statut)


@pytest.mark.parametrize(
    ("start", "latest", "direction", "tendance", "favorable", "texte"),
    [
        ((2019, "3,6%"), (2022, "10%"), "hausse", "hausse", True, "en hausse (favorable)"),
        ((2019, "5,2%"), (2022, "4,6%"), "hausse", "baisse", False, "en baisse (défavorable)"),
        ((2019, "5,2%"), (2022, "4,9%"), "hausse", "stable", None, "stable"),
        ((2019, "6 mois"), (2021, "4,5 mois"), "baisse", "baisse", True,
         "en baisse (favorable)"),
        ((2019, "7 688"), (2022, "7 237"), "neutre", "baisse", None, "en baisse"),
        ((2019, "66"), (2022, "66,5"), "hausse", "stable", None, "stable"),
        ((2019, "SO"), (2022, "En cours"), "hausse", "hausse", True, "en hausse (favorable)"),
        ((2019, "En cours"), (2022, "Non réalisé"), "hausse", "baisse", False,
         "en baisse (défavorable)"),
        ((2022, "12"), (2022, "12"), "hausse", "", None, ""),  # one point only
        ((2019, "2917"), (2021, "60 %"), "hausse", "", None, ""),  # other units
        ((2019, "Texte libre"), (2022, "Autre texte"), "hausse", "", None, ""),
    ],
)  # fmt: skip
def test_trend(start, latest, direction, tendance, favorable, texte):
    start_obs = obs(*start)
    if start[1] == "SO":
        start_obs = Observation(start[0], None, "texte", "SO", "SO")
    judged = trend(start_obs, obs(*latest), direction)
    assert (judged.tendance, judged.favorable, judged.texte) == (tendance, favorable, texte)
    assert judged.fleche == {"hausse": "↗", "stable": "→", "baisse": "↘", "": ""}[tendance]


def test_no_trend_without_points():
    assert trend(None, obs(2022, "3"), "hausse").tendance == ""
    assert trend(obs(2019, "3"), None, "hausse").tendance == ""


@pytest.mark.parametrize(
    ("latest", "target", "unite", "direction", "position", "ecart", "passe", "words"),
    [
        ((2022, "10%"), 0.20, "pourcentage", "hausse", "en dessous", -0.10, True,
         "En dessous de la cible nationale (20 %) de 10,0 points : 10 % en 2022 ; "
         "horizon 2022 passé."),
        ((2021, "91%"), 0.80, "pourcentage", "hausse", "au niveau", 0.11, False,
         "Au niveau de la cible nationale (80 %) : 91 % en 2021 ; horizon 2022 à venir."),
        ((2022, "20%"), 0.20, "pourcentage", "hausse", "au niveau", 0.0, True, "Au niveau"),
        ((2022, "21,3%"), 0.20, "pourcentage", "hausse", "au niveau", 0.013, True, "passé"),
        ((2022, "1,5 %"), 0.20, "pourcentage", "hausse", "en dessous", -0.185, True,
         "de 18,5 points"),
        ((2021, "99%"), 1.0, "pourcentage", "hausse", "en dessous", -0.01, False, "1,0 point :"),
        ((2022, "4,5 mois"), 3.0, "mois", "baisse", "en dessous", 1.5, True,
         "Au-delà du maximum national (3 mois) de 1,5 mois : 4,5 mois en 2022"),
    ],
)  # fmt: skip
def test_national_position(latest, target, unite, direction, position, ecart, passe, words):
    judged = national_position(obs(*latest), target, unite, direction)
    assert (judged.position, judged.horizon_passe) == (position, passe)
    assert judged.ecart == pytest.approx(ecart)
    assert words in judged.texte


def test_no_position_without_target_or_number():
    assert national_position(obs(2022, "10%"), None, "pourcentage", "hausse").position == ""
    assert national_position(obs(2022, "ND"), 0.2, "pourcentage", "hausse").position == ""
    assert national_position(None, 0.2, "pourcentage", "hausse").position == ""
    assert national_position(obs(2022, "12"), 0.2, "pourcentage", "hausse").position == ""
