"""Which campaign a synthesis compares (snppe_report.synthesis.campaign)."""

from __future__ import annotations

import pandas as pd
import pytest

from snppe_report.synthesis.campaign import select_campaign, workbook_campaigns


def _books(*items):
    return pd.DataFrame(items, columns=["fichier", "code", "annee_campagne"])


@pytest.mark.parametrize(
    ("books", "annee", "expected"),
    [
        (_books(("a", "01", 2021), ("b", "02", 2023), ("c", "03", 2023)), None, 2023),
        (_books(("a", "01", 2021), ("b", "02", 2021), ("c", "03", 2023)), None, 2021),
        (_books(("a", "01", 2021), ("b", "02", 2023)), None, 2023),  # tie: the most recent
        (_books(("a", "01", 2021), ("b", "02", 2023)), 2021, 2021),  # asked for
        (_books(("a", "01", None)), None, None),  # no campaign known
    ],
)
def test_campaign_is_the_most_frequent_unless_asked(books, annee, expected):
    assert select_campaign(books, annee).annee == expected


def test_workbooks_of_other_campaigns_feed_series_or_are_set_aside():
    books = _books(("59-2023.xlsx", "59", 2023), ("59-2021.xlsx", "59", 2021),
                   ("48-2021.xlsx", "48", 2021), ("13-2023.xlsx", "13", 2023))  # fmt: skip
    campaign = select_campaign(books)
    assert campaign.annee == 2023
    assert campaign.codes == ("59", "13")
    assert campaign.files == frozenset({"59-2023.xlsx", "13-2023.xlsx"})
    aside = campaign.set_aside.set_index("fichier")
    assert bool(aside.loc["59-2021.xlsx", "serie"]) and not aside.loc["48-2021.xlsx", "serie"]
    assert campaign.excluded_codes == ("48",)
    assert campaign.counts == {2021: 2, 2023: 2}


def test_without_a_campaign_every_workbook_is_kept():
    campaign = select_campaign(_books(("a", "01", None), ("b", "02", None)))
    assert campaign.codes == ("01", "02") and not len(campaign.set_aside)


def test_campaigns_from_the_manifest_then_from_the_rows():
    rows = pd.DataFrame({
        "departement": ["59", "59", "48", "48"], "annee": [2022, 2023, 2019, 2021],
        "nature": ["valeur", "cible", "valeur", "valeur"],
        "fichier": ["59.xlsx", "59.xlsx", "48.xlsx", "48.xlsx"],
    })  # fmt: skip
    manifest = {"entrees": [
        {"fichier": "sous/dossier/59.xlsx", "collectivite": {"code": "59"},
         "annee_campagne": 2023, "statut": "ok"},
        {"fichier": "casse.xlsx", "statut": "echec"},
    ]}  # fmt: skip
    found = workbook_campaigns(rows, manifest)
    assert found.to_dict("records") == [
        {"fichier": "sous/dossier/59.xlsx", "code": "59", "annee_campagne": 2023},
        {"fichier": "48.xlsx", "code": "48", "annee_campagne": 2021},  # latest value year
    ]
