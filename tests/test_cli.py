import csv
import io

import pandas as pd
import pytest

from snppe_report.cli import main
from snppe_report.read.table import COLUMNS

from .conftest import EXAMPLE_2021, EXAMPLE_2023


def test_extract_csv_on_stdout(capsys):
    assert main(["extract", str(EXAMPLE_2023)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == COLUMNS
    births = next(r for r in rows if r["source"].endswith("!D7"))
    assert (births["departement"], births["brut"], births["valeur"]) == ("68", "7 688", "7688")


def test_extract_several_workbooks_to_parquet(tmp_path):
    out = tmp_path / "table.parquet"
    assert (
        main(
            ["extract", str(EXAMPLE_2023), str(EXAMPLE_2021), "--departement", "68", "-o", str(out)]
        )
        == 0
    )
    frame = pd.read_parquet(out)
    assert tuple(frame.columns) == COLUMNS
    assert set(frame.annee) >= {2019, 2020, 2021, 2022, 2023}


def test_check_prints_findings_with_cells(capsys):
    assert main(["check", str(EXAMPLE_2023)]) == 0
    out = capsys.readouterr().out
    assert "Haut-Rhin (68)" in out
    assert "Tableau de bord!D11" in out and "pourcentage" in out
    assert main(["check", str(EXAMPLE_2023), "--strict"]) == 1


def test_unreadable_input_exit_2_french_message_no_traceback(tmp_path, capsys):
    bad = tmp_path / "68 faux classeur.xlsx"
    bad.write_text("pas un classeur")
    for command in ("extract", "check"):
        assert main([command, str(bad)]) == 2
        err = capsys.readouterr().err
        assert "68 faux classeur.xlsx" in err and "Traceback" not in err
        assert err.startswith("snppe : erreur : fichier « 68 faux classeur.xlsx »")


def test_undetectable_collectivite_asks_for_option(capsys):
    assert main(["extract", str(EXAMPLE_2021)]) == 2
    assert "--departement" in capsys.readouterr().err


def test_help_and_errors_in_french(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage : snppe" in out and "afficher cette aide" in out
    with pytest.raises(SystemExit) as info:
        main(["report", str(EXAMPLE_2023), "--format", "docx"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "erreur" in err and "format inconnu" in err and "error" not in err
    with pytest.raises(SystemExit):
        main(["extract"])
    assert "arguments obligatoires manquants" in capsys.readouterr().err


def test_unknown_departement_code(capsys):
    assert main(["extract", str(EXAMPLE_2023), "--departement", "999"]) == 2
    assert "999" in capsys.readouterr().err


def test_one_bad_workbook_writes_no_partial_table(tmp_path, capsys):
    out = tmp_path / "table.csv"
    out.write_text("table complète précédente")
    bad = tmp_path / "68-casse.xlsx"
    bad.write_bytes(b"PK\x03\x04 tronque")
    assert main(["extract", str(EXAMPLE_2023), str(bad), "-o", str(out)]) == 2
    assert out.read_text() == "table complète précédente"
    assert "aucune table écrite" in capsys.readouterr().err


def test_report_with_missing_consolidated_data_stops_before_any_kernel(tmp_path, capsys):
    missing = tmp_path / "lot" / "consolide.parquet"
    code = main(["report", str(EXAMPLE_2023), "--consolide", str(missing), "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "consolide.parquet" in err and "introuvables" in err
    assert "Traceback" not in err and not list(tmp_path.rglob("*.ipynb"))
