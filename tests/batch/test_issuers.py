"""``snppe batch --emetteurs``: the issuers file, checked before any work."""

from __future__ import annotations

import pytest

from snppe_report.batch import outputs
from snppe_report.batch.issuers import MAX_CHARS, load_issuers
from snppe_report.cli import main
from snppe_report.exceptions import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code;emetteur\n68;Préfecture du Haut-Rhin — ARS Grand Est\n",
         {"68": "Préfecture du Haut-Rhin — ARS Grand Est"}),
        ("code,émetteur\n69M,\"Préfecture du Rhône, ARS Auvergne-Rhône-Alpes\"\n\n2a,Corse\n",
         {"69M": "Préfecture du Rhône, ARS Auvergne-Rhône-Alpes", "2A": "Corse"}),
        ("\ufeffcode;emetteur\n01;  Préfecture   de l'Ain \n", {"01": "Préfecture de l'Ain"}),
        ("code;emetteur\n", {}),
        (f"code;emetteur\n75C;{'x' * 300}\n", {"75C": "x" * MAX_CHARS}),
    ],
)  # fmt: skip
def test_issuers_table(tmp_path, text, expected):
    path = tmp_path / "emetteurs.csv"
    path.write_text(text, encoding="utf-8")
    assert load_issuers(path) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "vide"),
        ("departement;texte\n68;x\n", "ligne 1 : en-têtes attendus"),
        ("code;emetteur\n999;Préfecture\n", "ligne 2 : code de collectivité inconnu « 999 »"),
        ("code;emetteur\n68;\n", "ligne 2 : émetteur absent"),
        ("code;emetteur\n68;a\n68;b\n", "ligne 3 : collectivité « 68 » donnée deux fois"),
    ],
)
def test_bad_issuers_files_name_the_line(tmp_path, text, message):
    path = tmp_path / "emetteurs.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_issuers(path)
    assert info.value.file == str(path)


def test_unreadable_issuers_files(tmp_path):
    with pytest.raises(InputError, match="introuvable"):
        load_issuers(tmp_path / "absent.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("code;emetteur\n68;Préfecture\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        load_issuers(latin)


def test_an_issuer_is_part_of_the_report_key():
    common = {"annee": 2023, "formats": ("html", "pdf"), "kernel_name": "python3", "digest": "d"}
    plain = outputs.report_key(["a"], "a", **common)
    assert outputs.report_key(["a"], "a", emetteur="", **common) == plain  # earlier keys kept
    assert outputs.report_key(["a"], "a", emetteur="Préfecture", **common) != plain


def test_batch_refuses_a_bad_issuers_file_before_any_work(tmp_path, capsys):
    src = tmp_path / "classeurs"
    src.mkdir()
    bad = tmp_path / "emetteurs.csv"
    bad.write_text("code;emetteur\n999;x\n", encoding="utf-8")
    out = tmp_path / "lot"
    assert main(["batch", str(src), "-o", str(out), "--emetteurs", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "emetteurs.csv" in err and "ligne 2" in err and "Traceback" not in err
    assert not out.exists()
