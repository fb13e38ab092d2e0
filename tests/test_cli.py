import csv
import io
import subprocess
import sys

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


def test_check_annoter_writes_one_copy_per_workbook(tmp_path, capsys):
    out = tmp_path / "annotes"
    assert main(["check", str(EXAMPLE_2023), "--annoter", str(out)]) == 0
    assert main(["check", str(EXAMPLE_2021), "--departement", "39", "--annoter", str(out)]) == 0
    printed = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "39-jura-2021-annote.xlsx",
        "68-haut-rhin-2023-annote.xlsx",
    ]
    assert "copie annotée : " in printed and "cellules commentées" in printed


def test_check_annoter_bad_input_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "68-casse.xlsx"
    bad.write_bytes(b"PK\x03\x04 tronque")
    out = tmp_path / "annotes"
    assert main(["check", str(EXAMPLE_2023), str(bad), "--annoter", str(out)]) == 2
    err = capsys.readouterr().err
    assert "68-casse.xlsx" in err and "aucune copie annotée écrite" in err
    assert "Traceback" not in err
    assert not out.exists()
    # the same collectivité and campaign twice: refused before anything is written
    assert main(["check", str(EXAMPLE_2023), str(EXAMPLE_2023), "--annoter", str(out)]) == 2
    assert "même copie annotée" in capsys.readouterr().err
    assert not out.exists()
    # a file where a folder is expected: refused before reading
    assert main(["check", str(EXAMPLE_2023), "--annoter", str(bad)]) == 2
    assert "--annoter attend un dossier" in capsys.readouterr().err


# -- output errors: each builds its own condition ---------------------------------------

SNPPE = [sys.executable, "-m", "snppe_report.cli"]


def _snppe(*args, **kw):
    return subprocess.run([*SNPPE, *map(str, args)], capture_output=True, text=True, **kw)


def test_closed_pipe_ends_quietly():
    """``snppe extract x | head -1``, and ``check``: the reader leaves, no traceback."""
    for command in ("extract", "check"):
        with subprocess.Popen(
            [*SNPPE, command, *[str(EXAMPLE_2023)] * 12],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            assert process.stdout.readline()
            process.stdout.close()  # as head does after its line
            err = process.stderr.read().decode()
            assert process.wait() == 141 and err == ""


def test_full_stdout_and_closed_stdout():
    for command in ("extract", "check"):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [*SNPPE, command, str(EXAMPLE_2023)], stdout=full, stderr=subprocess.PIPE
            )
        err = done.stderr.decode()
        assert done.returncode == 2
        assert err == "snppe : erreur : « sortie standard » : écriture impossible : disque plein\n"
        closed = subprocess.run(
            ["sh", "-c", '"$@" >&-', "sh", *SNPPE, command, str(EXAMPLE_2023)],
            capture_output=True,
            text=True,
        )
        assert closed.returncode == 2 and "sortie fermée" in closed.stderr
        assert "Traceback" not in closed.stderr


def test_impossible_output_checked_before_any_work(tmp_path, capsys):
    (tmp_path / "fichier").write_text("x")
    absent = tmp_path / "absent.xlsx"  # would fail if it were read first
    for argv in (
        ["extract", absent, "-o", tmp_path / "fichier" / "t.csv"],
        ["report", absent, "-o", tmp_path / "fichier" / "rapports"],
        ["batch", tmp_path, "-o", tmp_path / "fichier"],
        ["demo-data", "-o", tmp_path / "fichier" / "x"],
    ):
        assert main([str(a) for a in argv]) == 2
        err = capsys.readouterr().err
        assert "écriture impossible" in err and "fichier" in err and "absent" not in err
    assert main(["extract", str(absent), "-o", str(tmp_path / "t.txt")]) == 2
    assert "extension « .txt »" in capsys.readouterr().err


def test_extract_on_a_full_disk_keeps_the_previous_table(tmp_path):
    from .filesystems import fill, mounted_tmpfs

    with mounted_tmpfs(tmp_path / "petit", "512k") as small:
        table = small / "table.csv"
        table.write_text("table précédente")
        fill(small)
        done = _snppe("extract", EXAMPLE_2023, EXAMPLE_2023, "-o", table)
        assert done.returncode == 2, done.stderr
        assert "disque plein" in done.stderr and str(table) in done.stderr
        assert "Traceback" not in done.stderr
        assert table.read_text() == "table précédente"
        assert sorted(p.name for p in small.iterdir()) == ["remplissage", "table.csv"]


def test_read_only_output_folder_even_as_root(tmp_path):
    from .filesystems import WITHOUT_DAC_OVERRIDE, read_only_for_others

    if WITHOUT_DAC_OVERRIDE is None:
        pytest.skip("setpriv (root) absent")
    folder = read_only_for_others(tmp_path / "lecture-seule")
    done = subprocess.run(
        [*WITHOUT_DAC_OVERRIDE, *SNPPE, "extract", str(EXAMPLE_2023), "-o", str(folder / "t.csv")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "dossier en lecture seule" in done.stderr and "Traceback" not in done.stderr


# -- help and option messages ------------------------------------------------------------


def test_help_is_french_everywhere(capsys):
    for argv, expected in (
        (["--help"], "afficher la version et quitter"),
        (["extract", "--help"], "tableau(x) de bord SNPPE"),
        (["report", "--help"], "Produit le rapport annuel"),
        (["demo-data", "--help"], "dossier où écrire les classeurs"),
        (["batch", "--help"], "dossier parcouru"),
    ):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert expected in out
        assert "show program" not in out and "show this help" not in out


def test_option_values_list_what_is_accepted(tmp_path, capsys):
    from snppe_report.cli.parser import accepted_years

    with pytest.raises(SystemExit):
        main(["report", str(EXAMPLE_2023), "--annee", "1990"])
    years = accepted_years()
    assert f"années acceptées de 2019 à {years[-1]}" in capsys.readouterr().err
    absent = tmp_path / "absent.xlsx"  # checked before the workbook is read
    assert main(["extract", str(absent), "--departement", "999"]) == 2
    err = capsys.readouterr().err
    assert "Formes acceptées" in err and "2A" in err and "69M" in err
    workbook = tmp_path / "68.xlsx"
    workbook.write_bytes(EXAMPLE_2023.read_bytes())
    assert main(["batch", str(workbook), "-o", str(tmp_path / "lot")]) == 2
    assert "c'est un fichier, pas un dossier" in capsys.readouterr().err


def test_report_with_missing_consolidated_data_stops_before_any_kernel(tmp_path, capsys):
    missing = tmp_path / "lot" / "consolide.parquet"
    code = main(["report", str(EXAMPLE_2023), "--consolide", str(missing), "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "consolide.parquet" in err and "introuvables" in err
    assert "Traceback" not in err and not list(tmp_path.rglob("*.ipynb"))
