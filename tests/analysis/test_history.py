"""Several workbooks of one collectivité (2021 and 2023 layouts) merged into one series."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from snppe_report.analysis.history import merge_extractions
from snppe_report.analysis.series import indicator_details

from ..tidy_rows import cells, tidy

BIRTHS = "Nombre de naissances vivantes selon le domicile de la mère (source INSEE)"
TALKS = "Nombre d'entretiens du 4e mois réalisés par la PMI (source DREES / CD)"
SHARE = "Part des femmes enceintes ayant bénéficié d'un entretien du 4e mois réalisé par la PMI"
EPP_2021 = "Atteindre à horizon 2022 un taux de couverture par la PMI d'au moins 20 %"
EPP_2023 = "Objectif n° 1 : Atteindre à horizon 2022 un taux de couverture par la PMI"


def layout_2021() -> pd.DataFrame:
    """A 2021 workbook (seed 001 layout): 2019, 2020, 2021 and targets 2020-2022."""
    return tidy(
        (BIRTHS, EPP_2021, cells(v2019="7 688", v2020="7 450", v2021="7 300")),
        (TALKS, EPP_2021, cells(v2019="278", v2020="ND", v2021="520")),
        (SHARE, EPP_2021, cells(v2019="3,6%", v2021="7,1%", c2021="8 %", c2022="20 %")),
        ("Nombre de places en villages d'enfants", "Fratries", cells(v2019="0", c2022="0")),
    )  # fmt: skip


def layout_2023() -> pd.DataFrame:
    """A 2023 workbook (seed 000 layout): 2019, 2022 and the 2023 target."""
    return tidy(
        (SHARE, EPP_2023, cells(v2019="3,6%", v2022="10%", c2023="15%")),
        (TALKS, EPP_2023, cells(v2019="278", v2022="700")),
        (BIRTHS, EPP_2023, cells(v2019="7 700", v2022="7 237")),
        sheet="TDB 2023",
    )  # fmt: skip


def extraction(annee: int, rows: pd.DataFrame, name: str) -> SimpleNamespace:
    return SimpleNamespace(annee=annee, rows=rows, path=Path("/data") / name)


@pytest.fixture
def merged():
    return merge_extractions([
        extraction(2023, layout_2023(), "cea-2023.xlsx"),
        extraction(2021, layout_2021(), "cea-2021.xlsx"),
    ])  # fmt: skip


def test_every_year_of_every_workbook(merged):
    rows, _ = merged
    births = rows[rows["indicateur_id"] == "naissances"]
    assert list(births["annee"]) == [2019, 2020, 2021, 2022]
    share = rows[rows["indicateur_id"] == "epp-part"]
    assert sorted(zip(share["nature"], share["annee"], strict=True)) == [
        ("cible", 2021), ("cible", 2022), ("cible", 2023),
        ("valeur", 2019), ("valeur", 2021), ("valeur", 2022),
    ]  # fmt: skip
    assert set(rows["fichier"]) == {"cea-2021.xlsx", "cea-2023.xlsx"}
    assert rows["annee"].dtype == "int64" and rows["valeur"].dtype == "float64"
    assert not {"_rang", "_objectif"} & set(rows.columns)


def test_conflicting_value_is_a_revision_naming_both_cells(merged):
    rows, findings = merged
    (revision,) = findings
    assert (revision.code, revision.severity) == ("revision", "avertissement")
    assert revision.source == "[cea-2023.xlsx]TDB 2023!D12"
    assert revision.indicateur == BIRTHS
    assert "« 7 688 » ([cea-2021.xlsx]TDB!D10)" in revision.message
    assert "« 7 700 » ([cea-2023.xlsx]TDB 2023!D12)" in revision.message
    births_2019 = rows[(rows["indicateur_id"] == "naissances") & (rows["annee"] == 2019)]
    assert list(births_2019["valeur"]) == [7700]  # the most recent workbook wins


def test_labels_and_order_follow_the_most_recent_workbook(merged):
    rows, _ = merged
    share = rows[rows["indicateur_id"] == "epp-part"]
    assert set(share["objectif"]) == {EPP_2023}
    ids = list(dict.fromkeys(rows["indicateur_id"]))
    assert ids == ["epp-part", "epp-entretiens", "naissances", "local-nombre-de-places-en-"
                   "villages-d-enfants"]  # fmt: skip


def test_merged_series_gives_one_indicator_row_per_indicator(merged):
    rows, _ = merged
    table = indicator_details(rows, 2023)
    assert len(table) == 4
    epp = table[table["indicateur_id"] == "epp-part"].iloc[0]
    assert epp["valeurs"] == {2019: 0.036, 2021: 0.071, 2022: 0.1}
    assert (epp["cible_annee"], epp["statut"]) == (2023, "en retard")


def test_a_code_never_hides_an_older_value():
    older = tidy((TALKS, EPP_2021, cells(v2019="278", v2020="310")))
    newer = tidy((TALKS, EPP_2023, cells(v2019="ND", v2022="700")))
    rows, findings = merge_extractions([(2021, older), (2023, newer)])
    assert findings == []
    assert rows.set_index("annee")["brut"].to_dict() == {2019: "278", 2020: "310", 2022: "700"}


@pytest.mark.parametrize(
    ("old", "new", "revised"),
    [
        ("278", "278", False),
        ("278", "278,0", False),
        ("3,6%", "3,60 %", False),
        ("Protocole signé", "protocole  signé", False),
        ("278", "280", True),
        ("3,6%", "3,7%", True),
        ("36", "36 %", True),
        ("En cours", "Réalisé", True),
        ("278", "En cours", True),
    ],
)
def test_what_counts_as_a_revision(old, new, revised):
    rows, findings = merge_extractions([
        (2021, tidy((TALKS, EPP_2021, cells(v2019=old)))),
        (2023, tidy((TALKS, EPP_2021, cells(v2019=new)))),
    ])  # fmt: skip
    assert len(findings) == int(revised)
    assert list(rows["brut"]) == [new]


def test_input_forms_and_ranking():
    first = tidy((TALKS, EPP_2021, cells(v2019="100")))
    second = tidy((TALKS, EPP_2021, cells(v2019="200")))
    # same campaign year: the later in the input is the more recent; order of years wins
    rows, findings = merge_extractions([(2022, first, "a.xlsx"), (2022, second, "b.xlsx")])
    assert list(rows["valeur"]) == [200] and findings[0].source == "[b.xlsx]TDB!D10"
    rows, _ = merge_extractions([(2023, first), (2021, second)])
    assert list(rows["valeur"]) == [100] and list(rows["fichier"]) == [""]


def test_one_or_no_workbook():
    rows, findings = merge_extractions([extraction(2023, layout_2023(), "cea-2023.xlsx")])
    assert findings == [] and len(rows) == len(layout_2023())
    assert list(rows["source"]) == list(layout_2023()["source"])
    empty, none = merge_extractions([])
    assert empty.empty and none == []
