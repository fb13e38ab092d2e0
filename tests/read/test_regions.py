"""Region and ARS of départements and collectivités (snppe_report.read.regions)."""

from __future__ import annotations

import pytest

from snppe_report.read.collectivites import all_collectivites, departements
from snppe_report.read.regions import region_of, regions


@pytest.mark.parametrize(
    ("code", "region", "ars"),
    [
        ("59", "Hauts-de-France", "ARS Hauts-de-France"),
        ("68", "Grand Est", "ARS Grand Est"),
        ("6AE", "Grand Est", "ARS Grand Est"),
        ("69M", "Auvergne-Rhône-Alpes", "ARS Auvergne-Rhône-Alpes"),
        ("20R", "Corse", "ARS Corse"),
        ("2A", "Corse", "ARS Corse"),
        ("75C", "Île-de-France", "ARS Île-de-France"),
        ("974", "La Réunion", "ARS La Réunion"),
        ("976", "Mayotte", "ARS Mayotte"),
        ("971", "Guadeloupe", "ARS de la Guadeloupe, de Saint-Martin et de Saint-Barthélemy"),
    ],
)
def test_region_and_ars(code, region, ars):
    found = region_of(code)
    assert (found.nom, found.ars) == (region, ars)


def test_every_collectivite_has_one_region():
    assert all(region_of(c.code) is not None for c in all_collectivites())
    assert len(regions()) == 18
    counts = {}
    for d in departements():
        counts[region_of(d.code).nom] = counts.get(region_of(d.code).nom, 0) + 1
    assert counts["Occitanie"] == 13 and counts["Bretagne"] == 4 and sum(counts.values()) == 101


def test_unknown_code_has_no_region():
    assert region_of("zz") is None
