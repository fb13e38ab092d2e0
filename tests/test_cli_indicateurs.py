"""``snppe indicateurs``: the per-indicator table's CLI contract, and ``--annee`` checks."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from snppe_report.analysis.indicators import COLUMNS
from snppe_report.cli import main

from .conftest import EXAMPLE_2021, EXAMPLE_2023


def test_csv_on_stdout_has_exactly_the_columns(capsys):
    assert main(["indicateurs", str(EXAMPLE_2023)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == COLUMNS
    epp = next(r for r in rows if r["indicateur_id"] == "epp-part")
    assert (epp["departement"], epp["statut"], epp["tendance"]) == ("68", "en retard", "hausse")
    assert (epp["position_nationale"], epp["cible_nationale"]) == ("en dessous", "0.2")
    assert (epp["depart_annee"], epp["dernier_annee"], epp["cible_annee"]) == (
        "2019", "2022", "2023",
    )  # fmt: skip
    assert float(epp["rythme_requis"]) == pytest.approx(0.15 - 700 / 7237)
    assert epp["raison"].startswith("En retard : rythme observé")
    births = next(r for r in rows if r["indicateur_id"] == "naissances")
    assert births["statut"] == "contexte"
    assert all(r["raison"] for r in rows)
    statuts = {r["statut"] for r in rows}
    assert statuts <= {"atteint", "en bonne voie", "en retard", "en recul", "non atteint",
                       "non évaluable", "contexte"}  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_table_by_extension(tmp_path, suffix):
    out = tmp_path / f"indicateurs{suffix}"
    argv = ["indicateurs", str(EXAMPLE_2023), str(EXAMPLE_2021), "--departement", "68"]
    assert main([*argv, "-o", str(out)]) == 0
    frame = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}[suffix](out)
    assert tuple(frame.columns) == COLUMNS
    assert len(frame) > 90 and set(frame["departement"].astype(str)) == {"68"}


def test_annee_must_be_a_year_of_the_workbook(capsys, tmp_path):
    assert main(["indicateurs", str(EXAMPLE_2023), "--annee", "2022"]) == 0
    capsys.readouterr()
    out = tmp_path / "t2025.csv"  # a possible campaign, but not one of this workbook
    assert main(["indicateurs", str(EXAMPLE_2023), "--annee", "2025", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--annee 2025" in err and "années acceptées : 2019, 2022, 2023" in err
    assert "68-haut-rhin-tdb-snppe-2023.xlsx" in err and "Traceback" not in err
    assert not out.exists()
    # before the diagnostic year: refused with the options, before the workbook is read
    out = tmp_path / "t2017.csv"
    with pytest.raises(SystemExit) as stop:
        main(["indicateurs", str(EXAMPLE_2023), "--annee", "2017", "-o", str(out)])
    assert stop.value.code == 2 and "années acceptées de 2019 à" in capsys.readouterr().err
    assert not out.exists()


def test_report_refuses_a_year_outside_the_workbook_before_any_kernel(capsys, tmp_path):
    assert main(["report", str(EXAMPLE_2023), "--annee", "2025", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "années acceptées : 2019, 2022, 2023" in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_unreadable_workbook_exit_2_and_no_table(tmp_path, capsys):
    bad = tmp_path / "68 faux.xlsx"
    bad.write_text("pas un classeur")
    out = tmp_path / "t.csv"
    assert main(["indicateurs", str(EXAMPLE_2023), str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "68 faux.xlsx" in err and "aucune table écrite" in err
    assert not out.exists()


def test_help_in_french(capsys):
    with pytest.raises(SystemExit):
        main(["indicateurs", "--help"])
    out = capsys.readouterr().out
    assert "Une ligne par indicateur" in out and "--annee" in out
