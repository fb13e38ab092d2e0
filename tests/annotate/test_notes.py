"""French texts of the annotated copy, built from each finding's own fields."""

from dataclasses import dataclass

import pytest

from snppe_report.annotate.locate import Place
from snppe_report.annotate.notes import (
    comment_text,
    completeness_rules,
    entries,
    severity_of,
    summary,
)
from snppe_report.read.findings import Finding


@dataclass(frozen=True)
class OtherFinding:
    """A finding shaped as another stage may make one: ``severite``, a new code."""

    code: str
    severite: str
    message: str
    source: str = ""
    indicateur: str = ""


CELL, ROW = Place("TDB", 5, 4), Place("TDB", 9)


def test_entries_sorted_by_severity_stable_and_any_severity_kept():
    found = [
        Finding("a", "info", "info 1", "TDB!D5"),
        Finding("b", "avertissement", "avert 1"),
        OtherFinding("code_ajoute_plus_tard", "critique", "autre gravité"),
        Finding("c", "erreur", "erreur 1"),
        Finding("d", "info", "info 2"),
        Finding("e", "erreur", "erreur 2"),
    ]
    out = entries(found, [CELL, ROW, Place(), ROW, ROW, ROW])
    assert [e.message for e in out] == [
        "erreur 1", "erreur 2", "avert 1", "info 1", "info 2", "autre gravité",
    ]  # fmt: skip
    assert [e.severite for e in out] == [
        "Erreur", "Erreur", "Avertissement", "Information", "Information", "Critique",
    ]  # fmt: skip
    assert out[3].place == CELL


@pytest.mark.parametrize(
    ("finding", "severity"),
    [
        (Finding("x", "erreur", "m"), "erreur"),
        (OtherFinding("x", "avertissement", "m"), "avertissement"),
    ],
)
def test_severity_whatever_the_field_name(finding, severity):
    assert severity_of(finding) == severity


def test_comment_says_what_is_wrong_what_is_expected_and_the_rule():
    found = entries(
        [
            Finding("pourcentage_dans_un_nombre", "erreur", "Valeur 2019 « 44,52% » : un "
                    "pourcentage sur une ligne de nombre.", "TDB!D5", "Nombre de bilans"),
            OtherFinding("niveau_atteinte_different", "info", "Niveau déclaré différent."),
        ],
        [CELL, CELL],
    )  # fmt: skip
    text = comment_text(found, "Constats")
    assert text.startswith("snppe-report — 2 constats sur cette cellule")
    assert "Erreur : Valeur 2019 « 44,52% » : un pourcentage sur une ligne de nombre." in text
    assert "Indicateur : Nombre de bilans" in text
    assert "Attendu : le chiffre est certainement faux" in text
    assert "Règle : contrôle « pourcentage_dans_un_nombre »" in text
    assert "feuille « Constats »" in text
    # a code this module has never heard of is described like any other
    assert "Information : Niveau déclaré différent." in text
    assert "Règle : contrôle « niveau_atteinte_different »" in text


def test_summary_counts_by_severity_and_placement():
    found = entries(
        [Finding("a", "erreur", "m"), Finding("b", "erreur", "m"), Finding("c", "info", "m")],
        [CELL, CELL, ROW],
    )
    assert summary(found) == (
        "3 constats (2 erreurs, 1 information) ; 2 sur une cellule, commentées et marquées ; "
        "1 sans cellule, situé par sa ligne quand elle est connue."
    )
    assert summary([]).startswith("Aucun constat")


def test_completeness_rules_name_the_campaign_years():
    rules = completeness_rules(2023)
    assert any("2023 ou 2024" in r for r in rules)
    assert any("2019" in r for r in rules)
    assert all("{" not in r for r in rules)
