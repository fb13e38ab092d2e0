"""The example workbooks in data/ read back as the seeds say, cell by cell."""

import pytest

from snppe_report.analysis.indicators import recompute_ratios
from snppe_report.read.table import COLUMNS, extract

from ..conftest import EXAMPLE_2021, EXAMPLE_2023


@pytest.fixture(scope="module")
def ex2023():
    return extract(EXAMPLE_2023)


@pytest.fixture(scope="module")
def ex2021():
    return extract(EXAMPLE_2021, departement="39")


def _value(ex, indicateur_id, annee, nature="valeur"):
    rows = ex.rows
    sel = rows[
        (rows.indicateur_id == indicateur_id) & (rows.annee == annee) & (rows.nature == nature)
    ]
    assert len(sel) == 1, (indicateur_id, annee, nature, sel)
    return sel.iloc[0]


@pytest.mark.parametrize(
    ("ident", "annee", "nature", "brut", "valeur"),
    [
        ("naissances", 2019, "valeur", "7 688", 7688),
        ("naissances", 2022, "valeur", "7 237", 7237),
        ("epp-entretiens", 2019, "valeur", "278", 278),
        ("epp-part", 2019, "valeur", "3,6 %", 278 / 7688),
        ("epp-part", 2023, "cible", "15 %", 0.15),
        ("enfants-0-6-ans", 2019, "valeur", "50 805", 50805),
        ("vad-puer-enfants", 2022, "valeur", "2 127", 2127),
        ("vad-puer-part", 2019, "valeur", "3,04 %", 1544 / 50805),
        ("vad-puer-part", 2022, "valeur", "4,48 %", 2127 / 47467),
        ("bilans-pmi", 2019, "valeur", "44,52%", 0.4452),
        ("crip-ip-entrantes", 2022, "valeur", "5 450", 5450),
        ("crip-ip-evaluees", 2022, "valeur", "1 291", 1291),
    ],
)
def test_seed000_values(ex2023, ident, annee, nature, brut, valeur):
    row = _value(ex2023, ident, annee, nature)
    assert row.brut == brut
    assert row.valeur == pytest.approx(valeur)


def test_seed000_identity_and_year(ex2023):
    assert ex2023.collectivite.code == "68"
    assert "nom du fichier" in ex2023.collectivite_origine
    assert ex2023.annee == 2023
    assert not ex2023.fictive
    assert tuple(ex2023.contract().columns) == COLUMNS


def test_seed000_codes_units_and_comments(ex2023):
    rows = ex2023.rows
    assert set(rows[rows.brut == "ND"].statut) == {"ND"}
    assert set(rows[rows.brut == "SO"].statut) == {"SO"}
    hours = rows[rows.brut == "997,5 heures"].iloc[0]
    assert (hours.valeur, hours.unite) == (997.5, "heures")
    enpjj = rows[rows.brut.str.startswith("0, à défaut")].iloc[0]
    assert enpjj.valeur == 0 and "ENPJJ" in enpjj.note


@pytest.mark.parametrize(
    ("ident", "annee", "nature", "valeur"),
    [
        ("crip-ip-entrantes", 2019, "valeur", 1112),
        ("crip-ip-evaluees", 2019, "valeur", 718),
        ("crip-ip-evaluees-3-mois", 2021, "valeur", 146),
        ("crip-taux-3-mois", 2021, "valeur", 0.2046),
        ("ase-handicap-notification", 2021, "valeur", 175),
        ("ase-handicap-double-pec", 2021, "valeur", 126),
        ("ase-handicap-part", 2021, "valeur", 0.72),
        ("retour-domicile-part", 2020, "cible", 0.734),
        ("naissances", 2019, "valeur", 2550),
        ("bilans-cohorte", 2019, "valeur", 2917),
    ],
)
def test_seed001_stacked_cells_and_values(ex2021, ident, annee, nature, valeur):
    assert _value(ex2021, ident, annee, nature).valeur == pytest.approx(valeur)


def test_seed001_reference_year_note_and_definitions(ex2021):
    births = _value(ex2021, "naissances", 2019)
    assert "2018" in births.note and births.brut == "2 550 (2018)"
    assert ex2021.definitions is not None and len(ex2021.definitions) >= 5
    assert ex2021.annee == 2021
    assert ex2021.collectivite_origine.endswith("--departement")


@pytest.mark.parametrize(
    ("fixture", "ident", "annee", "ratio"),
    [
        ("ex2023", "epp-part", 2019, 278 / 7688),
        ("ex2023", "vad-puer-part", 2019, 1544 / 50805),
        ("ex2023", "vad-puer-part", 2022, 2127 / 47467),
        ("ex2021", "crip-taux-3-mois", 2021, 146 / 714),
        ("ex2021", "ase-handicap-part", 2021, 126 / 175),
    ],
)
def test_recomputed_ratios_match_the_seeds(request, fixture, ident, annee, ratio):
    ratios = recompute_ratios(request.getfixturevalue(fixture).rows)
    row = ratios[(ratios.indicateur_id == ident) & (ratios.annee == annee)].iloc[0]
    assert row.ratio_calcule == pytest.approx(ratio)
    assert bool(row.coherent)


@pytest.fixture(scope="module")
def ods_dir(tmp_path_factory):
    import subprocess
    import sys

    from ..conftest import ROOT

    out = tmp_path_factory.mktemp("ods")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_examples.py"),
            "--out",
            str(out),
            "--ods",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.parametrize("example", [EXAMPLE_2023, EXAMPLE_2021])
def test_ods_gives_the_same_table_as_xlsx(ods_dir, example):
    """LibreOffice's format reads into the same rows (values, cells, natures)."""
    ods = ods_dir / (example.stem + ".ods")
    xlsx_rows = extract(example, departement="68").contract()
    ods_rows = extract(ods, departement="68").contract()
    cols = ["indicateur_id", "annee", "nature", "valeur", "statut", "source"]
    assert xlsx_rows[cols].fillna(-1).values.tolist() == ods_rows[cols].fillna(-1).values.tolist()


LIBREOFFICE = __import__("pathlib").Path(__file__).parents[1] / "fixtures" / "libreoffice"


@pytest.mark.parametrize("suffix", [".ods", ".xlsx", ".xls", ".xltx", ".fods", ".ots"])
@pytest.mark.parametrize(("example", "departement"), [(EXAMPLE_2023, None), (EXAMPLE_2021, "39")])
def test_workbooks_saved_by_libreoffice_read_the_same(example, departement, suffix):
    """The examples opened and saved by LibreOffice Calc 7.4 (tests/fixtures/libreoffice).

    LibreOffice rewrites everything: shared strings, styles (an .ods keeps a
    percentage's data style in styles.xml, not beside the cell), merged ranges as
    covered cells, 16 384-column repeated rows. Every column of every row must match,
    the displayed text ("3,6 %") included; numbers to 15 significant digits, which is
    what LibreOffice keeps of a formula's cached value (0.036160249739854315 is
    saved as 0.0361602497398543).
    """
    saved = LIBREOFFICE / f"{example.stem}-libreoffice{suffix}"
    original = extract(example, departement=departement)
    resaved = extract(saved, departement=departement)
    assert (resaved.collectivite, resaved.annee, resaved.sheet) == (
        original.collectivite,
        original.annee,
        original.sheet,
    )
    cols = [c for c in COLUMNS if c != "valeur"]
    assert resaved.rows[cols].astype(object).fillna("∅").values.tolist() == (
        original.rows[cols].astype(object).fillna("∅").values.tolist()
    )
    assert resaved.rows.valeur.tolist() == pytest.approx(
        original.rows.valeur.tolist(), rel=1e-14, nan_ok=True
    )
    assert [f.code for f in resaved.findings] == [f.code for f in original.findings]
    # grey fills (optional objectives) survive the format too
    assert resaved.rows.facultatif.tolist() == original.rows.facultatif.tolist()
