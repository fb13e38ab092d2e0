import pickle
import re

import pytest

from snppe_report.exceptions import CollectiviteError
from snppe_report.read.collectivites import (
    ORIGIN_OPTION,
    Collectivite,
    all_collectivites,
    departements,
    detect_collectivite,
    get_collectivite,
    parent_collectivites,
    resolve,
)

# --------------------------------------------------------------------------- table


def test_the_101_departements():
    rows = departements()
    assert len(rows) == 101
    codes = [row.code for row in rows]
    expected = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
    expected += ["971", "972", "973", "974", "976"]
    assert sorted(codes) == sorted(expected)
    assert all(row.departements == (row.code,) for row in rows)


def test_codes_names_and_slugs_are_unique_and_safe():
    rows = all_collectivites()
    assert len(rows) == 105
    assert len({r.code for r in rows}) == len(rows)
    assert len({r.nom for r in rows}) == len(rows)
    assert len({r.slug for r in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", row.slug), row
        assert row.slug.startswith(row.code.lower() + "-")
        assert row.article.endswith(row.nom), row


@pytest.mark.parametrize(
    ("code", "nom", "kind", "article", "slug"),
    [
        ("01", "Ain", "departement", "de l'Ain", "01-ain"),
        ("13", "Bouches-du-Rhône", "departement", "des Bouches-du-Rhône", "13-bouches-du-rhone"),
        ("2A", "Corse-du-Sud", "departement", "de la Corse-du-Sud", "2a-corse-du-sud"),
        ("2B", "Haute-Corse", "departement", "de la Haute-Corse", "2b-haute-corse"),
        ("21", "Côte-d'Or", "departement", "de la Côte-d'Or", "21-cote-d-or"),
        ("28", "Eure-et-Loir", "departement", "d'Eure-et-Loir", "28-eure-et-loir"),
        ("68", "Haut-Rhin", "departement", "du Haut-Rhin", "68-haut-rhin"),
        ("69", "Rhône", "departement", "du Rhône", "69-rhone"),
        ("75", "Paris", "departement", "de Paris", "75-paris"),
        ("80", "Somme", "departement", "de la Somme", "80-somme"),
        ("84", "Vaucluse", "departement", "de Vaucluse", "84-vaucluse"),
        (
            "90",
            "Territoire de Belfort",
            "departement",
            "du Territoire de Belfort",
            "90-territoire-de-belfort",
        ),
        ("95", "Val-d'Oise", "departement", "du Val-d'Oise", "95-val-d-oise"),
        ("971", "Guadeloupe", "departement", "de la Guadeloupe", "971-guadeloupe"),
        ("972", "Martinique", "collectivite unique", "de la Martinique", "972-martinique"),
        ("973", "Guyane", "collectivite unique", "de la Guyane", "973-guyane"),
        ("974", "La Réunion", "departement", "de La Réunion", "974-la-reunion"),
        ("976", "Mayotte", "departement", "de Mayotte", "976-mayotte"),
        (
            "6AE",
            "Collectivité européenne d'Alsace",
            "collectivite",
            "de la Collectivité européenne d'Alsace",
            "6ae-collectivite-europeenne-d-alsace",
        ),
        (
            "20R",
            "Collectivité de Corse",
            "collectivite",
            "de la Collectivité de Corse",
            "20r-collectivite-de-corse",
        ),
        ("75C", "Ville de Paris", "collectivite", "de la Ville de Paris", "75c-ville-de-paris"),
        (
            "69M",
            "Métropole de Lyon",
            "metropole",
            "de la Métropole de Lyon",
            "69m-metropole-de-lyon",
        ),
    ],
)
def test_rows(code, nom, kind, article, slug):
    row = get_collectivite(code)
    assert (row.code, row.nom, row.kind, row.article, row.slug) == (code, nom, kind, article, slug)


@pytest.mark.parametrize(
    ("code", "departements_"),
    [("6AE", ("67", "68")), ("20R", ("2A", "2B")), ("75C", ("75",)), ("69M", ("69",))],
)
def test_collectivites_cover_their_departements(code, departements_):
    assert get_collectivite(code).departements == departements_
    assert not get_collectivite(code).is_departement


def test_collectivite_is_frozen_and_picklable():
    row = get_collectivite("68")
    with pytest.raises(AttributeError):
        row.slug = "../../x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(row)) == row
    assert row.libelle == "Haut-Rhin (68)"
    assert isinstance(row, Collectivite)


# --------------------------------------------------------------------------- lookup


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("68", "68"),
        (" 68 ", "68"),
        ("068", "68"),
        ("1", "01"),
        ("01", "01"),
        ("2a", "2A"),
        ("2B", "2B"),
        ("02A", "2A"),
        ("971", "971"),
        ("69m", "69M"),
        ("69M", "69M"),
        ("6ae", "6AE"),
        ("20r", "20R"),
        ("75c", "75C"),
        ("Haut-Rhin", "68"),
        ("haut rhin", "68"),
        ("VAL D'OISE", "95"),
        ("La Réunion", "974"),
    ],
)
def test_get_collectivite(raw, code):
    assert get_collectivite(raw).code == code


@pytest.mark.parametrize("raw", ["99", "00", "975", "977", "2C", "", "abc", "68; rm -rf /", "6A"])
def test_get_collectivite_unknown(raw):
    with pytest.raises(CollectiviteError) as info:
        get_collectivite(raw)
    message = str(info.value)
    assert "code de collectivité inconnu" in message
    assert "2A" in message and "69M" in message and "collectivites.csv" in message


def test_get_collectivite_20_suggests_the_corsican_codes():
    with pytest.raises(CollectiviteError, match="2A .*2B .*20R"):
        get_collectivite("20")


@pytest.mark.parametrize(
    ("code", "parents"),
    [
        ("68", ["6AE"]),
        ("67", ["6AE"]),
        ("2A", ["20R"]),
        ("2b", ["20R"]),
        ("75", ["75C"]),
        ("69", []),
        ("01", []),
        ("6AE", []),
        ("69M", []),
    ],
)
def test_parent_collectivites(code, parents):
    assert [c.code for c in parent_collectivites(code)] == parents


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("texts", "filename", "code", "origin"),
    [
        (
            ["Département du Haut-Rhin"],
            None,
            "68",
            "d'après le titre du classeur : « Département du Haut-Rhin »",
        ),
        (["TABLEAU DE BORD SNPPE", "DÉPARTEMENT DU HAUT-RHIN"], None, "68", None),
        (["Tableau de bord SNPPE – Haut Rhin"], None, "68", None),
        (["Tableau de bord (68)"], None, "68", None),
        (["Contrat SNPPE — département 68"], None, "68", None),
        (["Conseil départemental n° 2A"], None, "2A", None),
        (["CD 971 – tableau de bord"], None, "971", None),
        (["Département de la Haute-Corse"], None, "2B", None),
        (["Corse-du-Sud"], None, "2A", None),
        (["Collectivité de Corse"], None, "20R", None),
        (["Département de la Seine-Saint-Denis"], None, "93", None),
        (["Seine-St-Denis"], None, "93", None),
        (["Département des Bouches-du-Rhône"], None, "13", None),
        (["Département du Rhône"], None, "69", None),
        (["Métropole de Lyon"], None, "69M", None),
        (["Métropole de Lyon (69)"], None, "69M", None),
        (["Ville de Paris"], None, "75C", None),
        (["Département de Paris"], None, "75", None),
        (["Val-d’Oise"], None, "95", None),
        (["<p>Département de <i>l'Ain</i></p>"], None, "01", None),
        (["Département de la Guadeloupe"], None, "971", None),
        (["Département de La Réunion"], None, "974", None),
        (["Martinique"], None, "972", None),
        # common-word names only in explicit forms
        (["Conseil départemental de la Somme"], None, "80", None),
        (["Somme (80)"], None, "80", None),
        (["Département du Nord"], None, "59", None),
        (["NORD"], None, "59", None),
        (["Conseil départemental du Lot"], None, "46", None),
        (["Département de la Manche"], None, "50", None),
        # a collectivité grouping départements gives way to the département
        (["Collectivité européenne d'Alsace", "Haut-Rhin"], None, "68", None),
        (
            ["Collectivité européenne d'Alsace (68)"],
            None,
            "68",
            "d'après le titre du classeur : « Collectivité européenne d'Alsace (68) »",
        ),
        (["Collectivité européenne d'Alsace"], None, "6AE", None),
        (["Collectivité européenne d'Alsace : Bas-Rhin et Haut-Rhin"], None, "6AE", None),
        (["Collectivité de Corse – Haute-Corse"], None, "2B", None),
        # titles beat the file name
        (["Département du Haut-Rhin"], "67-bas-rhin.xlsx", "68", None),
        # file names
        (
            ["TABLEAU DE BORD SNPPE"],
            "68-haut-rhin.xlsx",
            "68",
            "d'après le nom du fichier « 68-haut-rhin.xlsx »",
        ),
        (
            [],
            "data/68-haut-rhin-tdb-snppe-2023.xlsx",
            "68",
            "d'après le nom du fichier « 68-haut-rhin-tdb-snppe-2023.xlsx »",
        ),
        ([], "68_tdb_2023.xlsx", "68", None),
        ([], "D68 tableau de bord.xlsm", "68", None),
        ([], "CD68-tdb.ods", "68", None),
        ([], "068-tdb.xlsx", "68", None),
        ([], "2a_tdb.xlsx", "2A", None),
        ([], "971-guadeloupe.xlsx", "971", None),
        ([], "tdb-snppe-haut-rhin-2023.xlsx", "68", None),
        ([], "TDB SNPPE Seine-Saint-Denis 2022.xlsx", "93", None),
        ([], "tdb_departement_80.xlsx", "80", None),
        ([], r"C:\Users\x\Documents\59-nord-tdb.xlsx", "59", None),
        ([], "tdb-2021-12-01-haut-rhin.xlsx", "68", None),
        # titles ambiguous between two départements, file name decides
        (["Département du Bas-Rhin", "Département du Haut-Rhin"], "68-tdb.xlsx", "68", None),
    ],
)
def test_detect_collectivite(texts, filename, code, origin):
    found, how = detect_collectivite(texts, filename)
    assert found is get_collectivite(code)
    if origin is not None:
        assert how == origin
    assert how.startswith("d'après le ")


@pytest.mark.parametrize(
    ("texts", "filename"),
    [
        ([], None),
        (["TABLEAU DE BORD SNPPE"], "tdb-snppe-2021-departement-non-nomme.xlsx"),
        (["", None], ""),
        # common words are not département names
        (["La somme des montants engagés"], None),
        (["Un lot de fiches actions"], None),
        (["Au nord du territoire"], None),
        (["Compte rendu de la réunion du comité"], None),
        (["Contact : Aude Martin, chargée de mission"], None),
        (["Un dispositif cher à maintenir"], None),
        (["Vienne la fin de la crise"], None),
        (["Allier prévention et protection"], None),
        (["Les Landes de Gascogne"], None),
        # no bare numbers, no dates, no years
        (["Engagement 2 : sécuriser les parcours"], None),
        (["Objectif n° 10"], None),
        (["Nombre d'IP (2021)"], None),
        (["Contrat 2020-2022", "68 actions", "Tableau de bord 2023"], "tdb_2021-12-01.xlsx"),
        (["Nombre de places d'accueil : 41"], "tdb-v2.xlsx"),
        # names inside words
        (["Maintenir les moyens", "Indremplaçable", "Lotissement", "Varier l'offre"], None),
    ],
)
def test_detect_collectivite_negative(texts, filename):
    with pytest.raises(CollectiviteError) as info:
        detect_collectivite(texts, filename)
    message = str(info.value)
    assert "--departement" in message
    assert "n'a pas pu être déterminée" in message


def test_detect_collectivite_error_names_the_file():
    with pytest.raises(CollectiviteError) as info:
        detect_collectivite(["TABLEAU DE BORD SNPPE"], "tdb-2021.xlsx")
    assert info.value.file == "tdb-2021.xlsx"
    assert str(info.value).startswith("fichier « tdb-2021.xlsx » : ")
    assert pickle.loads(pickle.dumps(info.value)).file == "tdb-2021.xlsx"


@pytest.mark.parametrize(
    ("texts", "filename", "named"),
    [
        (["Département du Bas-Rhin", "Département du Haut-Rhin"], None, ["67", "68"]),
        (["Département du Bas-Rhin", "Département du Haut-Rhin"], "59-nord.xlsx", ["67", "68"]),
        (["Haut-Rhin (67)"], None, ["68", "67"]),
        (["Département du Rhône – Métropole de Lyon"], None, ["69", "69M"]),
        ([], "68-bas-rhin.xlsx", ["68", "67"]),
    ],
)
def test_detect_collectivite_ambiguous(texts, filename, named):
    with pytest.raises(CollectiviteError) as info:
        detect_collectivite(texts, filename)
    message = str(info.value)
    assert "plusieurs collectivités possibles" in message
    assert "--departement" in message
    for code in named:
        assert f"({code})" in message


def test_seed_texts_alone_do_not_name_a_departement():
    # Every text of seed 000's dashboard that could look like a place: none is a name.
    texts = [
        "TABLEAU DE BORD SNPPE",
        "Actualisation des données chiffrées à l'échelle de la CeA",
        "Action 9.2 : Création à l'IME Saint-André de Cernay et à l'IME Saint-Joseph de Colmar",
        "1 + installation de l'Observatoire Alsacien",
        "Nombre de réunions de l'ODPE, conférence stratégique",
        "Nombre de places dédiées par an (MDM et Saint-Jean)",
        "Actualisation du protocole (nouveaux partenaires : Police, Gendarmerie, PF3S, sanitaire)",
        "4 réunions CDPE partenaires correspondant au protocole",
        "2 550 (2018)",
        "Légende",
    ]
    with pytest.raises(CollectiviteError):
        detect_collectivite(texts, "tdb-snppe-2023.xlsx")


def test_only_the_beginning_of_long_texts_is_read():
    long_text = "x " * 5000 + "Département du Haut-Rhin"
    with pytest.raises(CollectiviteError):
        detect_collectivite([long_text], None)


def test_origin_quotes_are_shortened():
    title = "Département du Haut-Rhin — " + "tableau de bord " * 20
    _, how = detect_collectivite([title], None)
    assert how.endswith("… »")
    assert len(how) < 130


# --------------------------------------------------------------------------- resolve


def test_resolve_explicit_code_wins():
    found, how = resolve("2a", ["Département du Haut-Rhin"], "68-haut-rhin.xlsx")
    assert found.code == "2A"
    assert how == ORIGIN_OPTION == "indiqué par l'option --departement"


@pytest.mark.parametrize("code", [None, "", "  "])
def test_resolve_without_code_detects(code):
    found, how = resolve(code, [], "68-haut-rhin.xlsx")
    assert found.code == "68"
    assert how == "d'après le nom du fichier « 68-haut-rhin.xlsx »"


def test_resolve_unknown_code_names_the_file():
    with pytest.raises(CollectiviteError) as info:
        resolve("99", [], "tdb.xlsx")
    assert info.value.file == "tdb.xlsx"
    assert "code de collectivité inconnu : « 99 »" in str(info.value)


def test_a_sheet_name_comes_after_the_titles_and_before_the_file_name():
    coll, origin = detect_collectivite([], "tdb.xlsx", sheet_names=["TDB Gironde 2023"])
    assert coll.code == "33" and origin == "d'après le nom de la feuille « TDB Gironde 2023 »"
    coll, _ = detect_collectivite(["Département du Gers"], "tdb.xlsx", ["TDB Gironde 2023"])
    assert coll.code == "32"  # a title wins
    coll, _ = detect_collectivite([], "33-gironde.xlsx", sheet_names=["Tableau de bord"])
    assert coll.code == "33"  # a sheet naming nobody leaves the file name its say


# --------------------------------------------------------------------------- other bodies


@pytest.mark.parametrize(
    ("texts", "filename", "code"),
    [
        # a region or a body named after a territory is not a collectivité
        (["Métropole de Lyon", "ARS Auvergne-Rhône-Alpes"], None, "69M"),
        (["TDB SNPPE 2023 — Métropole de Lyon — ARS Auvergne-Rhône-Alpes"], None, "69M"),
        (["Agence régionale de santé Auvergne-Rhône-Alpes", "Département du Rhône"], None, "69"),
        (["Préfecture de la région Auvergne-Rhône-Alpes", "Métropole de Lyon"], None, "69M"),
        (["Préfecture du Rhône", "Métropole de Lyon"], None, "69M"),
        (["Région Pays de la Loire — Département de la Sarthe"], None, "72"),
        (["Centre-Val de Loire", "Conseil départemental du Loiret"], None, "45"),
        (["ARS de Corse", "Département de la Corse-du-Sud"], None, "2A"),
        (["ARS Grand Est", "Collectivité européenne d'Alsace"], None, "6AE"),
        (["Hauts-de-France", "Département du Nord"], None, "59"),
        (["Nord-Pas-de-Calais", "Département du Pas-de-Calais"], None, "62"),
        (["CAF du Haut-Rhin", "Département du Bas-Rhin"], None, "67"),
        (["Tribunal judiciaire de Mulhouse, ARS Grand Est"], "68-tdb.xlsx", "68"),
        # the body masks only its own name: the collectivité next to it still counts
        (["ARS Auvergne-Rhône-Alpes — Département du Rhône (69)"], None, "69"),
        (["Département du Rhône, région Auvergne-Rhône-Alpes"], None, "69"),
        # a département's name inside no body is still read
        (["Loire (42)"], None, "42"),
        (["Tableau de bord — Rhône"], None, "69"),
    ],
)
def test_regions_and_other_bodies_are_not_collectivites(texts, filename, code):
    found, _ = detect_collectivite(texts, filename)
    assert found.code == code


@pytest.mark.parametrize(
    "texts",
    [
        ["ARS Auvergne-Rhône-Alpes"],
        ["Agence régionale de santé Pays de la Loire"],
        ["Préfecture de la région Provence-Alpes-Côte d'Azur"],
        ["Préfète de la région Centre-Val de Loire"],
        ["Région Auvergne-Rhône-Alpes"],
        ["DREETS Rhône-Alpes"],
        ["ARS Martinique"],
    ],
)
def test_a_title_naming_only_bodies_names_no_collectivite(texts):
    with pytest.raises(CollectiviteError) as info:
        detect_collectivite(texts, "tdb-2023.xlsx")
    assert "n'a pas pu être déterminée" in str(info.value)


def test_collectivites_module_is_the_public_face():
    from snppe_report.read import collectivite_detection, collectivite_table, collectivites

    assert collectivites.resolve is collectivite_detection.resolve
    assert collectivites.get_collectivite is collectivite_table.get_collectivite
