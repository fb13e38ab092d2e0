"""Broken, odd and hostile workbooks: precise French errors, bounded cost, no escape.

The corpus is written once per session by ``tests/make_bad_inputs.py``. For every
input that is an error, ``snppe extract``, ``check`` and ``report`` exit with code 2
and a French message naming the file (and the sheet and cell when known), without a
traceback, and leave the output folder as it was; the heavy ones run in a child
process limited to 1 GB of address space and killed after 10 s. The accepted oddities (formulas
without cached value, external links, macros, hidden content, dates and booleans,
HTML and JavaScript, odd file names and titles) are read, with the right behaviour.
``batch`` turns every bad input into a failed manifest entry and goes on.

Tests that start a Jupyter kernel are marked ``slow``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from snppe_report.batch import jobs as _batch_jobs
from snppe_report.cli import main
from snppe_report.exceptions import SnppeError
from snppe_report.output import atomic_path
from snppe_report.read.table import extract
from snppe_report.read.workbook import read_workbook

from ..make_bad_inputs import HOSTILE_TEXTS, build_corpus

GB = 1024**3
HAS_RENDER = importlib.util.find_spec("snppe_report.report.render") is not None
HAS_BATCH = importlib.util.find_spec("snppe_report.batch.run") is not None
needs_render = pytest.mark.skipif(
    not HAS_RENDER, reason="snppe_report.report.render (render_report) n'est pas encore écrit"
)
needs_batch = pytest.mark.skipif(
    not HAS_BATCH, reason="snppe_report.batch.run (run_batch) n'est pas encore écrit"
)

SHEET = "Tableau de bord"
#: corpus name -> (error class, fragment of the French message, sheet, cell)
ERRORS = {
    "pas_un_classeur": ("UnreadableWorkbookError", "n'est pas un classeur", None, None),
    "pdf": ("UnreadableWorkbookError", "« .pdf » non pris en charge", None, None),
    "vide": ("UnreadableWorkbookError", "vide (0 octet)", None, None),
    "zip_tronque": ("UnreadableWorkbookError", "tronqué", None, None),
    "zip_sans_classeur": ("UnreadableWorkbookError", "workbook.xml absent", None, None),
    "chiffre": ("UnreadableWorkbookError", "protégé par un mot de passe", None, None),
    "xls_ancien": ("UnreadableWorkbookError", "Excel 97-2003 (.xls) endommagé", None, None),
    "xls_chiffre": ("UnreadableWorkbookError", "protégé par un mot de passe", None, None),
    "doc_renomme": ("UnreadableWorkbookError", "n'est pas un classeur Excel", None, None),
    "xls_cellules_vides": ("LayoutError", "aucune feuille ne contient", None, None),
    "xls_html": ("UnreadableWorkbookError", ".xls est une page HTML", None, None),
    "xls_xml_2003": ("UnreadableWorkbookError", "« Feuille de calcul XML 2003 »", None, None),
    "xls_csv": ("UnreadableWorkbookError", ".xls est un fichier texte (CSV ?)", None, None),
    "ods_chiffre": ("UnreadableWorkbookError", "classeur LibreOffice chiffré", None, None),
    "xlsb": ("UnreadableWorkbookError", "« Classeur binaire Excel » (.xlsb)", None, None),
    "xlsb_renomme": ("UnreadableWorkbookError", "« Classeur binaire Excel » (.xlsb)", None, None),
    "style_inexistant": ("UnreadableWorkbookError", "style ou un texte partagé", None, None),
    "format_sans_code": ("UnreadableWorkbookError", "la mise en forme « styles.xml »", None, None),
    "lien_sans_cible": (
        "UnreadableWorkbookError",
        "incomplet ou inattendu dans une feuille",
        None,
        None,
    ),
    "proprietes_illisibles": ("UnreadableWorkbookError", "propriétés du document", None, None),
    "xml_casse": ("UnreadableWorkbookError", "XML illisible", None, None),
    "ods_repetition_invalide": ("UnreadableWorkbookError", "XML illisible", None, None),
    "bombe_zip_tailles_fausses": ("UnreadableWorkbookError", "archive corrompue", None, None),
    "entites_chaines": ("UnsafeWorkbookError", "XML dangereux", None, None),
    "entites_feuille": ("UnsafeWorkbookError", "XML dangereux", None, None),
    "entite_externe": ("UnsafeWorkbookError", "XML dangereux", None, None),
    "entites_ods": ("UnsafeWorkbookError", "XML dangereux", None, None),
    "bombe_zip": ("UnsafeWorkbookError", "5120 Mo (limite 200 Mo)", None, None),
    "parties_innombrables": ("UnsafeWorkbookError", "30009 parties", None, None),
    "styles_geants": ("UnsafeWorkbookError", "« xl/styles.xml » fait 27 Mo", None, None),
    "bombe_ods_repetitions": ("UnsafeWorkbookError", "plus de 100 000 cellules", SHEET, None),
    "cellules_innombrables": ("UnsafeWorkbookError", "plus de 100 000 cellules", SHEET, None),
    "fusion_geante": ("UnsafeWorkbookError", "cellules fusionnées", SHEET, None),
    "cellule_lointaine": ("UnsafeWorkbookError", "1048576 lignes", SHEET, "XFD1048576"),
    "cent_mille_lignes": ("UnsafeWorkbookError", "plus de 20 000 lignes", SHEET, None),
    "textes_innombrables": ("UnsafeWorkbookError", "caractères de texte", None, None),
    "sans_tableau_de_bord": ("LayoutError", "aucune feuille ne contient", None, None),
    "sans_colonne_annee": ("LayoutError", "aucune colonne ne porte d'année", SHEET, None),
    "traversee_sans_code": ("CollectiviteError", "--departement", None, None),
}
#: the inputs that would cost time or memory if a defence were missing
HEAVY = (
    "xls_cellules_vides",
    "bombe_zip",
    "bombe_zip_tailles_fausses",
    "entites_chaines",
    "entites_feuille",
    "entites_ods",
    "bombe_ods_repetitions",
    "cellules_innombrables",
    "cent_mille_lignes",
    "styles_geants",
    "parties_innombrables",
    "fusion_geante",
    "cellule_lointaine",
    "textes_innombrables",
)
ACCEPTED = (
    "bon",
    "ods_bon",
    "formules_sans_valeur",
    "formules_autres_feuilles",
    "ods_formules_autres_feuilles",
    "liens_externes",
    "macros_xlsm",
    "caches",
    "dates_booleens",
    "html_js",
    "nom_special",
    "traversee_titre",
    "feuille_traversee",
    "ods_imbrication",
    "texte_geant",
    "ods_macros_basic",
    "doctype_sans_entite",
)
LIGHT_ERRORS = [name for name in ERRORS if name not in HEAVY]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def test_corpus_covers_every_case(corpus):
    assert set(corpus) == set(ERRORS) | set(ACCEPTED)
    assert all(path.is_file() for path in corpus.values())


# -- helpers -----------------------------------------------------------------------------


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file under the folders: relative path -> SHA-256."""
    state = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def sandbox(tmp_path, monkeypatch, corpus):
    """A working folder (the cwd) and an output folder holding previous good outputs."""
    cwd = tmp_path / "cwd"
    out = tmp_path / "sortie"
    for rel, text in {
        "table.csv": "departement,valeur\n68,1\n",
        "68-haut-rhin/rapport-2023.html": "<p>rapport précédent, à garder</p>",
        "68-haut-rhin/rapport-2023.pdf": "%PDF-1.7 précédent",
        "39-jura/rapport-2021.html": "<p>autre collectivité</p>",
    }.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return tmp_path, out


def assert_french_error(err: str, path: Path, name: str) -> None:
    _, fragment, sheet, cell = ERRORS[name]
    assert "Traceback" not in err
    assert err.startswith(f"snppe : erreur : fichier « {path.name} »"), err
    assert fragment in err, err
    if sheet:
        assert f"feuille « {sheet} »" in err, err
    if cell:
        assert f"cellule {cell}" in err, err


# -- errors: the library -----------------------------------------------------------------


@pytest.mark.parametrize("name", LIGHT_ERRORS + ["entites_chaines", "fusion_geante"])
def test_extract_raises_the_precise_error(corpus, name):
    kind, fragment, sheet, cell = ERRORS[name]
    with pytest.raises(SnppeError) as info:
        extract(corpus[name])
    err = info.value
    assert (type(err).__name__, err.exit_code) == (kind, 2)
    assert fragment in str(err)
    assert Path(err.file).name == corpus[name].name
    assert (err.sheet, err.cell) == (sheet, cell)


#: what an exception's text looks like (English library messages, Python names)
PYTHON_TEXT = re.compile(
    r"Error\b|Exception|Traceback|positional argument|list index|NoneType|<class|object has"
    r"|invalid literal|Errno|\bBad\b|\bline \d|\bcolumn \d|no item named|should be"
)


@pytest.mark.parametrize("name", LIGHT_ERRORS)
def test_no_refusal_shows_a_python_exception(corpus, name):
    """Each refusal is a French cause; the technical detail is in the log (``snppe -v``)."""
    with pytest.raises(SnppeError) as info:
        extract(corpus[name])
    assert not PYTHON_TEXT.search(str(info.value)), str(info.value)


@pytest.mark.parametrize("verbose", [["--verbose"], []])
def test_verbose_alone_shows_the_technical_detail(corpus, verbose):
    command = [sys.executable, "-m", "snppe_report.cli", *verbose, "extract"]
    done = subprocess.run(
        [*command, str(corpus["style_inexistant"])], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "classeur Excel endommagé" in done.stderr
    assert ("IndexError" in done.stderr) is bool(verbose)
    assert "Traceback" not in done.stderr


# -- errors: the CLI -----------------------------------------------------------------------


@pytest.mark.parametrize("name", LIGHT_ERRORS)
@pytest.mark.parametrize("command", ["extract", "check"])
def test_cli_exit_2_with_french_message(corpus, sandbox, capsys, command, name):
    root, out = sandbox
    before = snapshot(root)
    inputs = listing(corpus[name].parent)
    args = [command, str(corpus[name])]
    if command == "extract":
        args += ["-o", str(out / "table.csv")]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_french_error(captured.err, corpus[name], name)
    assert snapshot(root) == before  # previous outputs intact, nothing new anywhere
    assert listing(corpus[name].parent) == inputs  # nothing written beside the inputs


@needs_render
@pytest.mark.parametrize("name", list(ERRORS))
def test_report_exit_2_and_previous_report_intact(corpus, sandbox, capsys, name):
    """The workbook is read before any kernel starts: a bad one costs no kernel."""
    root, out = sandbox
    before = snapshot(root)
    started = time.perf_counter()
    assert main(["report", str(corpus[name]), "--format", "html", "-o", str(out)]) == 2
    assert time.perf_counter() - started < 10
    captured = capsys.readouterr()
    assert_french_error(captured.err, corpus[name], name)
    assert snapshot(root) == before


def test_departement_option_cannot_lead_out(corpus, sandbox, capsys):
    root, _ = sandbox
    before = snapshot(root)
    for command in ("extract", "check"):
        assert main([command, str(corpus["bon"]), "--departement", "../../etc"]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and "../../etc" in err
    assert snapshot(root) == before


@needs_render
def test_report_departement_option_cannot_lead_out(corpus, sandbox, capsys):
    root, out = sandbox
    before = snapshot(root)
    args = ["report", str(corpus["bon"]), "--departement", "../../etc", "-o", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "../../etc" in err
    assert snapshot(root) == before


# -- errors: bounded cost in a child process ---------------------------------------------


def _limit_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (GB, GB))


def run_bounded(args: list[str], timeout: float = 10.0) -> tuple[int, str, float, float]:
    """``python -m snppe_report.cli ARGS`` limited to 1 GB of address space, killed after
    ``timeout`` s. Returns (exit code, stderr, seconds, peak resident memory in MB)."""
    err_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"snppe-err-{os.getpid()}.txt"
    with open(err_path, "wb") as err, open(os.devnull, "wb") as null:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "snppe_report.cli", *args],
            stdout=null,
            stderr=err,
            preexec_fn=_limit_memory,
        )
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        elapsed = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4
    text = err_path.read_text(encoding="utf-8", errors="replace")
    err_path.unlink()
    return proc.returncode, text, elapsed, usage.ru_maxrss / 1024


@pytest.mark.parametrize("name", HEAVY)
def test_heavy_inputs_cost_under_10_s_and_1_gb(corpus, sandbox, name):
    root, out = sandbox
    before = snapshot(root)
    code, err, seconds, peak_mb = run_bounded(
        ["extract", str(corpus[name]), "-o", str(out / "table.csv")]
    )
    assert code == 2, err  # -9 would be the 10 s watchdog, 1 with a traceback: MemoryError
    assert seconds < 10 and peak_mb < 1024
    assert_french_error(err, corpus[name], name)
    assert snapshot(root) == before
    print(f"{name}: {seconds:.2f} s, {peak_mb:.0f} Mo")  # shown with pytest -s


@needs_render
@pytest.mark.parametrize("name", ["cellules_innombrables", "bombe_ods_repetitions"])
def test_heavy_inputs_report_under_10_s_and_1_gb(corpus, sandbox, name):
    root, out = sandbox
    before = snapshot(root)
    code, err, seconds, peak_mb = run_bounded(
        ["report", str(corpus[name]), "--format", "html", "-o", str(out)]
    )
    assert code == 2, err
    assert seconds < 10 and peak_mb < 1024
    assert_french_error(err, corpus[name], name)
    assert snapshot(root) == before


def test_entity_expansion_refused_even_if_openpyxl_does_not_use_defusedxml(corpus, monkeypatch):
    """The reader's own defusedxml pass refuses the DTD before openpyxl parses anything:
    ``OPENPYXL_DEFUSEDXML=False`` (or defusedxml missing for openpyxl) changes nothing."""
    monkeypatch.setenv("OPENPYXL_DEFUSEDXML", "False")
    code, err, seconds, _ = run_bounded(["extract", str(corpus["entites_chaines"])])
    assert code == 2 and seconds < 10
    assert "XML dangereux" in err and "xl/sharedStrings.xml" in err


# -- accepted oddities: the right behaviour ----------------------------------------------


def read_csv(capsys) -> pd.DataFrame:
    import io

    return pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"departement": str})


def by_source(frame: pd.DataFrame, cell: str) -> pd.Series:
    rows = frame[frame["source"].str.endswith("!" + cell)]
    assert len(rows) == 1, (cell, frame["source"].tolist())
    return rows.iloc[0]


@pytest.mark.parametrize("name", ACCEPTED)
def test_accepted_inputs_extract_and_check(corpus, capsys, name):
    assert main(["extract", str(corpus[name])]) == 0
    frame = read_csv(capsys)
    assert set(frame["departement"]) == {"68"}
    assert len(frame) >= 9
    assert main(["check", str(corpus[name])]) == 0
    captured = capsys.readouterr()
    assert corpus[name].name in captured.out and "Traceback" not in captured.err


def test_formulas_without_cached_value_are_computed_or_reported(corpus, capsys):
    assert main(["extract", str(corpus["formules_sans_valeur"])]) == 0
    frame = read_csv(capsys)
    computed = by_source(frame, "D7")
    assert computed["valeur"] == pytest.approx(278 / 7688)
    assert "recalculée" in computed["note"]
    complex_ = by_source(frame, "F6")
    assert pd.isna(complex_["valeur"]) and complex_["brut"].startswith("=SUMPRODUCT")
    assert main(["check", str(corpus["formules_sans_valeur"])]) == 0
    out = capsys.readouterr().out
    assert "Tableau de bord!F6" in out and "formule_sans_valeur" in out


@pytest.mark.parametrize("name", ["formules_autres_feuilles", "ods_formules_autres_feuilles"])
def test_formulas_into_other_sheets_and_chains_are_computed(corpus, capsys, name):
    assert main(["extract", str(corpus[name])]) == 0
    frame = read_csv(capsys)
    assert by_source(frame, "D6")["valeur"] == 7688  # =Données!C4
    assert by_source(frame, "D7")["valeur"] == pytest.approx(278 / 7688)
    chained = by_source(frame, "E7")  # ='Données'!C6, where C6 is =C5/C4
    assert chained["valeur"] == pytest.approx(278 / 7688) and "recalculée" in chained["note"]
    missing = by_source(frame, "F6" if name.startswith("formules") else "F7")
    assert pd.isna(missing["valeur"]) and "Feuil9" in missing["brut"]
    assert main(["check", str(corpus[name])]) == 0
    out = capsys.readouterr().out
    assert "Tableau de bord!F" in out and "la feuille « Feuil9 » n'existe pas" in out


def test_external_links_use_cached_values_and_never_follow_the_link(corpus, capsys):
    assert main(["extract", str(corpus["liens_externes"])]) == 0
    frame = read_csv(capsys)
    assert by_source(frame, "D5")["valeur"] == 278  # cached value of =[1]Feuil1!A1
    assert by_source(frame, "E5")["valeur"] == 312
    unresolved = by_source(frame, "F5")
    assert pd.isna(unresolved["valeur"]) and unresolved["brut"] == "=[1]Feuil1!C1"
    assert main(["check", str(corpus["liens_externes"])]) == 0
    assert "Tableau de bord!F5" in capsys.readouterr().out


def test_macros_are_never_run_but_the_xlsm_is_read(corpus):
    macro = extract(corpus["macros_xlsm"])
    plain = extract(corpus["bon"])
    pd.testing.assert_frame_equal(macro.contract(), plain.contract())


def test_hidden_sheets_rows_and_columns_are_read(corpus):
    book = read_workbook(corpus["caches"])
    assert [(s.name, s.hidden) for s in book.sheets] == [
        (SHEET, False),
        ("Ancien tableau", True),
        ("Très cachée", True),
    ]
    assert 6 in book.sheets[0].hidden_rows and 5 in book.sheets[0].hidden_cols
    frame = extract(corpus["caches"]).contract()
    assert by_source(frame, "D6")["valeur"] == 7688  # hidden row: still data
    assert by_source(frame, "E5")["valeur"] == 312  # hidden column: still data


def test_hidden_rows_are_noted(corpus):
    findings = extract(corpus["caches"]).findings
    assert any("masqu" in f.message and f.source.endswith(("6", "E5")) for f in findings)


def test_dates_and_booleans_become_texts_with_a_note(corpus):
    frame = extract(corpus["dates_booleens"]).contract()
    expected = {
        "E5": "date 01/09/2022",
        "F5": "valeur logique VRAI",
        "E6": "heure 09:30",
        "F6": "valeur logique FAUX",
    }
    for cell, note in expected.items():
        row = by_source(frame, cell)
        assert (row["statut"], row["unite"]) == ("texte", "texte")
        assert pd.isna(row["valeur"]) and note in row["note"]


def test_html_and_javascript_are_kept_as_text_in_the_table(corpus):
    frame = extract(corpus["html_js"]).contract()
    label = by_source(frame, "D5")["indicateur"]
    assert "<script>alert(document.cookie)</script>" in label  # data, escaped on output
    assert by_source(frame, "D8")["valeur"] == pytest.approx(0.4452)
    assert by_source(frame, "F6")["brut"] == HOSTILE_TEXTS["F6"]


def test_xlsx_export_writes_no_formula(corpus, tmp_path):
    out = tmp_path / "table.xlsx"
    args = [str(corpus["html_js"]), str(corpus["formules_sans_valeur"])]
    assert main(["extract", *args, "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_odd_names_and_titles_never_reach_a_path(corpus):
    for name in ("nom_special", "traversee_titre", "feuille_traversee"):
        found = extract(corpus[name])
        assert (found.collectivite.code, found.collectivite.slug) == ("68", "68-haut-rhin")
    assert extract(corpus["feuille_traversee"]).sheet == "..%2F..%2Fetc"


def test_huge_cell_texts_are_cut_at_excel_s_limit(corpus, sandbox):
    """5 MB texts cost minutes downstream (normalisation, PDF): cut to 32 767 characters."""
    root, out = sandbox
    code, err, seconds, peak_mb = run_bounded(
        ["extract", str(corpus["texte_geant"]), "-o", str(out / "geant.csv")]
    )
    assert code == 0, err
    assert seconds < 10 and peak_mb < 1024
    frame = pd.read_csv(out / "geant.csv")
    label = by_source(frame, "D6")["indicateur"]
    assert len(label) == 32_767 and label.endswith("…")
    assert by_source(frame, "D8")["valeur"] == pytest.approx(0.4452)


def test_deeply_nested_ods_text_is_flattened(corpus):
    frame = extract(corpus["ods_imbrication"]).contract()
    assert frame["brut"].str.startswith("1").any()
    assert frame["brut"].str.len().max() < 2000  # a billion `text:s` spaces are capped


# -- batch ---------------------------------------------------------------------------------


def fake_render(task: dict) -> dict:
    """Writes ``<out>/<slug>/rapport-<annee>.html`` like the real job, without a kernel."""
    dest = Path(task["out_dir"]) / task["collectivite"]["slug"]
    path = dest / f"rapport-{task['annee'] or 2022}.html"
    with atomic_path(path) as tmp:
        tmp.write_text(task["collectivite"]["nom"], encoding="utf-8")
    return {"statut": "ok", "sorties": {"html": str(path)}, "durees": {"total": 0.01}}


def fake_synthesis(task: dict) -> dict:
    path = Path(task["out_dir"]) / "synthese-nationale.html"
    with atomic_path(path) as tmp:
        tmp.write_text("synthèse", encoding="utf-8")
    return {"statut": "ok", "sorties": {"html": str(path)}, "durees": {"total": 0.01}}


def lot(corpus, folder: Path, names) -> Path:
    folder.mkdir()
    for name in names:
        (folder / corpus[name].name).write_bytes(corpus[name].read_bytes())
    return folder


def check_manifest(manifest: dict, corpus, failed, good) -> None:
    entries = {Path(e["fichier"]).name: e for e in manifest["entrees"]}
    for name in failed:
        entry = entries[corpus[name].name]
        assert entry["statut"] == "echec", entry
        erreur = entry["erreur"]
        assert erreur["type"] == ERRORS[name][0] and "trace" not in erreur
        assert erreur["message"].startswith(f"fichier « {corpus[name].name} »")
        assert ERRORS[name][1] in erreur["message"]
    for name in good:
        assert entries[corpus[name].name]["statut"] == "ok"


BATCH_ERRORS = [n for n in ERRORS if n not in ("pdf", "xls_ancien")]  # not workbook suffixes


@needs_batch
def test_batch_records_failures_and_goes_on(corpus, tmp_path):
    from snppe_report.batch.run import run_batch

    folder = lot(corpus, tmp_path / "classeurs", [*BATCH_ERRORS, "bon"])
    jobs = _batch_jobs.JobSet(_batch_jobs.extract_job, fake_render, fake_synthesis)
    out = tmp_path / "lot"
    result = run_batch(
        folder, out_dir=out, executor="serial", formats=("html",), job_set=jobs, progress=False
    )
    check_manifest(result.manifest, corpus, BATCH_ERRORS, ["bon"])
    assert (out / "68-haut-rhin" / "rapport-2022.html").is_file()
    assert json.loads((out / "manifest.json").read_text())["bilan"]["echec"] == len(BATCH_ERRORS)
    assert listing(folder) == {corpus[n].name for n in [*BATCH_ERRORS, "bon"]}


@needs_batch
def test_batch_reports_an_old_xls(corpus, tmp_path):
    from snppe_report.batch.run import run_batch

    folder = lot(corpus, tmp_path / "classeurs", ["xls_ancien", "bon"])
    jobs = _batch_jobs.JobSet(_batch_jobs.extract_job, fake_render, fake_synthesis)
    result = run_batch(
        folder, out_dir=tmp_path / "lot", executor="serial", job_set=jobs, progress=False
    )
    check_manifest(result.manifest, corpus, ["xls_ancien"], ["bon"])


# -- with a kernel (slow) ----------------------------------------------------------------


HOSTILE_FRAGMENTS = (
    "<script>alert",
    "<img src=x onerror",
    "<iframe",
    '<a href="javascript:',
    "<style>body{display:none}",
)


@pytest.mark.slow
@needs_render
def test_report_escapes_html_and_javascript(corpus, sandbox):
    root, out = sandbox
    assert main(["report", str(corpus["html_js"]), "--format", "html", "-o", str(out)]) == 0
    html = (out / "68-haut-rhin" / "rapport-2022.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in html
    for fragment in HOSTILE_FRAGMENTS:
        assert fragment not in html, fragment
    assert not re.search(r'<[^<>]*" onmouseover="alert', html)  # no attribute break-out


@pytest.mark.slow
@needs_render
@pytest.mark.parametrize("name", ["traversee_titre", "nom_special"])
def test_report_writes_only_in_its_collectivite_folder(corpus, sandbox, name):
    root, out = sandbox
    before = snapshot(root)
    inputs = listing(corpus[name].parent)
    assert main(["report", str(corpus[name]), "--format", "html", "-o", str(out)]) == 0
    after = snapshot(root)
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed and all(Path(p).parent == out / "68-haut-rhin" for p in changed), changed
    assert {p: h for p, h in before.items() if p not in changed} == {
        p: h for p, h in after.items() if p in before and p not in changed
    }
    assert all(after.get(p) == h for p, h in before.items() if "39-jura" in p or "table" in p)
    assert listing(corpus[name].parent) == inputs


@pytest.mark.slow
@needs_batch
def test_real_batch_with_bad_inputs(corpus, tmp_path):
    from snppe_report.batch.run import run_batch

    failed = ["chiffre", "entites_chaines", "cent_mille_lignes", "sans_colonne_annee"]
    folder = lot(corpus, tmp_path / "classeurs", [*failed, "bon"])
    result = run_batch(folder, out_dir=tmp_path / "lot", formats=("html",), jobs=1, progress=False)
    check_manifest(result.manifest, corpus, failed, ["bon"])
    assert len(result.failures) == len(failed)
