"""frames.records: the rows as dicts, exactly as pandas' to_dict("records") gives them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from snppe_report.frames import records
from snppe_report.read.table import extract

ROOT = Path(__file__).resolve().parents[1]


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a is b or a == b


def _assert_like_pandas(frame: pd.DataFrame) -> None:
    expected, got = frame.to_dict("records"), records(frame)
    assert len(got) == len(expected)
    for want, have in zip(expected, got, strict=True):
        assert list(have) == list(want)
        assert all(_same(want[k], have[k]) for k in want), (want, have)


MIXED = pd.DataFrame(
    {
        "entier": [1, 2],
        "flottant": [1.5, float("nan")],
        "nullable": pd.array([3, None], dtype="Int64"),
        "booleen": [True, False],
        "booleen_nullable": pd.array([True, None], dtype="boolean"),
        "date": pd.to_datetime(["2019-12-31", None]),
        "objet": ["x", None],
        "chaine": pd.array(["a", None], dtype="string"),
    }
)


#: Object columns holding numpy scalars and NA: pandas boxes them as Python values.
OBJECTS = pd.DataFrame(
    {
        "numpy": pd.Series([np.int64(1), np.float64(1.5), np.bool_(True)], dtype=object),
        "na": pd.Series([pd.NA, "x", None], dtype=object),
        "temps": pd.Series(
            [np.datetime64("2020-01-01"), np.timedelta64(3, "D"), None], dtype=object
        ),
        "nullable_en_objet": pd.array([1, None, 2], dtype="Int64").astype(object),
    }
)


@pytest.mark.parametrize(
    "frame",
    [MIXED, MIXED.head(0), MIXED[["entier"]], pd.DataFrame(), OBJECTS, OBJECTS[["na"]]],
    ids=["mixte", "vide", "une-colonne", "sans-colonne", "objets", "un-bloc-objet"],
)
def test_records_equal_pandas(frame):
    _assert_like_pandas(frame)


def test_records_of_a_real_workbook_equal_pandas():
    rows = extract(ROOT / "data" / "68-haut-rhin-tdb-snppe-2023.xlsx").rows
    _assert_like_pandas(rows)


def test_duplicated_columns_follow_pandas():
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.warns(UserWarning):
        expected = frame.to_dict("records")
    with pytest.warns(UserWarning):
        assert records(frame) == expected
