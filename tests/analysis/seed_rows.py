"""Hand-built tidy rows of seed 000 (a 2023 layout), shared by the analysis tests."""

from __future__ import annotations

import pandas as pd

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
