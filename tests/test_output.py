import stat

import pandas as pd
import pytest

from snppe_report.exceptions import ParameterError
from snppe_report.output import atomic_path, write_table

FRAME = pd.DataFrame({"departement": ["68"], "valeur": [0.036], "brut": ["3,6 %"]})


def test_atomic_path_replaces_only_on_success(tmp_path):
    target = tmp_path / "rapport.html"
    target.write_text("bon")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("à moitié")
        raise RuntimeError("échec")
    assert target.read_text() == "bon"
    assert list(tmp_path.iterdir()) == [target]
    with atomic_path(target) as tmp:
        tmp.write_text("nouveau")
    assert target.read_text() == "nouveau"
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # readable by others


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_write_table_formats(tmp_path, suffix):
    out = tmp_path / f"table{suffix}"
    write_table([FRAME], out)
    back = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}[suffix](out)
    assert back["valeur"].iloc[0] == pytest.approx(0.036)
    assert back["brut"].iloc[0] == "3,6 %"


def test_csv_on_stdout_uses_dot_decimals(capsys):
    write_table(FRAME, None)
    assert capsys.readouterr().out.splitlines() == ["departement,valeur,brut", '68,0.036,"3,6 %"']


def test_unknown_extension(tmp_path):
    with pytest.raises(ParameterError, match=".txt"):
        write_table(FRAME, tmp_path / "table.txt")
