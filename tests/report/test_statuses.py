"""The report's statuses on the Haut-Rhin example: synthèse, tiles, tables, cover, annex."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from snppe_report.report import model as report
from snppe_report.report.cells import STATUS_SYMBOLS

from ..conftest import EXAMPLE_2021, EXAMPLE_2023


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.fixture(scope="module")
def haut_rhin():
    return report.build_report(report.load_extraction(EXAMPLE_2023))


@pytest.fixture(scope="module")
def synthese(haut_rhin) -> str:
    return text_of(report.synthese_html(haut_rhin))


def test_synthesis_lists_the_late_objectives_in_one_line_each(haut_rhin, synthese):
    lines = [text_of(f"{x.statut_libelle} {x.indicateur} : {x.chiffres}")
             for x in haut_rhin.retards]  # fmt: skip
    assert lines[0] == (
        "En retard Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé "
        "par la PMI : 3,6 % en 2019 → 10 % en 2022 ; cible 15 % en 2023 ; rythme observé "
        "+2,0 pts par an, requis +5,3 pts par an"
    )
    assert any(
        line.startswith(
            "En retard Nombre d'agents formés sur la période du contrat : "
            "0 (sans objet) en 2019 → 0 en 2022 ; cible 2 en 2023"
        )
        for line in lines
    )
    assert any("Constitution du groupe d'enfants" in line for line in lines)
    assert {x.statut for x in haut_rhin.retards} <= {"en retard", "en recul", "non atteint"}
    late = synthese.split("Indicateurs en retard, en recul ou non atteints")[1]
    late = late.split("Indicateurs harmonisés nationaux")[0]
    for x in haut_rhin.retards:
        assert x.indicateur in late


def test_counts_leave_context_out(haut_rhin, synthese):
    counts = haut_rhin.comptes.set_index("Statut")["Indicateurs"]
    assert "contexte" not in counts.index
    assert counts["en retard"] == len(haut_rhin.retards)
    assert f"{haut_rhin.nb_contexte} chiffres de contexte" in synthese
    births = haut_rhin.indicateurs.set_index("indicateur_id").loc["naissances"]
    assert births["statut"] == "contexte"


def test_tiles_show_the_three_judgements(haut_rhin, synthese):
    epp = next(t for t in haut_rhin.tuiles if t.indicateur.startswith("Part des femmes ence"))
    assert (epp.statut_libelle, epp.tendance_fleche) == ("En retard", "↗")
    assert epp.tendance_texte == "en hausse (favorable)"
    assert epp.position_nationale == "en dessous"
    assert "cible nationale (20 %) de 10,3 points" in epp.position_texte
    assert "horizon 2022 passé" in epp.position_texte
    assert "rythme requis +5,3 pts par an" in epp.explication
    for words in ("Statut ◔ En retard", "Tendance ↗ en hausse (favorable)",
                  "Position nationale En dessous de la cible nationale (20 %)"):  # fmt: skip
        assert words in synthese


def test_figures_with_a_finding_carry_a_mark(haut_rhin):
    tiles = {t.indicateur[:30]: t for t in haut_rhin.tuiles}
    vad = tiles["Part des femmes ayant bénéfici"]
    assert vad.diagnostic.marque.startswith("Valeur 2019 : taux déclaré 6,87 %")
    assert any("1 149 / 7 688 = 14,95 %" in line for line in vad.constats)
    health = tiles["Part des enfants de 3-4 ans ay"]
    assert (health.dernier.texte, health.dernier.note) == (
        "63,34 %", "saisie sur la ligne du numérateur",
    )  # fmt: skip
    assert "un pourcentage sur une ligne de nombre" in health.dernier.marque
    synthese = report.synthese_html(haut_rhin)
    assert synthese.count('class="marque"') >= 3
    tables = report.engagements_html(haut_rhin)
    assert 'class="num marquee"' in tables and "▲" in tables


def test_engagement_rows_show_status_reason_and_trend(haut_rhin):
    every = [line for e in haut_rhin.engagements for o in e.objectifs for line in o.lignes]

    def line_of(start):
        (found,) = [line for line in every if line.indicateur.startswith(start)]
        return found

    places = line_of("Nombre de places créées en centre parental")
    assert places.statut == "non évaluable"
    assert "unités différentes" in places.explication and "10 familles" in places.explication
    agents = line_of("Nombre d'agents formés sur la période du contrat")
    assert (agents.statut, agents.tendance_texte) == ("en retard", "stable")
    assert line_of("Nombre de naissances vivantes").statut == "contexte"


def test_cover_and_headers_say_what_the_figures_are(haut_rhin):
    assert haut_rhin.campagne == "Campagne 2023 — valeurs jusqu'à 2022, cibles 2023"
    cover = text_of(report.cover_html(haut_rhin))
    assert "Campagne 2023 — valeurs jusqu'à 2022, cibles 2023" in cover
    assert haut_rhin.entete.endswith("Campagne 2023 — valeurs jusqu'à 2022, cibles 2023")
    assert "D'après le nom du fichier « 68-haut-rhin-tdb-snppe-2023.xlsx »." in cover


def test_cover_of_a_collectivite_given_by_the_option():
    rapport = report.build_report(report.load_extraction(EXAMPLE_2021, departement="39"))
    cover = text_of(report.cover_html(rapport))
    assert ("Collectivité indiquée à la production du rapport (le classeur ne la nomme pas)."
            in cover)  # fmt: skip
    assert "indiqué par l'option" not in cover
    share = next(t for t in rapport.tuiles if t.indicateur.startswith("Part des enfants de 3"))
    assert (share.diagnostic.texte, share.diagnostic_annee) == ("91,00 %", "2019")
    assert share.statut_libelle == "Atteint — valeur 2019"


def test_annex_prints_every_statut_and_the_thresholds(haut_rhin):
    annexes = text_of(report.annexes_html(haut_rhin))
    for statut, symbol in STATUS_SYMBOLS.items():
        assert f"{symbol} {statut[:1].upper()}{statut[1:]}" in annexes
    assert "au moins 95 % du rythme requis" in annexes
    assert "Eurostat" in annexes and "horizon 2022" in annexes


def test_declared_attainment_and_computed_ratio_on_made_up_rows():
    """A workbook's own "niveau d'atteinte" beside the computed statut; a ratio ND while
    its terms are known is shown "calculé" in its tile and its table row."""
    import dataclasses

    from snppe_report.read.table import extract

    from ..tidy_rows import cells, tidy

    epp = "Atteindre à horizon 2022 un taux de couverture par la PMI d'au moins 20 % des EPP"
    rows = tidy(
        ("Nombre de naissances vivantes selon le domicile de la mère (source INSEE)", epp,
         cells(v2019="7 688", v2022="7 237")),
        ("Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)", epp,
         cells(v2019="278", v2022="700")),
        ("Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la "
         "PMI", epp, {**cells(v2019="3,6%", v2022="ND", c2023="15%"),
                      ("atteinte", 2023): "Atteint"}),
    )  # fmt: skip
    extraction = dataclasses.replace(extract(EXAMPLE_2023), rows=rows)
    rapport = report.build_report(extraction)
    (tile,) = rapport.tuiles
    assert (tile.dernier.texte, tile.dernier.note) == ("9,67 %", "calculé")
    assert tile.atteinte.texte == "Atteint" and tile.statut == "en retard"
    assert "Atteinte déclarée Atteint" in text_of(report.synthese_html(rapport))
    line = rapport.engagements[0].objectifs[0].lignes[2]
    assert (line.valeurs[1].texte, line.valeurs[1].note) == ("9,67 %", "calculé")
    assert line.atteinte.texte == "Atteint"
    codes = {f.code for f in rapport.constats}
    assert "atteinte_divergente" in codes
