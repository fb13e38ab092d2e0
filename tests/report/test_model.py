"""report: the report's content and its HTML sections, from small hand-built dashboards."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import date

import pytest

from snppe_report.analysis import status
from snppe_report.read.table import extract
from snppe_report.report import cells
from snppe_report.report import model as report

HEADER = [
    "Mesure", "Objectif", "Indicateur", "Niveau des indicateurs en 2019 (diagnostic)",
    "Niveau des indicateurs en 2022", "Niveau cible de l'objectif en 2023",
    "Niveau d'atteinte de l'objectif en 2023",
]  # fmt: skip
SCRIPT = "<script>alert(1)</script>"
ROWS = [
    ["TABLEAU DE BORD SNPPE"],
    ["Département du Haut-Rhin"],
    HEADER,
    ["Engagement 1 : Agir le plus précocement possible"],
    ["Rendre obligatoire l'entretien prénatal précoce (EPP)\nObjectif n° 1",
     "Atteindre <i>20 %</i> d'EPP",
     "Nombre de naissances vivantes selon le domicile de la mère (source INSEE)", "7 688", "7 237"],
    [None, None, "Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)",
     278, 700],
    [None, None, "Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé "
     "par la PMI", "3,6%", "10%", "15%"],
    ["Engagement 2 : Sécuriser les parcours des enfants protégés"],
    ["Renforcer les CRIP\nObjectif n° 6", f"Renforcer les CRIP {SCRIPT}",
     f"Nombre de vacations de psychologues {SCRIPT}", "940 heures", "997,5 heures",
     "1000 heures"],
    [None, None, "Signature d'un nouveau protocole", "SO", "Protocole signé", "Protocole signé"],
    [None, None, "Nombre de réunions d'information", "ND", 12, 16],
    [None, None, "Effectivité de l'installation des unités", "SO",
     "Objectif atteint depuis le 01/09/2021", "Objectif atteint depuis le 01/09/2021"],
]  # fmt: skip
MERGES = ["A4:G4", "A5:A7", "B5:B7", "A8:G8", "A9:A12", "B9:B12"]
GENERATED = date(2026, 11, 22)


def build_dashboard(path, rows, merges=()):
    """A one-sheet dashboard: ``rows`` are lists of cell values (None: empty cell)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tableau de bord"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for span in merges:
        ws.merge_cells(span)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("rapport") / "68-haut-rhin-test.xlsx"
    return build_dashboard(path, ROWS, merges=MERGES)


@pytest.fixture(scope="module")
def rapport(workbook):
    return report.build_report(extract(workbook), generated=GENERATED)


@pytest.fixture(scope="module")
def html(rapport):
    return report.report_html(rapport)


# -- the model ----------------------------------------------------------------------------


def test_report_is_frozen(rapport):
    with pytest.raises(dataclasses.FrozenInstanceError):
        rapport.annee = 2030  # type: ignore[misc]


def test_report_knows_collectivite_parent_and_year(rapport, workbook):
    assert rapport.collectivite.code == "68"
    assert rapport.parent is not None and rapport.parent.code == "6AE"
    assert rapport.annee == 2023
    assert rapport.sha256 == hashlib.sha256(workbook.read_bytes()).hexdigest()
    assert rapport.annees_valeurs == (2019, 2022) and rapport.annees_cibles == (2023,)


def test_year_can_be_forced(workbook):
    assert report.build_report(extract(workbook), annee=2022, generated=GENERATED).annee == 2022


# -- sections -----------------------------------------------------------------------------


def test_cover(rapport, workbook):
    cover = report.cover_html(rapport)
    assert "Haut-Rhin (68)" in cover
    assert "Collectivité européenne d&#39;Alsace" in cover
    assert ">2023<" in cover
    assert workbook.name in cover and rapport.sha256 in cover
    assert "22 novembre 2026" in cover
    assert "nom du fichier" in cover or "titre" in cover  # how the collectivité was found
    assert "DONNÉES FICTIVES" not in cover


def test_figures_in_french(html):
    for text in ("7 688", "3,6 %", "15 %", "997,5 heures", "1 000 heures"):
        assert text in html, text


def test_every_figure_carries_its_cell(html):
    cells = re.findall(r"<td class=\"(?:num|txt|num renvoi)\"[^>]*>", html)  # one cell each
    assert cells
    for tag in cells:
        assert re.search(r'data-source="Tableau de bord![A-Z]+\d+"', tag), tag
        assert 'title="Feuille « Tableau de bord », cellule ' in tag, tag
    computed = re.findall(r"<td class=\"num calcule\"[^>]*>", html)
    assert computed
    for tag in computed:  # attainment rates name the cells they come from
        assert re.search(r'data-source="Tableau de bord![A-Z]+\d+( |")', tag), tag


def test_workbook_markup_is_escaped(html):
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<i>" not in html  # the source system's formatting tags are dropped


def test_long_texts_move_under_the_table(rapport):
    sections = report.engagements_html(rapport)
    marker = r'<td class="num renvoi"[^>]*><a href="#renvoi-[^"]+">\[a\]</a></td>'
    assert re.search(marker, sections)
    assert "[a] Valeur 2022 : Objectif atteint depuis le 01/09/2021" in sections
    assert "[b] Cible 2023 : Objectif atteint depuis le 01/09/2021" in sections
    for target in re.findall(r'href="#(renvoi-[^"]+)"', sections):
        assert f'id="{target}"' in sections


def test_status_in_words_and_symbols(html):
    badges = re.findall(
        r'<span class="statut s-([a-z-]+)"[^>]*>(<span class="sym"[^>]*>.</span> [^<]+)</span>',
        html,
    )
    assert badges
    words = {"atteint": "Atteint", "en-bonne-voie": "En bonne voie", "en-retard": "En retard",
             "en-recul": "En recul", "non-atteint": "Non atteint",
             "non-evaluable": "Non évaluable", "contexte": "Contexte"}  # fmt: skip
    for css, inner in badges:
        assert words[css] in inner  # never colour alone
        assert 'aria-hidden="true"' in inner


def test_toc_links_resolve(rapport, html):
    toc = report.toc_html(rapport)
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert {"synthese", "qualite", "annexes", "engagement-1", "engagement-2"} <= set(targets)
    for target in targets:
        assert f'id="{target}"' in html, target


def test_no_external_resource(html):
    assert not re.search(r'(?:src|href)\s*=\s*"(?!#|data:)', html)
    assert "<script" not in html and "<link" not in html and "@import" not in html


def test_synthese_tiles_and_counts(rapport):
    synthese = report.synthese_html(rapport)
    assert "Part des femmes enceintes" in synthese
    assert "Diagnostic 2019" in synthese and "Cible nationale" in synthese
    assert "au moins 20 %" in synthese
    counts = rapport.comptes.set_index("Statut")["Indicateurs"]
    counted = rapport.indicateurs[rapport.indicateurs["statut"] != "contexte"]
    assert counts.sum() == len(counted) < len(rapport.indicateurs)  # contexte not counted
    assert "objectif" in synthese


def test_engagement_sections_and_charts(rapport):
    sections = report.engagements_html(rapport)
    assert sections.count('<section class="chapitre engagement"') == 2
    assert "Objectif n° 1" in sections and "Objectif n° 6" in sections
    imgs = re.findall(r'<img src="(data:image/svg\+xml;base64,[^"]+)" alt="([^"]+)"', sections)
    assert imgs, "a quantitative indicator with a trajectory gets a chart"
    for _src, alt in imgs:
        assert alt.startswith("Graphique de trajectoire")
    assert "Cible nationale" in sections  # the EPP chart shows the national target


def test_quality_section_lists_findings(rapport):
    quality = report.quality_html(rapport)
    assert 'id="qualite"' in quality
    for finding in rapport.constats[:5]:
        assert cells.clean_text(finding.message).replace("'", "&#39;")[:30] in quality


def test_annexes(rapport):
    annexes = report.annexes_html(rapport)
    for code in ("SO", "ND", "NC"):
        assert f"<strong>{code}</strong>" in annexes
    first_rule = status.status_rules()[0]
    assert first_rule.replace("'", "&#39;")[:40] in annexes
    assert "Nombre de naissances vivantes" in annexes  # definitions: catalogue fallback
    for source in rapport.indicateurs["diagnostic_source"].dropna():
        if source:
            assert f'data-source="{source}"' in annexes  # every figure with its cell


def test_fictive_banner(tmp_path):
    rows = [["TABLEAU DE BORD SNPPE — DONNÉES FICTIVES"], *ROWS[1:]]
    path = build_dashboard(tmp_path / "68-fictif.xlsx", rows, merges=MERGES)
    extraction = extract(path)
    assert extraction.fictive
    cover = report.cover_html(report.build_report(extraction, generated=GENERATED))
    assert 'class="fictif"' in cover and "DONNÉES FICTIVES" in cover


def test_key_values_for_roll_up(rapport):
    values = report.key_values(rapport)
    bundle = values._repr_mimebundle_()
    data = bundle[report.KEY_VALUES_MIMETYPE]
    assert json.loads(json.dumps(data)) == data
    assert data["collectivite"] == "68" and data["annee"] == 2023
    assert any(i["id"] for i in data["indicateurs"])
    assert "text/plain" in bundle


def test_generation_date_from_source_date_epoch(monkeypatch, workbook):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790035200")  # 2026-09-22
    assert report.build_report(extract(workbook)).genere_le == date(2026, 9, 22)


# -- helpers ------------------------------------------------------------------------------


def test_locate_workbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found = report.locate_workbook("../data/68-haut-rhin-tdb-snppe-2023.xlsx")
    assert found == (report.NOTEBOOKS / "../data/68-haut-rhin-tdb-snppe-2023.xlsx").resolve()
    absolute = tmp_path / "x.xlsx"
    assert report.locate_workbook(absolute) == absolute
    assert report.locate_workbook("absent.xlsx") == report.Path("absent.xlsx")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<p>Texte</p> <i>en italique</i>", "Texte en italique"),
        (SCRIPT, SCRIPT),
        ("taux < 3 mois", "taux < 3 mois"),
        (None, ""),
        (float("nan"), ""),
        ("a<br/>b", "a b"),
    ],
)
def test_clean_text(raw, expected):
    assert cells.clean_text(raw) == expected


@pytest.mark.parametrize(
    "brut, decimals",
    [("3,6 %", 1), ("10 %", 0), ("44,52%", 2), ("7 688", 0), ("997,5 heures", 1),
     ("=D6/D5", None), ("ND", None), ("2 550 (2018)", 0)],
)  # fmt: skip
def test_shown_decimals(brut, decimals):
    assert cells.shown_decimals(brut) == decimals


@pytest.mark.parametrize(
    "statut, texte, code",
    [("SO", "SO", "SO"), ("ND", "ND", "ND"), ("ok", "7 688", ""), ("texte", "En cours", "")],
)
def test_make_cell(statut, texte, code):
    valeur = 7688.0 if statut == "ok" else None
    brut = "7 688" if statut == "ok" else ("En cours" if statut == "texte" else statut)
    cell = cells.make_cell(valeur, "nombre", statut, brut, "", "TDB!D5")
    assert (cell.texte, cell.code) == (texte, code)
    assert cell.titre == "Feuille « TDB », cellule D5"


def test_collectivite_label():
    fake = dataclasses.make_dataclass("C", ["code", "nom"])
    assert cells.collectivite_label(fake("68", "Haut-Rhin")) == "Haut-Rhin (68)"
    assert cells.collectivite_label(fake("2A", "Corse-du-Sud")) == "Corse-du-Sud (2A)"
    assert cells.collectivite_label(fake("75C", "Ville de Paris")) == "Ville de Paris"


def test_display_rows_cut_long_texts_only():
    import pandas as pd

    from snppe_report.report.model import DISPLAY_LIMITS, display_rows

    rows = pd.DataFrame(
        {col: ["court", "x" * 40_000] for col in DISPLAY_LIMITS} | {"valeur": [1.0, 2.0]}
    )
    shown = display_rows(rows)
    assert shown.loc[0, "brut"] == "court"
    assert len(shown.loc[1, "brut"]) == DISPLAY_LIMITS["brut"]
    assert shown.loc[1, "note"].endswith("…")
    assert len(rows.loc[1, "brut"]) == 40_000  # the extraction keeps the full text


def test_a_figure_with_a_word_unit_may_break_before_its_unit_only():
    from snppe_report.report.cells import Cellule

    assert Cellule("4,5 mois", numerique=True, unite="mois").coupure == ("4,5", "mois")
    assert Cellule("12 000 €", numerique=True, unite="euros").coupure == ("12 000", "€")
    assert Cellule("7 688", numerique=True, unite="nombre").coupure is None
    assert Cellule("3,6 %", numerique=True, unite="pourcentage").coupure is None
    assert Cellule("Réalisé").coupure is None


def test_an_extraction_already_read_is_not_read_again(workbook, tmp_path, monkeypatch):
    """render_report hands its extraction to the kernel: the workbook is read once."""
    from snppe_report.exceptions import RenderError
    from snppe_report.read import table

    extraction = extract(workbook)
    saved = report.save_extraction(extraction, tmp_path / "extraction.pickle")
    monkeypatch.setattr(table, "extract", lambda *a, **k: pytest.fail("read again"))
    loaded = report.load_extraction(workbook, deja_lue=saved)
    assert loaded.sha256 == extraction.sha256 and loaded.rows.equals(extraction.rows)
    with pytest.raises(RenderError, match="concerne"):
        report.load_extraction(tmp_path / "autre.xlsx", deja_lue=saved)
    monkeypatch.undo()
    gone = tmp_path / "parti.pickle"  # an executed notebook run again, later
    assert report.load_extraction(workbook, deja_lue=gone).sha256 == extraction.sha256


def test_a_definition_shared_by_several_indicators_names_them_one_per_line():
    import math

    import pandas as pd

    from snppe_report.report import cells

    frame = pd.DataFrame(
        {
            "indicateur": [
                "Nombre de VAD pré-natales (DREES)\nNombre de VAD post-natales  (DREES)<br/>"
                "Nombre de VAD pré-natales (DREES)",
                "Taux d'EPP",
                math.nan,
            ],
            "definition": ["Visites à domicile.", "Entretiens.", "Sans nom."],
            "source": ["DREES", "", ""],
        }
    )
    rows, origin = cells.definitions(frame)
    assert origin == "feuille des définitions du classeur"
    assert [r[0] for r in rows] == [
        "Nombre de VAD pré-natales (DREES)\nNombre de VAD post-natales (DREES)",
        "Taux d'EPP",
        "",
    ]
