"""Fictive dashboards (snppe_report.demo.synthetic): layouts, detection, content, determinism."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from snppe_report.demo.synthetic import demo_layouts, population, write_demo_workbooks
from snppe_report.exceptions import ParameterError
from snppe_report.read.catalogue import load_catalogue
from snppe_report.read.collectivites import departements
from snppe_report.read.table import extract


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Four fictive workbooks and their extractions."""
    out = tmp_path_factory.mktemp("demo")
    paths = write_demo_workbooks(out, count=4, seed=7)
    return paths, [extract(p) for p in paths]


def test_population_has_plausible_magnitudes():
    pop = population()
    assert set(pop) == {d.code for d in departements()}
    assert 25_000 < pop["59"].naissances < 35_000  # Nord
    assert 400 < pop["48"].naissances < 900  # Lozère
    for p in pop.values():
        assert 5.5 < p.enfants_0_6 / p.naissances < 7.5


def test_layouts_split_the_departements_in_two_halves():
    layouts = demo_layouts(101, seed=2026)
    assert len(layouts) == 101
    years = [annee for _, annee in layouts]
    assert years.count(2023) == 51 and years.count(2021) == 50
    small = demo_layouts(4, seed=2026)
    assert sorted(a for _, a in small) == [2021, 2021, 2023, 2023]
    assert demo_layouts(101, seed=1) != layouts


@pytest.mark.parametrize("count", [0, 102])
def test_count_out_of_range_is_refused(count, tmp_path):
    with pytest.raises(ParameterError, match="entre 1 et 101"):
        write_demo_workbooks(tmp_path, count=count)


def test_file_names_start_with_the_code(demo):
    paths, extractions = demo
    for path, extraction in zip(paths, extractions, strict=True):
        code = extraction.collectivite.code
        assert path.name.startswith(f"{extraction.collectivite.slug}-tdb-snppe-")
        assert path.name.endswith(f"-{extraction.annee}-fictif.xlsx")
        assert path.name.split("-")[0] == code.lower()


def test_both_layouts_are_read_and_flagged_fictive(demo):
    _, extractions = demo
    assert sorted(e.annee for e in extractions) == [2021, 2021, 2023, 2023]
    assert all(e.fictive for e in extractions)
    with_definitions = [e for e in extractions if e.definitions is not None]
    assert {e.annee for e in with_definitions} == {2021}


def test_collectivite_is_detected_from_the_title_alone(demo, tmp_path):
    paths, extractions = demo
    for i, (path, extraction) in enumerate(zip(paths, extractions, strict=True)):
        anonymous = tmp_path / f"classeur-{i}.xlsx"
        shutil.copy(path, anonymous)
        found = extract(anonymous)
        assert found.collectivite.code == extraction.collectivite.code
        assert "titre" in found.collectivite_origine


def test_workbook_properties_say_donnees_fictives(demo):
    import openpyxl

    paths, _ = demo
    wb = openpyxl.load_workbook(paths[0], read_only=True)
    props = wb.properties
    assert "DONNÉES FICTIVES" in props.title
    assert "donnees-fictives" in props.keywords
    wb.close()


def test_every_harmonised_ratio_is_there(demo):
    _, extractions = demo
    ratios = {i.id for i in load_catalogue().ratios()}
    optional = {"retour-domicile-part"}
    for extraction in extractions:
        found = set(extraction.rows["indicateur_id"])
        assert ratios - optional <= found, extraction.path.name
        assert any(i.startswith("local-") for i in found)


def test_values_follow_the_population(demo):
    _, extractions = demo
    pop = population()
    for extraction in extractions:
        rows = extraction.rows
        births = rows[
            (rows.indicateur_id == "naissances") & (rows.statut == "ok") & (rows.nature == "valeur")
        ]
        expected = pop[extraction.collectivite.code].naissances
        assert not births.empty
        assert births["valeur"].between(0.9 * expected, 1.05 * expected).all()


def test_ratios_mostly_agree_with_their_parts(demo):
    _, extractions = demo
    catalogue = load_catalogue()
    agree = disagree = 0
    for extraction in extractions:
        rows = extraction.rows
        values = rows[(rows.nature == "valeur") & (rows.statut == "ok")]
        table = values.drop_duplicates(["indicateur_id", "annee"]).set_index(
            ["indicateur_id", "annee"]
        )["valeur"]
        for ratio in catalogue.ratios():
            for annee in values.annee.unique():
                keys = [(i, annee) for i in (ratio.id, ratio.numerator, ratio.denominator)]
                if not all(k in table.index for k in keys):
                    continue
                declared, num, den = (table[k] for k in keys)
                if abs(declared - num / den) < 0.006:
                    agree += 1
                else:
                    disagree += 1
    assert agree > 20
    assert disagree <= agree * 0.15


def test_codes_texts_and_optional_objectives_appear(demo):
    _, extractions = demo
    rows = pd.concat([e.rows for e in extractions])
    statuts = rows["statut"].value_counts()
    assert {"ok", "ND", "SO", "texte"} <= set(statuts.index)
    assert statuts["ok"] > 0.6 * len(rows)
    assert rows["facultatif"].any() and not rows["facultatif"].all()
    assert (rows["nature"] == "cible").any()
    assert (rows["unite"] == "heures").any() or (rows["unite"] == "mois").any()


def test_same_seed_same_workbooks_in_one_or_several_processes(tmp_path):
    first = write_demo_workbooks(tmp_path / "a", count=2, seed=11, jobs=1)
    parallel = write_demo_workbooks(tmp_path / "b", count=4, seed=11, jobs=2)
    other = write_demo_workbooks(tmp_path / "c", count=2, seed=12)
    assert len(parallel) == 4
    by_name = {p.name: p for p in parallel}
    for path in first:  # a département's workbook does not depend on count nor jobs
        assert path.read_bytes() == by_name[path.name].read_bytes()
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
