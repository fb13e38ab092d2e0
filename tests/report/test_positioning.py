"""The report's "Positionnement" section: view, template, accessibility, bad inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from snppe_report.exceptions import InputError
from snppe_report.report import model
from snppe_report.report.positioning import load_consolidated_rows, positionnement
from tests import a11y

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "68-haut-rhin-tdb-snppe-2023.xlsx"


def _peers(rows: pd.DataFrame, values: dict[str, float], year: int = 2022) -> pd.DataFrame:
    """Consolidated rows: the report's own, plus one EPP ratio per other collectivité."""
    template = rows[(rows["indicateur_id"] == "epp-part") & (rows["nature"] == "valeur")]
    template = template[template["unite"] == "pourcentage"].iloc[[0]]
    others = [template.assign(departement=code, annee=year, valeur=v) for code, v in values.items()]
    # the consolidated file holds an older value of 68: the report's own rows win
    stale = template.assign(annee=year, valeur=0.99)
    return pd.concat([*others, stale], ignore_index=True)


@pytest.fixture(scope="module")
def extraction():
    from snppe_report.read.table import extract

    return extract(EXAMPLE)


@pytest.fixture(scope="module")
def consolide(extraction, tmp_path_factory):
    path = tmp_path_factory.mktemp("lot") / "consolide.parquet"
    peers = {"67": 0.30, "57": 0.02, "88": 0.05, "29": 0.25, "35": 0.01}
    _peers(extraction.rows, peers).to_parquet(path)
    return path


def test_view_places_the_collectivite_with_its_own_figures(extraction, consolide):
    others = load_consolidated_rows(consolide)
    view = positionnement(extraction.rows, others, "68", 2023, consolide.name)
    assert (view.region, view.ars, view.collectivites, view.collectivites_region) == (
        "Grand Est", "ARS Grand Est", 6, 4,
    )  # fmt: skip
    epp = next(line for line in view.lignes if line.indicateur.startswith("Part des femmes enc"))
    assert epp.annee == "2022" and epp.valeur == "9,7 %"  # its own 2022 value, not 0.99
    assert epp.rang == "3e sur 6" and epp.rang_region == "2e sur 4"
    assert epp.cible_nationale == "20,0 %" and epp.atteint == "non"
    assert epp.quartiles != "—" and epp.mediane_region != "—" and epp.quartiles_region != "—"
    assert epp.phrase.startswith("9,7 % en 2022 : 3e sur 6 collectivités ayant une valeur 2022")
    assert "en Grand Est" in epp.phrase and epp.phrase.endswith("cible nationale non atteinte.")
    others_lines = [line for line in view.lignes if line is not epp]
    assert all(line.rang.endswith("sur 1") for line in others_lines)  # nobody else has them
    assert not set(view.sans_valeur) & {line.indicateur for line in view.lignes}


def test_the_ratios_a_batch_computed_once_place_as_its_rows_do(extraction, consolide, tmp_path):
    """A batch hands each report every collectivité's ratios, computed once: the same
    section as from the consolidated rows themselves."""
    from snppe_report.analysis.peers import ratio_values

    rows = load_consolidated_rows(consolide)
    ratios = tmp_path / "consolide.parquet"
    ratio_values(rows).to_parquet(ratios)
    given = load_consolidated_rows(ratios)
    assert "nature" not in given.columns
    expected = positionnement(extraction.rows, rows, "68", 2023, consolide.name)
    assert positionnement(extraction.rows, given, "68", 2023, ratios.name) == expected


def test_report_gains_the_section_only_with_consolidated_data(extraction, consolide):
    plain = model.build_report(extraction)
    assert plain.positionnement is None and model.positionnement_html(plain) == ""
    assert 'href="#positionnement"' not in model.toc_html(plain)
    placed = model.build_report(extraction, consolide=consolide)
    html = model.positionnement_html(placed)
    assert 'id="positionnement"' in html and "<code>consolide.parquet</code>" in html
    assert 'href="#positionnement"' in model.toc_html(placed)
    assert html in model.report_html(placed)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "introuvables"),
        (b"pas un parquet", "illisibles"),
        ("csv", "sans les colonnes"),
    ],
)
def test_bad_consolidated_file_is_a_french_error_naming_it(tmp_path, content, message):
    path = tmp_path / ("consolide.csv" if content == "csv" else "consolide.parquet")
    if content == "csv":
        path.write_text("departement,valeur\n68,0.1\n", encoding="utf-8")
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        load_consolidated_rows(path)
    assert caught.value.file is not None and Path(caught.value.file).name == path.name


def test_section_passes_axe_and_fits_a_phone(extraction, consolide, tmp_path):
    report = model.build_report(extraction, consolide=consolide)
    css = (ROOT / "templates/snppe/static/report.css").read_text(encoding="utf-8")
    narrow = (ROOT / "templates/snppe/static/report-etroit.css").read_text(encoding="utf-8")
    page = tmp_path / "positionnement.html"
    page.write_text(
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Positionnement</title><style>{css}</style>"
        f'<style media="screen and (max-width: 40rem)">{narrow}</style></head>'
        '<body class="snppe"><main><h1>Rapport</h1>'
        f"{model.positionnement_html(report)}</main></body></html>",
        encoding="utf-8",
    )
    audit = a11y.audit(page, width=390)
    assert not audit.violations, a11y.describe(audit.violations)
    assert audit.scroll_width <= 390  # the wide table scrolls inside its own box
