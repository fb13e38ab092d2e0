"""National synthesis (snppe_report.synthesis.build): figures, HTML and the notebook run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from snppe_report.exceptions import InputError, ParameterError
from snppe_report.synthesis.build import (
    NOTEBOOK,
    _by_departement,
    build_synthesis,
    completeness,
    cover_html,
    latest_ratios,
    overview_html,
    render_synthesis,
)
from snppe_report.synthesis.html import MACROS, section_html

COLUMNS = ["departement", "indicateur_id", "annee", "nature", "valeur", "unite", "statut",
           "brut", "fichier"]  # fmt: skip


def _rows(records) -> pd.DataFrame:
    """Tidy rows from (dep, id, year, nature, value, unit, statut, brut)."""
    frame = pd.DataFrame([(*r, f"{r[0]}-tdb.xlsx") for r in records], columns=COLUMNS).astype(
        {"annee": "int64", "valeur": "float64"}
    )
    return frame


def _epp(dep, year, births, talks, declared=None, brut=None):
    out = [
        (dep, "naissances", year, "valeur", births, "nombre", "ok", str(births)),
        (dep, "epp-entretiens", year, "valeur", talks, "nombre", "ok", str(talks)),
    ]
    if declared is not None:
        out.append((dep, "epp-part", year, "valeur", declared, "pourcentage", "ok", brut))
    return out


@pytest.fixture
def rows() -> pd.DataFrame:
    return _rows([
        *_epp("59", 2019, 30000, 3000, 0.10, "10 %"),
        *_epp("59", 2022, 29000, 6380, 0.22, "22 %"),  # coherent (6380 / 29000 = 22 %)
        *_epp("48", 2021, 600, 60),  # no declared ratio: computed 10 %
        *_epp("13", 2022, 23000, 2300, 0.30, "30,0 %"),  # incoherent (computed 10 %)
        ("13", "epp-part", 2023, "cible", 0.2, "pourcentage", "ok", "20 %"),
        ("13", "crip-ip-evaluees", 2022, "valeur", None, "nombre", "ND", "ND"),
        ("6AE", "vad-puer-part", 2022, "valeur", 0.05, "pourcentage", "ok", "5 %"),
    ])  # fmt: skip


def test_latest_ratios_prefers_the_declared_ratio(rows):
    ratios = latest_ratios(rows).set_index(["departement", "indicateur_id", "annee"])
    nord = ratios.loc[("59", "epp-part", 2022)]
    assert nord["valeur"] == pytest.approx(0.22)
    assert not nord["est_calcule"] and nord["coherent"] is True
    lozere = ratios.loc[("48", "epp-part", 2021)]
    assert lozere["valeur"] == pytest.approx(0.10) and lozere["est_calcule"]
    assert ratios.loc[("13", "epp-part", 2022)]["coherent"] is False
    assert ratios.loc[("6AE", "vad-puer-part", 2022)]["coherent"] is None


def test_latest_ratios_ignores_later_years(rows):
    ratios = latest_ratios(rows, annee=2021)
    assert ratios["annee"].max() == 2021
    assert set(ratios["departement"]) == {"59", "48"}


MANIFEST = {
    "fictif": True,
    "annee": None,
    "entrees": [
        {"fichier": "lot/59-tdb.xlsx", "collectivite": {"code": "59", "nom": "Nord"},
         "annee_campagne": 2023, "statut": "ok"},
        {"fichier": "13-tdb.xlsx", "collectivite": {"code": "13", "nom": "Bouches-du-Rhône"},
         "annee_campagne": 2023, "statut": "ok"},
        {"fichier": "13-2021.xlsx", "collectivite": {"code": "13", "nom": "Bouches-du-Rhône"},
         "annee_campagne": 2021, "statut": "ok"},
        {"fichier": "48-tdb.xlsx", "collectivite": {"code": "48", "nom": "Lozère"},
         "annee_campagne": 2021, "statut": "ok"},
        {"fichier": "6AE-tdb.xlsx", "collectivite": {"code": "6AE", "nom": "CeA"},
         "annee_campagne": 2023, "statut": "ok"},
        {"fichier": "casse #1 [*x*].xlsx", "statut": "echec", "erreur": {"message": "illisible"}},
    ],
}  # fmt: skip


@pytest.fixture
def lot(rows) -> pd.DataFrame:
    """The rows plus an older workbook of the Bouches-du-Rhône (campaign 2021)."""
    older = _rows(
        [
            ("13", "epp-part", 2019, "valeur", 0.25, "pourcentage", "ok", "25 %"),
            ("13", "epp-part", 2021, "valeur", 0.40, "pourcentage", "ok", "40 %"),
        ]
    )
    older["fichier"] = "13-2021.xlsx"
    return pd.concat([rows, older], ignore_index=True)


def _epp_section(s):
    return next(sec for sec in s.sections if sec.indicator.id == "epp-part")


def test_one_campaign_by_default_the_most_frequent(lot):
    s = build_synthesis(lot, MANIFEST, figures=False)
    assert s.annee == 2023
    assert list(s.collectivites["code"]) == ["13", "59", "6AE"]
    aside = s.campaign.set_aside.set_index("fichier")
    assert set(aside.index) == {"13-2021.xlsx", "48-tdb.xlsx"}
    assert aside.loc["13-2021.xlsx", "serie"] and not aside.loc["48-tdb.xlsx", "serie"]
    assert s.campaign.excluded_codes == ("48",)
    assert s.campaign.counts == {2021: 2, 2023: 3}
    html = overview_html(s)
    assert "13-2021.xlsx" in html and "série pluriannuelle seulement" in html
    assert "48-tdb.xlsx" in html and "écartée de la synthèse" in html


def test_other_campaigns_feed_the_series_not_the_cross_section(lot):
    epp = _epp_section(build_synthesis(lot, MANIFEST, figures=False))
    table = epp.values.set_index("code")
    assert list(epp.values["code"]) == ["13", "59"]  # 48 is of another campaign
    # 13: the 2021 workbook's 40 % (2021) does not enter; its 2019 value does
    assert table.loc["13", "valeur"] == pytest.approx(0.30)
    assert table.loc["13", "valeur_2019"] == pytest.approx(0.25)
    assert table.loc["13", "evolution"] == pytest.approx(0.05)
    assert table.loc["59", "evolution"] == pytest.approx(0.12)
    assert epp.progress["comparables"] == 2 and epp.progress["progressent"] == 2
    assert epp.progress["evolution_mediane"] == pytest.approx(0.085)
    assert epp.missing == (("6AE", "CeA"),)
    assert epp.expected == 3 and epp.reached == 2
    assert list(epp.inconsistent["code"]) == ["13"]


def test_the_campaign_can_be_chosen(lot):
    s = build_synthesis(lot, MANIFEST, annee=2021, figures=False)
    assert s.annee == 2021
    assert list(s.collectivites["code"]) == ["13", "48"]
    epp = _epp_section(s)
    assert epp.values.set_index("code").loc["13", "valeur"] == pytest.approx(0.40)
    assert epp.values.set_index("code").loc["48", "valeur"] == pytest.approx(0.10)


def test_without_manifest_a_workbook_campaign_is_its_latest_value_year(rows):
    s = build_synthesis(rows, figures=False)
    assert s.annee == 2022  # 59, 13 and 6AE: values up to 2022 (a 2023 target is no value)
    assert s.campaign.excluded_codes == ("48",)


def test_sections_rank_against_the_national_target(lot):
    s = build_synthesis(lot, MANIFEST, figures=False)
    epp = _epp_section(s)
    assert list(epp.values["rang"]) == [1, 2]
    assert epp.median == pytest.approx(0.26)
    # (6380 + 2300) / (29000 + 23000): the campaign's own terms only
    assert epp.aggregate == pytest.approx(8680 / 52000)
    assert len(s.sections) == 9
    assert all(sec.map is None and sec.distribution_svg == "" for sec in s.sections)
    regions = epp.regions.set_index("region")
    assert regions.loc["Hauts-de-France", "ars"] == "ARS Hauts-de-France"
    assert regions.loc["Grand Est", "renseignees"] == 0  # the CeA gives no EPP value
    assert regions.loc["Grand Est", "collectivites"] == 1
    assert sum(epp.statuses.values()) == 3


def test_key_messages_are_written_from_the_figures(lot):
    s = build_synthesis(lot, MANIFEST, figures=False)
    messages = s.messages
    assert messages[0].startswith("La synthèse compare 3 collectivités de la campagne 2023")
    assert "2 classeurs d'une autre campagne sont écartés" in messages[0]
    assert (
        "Entretien prénatal précoce (EPP) : 2 collectivités sur 2 atteignent la cible "
        "nationale (20 %) ; évolution médiane depuis 2019 : +8,5 pts (2 collectivités en "
        "progrès sur 2 comparables)." == messages[1]
    )
    assert any("aucune collectivité de la campagne ne renseigne" in m for m in messages)


def test_a_synthesis_without_any_row_still_renders(rows, tmp_path):
    from snppe_report.synthesis.typst import compile_pdf, section_typst

    s = build_synthesis(rows.iloc[0:0])
    assert s.annee is None and s.collectivites.empty
    assert s.messages[0] == (
        "La synthèse ne compare aucune collectivité : aucun tableau de bord n'a été lu."
    )
    assert "Aucune collectivité dans cette synthèse." in section_html("completude", s)
    compile_pdf("\n".join(section_typst(name, s) for name in MACROS), tmp_path / "vide.pdf")


def test_collectivite_over_several_departements_colours_each_of_them():
    assert _by_departement({"6AE": 0.1, "68": 0.3}) == {"67": 0.1, "68": 0.3}
    assert _by_departement({"20R": 0.2}) == {"2A": 0.2, "2B": 0.2}
    assert _by_departement({"69M": 0.2}) == {"69": 0.2}
    assert _by_departement({"zz": 0.2}) == {}


def test_completeness_counts_expected_indicators(rows):
    table = pd.DataFrame({"code": ["59", "13", "01"], "nom": ["Nord", "Bouches-du-Rhône", "Ain"],
                          "annee_campagne": [2023, 2023, 2021]})  # fmt: skip
    found = completeness(rows, table).set_index("code")
    # 8 objectives with ratios, retour-domicile optional: 7 objectives, 9 ratios with terms
    expected = found.loc["59", "attendus"]
    assert expected == found.loc["13", "attendus"] == found.loc["01", "attendus"]
    assert found.loc["59", "renseignes"] == 3 and found.loc["59", "valeurs_2019"] == 3
    assert found.loc["13", "ratios_cible"] == 1 and found.loc["13", "codes_nd"] == 1
    assert found.loc["13", "incoherents"] == 1
    assert found.loc["01", "renseignes"] == 0
    with_optional = _rows([("01", "retour-domicile-mineurs", 2019, "valeur", 10.0, "nombre",
                            "ok", "10")])  # fmt: skip
    assert completeness(with_optional, table).set_index("code").loc["01", "attendus"] == (
        expected + 3
    )


def test_manifest_gives_fictive_flag_and_failures(lot):
    s = build_synthesis(lot, MANIFEST, figures=False)
    assert s.fictive
    assert len(s.failures) == 1
    missing = {d.code for d in s.missing_departements}
    assert {"59", "67", "68", "13"}.isdisjoint(missing) and {"75", "48"} <= missing
    html = cover_html(s) + overview_html(s)
    assert html.count("DONNÉES FICTIVES") >= 2
    assert "casse #1 [*x*].xlsx" in html
    assert "3 collectivités" in html


def test_html_is_french_with_header_cells_and_maps_with_values(lot):
    s = build_synthesis(lot, {**MANIFEST, "fictif": False})
    assert not s.fictive
    html = "".join(section_html(name, s) for name in MACROS)
    assert "DONNÉES FICTIVES" not in html
    assert "campagne 2023" in html
    assert "22,0 %" in html and "16,7 %" in html  # Nord; the aggregate
    assert "30,0 %†" in html  # incoherent Bouches-du-Rhône
    assert "Bouches-du-Rhône (13) : 30,0 % déclaré, 10,0 % calculé" in html
    assert "Sans valeur (1) : CeA (6AE)." in html
    for sec in s.sections:
        assert f'id="ind-{sec.indicator.id}"' in html
    assert "Aucune collectivité de la campagne n'a renseigné cet indicateur" in html
    assert '<th scope="col" class="num">Rang</th>' in html
    assert '<th scope="row">Nord (59)</th>' in html
    epp = _epp_section(s)
    assert "de 22,0 % (Nord) à 30,0 % (Bouches-du-Rhône)" in epp.map.alt
    assert f"aria-label={json.dumps(epp.map.alt, ensure_ascii=False)}".replace('"', "") in (
        html.replace('"', "")
    )
    assert "<title>Nord (59) : 22,0 %</title>" in epp.map.svg
    assert "CC BY 4.0" in html
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    assert not re.search(r"\bnan\b|\bNone\b", text, flags=re.I)
    # every table wrapper (scrollable on a narrow screen) is a labelled focusable region
    wrappers = re.findall(r'<div class="tableau"[^>]*>', html)
    assert wrappers and all(
        'tabindex="0"' in w and 'role="region"' in w and re.search(r'aria-label="[^"]+"', w)
        for w in wrappers
    ), wrappers


def test_missing_or_broken_inputs(tmp_path):
    with pytest.raises(InputError):
        build_synthesis(tmp_path / "absent.parquet")
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"x": [1]}).to_parquet(bad)
    with pytest.raises(InputError, match="colonnes"):
        build_synthesis(bad)
    with pytest.raises(ParameterError):
        render_synthesis(bad, None, tmp_path, formats=("docx",))
    with pytest.raises(InputError):
        render_synthesis(tmp_path / "absent.parquet", None, tmp_path, formats=("html",))
    with pytest.raises(InputError, match="colonnes"):  # before any kernel starts
        render_synthesis(bad, None, tmp_path, formats=("html",))


def test_notebook_is_committed_without_outputs_and_is_thin():
    nb = json.loads(Path(NOTEBOOK).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    params = "".join(code[0]["source"])
    for name in ("consolide", "manifest", "annee"):
        assert f"{name} =" in params
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None
        assert "def " not in "".join(cell["source"])


def test_notebook_defaults_point_at_the_batch_make_demo_builds():
    nb = json.loads(Path(NOTEBOOK).read_text(encoding="utf-8"))
    params = "".join(nb["cells"][1]["source"])
    namespace: dict = {}
    exec(params, namespace)  # the parameters cell holds plain assignments
    root = Path(NOTEBOOK).parents[1]
    consolide = (Path(NOTEBOOK).parent / namespace["consolide"]).resolve()
    manifest = (Path(NOTEBOOK).parent / namespace["manifest"]).resolve()
    assert consolide.parent == manifest.parent
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    demo = makefile[makefile.index("\ndemo:") : makefile.index("\n\n", makefile.index("\ndemo:"))]
    batch = re.search(r"snppe batch (\S+) -o (\S+)", demo)
    assert batch and (root / batch.group(2)).resolve() == consolide.parent
    assert consolide.name == "consolide.parquet" and manifest.name == "manifest.json"


@pytest.mark.slow
def test_notebook_renders_a_small_fictive_batch(tmp_path):
    from pypdf import PdfReader

    from snppe_report.demo.synthetic import write_demo_workbooks
    from snppe_report.read.table import extract
    from tests import a11y

    paths = write_demo_workbooks(tmp_path / "classeurs", count=6, seed=3)
    frames, entries = [], []
    for path in paths:
        extraction = extract(path)
        frames.append(extraction.contract().assign(fichier=path.name))
        entries.append({
            "fichier": path.name, "statut": "ok", "annee_campagne": extraction.annee,
            "fictif": extraction.fictive,
            "collectivite": {"code": extraction.collectivite.code,
                             "nom": extraction.collectivite.nom},
        })  # fmt: skip
    consolide = tmp_path / "consolide.parquet"
    pd.concat(frames, ignore_index=True).to_parquet(consolide)
    manifest = {"fictif": True, "annee": None, "entrees": entries}
    out = tmp_path / "lot"
    published = render_synthesis(consolide, manifest, out)
    assert set(published) == {"html", "pdf"}
    assert published["html"] == out / "synthese-nationale.html"
    html = published["html"].read_text(encoding="utf-8")
    assert "DONNÉES FICTIVES" in html and "Messages clés" in html
    assert "<script" not in html and "In&nbsp;[" not in html
    campaign = build_synthesis(consolide, manifest, figures=False)
    for code in campaign.collectivites["code"]:
        assert f"({code})" in html
    reader = PdfReader(published["pdf"])
    assert len(reader.pages) >= 10
    assert all("DONNÉES FICTIVES" in page.extract_text() for page in reader.pages)
    assert reader.metadata.title.startswith("Synthèse nationale SNPPE")
    xmp = reader.xmp_metadata.stream.get_data().decode("utf-8")
    for declared in ("pdfuaid:part>1<", "pdfaid:part>2<", "pdfaid:conformance>A<"):
        assert declared in xmp  # PDF/UA-1 and PDF/A-2a
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "fr-FR"
    assert not list(out.glob("*.echec.ipynb")) and not list(out.glob(".*.tmp"))
    assert published["pdf"].stat().st_mode & 0o044  # readable by others, as usual files
    for width in (390, 1280):
        result = a11y.audit(published["html"], width=width)
        assert not result.violations, a11y.describe(result.violations)
        assert result.scroll_width <= result.client_width  # no horizontal scroll
