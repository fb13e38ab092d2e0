"""Completeness and consistency findings, on rows mirroring the seeds."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from snppe_report.analysis.checks import (
    SEVERITES,
    Finding,
    check_extraction,
    check_rows,
    findings_frame,
    format_findings,
)

from ..tidy_rows import cells, tidy

EPP = "Atteindre à horizon 2022 un taux de couverture par la PMI d'au moins 20 % des EPP"
BILANS = "Faire progresser le nombre de bilans de santé en école maternelle"
VAD_SF = "Doubler les visites à domicile pré et postnatales des sages-femmes de PMI"
VAD = "Permettre qu'à horizon 2022 au moins 15 % des enfants bénéficient de VAD"
ASE = "Garantir l'accompagnement de tous les enfants protégés en situation de handicap"

EPP_ROWS = [
    ("Nombre de naissances vivantes selon le domicile de la mère (source INSEE)", EPP,
     cells(v2019="7 688", v2022="7 237")),
    ("Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)", EPP,
     cells(v2019="278", v2022="700")),
    ("Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la PMI",
     EPP, cells(v2019="3,6%", v2022="10%", c2023="15%")),
]  # fmt: skip
VAD_ROWS = [
    ("Nombre d'enfants de 0 à 6 ans (source INSEE)", VAD,
     cells(v2019="50 805", v2022="47 467", c2023="SO")),
    ("Nombre d'enfants ayant bénéficié d'une VAD réalisée par une puéricultrice ou une "
     "infirmière de la PMI (source DREES / CD)", VAD, cells(v2019="1 544", v2022="2 127")),
    ("Part d'enfants ayant bénéficié d'une VAD réalisée par la PMI", VAD,
     cells(v2019="3,04%", v2022="4,48%", c2023="6%")),
]  # fmt: skip
BILANS_ROWS = [
    ("Cohorte d'enfants de 3-4 ans scolarisés en septembre N-1 (source Education nationale)",
     BILANS, cells(v2019="8 329", v2022="7 908")),
    ("Nombre d'enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école maternelle "
     "réalisé par la PMI (source DREES / CD)", BILANS, cells(v2019="44,52%", v2022="63,34%")),
    ("Part des enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école maternelle "
     "réalisé par la PMI", BILANS, cells(v2019="ND", v2022="ND", c2023="80 %")),
]  # fmt: skip


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_complete_and_coherent_rows_give_no_finding():
    assert check_rows(tidy(*EPP_ROWS, *VAD_ROWS), 2023) == []


def test_finding_is_frozen_with_defaults():
    finding = Finding("cible_absente", "avertissement", "Pas de cible.")
    assert (finding.source, finding.indicateur) == ("", "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "autre"  # type: ignore[misc]


def test_percentage_in_a_count_row_seed_000():
    findings = check_rows(tidy(*BILANS_ROWS, sheet="TDB 2023"), 2023)
    slips = only(findings, "pourcentage_dans_un_nombre")
    assert [(f.severity, f.source) for f in slips] == [
        ("erreur", "TDB 2023!D11"), ("erreur", "TDB 2023!E11"),
    ]  # fmt: skip
    assert "« 44,52% »" in slips[0].message and "Valeur 2019" in slips[0].message
    assert slips[0].indicateur.startswith("Nombre d'enfants de 3-4 ans")
    assert only(findings, "valeur_2019_absente")[0].severity == "info"  # ND in 2019


def test_rate_target_on_the_first_row_of_an_objective_seed_001():
    rows = tidy(
        ("Cohorte d'enfants de 3-4 ans scolarisés en septembre N-1 (source Education "
         "nationale)", BILANS,
         cells(v2019="2917", v2020="70,00 %", c2020="70,00 %", c2021="95,00 %",
               c2022="95,00 %")),
        ("Nombre de bilans de santé en école maternelle réalisés par la PMI (source DREES / CD)",
         BILANS, cells(v2019="2657")),
        ("Part des enfants de 3-4 ans ayant bénéficié d'un bilan de santé à l'école maternelle "
         "réalisé par la PMI", BILANS, cells(v2019="91,00 %", c2022="91,00 %")),
    )  # fmt: skip
    findings = check_rows(rows, 2021)
    wrong = only(findings, "cible_sur_mauvaise_ligne")
    assert [f.source for f in wrong] == ["TDB!F10", "TDB!G10", "TDB!H10"]
    assert all(f.severity == "erreur" for f in wrong)
    assert "Cible 2021 « 95,00 % »" in wrong[1].message
    assert "Part des enfants de 3-4 ans" in wrong[1].message
    assert [f.source for f in only(findings, "pourcentage_dans_un_nombre")] == ["TDB!E10"]
    # 2 657 / 2 917 = 91,09 %, reported 91,00 %: coherent at a whole number
    assert "ratio_incoherent" not in codes(findings)


def test_missing_harmonised_indicators_of_a_present_objective():
    rows = tidy(
        *EPP_ROWS,
        ("Nombre de femmes ayant bénéficié d'au moins une VAD prénatale réalisée par une "
         "sage-femme de PMI (source DREES / CD)", VAD_SF, cells(v2019="1149", v2022="791")),
        ("Part des femmes ayant bénéficié d'une VAD prénatale réalisée par une sage-femme de "
         "PMI", VAD_SF, cells(v2019="6,87%", v2022="11%", c2023="15%")),
    )  # fmt: skip
    missing = only(check_rows(rows, 2023), "indicateur_harmonise_absent")
    labels = [f.indicateur for f in missing]
    assert len(labels) == 2 and all("postnatal" in label or "post-natal" in label
                                    for label in labels)  # fmt: skip
    assert all(f.severity == "avertissement" and f.source == "" for f in missing)
    assert "figure au tableau de bord" in missing[0].message
    # the births (shared denominator of EPP) do not make the VAD objective "present"
    assert only(check_rows(tidy(*EPP_ROWS), 2023), "indicateur_harmonise_absent") == []


def test_missing_harmonised_indicator_names_a_close_local_label():
    """Matching stays exact, but the analyst is told which row to rename."""
    rows = tidy(
        *EPP_ROWS[:2],
        ("Part des femmes enceintes ayant bénéficié d'un EPP par la PMI", EPP,
         cells(v2019="3,6%", v2022="10%")),
        ("Nombre de places créées en centre parental renforcé diffus expérimental", EPP,
         cells(v2022="32")),
    )  # fmt: skip
    missing = only(check_rows(rows, 2023), "indicateur_harmonise_absent")
    assert [f.indicateur for f in missing] == [
        "Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la PMI"
    ]
    assert missing[0].message.endswith(
        "Libellé proche dans le classeur : « Part des femmes enceintes ayant bénéficié d'un "
        "EPP par la PMI » (TDB, ligne 12) ; s'il s'agit du même indicateur, reprenez le "
        "libellé national pour qu'il soit reconnu."
    )
    # a label that only shares "Nombre de …" is never suggested
    far = tidy(
        *EPP_ROWS[:2],
        EPP_ROWS[2][:2] + (cells(),),
        (
            "Nombre de places créées en centre parental renforcé diffus expérimental",
            EPP,
            cells(v2022="32"),
        ),
    )
    (alone,) = only(check_rows(far, 2023), "indicateur_harmonise_absent")
    assert "Libellé proche" not in alone.message


def test_missing_2019_values_and_targets():
    rows = tidy(
        ("Nombre d'agents formés (TMS et cadres)", "Action 6", cells(v2019="SO", v2022="240")),
        ("Nombre de places dédiées par an (MDM et Saint-Jean)", "Action 16",
         cells(v2022="108", c2024="120")),
        ("Contribution du groupe à la conférence stratégique", "Action 12",
         cells(v2019="SO", v2022="SO")),
        ("Nombre de contrats jeunes majeurs", "Action 16", cells(v2019="ND", v2022="58")),
        ("Nombre de réunions", "Action 13", cells(v2019="1", v2022="1", c2023="N/A")),
    )  # fmt: skip
    findings = check_rows(rows, 2023)
    absent = only(findings, "valeur_2019_absente")
    assert [(f.indicateur[:21], f.severity) for f in absent] == [
        ("Nombre de places dédi", "avertissement"), ("Nombre de contrats je", "info"),
    ]  # fmt: skip
    assert "ligne 11" in absent[0].message and absent[1].source == "TDB!D13"
    targets = only(findings, "cible_absente")
    assert [f.indicateur for f in targets] == [
        "Nombre d'agents formés (TMS et cadres)", "Nombre de contrats jeunes majeurs",
    ]  # fmt: skip
    assert targets[0].message == "Pas de cible 2023 ni 2024 (TDB, ligne 10)."


def test_no_target_asked_of_ratio_terms_breakdowns_and_context_figures():
    rows = tidy(
        *EPP_ROWS[:2],
        ("Nombre d'entretiens du 4e mois réalisés par la PMI (source SNDS)", EPP,
         cells(v2019="250", v2022="600")),
        ("- dont par un médecin de PMI", BILANS, cells(v2019="1360")),
        ("Nombre d'IP entrantes", "Renforcer les CRIP", cells(v2019="5 222", v2022="5 450")),
        ("Nombre de visites à domicile de TISF", "TISF", cells(v2019="120", v2022="140")),
    )  # fmt: skip
    targets = only(check_rows(rows, 2023), "cible_absente")
    assert [f.indicateur for f in targets] == ["Nombre de visites à domicile de TISF"]


def test_reference_year_seed_001():
    rows = tidy(
        ("Nombre de naissances vivantes selon le domicile de la mère (source INSEE)", EPP,
         cells(v2019="2 550 (2018)", v2021="2 480 (2021)")),
    )  # fmt: skip
    (finding,) = only(check_rows(rows, 2021), "annee_de_reference")
    assert (finding.severity, finding.source) == ("info", "TDB!D10")
    assert "2018" in finding.message and "« 2 550 (2018) »" in finding.message


@pytest.mark.parametrize(
    ("numerator", "denominator", "reported", "expected"),
    [
        ("278", "7 688", "3,6%", []),
        ("146", "714", "20,46 %", []),
        ("126", "175", "72,00 %", []),
        ("9", "718", "1,30 %", []),
        ("278", "7 688", "5,2%", ["ratio_incoherent"]),
        ("200", "175", "114 %", ["pourcentage_hors_bornes", "numerateur_superieur_denominateur"]),
        ("5", "0", "3 %", ["denominateur_nul"]),
    ],
)
def test_ratio_findings(numerator, denominator, reported, expected):
    rows = tidy(
        ("Nombre d'enfants bénéficiant d'une mesure ASE et d'une notification MDPH", ASE,
         cells(v2019=denominator, c2023="SO")),
        ("Nombre d'enfants bénéficiant d'une double prise en charge ASE/handicap effective",
         ASE, cells(v2019=numerator)),
        ("Part des enfants bénéficiant d'une double prise en charge ASE/handicap effective",
         ASE, cells(v2019=reported, c2023="100 %")),
    )  # fmt: skip
    assert codes(check_rows(rows, 2023)) == expected


def test_wrong_ratio_message_names_the_cell_and_figures():
    rows = tidy(*EPP_ROWS[:2], (EPP_ROWS[2][0], EPP, cells(v2019="5,2%", c2023="15%")))
    (finding,) = check_rows(rows, 2023)
    assert (finding.code, finding.severity, finding.source) == (
        "ratio_incoherent", "avertissement", "TDB!D12",
    )  # fmt: skip
    assert "5,2 %" in finding.message and "278 / 7 688 = 3,62 %" in finding.message


def test_texts_where_numbers_are_expected():
    rows = tidy(
        ("Nombre d'enfants bénéficiant d'une double prise en charge ASE/handicap effective",
         "Action 9.1", cells(v2019="354 mineurs + 10 majeurs soit 21,4%",
                             v2022="436 mineurs 14 majeurs", c2023="440 mineurs 17 majeurs")),
        ("Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)", EPP,
         cells(v2019="Non connu", c2021="Quantifier les EPP")),
        ("Signature d'un nouveau protocole", "Action 7",
         cells(v2019="SO", v2022="Protocole signé", c2023="Protocole signé")),
    )  # fmt: skip
    texts = only(check_rows(rows, 2023), "valeur_non_numerique")
    assert [f.source for f in texts] == ["TDB!D10", "TDB!E10", "TDB!F10", "TDB!E11"]
    assert all(f.severity == "info" for f in texts)
    assert "un nombre est attendu" in texts[-1].message


def test_local_share_above_100_percent():
    rows = tidy(
        ("Taux de réalisation des contrôles", "Action 8", cells(v2019="120 %", c2023="100 %"))
    )
    (finding,) = check_rows(rows, 2023)
    assert (finding.code, finding.severity) == ("pourcentage_hors_bornes", "erreur")


def test_check_extraction_and_its_text():
    rows = tidy(*BILANS_ROWS, sheet="TDB 2023")
    read = Finding("formule_recalculee", "info", "formule =A1/A2 recalculée.", "TDB 2023!F12")
    extraction = SimpleNamespace(
        path=Path("/data/68-haut-rhin-tdb-snppe-2023.xlsx"), annee=2023, rows=rows,
        findings=(read,), collectivite=SimpleNamespace(nom="Haut-Rhin", code="68"),
    )  # fmt: skip
    findings = check_extraction(extraction)
    assert findings[0] == read and findings[1:] == check_rows(rows, 2023)
    text = format_findings(extraction, findings).splitlines()
    assert text[0] == (
        "68-haut-rhin-tdb-snppe-2023.xlsx — Haut-Rhin (68), campagne 2023 : "
        "2 erreurs, 0 avertissement, 2 informations"
    )
    assert text[1].startswith("  [erreur] TDB 2023!D11 · Nombre d'enfants de 3-4 ans")
    assert text[1].endswith("un pourcentage sur une ligne de nombre. (pourcentage_dans_un_nombre)")
    assert len(text) == 1 + len(findings)
    empty = SimpleNamespace(path="x.xlsx", annee=2021, rows=rows.iloc[0:0], findings=())
    assert format_findings(empty, check_extraction(empty)) == (
        "x.xlsx, campagne 2021 : aucun constat"
    )


def test_findings_frame_sorts_by_severity():
    findings = [
        Finding("valeur_non_numerique", "info", "a", "X!A1"),
        Finding("cible_absente", "avertissement", "b"),
        Finding("pourcentage_dans_un_nombre", "erreur", "c", "X!B2", "Nombre"),
        Finding("revision", "avertissement", "d"),
    ]
    frame = findings_frame(findings)
    assert list(frame.columns) == ["code", "severity", "message", "source", "indicateur"]
    assert list(frame["message"]) == ["c", "b", "d", "a"]
    assert set(frame["severity"]) <= set(SEVERITES)
    empty = findings_frame([])
    assert empty.empty and list(empty.columns) == list(frame.columns)


def test_shares_typed_as_bare_numbers_are_reported_once_per_indicator():
    rows = tidy(
        ("Taux d'IP évalués sous 3 mois", "CRIP", cells(v2019="41", v2022="52", c2023="80%")),
        ("Part des jeunes majeurs accompagnés", "Autonomie", cells(v2019="0,35")),
        ("Taux de mortalité infantile pour 1 000 naissances", "Santé", cells(v2019="3,5")),
        ("Nombre d'IP entrantes", "CRIP", cells(v2019="5222")),
    )
    found = only(check_rows(rows, 2023), "part_sans_pourcentage")
    assert [(f.indicateur, f.source, f.severity) for f in found] == [
        ("Taux d'IP évalués sous 3 mois", "TDB!D10", "avertissement"),
        ("Part des jeunes majeurs accompagnés", "TDB!D11", "avertissement"),
    ]
    assert found[0].message == (
        "Valeur 2019 « 41 », valeur 2022 « 52 » : nombres sans % sur une ligne de part ou "
        "de taux, lus comme nombres et non comme pourcentages. S'il s'agit de pourcentages, "
        "donnez aux cellules le format % ou ajoutez une colonne « Unité »."
    )
    assert found[1].message.startswith("Valeur 2019 « 0,35 » : nombre sans % ")


# -- the workbook's own "niveau d'atteinte" ---------------------------------------------
@pytest.mark.parametrize(
    ("row", "declared", "disagrees"),
    [
        (cells(v2019="12", v2022="19", c2023="24"), "Atteint", True),  # computed: en retard
        (cells(v2019="12", v2022="19", c2023="24"), "Non atteint", False),
        (cells(v2019="12", v2022="19", c2023="24"), "79 %", False),
        (cells(v2019="12", v2022="25", c2023="24"), "Non atteint", True),  # computed: atteint
        (cells(v2019="12", v2022="25", c2023="24"), "100 %", False),
        (cells(v2019="12", v2022="25", c2023="24"), "oui", False),
        (cells(v2019="12", v2022="19", c2023="24"), "En cours", False),
        (cells(v2019="12", v2022="25", c2023="24"), "Voir le rapport", False),  # not a level
        (cells(v2022="19", c2023="24"), "Atteint", False),  # non évaluable: not compared
    ],
)  # fmt: skip
def test_declared_attainment_is_compared_with_the_computed_status(row, declared, disagrees):
    rows = tidy(("Nombre d'enfants accueillis par l'association", "Action 14",
                 {**row, ("atteinte", 2023): declared}))  # fmt: skip
    found = [f for f in check_rows(rows, 2023) if f.code == "atteinte_divergente"]
    assert bool(found) is disagrees
    if found:
        assert found[0].severity == "avertissement"
        assert f"« {declared} »" in found[0].message and "statut calculé" in found[0].message
        assert found[0].source.startswith("TDB!")
