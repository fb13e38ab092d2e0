import pytest

from snppe_report.exceptions import CollectiviteError, LayoutError
from snppe_report.read.rows import display_number
from snppe_report.read.table import COLUMNS, extract

from ..conftest import HEADER_2023

ROWS_2023 = [
    ["TABLEAU DE BORD SNPPE"],
    ["Département du Haut-Rhin"],
    HEADER_2023,
    ["Engagement 1 : Agir le plus précocement possible"],
    [
        "Rendre obligatoire l'entretien prénatal précoce (EPP)\nObjectif n° 1",
        "Atteindre <i>20 %</i> d'EPP",
        "Nombre de naissances vivantes selon le domicile de la mère (source INSEE)",
        7688,
        7237,
    ],
    [
        None,
        None,
        "Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)",
        278,
        700,
    ],
    [
        None,
        None,
        "Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la PMI",
        "=D6/D5",
        0.0967,
        "15%",
    ],
    HEADER_2023,
    [
        "Objectif n° 6",
        "Renforcer les CRIP",
        "Nombre d'IP entrantes\nNombre d'IP évaluées",
        "1112\n718",
        "6 mois",
    ],
    ["Soutenir les actions innovantes", "Innover", "Nombre de places", "SO", "ND", 3],
    ["Engagement 4 : Préparer leur avenir"],
    [None, None, None, "88 MNA"],
    ["Légende"],
    ["SO : Sans objet"],
]
MERGES_2023 = ["A4:G4", "A5:A7", "B5:B7", "A11:G11"]


@pytest.fixture
def ex2023(dashboard):
    path = dashboard(
        ROWS_2023, merges=MERGES_2023, grey=["A10", "B10", "C10"], formats={"E7": "0.0%"}
    )
    return extract(path)


def _row(frame, **crit):
    sel = frame
    for key, value in crit.items():
        sel = sel[sel[key] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_contract_columns(ex2023):
    assert tuple(ex2023.contract().columns) == COLUMNS


def test_columns_years_and_natures(ex2023):
    rows = ex2023.rows
    assert ex2023.annee == 2023
    assert set(zip(rows.annee, rows.nature)) == {
        (2019, "valeur"),
        (2022, "valeur"),
        (2023, "cible"),
    }
    assert ex2023.collectivite.code == "68"


def test_merged_labels_engagement_and_objective_number(ex2023):
    row = (
        _row(ex2023.rows, indicateur_id="epp_entretiens_pmi", annee=2019)
        if "epp_entretiens_pmi" in set(ex2023.rows.indicateur_id)
        else _row(ex2023.rows, valeur=278.0)
    )
    assert row.engagement == "Engagement 1 : Agir le plus précocement possible"
    assert row.mesure == "Rendre obligatoire l'entretien prénatal précoce (EPP)"
    assert row.objectif == "Atteindre 20 % d'EPP"
    assert row.objectif_num == 1
    assert row.source == "Tableau de bord!D6"


def test_formula_without_cache_is_computed_and_reported(ex2023):
    row = _row(ex2023.rows, source="Tableau de bord!D7")
    assert row.brut == "=D6/D5"
    assert row.valeur == pytest.approx(278 / 7688)
    assert "recalcul" in row.note
    assert any(f.code == "formule_recalculee" for f in ex2023.findings)


def test_percent_format_and_text_percent(ex2023):
    assert _row(ex2023.rows, source="Tableau de bord!E7").brut == "9,7 %"
    target = _row(ex2023.rows, source="Tableau de bord!F7")
    assert (target.valeur, target.unite, target.nature) == (0.15, "pourcentage", "cible")


def test_repeated_header_skipped_and_stacked_cells_split(ex2023):
    rows = ex2023.rows
    assert not (rows.indicateur == "Indicateur").any()
    stacked = rows[rows.source == "Tableau de bord!D9"]
    assert list(stacked.indicateur) == ["Nombre d'IP entrantes", "Nombre d'IP évaluées"]
    assert list(stacked.valeur) == [1112, 718]
    assert set(stacked.objectif_num) == {6}
    whole = _row(rows, source="Tableau de bord!E9")
    assert whole.indicateur == "Nombre d'IP entrantes / Nombre d'IP évaluées"
    assert any(f.code == "cellule_non_ventilee" for f in ex2023.findings)


def test_codes_grey_fill_and_legend(ex2023):
    rows = ex2023.rows
    so = _row(rows, source="Tableau de bord!D10")
    assert (so.statut, so.facultatif) == ("SO", True)
    assert not rows[rows.ligne < 10].facultatif.any()
    assert not rows.brut.str.contains("Sans objet").any()
    unlabelled = _row(rows, source="Tableau de bord!D12")
    assert unlabelled.engagement == "Engagement 4 : Préparer leur avenir"
    assert unlabelled.indicateur.startswith("Indicateur sans libellé")


def test_two_row_header_with_cibles_group(dashboard):
    rows = [
        [None, None, None, None, None, None, "Cibles"],
        [
            "Mesure",
            "Objectif",
            "Indicateur",
            "Niveau des indicateurs en 2019",
            "Niveau des indicateurs en 2020",
            "Niveau des indicateurs en 2021",
            2020,
            2021,
            2022,
        ],
        [None, None, None, None, None, None, "(rappel)"],
        ["M", "O", "Nombre de places", 24, 34, None, 34, 75, 100],
    ]
    ex = extract(dashboard(rows, name="39-jura.xlsx", merges=["G1:I1"]))
    pairs = sorted(set(zip(ex.rows.annee, ex.rows.nature)))
    assert pairs == [
        (2019, "valeur"),
        (2020, "cible"),
        (2020, "valeur"),
        (2021, "cible"),
        (2022, "cible"),
    ]
    assert ex.annee == 2021


def test_lost_group_header_repeated_year_means_target(dashboard):
    rows = [
        [
            "Mesure",
            "Objectif",
            "Indicateur",
            "Niveau des indicateurs en 2019",
            "Niveau des indicateurs en 2020",
            "2020",
            "2021",
        ],
        ["M", "O", "Nombre de places", 24, 34, 34, 75],
    ]
    ex = extract(dashboard(rows, name="39-jura.xlsx"))
    assert sorted(set(zip(ex.rows.annee, ex.rows.nature))) == [
        (2019, "valeur"),
        (2020, "cible"),
        (2020, "valeur"),
        (2021, "cible"),
    ]


def test_no_year_column(dashboard):
    rows = [["Mesure", "Objectif", "Indicateur", "Valeur"], ["M", "O", "I", 3]]
    with pytest.raises(LayoutError, match="aucune colonne") as info:
        extract(dashboard(rows))
    assert info.value.sheet == "Tableau de bord"


def test_no_dashboard(dashboard):
    with pytest.raises(LayoutError, match="aucune feuille"):
        extract(dashboard([["Bonjour"], [1, 2, 3]]))


def test_unknown_collectivite_asks_for_option(dashboard):
    rows = [HEADER_2023, ["M", "O", "Nombre de places", 3]]
    with pytest.raises(CollectiviteError, match="--departement"):
        extract(dashboard(rows, name="tableau.xlsx"))
    assert extract(dashboard(rows, name="tableau.xlsx"), departement="2A").collectivite.code == "2A"


def test_fictive_flag_from_title(dashboard):
    rows = [
        ["DONNÉES FICTIVES — Département de la Lozère (48)"],
        HEADER_2023,
        ["M", "O", "Nombre de places", 3],
    ]
    ex = extract(dashboard(rows, name="tableau.xlsx"))
    assert ex.fictive and ex.collectivite.code == "48"


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.036, "0.0%", "3,6 %"),
        (0.2046, "0.00%", "20,46 %"),
        (7688, "General", "7 688"),
        (7688, "#,##0", "7 688"),
        (997.5, "0.0", "997,5"),
        (1, "0%", "100 %"),
    ],
)
def test_display_number(value, fmt, shown):
    assert display_number(value, fmt) == shown


# -- a dashboard over several sheets -----------------------------------------------------

_CRIP_HEADER = ["Mesure", "Objectif", "Indicateur", "Niveau 2019 (diagnostic)",
                "Niveau 2022", "Cible 2023"]  # fmt: skip
_EPP_SHEET = [
    ["Département de la Somme"],
    _CRIP_HEADER,
    ["Rendre obligatoire l'EPP", "Objectif n° 1", "Nombre d'entretiens du 4e mois réalisés "
     "par la PMI (source DREES / CD)", 278, 700],
]  # fmt: skip
_CRIP_SHEET = [
    _CRIP_HEADER,
    ["Renforcer les CRIP", "Objectif n° 6", "Nombre d'IP entrantes", 5222, 5450],
    [None, None, "Taux d'IP évalués sous 3 mois", "41%", "52%", "80%"],
]


def test_a_dashboard_with_one_sheet_per_engagement_is_read_whole(dashboard):
    ex = extract(dashboard(_EPP_SHEET, name="80-somme.xlsx", sheet="Engagement 1",
                           extra_sheets=[("Engagement 2", _CRIP_SHEET)]))  # fmt: skip
    assert ex.sheets == ("Engagement 1", "Engagement 2") and ex.sheet == "Engagement 1"
    rows = ex.rows
    assert rows.indicateur.drop_duplicates().tolist() == [
        "Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)",
        "Nombre d'IP entrantes",
        "Taux d'IP évalués sous 3 mois",
    ]
    assert rows.engagement.drop_duplicates().tolist() == ["Engagement 1", "Engagement 2"]
    assert rows.source.tolist()[-1] == "Engagement 2!F3"
    assert rows.ordre.tolist() == list(range(1, len(rows) + 1))
    assert [f.code for f in ex.findings] == []


def test_a_copy_or_another_campaign_in_the_same_workbook_is_not_read_but_said(dashboard):
    copy = [_CRIP_HEADER, *_EPP_SHEET[2:]]
    other_years = [[*_CRIP_HEADER[:3], "Niveau 2019", "Niveau 2021", "Cible 2022"],
                   *_CRIP_SHEET[1:]]  # fmt: skip
    ex = extract(dashboard(_EPP_SHEET, name="80-somme.xlsx", sheet="TDB 2023",
                           extra_sheets=[("Copie", copy), ("TDB 2021", other_years)]))  # fmt: skip
    assert ex.sheets == ("TDB 2023",)
    assert set(ex.rows.source.str.partition("!")[0]) == {"TDB 2023"}
    aside = [f for f in ex.findings if f.code == "feuille_non_lue"]
    assert [f.severity for f in aside] == ["avertissement", "avertissement"]
    assert "« Copie »" in aside[0].message and "reprend des indicateurs" in aside[0].message
    assert "« TDB 2021 »" in aside[1].message and "colonnes d'années" in aside[1].message
    assert aside[1].message.startswith(
        "La feuille « TDB 2021 » a aussi un en-tête de tableau de bord, mais ses colonnes "
        "d'années ne sont pas celles du tableau de bord lu : elle n'est pas lue (tableau de "
        "bord lu : feuille « TDB 2023 »)."
    )


def test_years_as_group_headers_and_a_unit_column(tmp_path):
    """Each year a merged group over Réalisé / Cible / Taux d'atteinte, and a "Unité"
    column giving bare numbers their unit."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Conseil départemental de l'Ain"])
    ws.append([])
    ws.append(["Mesure", "Objectif", "Indicateur", "Unité", 2019, None, None, 2022])
    ws.append([None, None, None, None, "Réalisé", "Cible", "Taux d'atteinte", "Réalisé",
               "Cible", "Taux d'atteinte"])  # fmt: skip
    for rng in ("A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:J3"):
        ws.merge_cells(rng)
    ws.append(["Renforcer les CRIP", "Objectif n° 6", "Délai moyen de traitement des IP",
               "mois", 4.5, None, None, 3.2, 3, None])  # fmt: skip
    ws.append([None, None, "Taux d'IP évalués sous 3 mois", "%", 41, None, None, 52, 70, 0.74])
    ws["J6"].number_format = "0%"
    path = tmp_path / "01-ain.xlsx"
    wb.save(path)
    rows = extract(path).rows
    got = {(r.indicateur[:5], r.annee, r.nature): (r.valeur, r.unite) for r in rows.itertuples()}
    assert got == {
        ("Délai", 2019, "valeur"): (4.5, "mois"),
        ("Délai", 2022, "valeur"): (3.2, "mois"),
        ("Délai", 2022, "cible"): (3.0, "mois"),
        ("Taux ", 2019, "valeur"): (0.41, "pourcentage"),
        ("Taux ", 2022, "valeur"): (0.52, "pourcentage"),
        ("Taux ", 2022, "cible"): (0.70, "pourcentage"),
        ("Taux ", 2022, "atteinte"): (0.74, "pourcentage"),
    }


@pytest.mark.parametrize(
    ("headers", "label"),
    [
        (["Intitulé de la mesure", "Objectif", "Intitulé"], "Nombre d'IP entrantes"),
        (["Actions", "Libellé de l'objectif", "Nom de l'indicateur"], "Nombre d'IP entrantes"),
        (["Mesures", "Objectifs opérationnels", "Indicateurs de suivi"], "Nombre d'IP entrantes"),
    ],
)
def test_other_wordings_of_the_header(dashboard, headers, label):
    rows = [[*headers, "Réalisé 2019", "Réalisé 2022", "Cible 2023"],
            ["Renforcer les CRIP", "Objectif n° 6", label, 5222, 5450, 6000]]  # fmt: skip
    ex = extract(dashboard(rows))
    assert ex.rows[["mesure", "indicateur", "annee", "nature"]].values.tolist() == [
        ["Renforcer les CRIP", label, 2019, "valeur"],
        ["Renforcer les CRIP", label, 2022, "valeur"],
        ["Renforcer les CRIP", label, 2023, "cible"],
    ]


def test_a_label_typed_on_several_lines_is_one_label(dashboard):
    """Excel's _x000D_ escape and a manual line break inside one label; a stacked cell of
    two indicators (each line opens like one) stays two indicators."""
    rows = [
        ["Mesure", "Objectif", "Indicateur", "Réalisé 2019", "Réalisé 2022"],
        ["Renforcer les CRIP", "Objectif n° 6", "Nombre d'IP\r\nentrantes", 5222, 5450],
        [None, None, "Nombre d'IP entrantes\nNombre d'IP évaluées", 1112],
    ]
    ex = extract(dashboard(rows))
    assert ex.rows.indicateur.drop_duplicates().tolist() == [
        "Nombre d'IP entrantes",
        "Nombre d'IP entrantes / Nombre d'IP évaluées",
    ]
    assert ex.rows.indicateur_id.iloc[0] == "crip-ip-entrantes"
    assert [f.code for f in ex.findings] == ["cellule_non_ventilee"]


def test_derived_and_comment_columns_are_not_values(dashboard):
    """A year in "Évolution 2019-2022", "Écart à la cible 2023" or "Commentaire 2022"
    does not make a value: such columns are left out and reported."""
    rows = [
        ["Mesure", "Objectif", "Indicateur", "Réalisé 2019", "Réalisé 2022",
         "Évolution 2019-2022", "Écart à la cible 2023", "Cible 2023", "Commentaire 2022"],
        ["Renforcer les CRIP", "Objectif n° 6", "Nombre d'IP entrantes", 5222, 5450, "4,4 %",
         -550, 6000, "hausse liée au confinement"],
    ]  # fmt: skip
    ex = extract(dashboard(rows))
    assert ex.rows[["annee", "nature", "valeur"]].values.tolist() == [
        [2019, "valeur", 5222.0],
        [2022, "valeur", 5450.0],
        [2023, "cible", 6000.0],
    ]
    skipped = [(f.code, f.severity, f.source) for f in ex.findings]
    assert skipped == [
        ("colonne_non_lue", "info", "Tableau de bord!F1"),
        ("colonne_non_lue", "info", "Tableau de bord!G1"),
        ("colonne_non_lue", "info", "Tableau de bord!I1"),
    ]
    assert "« Écart à la cible 2023 »" in ex.findings[1].message


def test_two_columns_for_one_year_are_reported(dashboard):
    rows = [
        ["Mesure", "Objectif", "Indicateur", "Réalisé 2019", "Réalisé 2022 (provisoire)",
         "Réalisé 2022 (définitif)", "Cible 2023"],
        ["Renforcer les CRIP", "Objectif n° 6", "Nombre d'IP entrantes", 5222, 5400, 5450, 6000],
    ]  # fmt: skip
    ex = extract(dashboard(rows))
    (double,) = ex.findings
    assert (double.code, double.severity, double.source) == (
        "valeur_en_double", "avertissement", "Tableau de bord!E2",
    )  # fmt: skip
    assert double.message == (
        "Valeur 2022 en double : « 5 400 » (E2), « 5 450 » (F2) ; le rapport retient la "
        "première. Gardez une seule colonne par année et par nature."
    )


def test_a_target_header_naming_objectif_is_not_the_objectif_column(dashboard):
    """No Objectif column, targets headed "Objectif 2023": every value is read."""
    rows = [
        ["Mesure", "Indicateur", "Réalisé 2019", "Réalisé 2022", "Objectif 2023", "Objectif 2024"],
        ["Renforcer les CRIP", "Nombre d'IP entrantes", 5222, 5450, 6000, 6500],
    ]
    ex = extract(dashboard(rows))
    assert ex.rows[["annee", "nature", "valeur"]].values.tolist() == [
        [2019, "valeur", 5222.0],
        [2022, "valeur", 5450.0],
        [2023, "cible", 6000.0],
        [2024, "cible", 6500.0],
    ]


def test_a_simplified_dashboard_with_only_an_indicateur_column(dashboard):
    rows = [
        ["Département du Gers"],
        ["Indicateur", "2019", "2022", "Cible 2023"],
        ["Engagement 2 : Sécuriser les parcours"],
        ["Nombre d'IP entrantes", 5222, 5450, 6000],
    ]
    ex = extract(dashboard(rows, name="32-gers.xlsx"))
    assert ex.collectivite.code == "32"
    assert ex.rows[["engagement", "annee", "nature"]].values.tolist() == [
        ["Engagement 2 : Sécuriser les parcours", 2019, "valeur"],
        ["Engagement 2 : Sécuriser les parcours", 2022, "valeur"],
        ["Engagement 2 : Sécuriser les parcours", 2023, "cible"],
    ]


def test_objective_rows_set_the_objective_of_the_rows_below(dashboard):
    """ "Objectif n° 1 : …" on a row of its own (merged across), mesures below it."""
    rows = [
        ["Mesure", "Objectif", "Indicateur", "Réalisé 2019", "Réalisé 2022", "Cible 2023"],
        ["Engagement 1 : Agir le plus précocement possible"],
        ["Objectif n° 1 : atteindre 20 % d'EPP"],
        ["Rendre obligatoire l'EPP", None, "Nombre d'entretiens du 4e mois", 278, 700],
        ["Objectif n° 6 : renforcer les CRIP"],
        ["Renforcer les CRIP", None, "Nombre d'IP entrantes", 5222, 5450],
    ]
    ex = extract(dashboard(rows, merges=["A2:F2", "A3:F3", "A5:F5"]))
    got = ex.rows.drop_duplicates("indicateur")[["objectif", "objectif_num", "mesure"]]
    assert got.values.tolist() == [
        ["atteindre 20 % d'EPP", 1, "Rendre obligatoire l'EPP"],
        ["renforcer les CRIP", 6, "Renforcer les CRIP"],
    ]


@pytest.mark.parametrize(
    "heading",
    ["ENGAGEMENT N°2 - Sécuriser les parcours", "Engagement II : Sécuriser les parcours",
     "Axe 2 – Sécuriser les parcours", "Conditions de réussite"],
)  # fmt: skip
def test_other_spellings_of_engagement_rows(dashboard, heading):
    rows = [
        ["Mesure", "Objectif", "Indicateur", "Réalisé 2019", "Réalisé 2022"],
        [heading],
        ["Renforcer les CRIP", "Objectif n° 6", "Nombre d'IP entrantes", 5222, 5450],
    ]
    assert set(extract(dashboard(rows)).rows.engagement) == {heading}


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (0.036, "0.0%", "3,6 %"),
        (41, '0.0" %"', "41,0 %"),  # a % written as text: the number is in points
        (41, r"0\%", "41 %"),
        (12, '0" mois"', "12 mois"),
        (1250, '#,##0 "€"', "1 250 €"),
        (1250.5, "#,##0.00 €", "1 250,50 €"),
        (7688, "#,##0", "7 688"),
        (997.5, "General", "997,5"),
    ],
)
def test_numbers_are_shown_as_their_format_shows_them(value, number_format, shown):
    assert display_number(value, number_format) == shown


def test_an_unfilled_dashboard_is_refused_with_its_sheet(dashboard):
    rows = [
        ["Mesure", "Objectif", "Indicateur", "Réalisé 2019", "Réalisé 2022", "Cible 2023"],
        ["Renforcer les CRIP", "Objectif n° 6", "Nombre d'IP entrantes"],
    ]
    with pytest.raises(LayoutError) as err:
        extract(dashboard(rows))
    assert err.value.sheet == "Tableau de bord" and err.value.exit_code == 2
    assert "aucune valeur ni cible" in str(err.value)
