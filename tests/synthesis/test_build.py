"""National synthesis (snppe_report.synthesis.build): figures, HTML and the notebook run."""

from __future__ import annotations

import json
import logging
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
    completeness_html,
    cover_html,
    indicators_html,
    latest_ratios,
    method_html,
    overview_html,
    render_synthesis,
)

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


def test_sections_rank_against_the_national_target(rows):
    s = build_synthesis(rows, figures=False)
    epp = next(sec for sec in s.sections if sec.indicator.id == "epp-part")
    assert list(epp.values["code"]) == ["13", "59", "48"]  # latest values, best first
    assert list(epp.values["rang"]) == [1, 2, 3]
    assert epp.reached == 2 and epp.count == 3 and epp.expected == 4
    assert epp.median == pytest.approx(0.22)
    # (6380 + 60 + 2300) / (29000 + 600 + 23000)
    assert epp.aggregate == pytest.approx(8740 / 52600)
    assert len(s.sections) == 9
    assert all(sec.map_svg == "" for sec in s.sections)


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


def test_manifest_gives_collectivites_fictive_flag_and_failures(rows):
    manifest = {
        "fictif": True,
        "annee": None,
        "entrees": [
            {"fichier": "59.xlsx", "collectivite": {"code": "59", "nom": "Nord"},
             "annee_campagne": 2023, "statut": "ok"},
            {"fichier": "01.xlsx", "collectivite": {"code": "01", "nom": "Ain"},
             "annee_campagne": 2021, "statut": "ok"},
            {"fichier": "casse.xlsx", "statut": "echec", "erreur": {"message": "illisible"}},
        ],
    }  # fmt: skip
    s = build_synthesis(rows, manifest, figures=False)
    assert s.fictive
    assert list(s.collectivites["code"]) == ["01", "13", "48", "59", "6AE"]
    assert len(s.failures) == 1
    missing = {d.code for d in s.missing_departements}
    assert {"59", "67", "68"}.isdisjoint(missing) and "75" in missing
    html = cover_html(s) + overview_html(s)
    assert html.count("DONNÉES FICTIVES") >= 2
    assert "casse.xlsx" in html
    assert "5 collectivités" in html


def test_html_is_french_and_names_every_indicator(rows):
    s = build_synthesis(rows, {"fictif": False}, annee=2022)
    assert not s.fictive
    html = "".join(f(s) for f in (cover_html, overview_html, indicators_html,
                                   completeness_html, method_html))  # fmt: skip
    assert "DONNÉES FICTIVES" not in html
    assert "campagne 2022" in html
    assert "22,0 %" in html and "16,6 %" in html  # Nord; the aggregate
    assert "10,0 %*" in html  # computed for the Lozère
    assert "30,0 %†" in html  # incoherent Bouches-du-Rhône
    for sec in s.sections:
        assert f'id="ind-{sec.indicator.id}"' in html
    assert "Aucune collectivité n'a renseigné cet indicateur" in html
    assert "data:image/svg+xml;base64," in html
    assert not re.search(r"\bnan\b|\bNone\b", html, flags=re.I)


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


@pytest.mark.slow
def test_notebook_renders_a_small_fictive_batch(tmp_path, caplog):
    from pypdf import PdfReader

    from snppe_report.demo.synthetic import write_demo_workbooks
    from snppe_report.read.table import extract

    paths = write_demo_workbooks(tmp_path / "classeurs", count=4, seed=3)
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
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        published = render_synthesis(consolide, manifest, out)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    assert set(published) == {"html", "pdf"}
    assert published["html"] == out / "synthese-nationale.html"
    html = published["html"].read_text(encoding="utf-8")
    assert "DONNÉES FICTIVES" in html
    assert "<script" not in html and "In&nbsp;[" not in html
    for entry in entries:
        assert f"({entry['collectivite']['code']})" in html
    pages = PdfReader(published["pdf"]).pages
    assert len(pages) >= 12
    assert all("DONNÉES FICTIVES" in page.extract_text() for page in pages)
    assert not list(out.glob("*.echec.ipynb")) and not list(out.glob(".*.tmp"))
    assert published["pdf"].stat().st_mode & 0o044  # readable by others, as usual files
