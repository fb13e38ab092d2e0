"""Inputs of the synthesis, and the single adapter for statuses (snppe_report.synthesis.inputs)."""

from __future__ import annotations

from snppe_report.synthesis.inputs import STATUS_COLUMNS, indicator_statuses
from tests.synthesis.test_build import _epp, _rows


def test_indicator_statuses_of_the_campaign_collectivites():
    rows = _rows([
        *_epp("59", 2019, 30000, 3000, 0.10, "10 %"),
        *_epp("59", 2022, 29000, 6380, 0.22, "22 %"),
        ("59", "epp-part", 2023, "cible", 0.2, "pourcentage", "ok", "20 %"),
        *_epp("13", 2022, 23000, 2300, 0.30, "30,0 %"),
        ("13", "epp-part", 2023, "cible", 0.4, "pourcentage", "ok", "40 %"),
        *_epp("48", 2021, 600, 60, 0.1, "10 %"),
    ])  # fmt: skip
    found = indicator_statuses(rows, ["59", "13"], 2023, ["epp-part", "bilans-part"])
    assert list(found.columns) == STATUS_COLUMNS
    statuses = dict(zip(found["departement"], found["statut"], strict=True))
    assert set(statuses) == {"59", "13"}  # 48 is not of the campaign
    assert statuses["59"] == "atteint"  # 22 % for a 20 % target
    assert set(found["indicateur_id"]) == {"epp-part"}


def test_indicator_statuses_without_any_row():
    found = indicator_statuses(_rows([]), ["59"], 2023, ["epp-part"])
    assert list(found.columns) == STATUS_COLUMNS and found.empty
