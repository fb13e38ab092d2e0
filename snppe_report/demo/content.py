"""Content of one fictive dashboard: what it holds, in order (see :mod:`synthetic`).

:func:`build_spec` assembles a workbook: it draws the département's figures
(:mod:`.figures`), then lists its rows engagement by engagement with a
:class:`~snppe_report.demo.cells.RowWriter` (harmonised blocks of each layout,
optional objectives, local indicators; see :mod:`.cells` for the cells,
codes and slips), and finally picks the title block, document properties, grey fill
and, for 2021, the definitions sheet and the indications. Nothing here reads or
writes files.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from snppe_report.demo.cells import RowWriter, french
from snppe_report.demo.figures import Figures
from snppe_report.demo.layouts import layout_2021, layout_2023
from snppe_report.demo.spec import (
    GREY_FILL,
    GREY_FILL_THEME,
    DashboardEntry,
    DefinitionEntry,
    DocumentProperties,
    IndicationLine,
    WorkbookSpec,
)
from snppe_report.read.catalogue import load_catalogue
from snppe_report.read.collectivites import Collectivite

FICTIVE_TITLE = "DONNÉES FICTIVES"

#: Title wordings naming the collectivité, varied between workbooks.
TITLE_FORMS: tuple[Callable[[Collectivite], str], ...] = (
    lambda c: f"Département {c.article} ({c.code})",
    lambda c: f"Conseil départemental {c.article}",
    lambda c: f"Collectivité : {c.nom} ({c.code})",
)


E1 = "Engagement 1 : Agir le plus précocement possible pour répondre aux besoins des enfants et de leurs familles"  # noqa: E501
E2 = "Engagement 2 : Sécuriser les parcours des enfants protégés et prévenir les ruptures"
E3 = "Engagement 3 : Donner aux enfants les moyens d'agir et garantir leurs droits"
E4 = "Engagement 4 : Préparer leur avenir et sécuriser leur vie d'adulte"
E5 = "Conditions pour y parvenir"
SUBJECT = "Stratégie nationale de prévention et de protection de l'enfance"

# Harmonised blocks: objective id, objective number, rows in each layout.
_BLOCKS_2023 = {
    "epp": ["naissances", "epp-entretiens", "epp-part"],
    "bilans-maternelle": [
        "bilans-cohorte",
        "bilans-pmi",
        "bilans-medecin",
        "bilans-protocole",
        "bilans-part",
    ],
    "vad-sages-femmes": [
        "vad-sf-femmes-prenatal",
        "vad-sf-femmes-postnatal",
        "vad-sf-part-prenatal",
        "vad-sf-part-postnatal",
    ],
    "vad-puericultrices": ["enfants-0-6-ans", "vad-puer-enfants", "vad-puer-part"],
    "consultations-infantiles": [
        "consultations-examens-snds",
        "consultations-enfants",
        "consultations-part",
    ],
}
_BLOCKS_2021 = {
    "epp": ["epp-entretiens", "epp-entretiens-snds", "naissances", "epp-part"],
    "bilans-maternelle": _BLOCKS_2023["bilans-maternelle"],
    "vad-sages-femmes": [
        "vad-sf-prenatales",
        "vad-sf-postnatales",
        "vad-sf-prenatales-snds",
        "vad-sf-postnatales-snds",
        "vad-sf-femmes-prenatal",
        "vad-sf-femmes-postnatal",
        "naissances",
        "vad-sf-part-prenatal",
        "vad-sf-part-postnatal",
    ],
    "vad-puericultrices": [
        "vad-puer-visites",
        "vad-puer-enfants",
        "enfants-0-6-ans",
        "vad-puer-part",
    ],
    "consultations-infantiles": [
        "consultations-examens",
        "consultations-examens-snds",
        "consultations-enfants",
        "enfants-0-6-ans",
        "consultations-part",
    ],
}
_INDICATIONS = (
    IndicationLine("INDICATIONS POUR LA COMPLETUDE DU TABLEAU DE BORD", bold=True),
    "",
    IndicationLine(
        "Objectifs fondamentaux et indicateurs transverses (sur fond blanc) :", bold=True
    ),
    "- L'ensemble des indicateurs harmonisés au niveau national pré-positionnés dans le "
    "tableau doivent être complétés",
    "- Ces indicateurs doivent être complétés par au moins un indicateur de résultat pour "
    "chaque action prévue au contrat",
    "- Pour chacun de ces indicateurs, il convient de renseigner les valeurs 2019 et, dans la "
    "mesure du possible 2020",
    "- Pour chacun de ces indicateurs, il convient de renseigner la cible 2021 et, dans la "
    "mesure du possible 2022, à l'exception de ceux pour lesquels il est indiqué non "
    "applicable (N/A)",
    "",
    IndicationLine("Objectifs facultatifs (sur fond grisé)", bold=True),
    "- Pour chaque objectif facultatif retenu, les indicateurs harmonisés correspondants "
    "pré-positionnés dans le tableau doivent être complétés",
)


# --------------------------------------------------------------------------- workbook


def build_spec(
    collectivite: Collectivite, annee: int, rng: random.Random, pop, rates: Mapping[str, float]
) -> WorkbookSpec:
    """Everything of one fictive workbook, as a :class:`WorkbookSpec`."""

    figures = Figures(rng, pop.naissances, pop.enfants_0_6)
    w = RowWriter(rng, collectivite, annee, figures, rates)
    _fill(w)
    title = rng.choice(TITLE_FORMS)(collectivite)
    if collectivite.code in ("67", "68") and rng.random() < 0.5:
        title = f"Collectivité européenne d'Alsace — {collectivite.nom} ({collectivite.code})"
    properties = DocumentProperties(
        title=f"Tableau de bord SNPPE {annee} — {collectivite.nom} — {FICTIVE_TITLE}",
        subject=SUBJECT,
        keywords=f"SNPPE; {annee}; donnees-fictives",
        description=f"{FICTIVE_TITLE} : classeur de démonstration écrit par snppe demo-data ; "
        "aucune valeur n'est réelle.",
    )
    common = dict(
        collectivite=title,
        fictive=True,
        properties=properties,
        grey_fill=rng.choice((GREY_FILL, GREY_FILL_THEME)),
    )
    if annee == 2023:
        lines = rng.choice(
            (("TABLEAU DE BORD SNPPE",), ("TABLEAU DE BORD SNPPE", f"Avenant {annee} — annexe 2"))
        )
        return layout_2023(
            w.entries,
            title_lines=lines,
            annee=annee,
            header_every=rng.choice((None, 22, 30)),
            **common,
        )
    return layout_2021(
        w.entries, annee=annee, definitions=_definitions(), indications=_INDICATIONS, **common
    )


def _fill(w: RowWriter) -> None:
    rng = w.rng
    blocks = _BLOCKS_2023 if w.annee == 2023 else _BLOCKS_2021
    chosen = w.rates["optional_chosen"]
    w.entries.append(DashboardEntry.engagement(E1))
    for objective_id, ids in blocks.items():
        w.harmonised(objective_id, ids)
    w.harmonised(
        "tisf", ["tisf-visites", "tisf-familles"], facultatif=True, chosen=rng.random() < chosen
    )
    w.local(
        "Développer le relayage parental",
        "Créer 20 nouveaux relais parentaux sur le territoire à horizon 2022",
        13,
        [("Nombre d'enfants accueillis en relais parental", "new", 40)],
        facultatif=True,
        chosen=rng.random() < chosen,
    )
    w.entries.append(DashboardEntry.engagement(E2))
    if w.annee == 2021 and rng.random() < 0.6:
        w.entries.append(
            DashboardEntry(
                indicateur=w.label(load_catalogue().get("delai-execution-decisions")),
                values={f"valeur_{y}": f"{french(rng.uniform(1, 5), 1)} mois" for y in w.levels},
            )
        )
    w.harmonised(
        "crip",
        ["crip-ip-entrantes", "crip-ip-evaluees", "crip-ip-evaluees-3-mois", "crip-taux-3-mois"],
    )
    crip = load_catalogue().objective("crip")
    w.local(
        crip.mesure,
        crip.text,
        6,
        rng.sample(
            [
                ("Nombre de sessions de formation", "new", 3),
                ("Nombre d'agents formés (TMS et cadres)", "new", 120),
                ("Nombre de vacations de psychologues", "hours", 600),
                ("Choix d'un référentiel en évaluation PE", "qualitative", 0),
            ],
            2,
        ),
    )
    w.local(
        crip.mesure,
        "Systématiser et renforcer les protocoles informations préoccupantes (IP)",
        7,
        [
            ("Signature d'un nouveau protocole", "qualitative", 0),
            ("Nombre de réunions d'information", "count", 8),
        ],
        action="Action 7",
    )
    w.local(
        "Créer un référentiel national de contrôle des lieux d'accueil",
        "Systématiser un volet « maîtrise des risques » dans les schémas départementaux de "
        "protection de l'enfance incluant un plan de contrôle des établissements et services",
        8,
        [
            ("Nombre de contrôles réalisés", "count", 4),
            ("Réalisation du calendrier du plan de contrôles", "percent", 0.6),
        ],
        action="Action 8",
    )
    w.harmonised(
        "ase-handicap",
        ["ase-handicap-notification", "ase-handicap-double-pec", "ase-handicap-part"],
    )
    w.local(
        "Soutenir la diversification de l'offre",
        "Diversifier l'offre en matière de protection de l'enfance à domicile",
        19,
        [
            ("Nombre d'enfants différents accueillis en lieux de vie", "count", 60),
            ("Nombre de places en villages d'enfants", "count", 10),
        ],
        facultatif=True,
        chosen=rng.random() < chosen,
    )
    w.harmonised("centres-parentaux", ["centres-parentaux-places"])
    parental = load_catalogue().objective("centres-parentaux")
    w.local(
        parental.mesure,
        parental.text,
        21,
        [("Durée moyenne de prise en charge des familles en centre parental", "months", 8)],
    )
    w.harmonised(
        "retour-domicile",
        ["retour-domicile-mineurs", "retour-domicile-accompagnes", "retour-domicile-part"],
        facultatif=True,
        chosen=rng.random() < chosen,
    )
    w.entries.append(DashboardEntry.engagement(E3))
    w.local(
        "Développer la participation des enfants et des jeunes",
        "Systématiser la participation des enfants et des jeunes aux observatoires "
        "départementaux de la protection de l'enfance (ODPE)",
        10,
        [
            ("Nombre d'enfants participant à l'ODPE", "new", 10),
            ("Constitution du groupe d'enfants", "qualitative", 0),
        ],
        action="Action 12",
    )
    w.entries.append(DashboardEntry.engagement(E4))
    w.local(
        "Faciliter l'intégration pro des anciens MNA",
        "Favoriser l'accès aux droits et l'accompagnement vers l'autonomie des anciens MNA",
        25,
        [("Nombre de contrats jeunes majeurs proposés aux anciens MNA", "count", 60)],
        action="Action 16",
    )
    w.entries.append(DashboardEntry.engagement(E5))
    w.local(
        "Repenser la gouvernance",
        "Renforcer l'ODPE",
        11,
        [
            ("Nombre de réunions de l'ODPE", "count", 2),
            ("Actualisation des données chiffrées", "qualitative", 0),
        ],
        action="Action 13",
    )


def _definitions() -> list[DefinitionEntry]:
    rows: list[DefinitionEntry] = []
    engagement = 0
    for objective in load_catalogue().objectives:
        if objective.engagement != engagement:
            engagement = objective.engagement
            rows.append(DefinitionEntry(engagement={1: E1, 2: E2}.get(engagement, E2)))
        for ind in load_catalogue().indicators_of(objective.id):
            if ind.objective != objective.id:
                continue
            rows.append(
                DefinitionEntry(
                    mesure=f"<p>{objective.mesure}</p>" if objective.mesure else "",
                    objectif=f"<p>{objective.text}</p>",
                    indicateur=f"<p>{ind.label}</p>",
                    definition=f"<p>{ind.definition}</p>" if ind.definition else "",
                    acces=f"<p>{ind.url}</p>" if ind.url else "",
                )
            )
    return rows
