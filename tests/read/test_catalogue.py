import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snppe_report.read.catalogue import (
    Catalogue,
    Indicator,
    indicator_id,
    load_catalogue,
    parse_catalogue,
)
from snppe_report.text import normalize

CATALOGUE = load_catalogue()

EXPECTED_IDS = {
    "epp": ["naissances", "epp-entretiens", "epp-entretiens-snds", "epp-part"],
    "bilans-maternelle": [
        "bilans-cohorte",
        "bilans-pmi",
        "bilans-medecin",
        "bilans-protocole",
        "bilans-part",
    ],
    "vad-sages-femmes": [
        "naissances",
        "vad-sf-prenatales",
        "vad-sf-postnatales",
        "vad-sf-prenatales-snds",
        "vad-sf-postnatales-snds",
        "vad-sf-femmes-prenatal",
        "vad-sf-femmes-postnatal",
        "vad-sf-part-prenatal",
        "vad-sf-part-postnatal",
    ],
    "vad-puericultrices": [
        "enfants-0-6-ans",
        "vad-puer-visites",
        "vad-puer-enfants",
        "vad-puer-part",
    ],
    "consultations-infantiles": [
        "enfants-0-6-ans",
        "consultations-examens",
        "consultations-examens-snds",
        "consultations-enfants",
        "consultations-part",
    ],
    "tisf": ["tisf-visites", "tisf-familles"],
    "delais-justice": ["delai-execution-decisions"],
    "crip": [
        "crip-ip-entrantes",
        "crip-ip-evaluees",
        "crip-ip-evaluees-3-mois",
        "crip-taux-3-mois",
        "crip-delai-evaluation",
    ],
    "ase-handicap": [
        "ase-handicap-notification",
        "ase-handicap-double-pec",
        "ase-handicap-part",
    ],
    "retour-domicile": [
        "retour-domicile-mineurs",
        "retour-domicile-accompagnes",
        "retour-domicile-part",
    ],
    "centres-parentaux": ["centres-parentaux-places"],
}

# Every label of the two seeds (dashboards and definitions sheet) that denotes a
# harmonised indicator, as written there.
SEED_LABELS = {
    # seed 000 (2023, Haut-Rhin)
    "Nombre de naissances vivantes selon le domicile de la mère (source INSEE)": "naissances",
    "Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)": "epp-entretiens",
    "Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la PMI": (
        "epp-part"
    ),
    "Cohorte d'enfants de 3-4 ans scolarisés en septembre N-1 (source Education nationale)": (
        "bilans-cohorte"
    ),
    "Nombre d'enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école maternelle "
    "réalisé par la PMI (source DREES / CD)": "bilans-pmi",
    "Nombre d'enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école maternelle "
    "réalisé par la PMI": "bilans-pmi",
    "Dont par un médecin de PMI": "bilans-medecin",
    "Dont dans le cadre d'un protocole pluridisciplinaire": "bilans-protocole",
    "Part des enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école maternelle "
    "réalisé par la PMI": "bilans-part",
    "Nombre de femmes ayant bénéficié d'au moins une VAD prénatale réalisée par une "
    "sage-femme de PMI (source DREES / CD)": "vad-sf-femmes-prenatal",
    "Nombre de femmes ayant bénéficié d'au moins une VAD post-natale réalisée par une "
    "sage-femme de PMI (source DREES / CD)": "vad-sf-femmes-postnatal",
    "Part des femmes ayant bénéficié d'une VAD prénatale réalisée par une sage-femme de PMI": (
        "vad-sf-part-prenatal"
    ),
    "Part des femmes ayant bénéficié d'une VAD postnatale réalisée par une sage-femme de PMI": (
        "vad-sf-part-postnatal"
    ),
    "Nombre d'enfants de 0 à 6 ans (source INSEE)": "enfants-0-6-ans",
    "Nombre d'enfants ayant bénéficié d'une VAD réalisée par une puéricultrice ou une "
    "infirmière de la PMI (source DREES / CD)": "vad-puer-enfants",
    "Part d'enfants ayant bénéficié d'une VAD réalisée par la PMI": "vad-puer-part",
    "Nombre d'examens médicaux obligatoires réalisés par des médecins de PMI (source SNDS)": (
        "consultations-examens-snds"
    ),
    "Nombre d'enfants ayant bénéficié d'une consultation réalisée par un médecin de PMI "
    "(source DREES / CD)": "consultations-enfants",
    "Nombre d'enfants ayant bénéficié d'une consultation réalisée par un médecin de PMI": (
        "consultations-enfants"
    ),
    "Part d'enfants 0 à 6 ans ayant bénéficié d'une consultation réalisée par un médecin "
    "de PMI": "consultations-part",
    "Nombre d'IP entrantes": "crip-ip-entrantes",
    "Nombre d'IP évaluées": "crip-ip-evaluees",
    "Nombre d'IP évaluées en moins de 3 mois": "crip-ip-evaluees-3-mois",
    "Taux d'IP évalués sous 3 mois": "crip-taux-3-mois",
    "Nombre d'enfants bénéficiant d'une double prise en charge ASE/handicap effective": (
        "ase-handicap-double-pec"
    ),
    "Nombre de places d'accueil en centre parental et maternel existants (parents majeurs)": (
        "centres-parentaux-places"
    ),
    # seed 001 (2021): dashboard and definitions sheet
    "Nombre d'entretiens du 4e mois réalisés par la PMI (source SNDS)": "epp-entretiens-snds",
    "<p>Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la "
    "PMI</p>": "epp-part",
    "Nombre de bilans de santé en école maternelle réalisés par la PMI (source DREES / CD)": (
        "bilans-pmi"
    ),
    "- dont par un médecin de PMI": "bilans-medecin",
    "- dont dans le cadre d'un protocole pluridisciplinaire": "bilans-protocole",
    "Nombre de VAD pré-natales réalisées par des sages-femmes de PMI (source DREES / CD)": (
        "vad-sf-prenatales"
    ),
    "Nombre de VAD post-natales réalisées par des sages-femmes de PMI (source DREES / CD)": (
        "vad-sf-postnatales"
    ),
    "Nombre de VAD pré-natales réalisées par des sages-femmes de PMI (source SNDS)": (
        "vad-sf-prenatales-snds"
    ),
    "Nombre de VAD post-natales réalisées par des sages-femmes de PMI (source SNDS)": (
        "vad-sf-postnatales-snds"
    ),
    "Nombre de femmes ayant bénéficié d'une VAD pré-natale réalisée par une sage-femme de PMI "
    "(source DREES / CD) (à produire semestriellement)": "vad-sf-femmes-prenatal",
    "Nombre de femmes ayant bénéficié d'une VAD post-natale réalisée par une sage-femme de "
    "PMI (source DREES / CD) (à produire semestriellement)": "vad-sf-femmes-postnatal",
    "Nombre de naissances vivantes au domicile de la mère (source INSEE)": "naissances",
    "Part des femmes ayant bénéficié d'une VAD pré-natale réalisée par une sage-femme de PMI": (
        "vad-sf-part-prenatal"
    ),
    "Part des femmes ayant bénéficié d'une VAD post-natale réalisée par une sage-femme de "
    "PMI": "vad-sf-part-postnatal",
    "Nombre de VAD ayant pour motif un enfant réalisées par la PMI (source DREES / CD)": (
        "vad-puer-visites"
    ),
    "Nombre d'enfants ayant bénéficié d'une VAD réalisée par la PMI (source DREES / CD) "
    "(à produire semestriellement)": "vad-puer-enfants",
    "Nombre d'examens cliniques réalisés par des médecins de PMI (source DREES / CD)": (
        "consultations-examens"
    ),
    "Nombre d'enfants ayant bénéficié d'un examen clinique réalisé par un médecin de PMI "
    "(source DREES / CD)": "consultations-enfants",
    "Part d'enfants ayant bénéficié d'un examen clinique par un médecin de PMI": (
        "consultations-part"
    ),
    "Nombre de visites à domicile de TISF": "tisf-visites",
    "<p>Nombre de visites à domicile de TISF</p>": "tisf-visites",
    "Nombre de familles bénéficiaires": "tisf-familles",
    "Délai d'exécution des décisions de justice - placements à l'ASE - AEMO": (
        "delai-execution-decisions"
    ),
    "Nombre d'enfants bénéficiant d'une mesure ASE et d'une notification MDPH": (
        "ase-handicap-notification"
    ),
    "Part des enfants bénéficiant d'une double prise en charge ASE/handicap effective": (
        "ase-handicap-part"
    ),
    "Nombre de places d'accueil en centre parental": "centres-parentaux-places",
    "Nombre de mineurs de retour à domicile après une mesure de placement": (
        "retour-domicile-mineurs"
    ),
    "Nombre de mineurs de retour à domicile après une mesure de placement bénéficiant d'un "
    "accompagnement": "retour-domicile-accompagnes",
    "Part des mineurs de retour à domicile après une mesure de placement ayant bénéficié "
    "d'un accompagnement": "retour-domicile-part",
}

# Every other text of the two seeds' dashboards that sits in (or near) the indicator
# column: local indicators, objectives, mesures, shifted texts. None may match.
SEED_LOCAL_TEXTS = [
    "Choix d'un référentiel en évaluation PE",
    "Nombre de session de formations",
    "Nombre d'agents formés (TMS et cadres)",
    "Nombre de vacations de psychologues",
    "Signature d'un nouveau protocole",
    "Nombre de réunions d'information",
    "Nombre d'actions de sensibilisation",
    "Nombre d'agents formés sur la période du contrat",
    "Réalisation du protocole",
    "Réalisation du calendrier du plan de contrôles",
    "Nombre de contrôles réalisés",
    "Intégration des fiches actions au sein du schéma de protection de l'enfance",
    "Nombre de participants aux formations, informations par an",
    "Nombre d'enfants suivis dans le cadre du soutien aux professionnels par an",
    "Nombre et catégories de prestations externalisées financées par an",
    "Effectivité de l'installation des unités",
    "Nombre total d'accueils quotidiens réalisés durant les périodes de fermeture des IME par an",
    "Nombre d'enfants confiés différents concernés par an",
    "Nombre d'enfants différents accueillis par l'association Millepatte",
    "Nombre de journées d'accueil réalisées par l'association Millepatte",
    "Nombre d'enfants différents accueillis en lieux de vie en même temps dans l'année",
    "Nombre de journées d'accueil réalisées en lieux de vie (ce total inclus les 3213 jours "
    "d'accueils à Millepatte)",
    "Nombre de familles différentes accompagnées en centre parental renforcé diffus expérimental",
    "Nombre d'enfants différents accompagnés en centre parental renforcé diffus expérimental",
    "Durée moyenne de prise en charge des familles en centre parental renforcé diffus expérimental",
    "Nombre de places créées en centre parental renforcé diffus expérimental",
    "Constitution du groupe d'enfants",
    "Nombre d'enfants participant à l'ODPE",
    "Contribution du groupe à la conférence stratégique",
    "Nombre de contrats jeunes majeurs proposés aux jeunes majeurs anciens MNA",
    "Nombre de jeunes majeurs anciens MNA hébergés en moyenne par an (sur places dédiées MDM "
    "et SJ)",
    "Nombre de places dédiées par an (MDM et Saint-Jean)",
    "Nombre de réunions de l'ODPE, conférence stratégique",
    "Nombre de réunions de l'ODPE, comité de décision et de suivi",
    "Nombre de points à l'ordre du jour concernant les données chiffrées",
    "Actualisation des données chiffrées à l'échelle de la CeA",
    "Nombre d'enfants accueillis en relais parental",
    "Nombre de places en villages d'enfants",
    "Nombre d'enfants bénéficiant d'un parrainage ou d'un accompagnement par un bénévole (y "
    "compris soutien scolaire, etc.)",
    "Dispositif fusionné avec action « Créer des dispositifs adaptés ASE / handicap »",
    "Renforcer les interventions de travailleurs en intervention sociale et familiale (TISF)",
    "Renforcer les interventions de travailleurs en intervention",
    "Soutenir les actions innovantes en PMI en matière de santé publique",
    "Soutenir les parents en situation de handicap",
    "Soutenir les parents d'enfants en situation de handicap",
    "Créer 20 nouveaux relais parentaux sur le territoire à horizon 2022",
    "Créer 600 nouvelles places d'accueil en fratries au niveau national à horizon 2022",
    "Diversifier l'offre en matière de protection de l'enfance à domicile",
    "Structurer et développer le soutien aux tiers de confiance et aux tiers bénévoles",
    "Mieux articuler les contrôles Etat / département",
    "Développer le parrainage, le soutien scolaire, etc.",
    "Développer les centres parentaux",
    "Garantir l'accompagnement de tous les enfants protégés en situation de handicap",
    "Systematiser les mesures d'accompagnement au retour à domicile",
    "Rendre obligatoire l'entretien prénatal précoce (EPP)",
    "Généraliser les bilans de santé en école maternelle",
    "Augmenter le nombre de visites à domiciles et de consultations infantiles",
    "Renforcer les CRIP",
    "Créer des dispositifs adaptés ASE / handicap",
    "Développer les centres parentaux et les compétences parentales",
    "Action 9.1 : Création, par renforcement du PCPE, d'une équipe d'appui aux professionnels "
    "de l'ASE",
    "Action 7: Systematiser et renforcer les protocoles informations préoccupantes (IP)",
    "Indicateur",
    "Niveau des indicateurs en 2019 (diagnostic)",
    "Engagement 2 : Sécuriser les parcours des enfants protégés et prévenir les ruptures",
    "Délai entre l'OPP ou l'audience ou la date fixée par la décision si postérieure et la "
    "prise en charge par l'ASE. Délai entre l'audience et la première intervention du service.",
    "SO",
    "ND",
    "7 688",
    "",
]

OBJECTIVE_TEXTS = {
    "Atteindre à horizon 2022 un taux de couverture par la PMI d'au moins 20 % des entretiens "
    "prénataux précoces au niveau national": "epp",
    "Doublé au niveau national les visites à domicile pré et postnatales réalisées par des "
    "sages-femmes de PMI en faveur des familles vulnérables <i>Cible nationale à horizon 2022 "
    ": doublement, soit environ 20 % des femmes/enfants bénéficiant de VAD de PMI</i>": (
        "vad-sages-femmes"
    ),
    "<p>Doubler au niveau national les visites à domicile pré et postnatales réalisées par des "
    "sages-femmes de PMI en faveur des familles vulnérables</p>": "vad-sages-femmes",
    "Permettre qu'à horizon 2022, au niveau national, au moins 15 % des enfants bénéficient de "
    "l'intervention à domicile d'infirmières puéricultrices de la PMI, notamment jusqu'à deux "
    "ans de l'enfant et dans les familles vulnérables": "vad-puericultrices",
    "Permettre qu'à horizon 2022, au niveau national, au moins 15 % des enfants bénéficient de "
    "l'intervention à domicile d'infirmières puéricultrices de la PMI, notamment jusqu'aux "
    "deux ans de l'enfant et dans les familles vulnérables": "vad-puericultrices",
    "Action 6: Renforcer les moyens, les ressources et la pluridisciplinarité des cellules de "
    "recueil des informations préoccupantes (CRIP) pour atteindre sur l'ensemble du territoire "
    "un délai maximal de trois mois par évaluation": "crip",
    "Action 15: Développer les centres parentaux": "centres-parentaux",
    "Systematiser les mesures d'accompagnement au retour à domicile": "retour-domicile",
}


# --------------------------------------------------------------------------- data


def test_ids_grouped_by_objective():
    got = {o.id: [i.id for i in CATALOGUE.indicators_of(o.id)] for o in CATALOGUE.objectives}
    assert got == EXPECTED_IDS


def test_every_indicator_belongs_to_an_objective_and_ids_are_slugs():
    for indicator in CATALOGUE:
        assert indicator.objective == indicator.objectives[0]
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", indicator.id)
        assert not indicator.id.startswith("local-")
        assert indicator.definition, indicator.id
        assert indicator.source, indicator.id
        assert "<" not in indicator.definition
        assert "  " not in indicator.definition


def test_indicator_is_frozen():
    indicator = CATALOGUE.get("epp-part")
    with pytest.raises(AttributeError):
        indicator.id = "autre"  # type: ignore[misc]


def test_load_catalogue_is_cached():
    assert load_catalogue() is CATALOGUE


@pytest.mark.parametrize(
    ("ratio", "numerator", "denominator"),
    [
        ("epp-part", "epp-entretiens", "naissances"),
        ("bilans-part", "bilans-pmi", "bilans-cohorte"),
        ("vad-sf-part-prenatal", "vad-sf-femmes-prenatal", "naissances"),
        ("vad-sf-part-postnatal", "vad-sf-femmes-postnatal", "naissances"),
        ("vad-puer-part", "vad-puer-enfants", "enfants-0-6-ans"),
        ("consultations-part", "consultations-enfants", "enfants-0-6-ans"),
        ("crip-taux-3-mois", "crip-ip-evaluees-3-mois", "crip-ip-evaluees"),
        ("ase-handicap-part", "ase-handicap-double-pec", "ase-handicap-notification"),
        ("retour-domicile-part", "retour-domicile-accompagnes", "retour-domicile-mineurs"),
    ],
)
def test_ratios_name_numerator_and_denominator(ratio, numerator, denominator):
    indicator = CATALOGUE.get(ratio)
    assert indicator.kind == "ratio"
    assert indicator.unit == "pourcentage"
    assert (indicator.numerator, indicator.denominator) == (numerator, denominator)
    assert CATALOGUE.get(numerator).kind == "count"
    assert CATALOGUE.get(denominator).kind == "count"


def test_ratios_lists_exactly_the_ratio_indicators():
    assert [i.id for i in CATALOGUE.ratios()] == [
        "epp-part",
        "bilans-part",
        "vad-sf-part-prenatal",
        "vad-sf-part-postnatal",
        "vad-puer-part",
        "consultations-part",
        "crip-taux-3-mois",
        "ase-handicap-part",
        "retour-domicile-part",
    ]


def test_shared_denominators():
    users = {}
    for ratio in CATALOGUE.ratios():
        users.setdefault(ratio.denominator, []).append(ratio.id)
    assert users["naissances"] == ["epp-part", "vad-sf-part-prenatal", "vad-sf-part-postnatal"]
    assert users["enfants-0-6-ans"] == ["vad-puer-part", "consultations-part"]
    assert CATALOGUE.get("naissances").objectives == ("epp", "vad-sages-femmes")


@pytest.mark.parametrize(
    ("ratio", "numerator_label", "numerator", "denominator_label", "denominator", "shown"),
    [
        # seed 000
        (
            "epp-part",
            "Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)",
            278,
            "Nombre de naissances vivantes selon le domicile de la mère (source INSEE)",
            7688,
            0.036,
        ),
        (
            "vad-puer-part",
            "Nombre d'enfants ayant bénéficié d'une VAD réalisée par une puéricultrice ou une "
            "infirmière de la PMI (source DREES / CD)",
            1544,
            "Nombre d'enfants de 0 à 6 ans (source INSEE)",
            50805,
            0.0304,
        ),
        (
            "vad-puer-part",
            "Nombre d'enfants ayant bénéficié d'une VAD réalisée par une puéricultrice ou une "
            "infirmière de la PMI (source DREES / CD)",
            2127,
            "Nombre d'enfants de 0 à 6 ans (source INSEE)",
            47467,
            0.0448,
        ),
        (
            "consultations-part",
            "Nombre d'enfants ayant bénéficié d'une consultation réalisée par un médecin de PMI "
            "(source DREES / CD)",
            2626,
            "Nombre d'enfants de 0 à 6 ans (source INSEE)",
            50805,
            0.052,
        ),
        # seed 001
        (
            "crip-taux-3-mois",
            "Nombre d'IP évaluées en moins de 3 mois",
            146,
            "Nombre d'IP évaluées",
            714,
            0.2046,
        ),
        (
            "ase-handicap-part",
            "Nombre d'enfants bénéficiant d'une double prise en charge ASE/handicap effective",
            126,
            "Nombre d'enfants bénéficiant d'une mesure ASE et d'une notification MDPH",
            175,
            0.72,
        ),
        (
            "bilans-part",
            "Nombre de bilans de santé en école maternelle réalisés par la PMI (source DREES / CD)",
            2657,
            "Cohorte d'enfants de 3-4 ans scolarisés en septembre N-1 (source Education nationale)",
            2917,
            0.91,
        ),
        (
            "retour-domicile-part",
            "Nombre de mineurs de retour à domicile après une mesure de placement bénéficiant "
            "d'un accompagnement",
            89,
            "Nombre de mineurs de retour à domicile après une mesure de placement",
            120,
            0.74,
        ),
    ],
)
def test_seed_ratios_are_computable_from_the_catalogue(
    ratio, numerator_label, numerator, denominator_label, denominator, shown
):
    values = {
        CATALOGUE.match(numerator_label).id: numerator,
        CATALOGUE.match(denominator_label).id: denominator,
    }
    indicator = CATALOGUE.get(ratio)
    computed = values[indicator.numerator] / values[indicator.denominator]
    # the seeds show rounded values (and 146 / 714 = 20,448 % is shown as 20,46 %)
    decimals = len(str(shown).split(".")[1])
    assert computed == pytest.approx(shown, abs=0.5 * 10**-decimals + 1e-4)


@pytest.mark.parametrize(
    ("indicator_id_", "target_min", "target_max", "national_target", "direction"),
    [
        ("epp-part", 0.20, None, 0.20, "hausse"),
        ("bilans-part", 0.80, 0.90, 0.80, "hausse"),
        ("vad-sf-part-prenatal", 0.20, None, 0.20, "hausse"),
        ("vad-sf-part-postnatal", 0.20, None, 0.20, "hausse"),
        ("vad-puer-part", 0.15, None, 0.15, "hausse"),
        ("consultations-part", 0.20, None, 0.20, "hausse"),
        ("crip-taux-3-mois", 1.0, None, 1.0, "hausse"),
        ("crip-delai-evaluation", None, 3.0, 3.0, "baisse"),
        ("ase-handicap-part", 1.0, None, 1.0, "hausse"),
        ("retour-domicile-part", 1.0, None, 1.0, "hausse"),
        ("delai-execution-decisions", None, None, None, "baisse"),
        ("naissances", None, None, None, "neutre"),
        ("centres-parentaux-places", None, None, None, "hausse"),
    ],
)
def test_national_targets(indicator_id_, target_min, target_max, national_target, direction):
    indicator = CATALOGUE.get(indicator_id_)
    assert indicator.target_min == target_min
    assert indicator.target_max == target_max
    assert indicator.national_target == national_target
    assert indicator.direction == direction
    if national_target is not None:
        assert indicator.national_target_label


def test_delays_are_in_months_and_lower_is_better():
    for id_ in ("delai-execution-decisions", "crip-delai-evaluation"):
        indicator = CATALOGUE.get(id_)
        assert (indicator.kind, indicator.unit, indicator.direction) == ("delay", "mois", "baisse")


def test_definitions_come_from_the_sheet_where_it_has_one():
    assert CATALOGUE.get("enfants-0-6-ans").definition.startswith(
        "Les données INSEE distinguent la classe d'âge des 0-4 ans"
    )
    assert CATALOGUE.get("epp-part").definition.startswith("Numérateur : Nombre d'entretiens")
    assert CATALOGUE.get("centres-parentaux-places").definition_from_sheet
    assert not CATALOGUE.get("crip-taux-3-mois").definition_from_sheet
    assert CATALOGUE.get("enfants-0-6-ans").url == "https://www.insee.fr/fr/statistiques/1893198"


def test_get_unknown_id_raises_key_error():
    with pytest.raises(KeyError):
        CATALOGUE.get("local-nombre-de-session-de-formations")
    assert "epp-part" in CATALOGUE
    assert "inconnu" not in CATALOGUE


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(("label", "expected"), sorted(SEED_LABELS.items()))
def test_every_seed_label_matches_its_indicator(label, expected):
    assert CATALOGUE.match(label).id == expected
    assert indicator_id(label) == expected


@pytest.mark.parametrize("text", SEED_LOCAL_TEXTS)
def test_no_false_positive_on_other_seed_texts(text):
    assert CATALOGUE.match(text) is None
    assert CATALOGUE.match_stacked(text) == ()


@pytest.mark.parametrize("indicator", CATALOGUE.indicators, ids=lambda i: i.id)
def test_every_label_and_variant_matches_its_own_indicator(indicator):
    # Without a source, a label shared by DREES / CD and SNDS denotes the DREES one.
    default = next(i.id for i in CATALOGUE if i.label == indicator.label)
    for label in indicator.labels:
        suffix = f" (source {indicator.source.split(',')[0]})"
        assert CATALOGUE.match(label + suffix) is indicator
        for form in (label, label.upper(), normalize(label)):
            assert CATALOGUE.match(form).id == default, form


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # tolerated spellings
        ("NOMBRE D'IP ÉVALUÉES", "crip-ip-evaluees"),
        ("Nombre d’IP évaluées", "crip-ip-evaluees"),
        ("Nombre d'IP évaluées :", "crip-ip-evaluees"),
        ("  Nombre   d' IP  évaluées  ", "crip-ip-evaluees"),
        ("Taux d'IP évaluées sous 3 mois", "crip-taux-3-mois"),
        ("Nombre d'enfants de 0-6 ans (source INSEE)", "enfants-0-6-ans"),
        ("Nombre d'enfants de 0 - 6 ans", "enfants-0-6-ans"),
        ("Nombre d'enfants de 0 à 6 ans (INSEE)", "enfants-0-6-ans"),
        ("Nombre d'entretiens du 4ème mois réalisés par la PMI", "epp-entretiens"),
        ("Nombre de VAD pre natales réalisées par des sages-femmes de PMI", "vad-sf-prenatales"),
        ("Nombre de VAD prénatales réalisées par des sages-femmes de PMI", "vad-sf-prenatales"),
        (
            "Nombre de VAD prénatales réalisées par des sages-femmes de PMI (SNDS)",
            "vad-sf-prenatales-snds",
        ),
        (
            "Nombre d'entretiens du 4e mois réalisés par la PMI (source : SNDS)",
            "epp-entretiens-snds",
        ),
        (
            "Nombre d'entretiens du 4e mois réalisés par la PMI (source SNDS, calculs DREES)",
            "epp-entretiens-snds",
        ),
        ("Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES)", "epp-entretiens"),
        (
            "Nombre d'entretiens du 4e mois réalisés par la PMI (source inconnue)",
            "epp-entretiens",
        ),
        ("<p>- dont par un médecin de PMI</p>", "bilans-medecin"),
        (
            "Nombre d'enfants bénéficiant d'une double prise en charge ASE / handicap effective",
            "ase-handicap-double-pec",
        ),
        ("Nombre de naissances vivantes selon le domicile de la mère (source INSEE) (2018)", None),
        # near misses stay local
        ("Nombre d'IP", None),
        ("Nombre d'IP évaluées en moins de 6 mois", None),
        ("Part des femmes", None),
        ("Nombre de places d'accueil en centre parental renforcé", None),
        ("Nombre de places créées en centre parental", None),
        ("Nombre de VAD réalisées par des sages-femmes de PMI", None),
        ("Nombre d'enfants de 0 à 3 ans (source INSEE)", None),
        ("Nombre de familles bénéficiaires d'une aide financière", None),
        ("dont par un médecin", None),
        ("Délai", None),
    ],
)
def test_match_table(label, expected):
    found = CATALOGUE.match(label)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(
    ("label", "context", "expected"),
    [
        ("- dont par un médecin de PMI", None, "bilans-medecin"),
        ("- dont par un médecin de PMI", "  ", "bilans-medecin"),
        (
            "- dont par un médecin de PMI",
            "Faire progresser le nombre de bilans de santé en école maternelle",
            "bilans-medecin",
        ),
        ("- dont par un médecin de PMI", "Consultations infantiles en PMI", None),
        ("Nombre de familles bénéficiaires", None, "tisf-familles"),
        (
            "Nombre de familles bénéficiaires",
            "Soutenir les actions innovantes en PMI en matière de santé publique",
            "tisf-familles",
        ),
        (
            "Nombre de familles bénéficiaires",
            "Renforcer les interventions de TISF",
            "tisf-familles",
        ),
        ("Nombre de familles bénéficiaires", "Développer le relayage parental", None),
        # context only restricts generic labels
        ("Nombre d'IP évaluées", "Développer le relayage parental", "crip-ip-evaluees"),
    ],
)
def test_generic_labels_use_the_context(label, context, expected):
    found = CATALOGUE.match(label, context)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Nombre d'IP entrantes Nombre d'IP évaluées Nombre d'IP évaluées en moins de 3 mois "
            "Taux d'IP évalués sous 3 mois",
            [
                "crip-ip-entrantes",
                "crip-ip-evaluees",
                "crip-ip-evaluees-3-mois",
                "crip-taux-3-mois",
            ],
        ),
        (
            "Nombre d'IP entrantes\nNombre d'IP évaluées\nNombre d'IP évaluées en moins de 3 mois"
            "\nTaux d'IP évalués sous 3 mois",
            [
                "crip-ip-entrantes",
                "crip-ip-evaluees",
                "crip-ip-evaluees-3-mois",
                "crip-taux-3-mois",
            ],
        ),
        (
            "Nombre d'enfants bénéficiant d'une mesure ASE et d'une notification MDPH Nombre "
            "d'enfants bénéficiant d'une double prise en charge ASE/handicap effective Part des "
            "enfants bénéficiant d'une double prise en charge ASE/handicap effective",
            ["ase-handicap-notification", "ase-handicap-double-pec", "ase-handicap-part"],
        ),
        (
            "Nombre de mineurs de retour à domicile après une mesure de placement Nombre de "
            "mineurs de retour à domicile après une mesure de placement bénéficiant d'un "
            "accompagnement Part des mineurs de retour à domicile après une mesure de placement "
            "ayant bénéficié d'un accompagnement",
            ["retour-domicile-mineurs", "retour-domicile-accompagnes", "retour-domicile-part"],
        ),
        (
            "<p>Cohorte d'enfants de 3-4 ans scolarisés en septembre N-1 (source Education "
            "nationale)</p> <p>Nombre de bilans de santé en école maternelle réalisés par la PMI "
            "(source DREES / CD)</p> <p>- dont par un médecin de PMI</p> <p>- dont dans le cadre "
            "d'un protocole pluridisciplinaire</p> <p>Part des enfants de 3-4 ans ayant bénéficié "
            "d'un bilan de santé à l'école maternelle réalisé par la PMI</p>",
            ["bilans-cohorte", "bilans-pmi", "bilans-medecin", "bilans-protocole", "bilans-part"],
        ),
        ("Nombre d'IP entrantes", []),
        ("Nombre d'IP entrantes Nombre de session de formations", []),
        ("", []),
    ],
)
def test_match_stacked(text, expected):
    assert [i.id for _, i in CATALOGUE.match_stacked(text)] == expected


def test_match_stacked_keeps_each_part_label():
    parts = CATALOGUE.match_stacked("Nombre d'IP entrantes\nTaux d'IP évalués sous 3 mois")
    assert [label for label, _ in parts] == [
        "Nombre d'IP entrantes",
        "Taux d'IP évalués sous 3 mois",
    ]


@pytest.mark.parametrize(("text", "expected"), sorted(OBJECTIVE_TEXTS.items()))
def test_match_objective(text, expected):
    assert CATALOGUE.match_objective(text).id == expected


@pytest.mark.parametrize(
    "text",
    [
        "Action 7: Systématiser et renforcer les protocoles informations préoccupantes (IP)",
        "Augmenter le nombre de visites à domiciles et de consultations infantiles",
        "Doubler",
        "",
        None,
    ],
)
def test_match_objective_negative(text):
    assert CATALOGUE.match_objective(text) is None


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Nombre de session de formations", "local-nombre-de-session-de-formations"),
        ("NOMBRE DE SESSION DE FORMATIONS ", "local-nombre-de-session-de-formations"),
        ("Nombre de sessions (source CD)", "local-nombre-de-sessions-cd"),
        ("Nombre de VAD pré-natales hors PMI", "local-nombre-de-vad-prenatales-hors-pmi"),
        ("Nombre de VAD prénatales hors PMI", "local-nombre-de-vad-prenatales-hors-pmi"),
        ("???", "local-sans-libelle"),
        ("Taux d'IP évalués sous 3 mois", "crip-taux-3-mois"),
    ],
)
def test_indicator_id(label, expected):
    assert indicator_id(label) == expected


def test_long_local_labels_keep_distinct_ids():
    a = "Nombre de journées d'accueil réalisées en lieux de vie (ce total inclus les 3213 jours)"
    b = "Nombre de journées d'accueil réalisées en lieux de vie (ce total inclus les 3214 jours)"
    id_a, id_b = indicator_id(a), indicator_id(b)
    assert id_a != id_b
    assert id_a == indicator_id(a)
    assert len(id_a) <= len("local-") + 60
    assert re.fullmatch(r"local-[a-z0-9]+(?:-[a-z0-9]+)*", id_a)


@given(st.text(max_size=300))
def test_indicator_id_is_stable_and_path_safe(label):
    found = indicator_id(label)
    assert found == indicator_id(label)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", found)
    assert len(found) <= 66
    assert found.startswith("local-") or found in CATALOGUE


# --------------------------------------------------------------------------- validation

_MINIMAL = """
objectives:
  - {id: o, title: O, engagement: 1, text: Objectif}
indicators:
  - {id: a, objectives: [o], label: A, kind: count, unit: nombre, direction: hausse, source: X}
  - {id: b, objectives: [o], label: B, kind: count, unit: nombre, direction: hausse, source: X}
"""


def test_parse_catalogue_minimal():
    catalogue = parse_catalogue(_MINIMAL)
    assert isinstance(catalogue, Catalogue)
    assert [i.id for i in catalogue] == ["a", "b"]
    assert isinstance(catalogue.get("a"), Indicator)


@pytest.mark.parametrize(
    "extra",
    [
        # duplicate id
        "  - {id: a, objectives: [o], label: Z, kind: count, unit: nombre, direction: hausse,"
        " source: X}",
        # same label, same source
        "  - {id: c, objectives: [o], label: a, kind: count, unit: nombre, direction: hausse,"
        " source: X}",
        # unknown denominator
        "  - {id: c, objectives: [o], label: C, kind: ratio, unit: pourcentage,"
        " direction: hausse, source: X, numerator: a, denominator: zz}",
        # unknown objective
        "  - {id: c, objectives: [zz], label: C, kind: count, unit: nombre, direction: hausse,"
        " source: X}",
        # bad direction
        "  - {id: c, objectives: [o], label: C, kind: count, unit: nombre, direction: mieux,"
        " source: X}",
        # reserved prefix
        "  - {id: local-c, objectives: [o], label: C, kind: count, unit: nombre,"
        " direction: hausse, source: X}",
    ],
)
def test_parse_catalogue_rejects_inconsistent_data(extra):
    with pytest.raises(ValueError):
        parse_catalogue(_MINIMAL + extra + "\n")
