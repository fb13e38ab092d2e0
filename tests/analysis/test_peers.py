"""analysis.peers: ratio values of every collectivité, and one collectivité's place."""

from __future__ import annotations

import pandas as pd
import pytest

from snppe_report.analysis.peers import MIN_QUARTILES, VALUE_COLUMNS, positioning, ratio_values


def rows(*cells: tuple) -> pd.DataFrame:
    """(departement, indicateur_id, annee, valeur, unite[, nature]) -> tidy rows."""
    records = [
        {
            "departement": c[0], "indicateur_id": c[1], "annee": c[2], "valeur": c[3],
            "unite": c[4], "nature": c[5] if len(c) > 5 else "valeur", "ordre": i,
        }
        for i, c in enumerate(cells)
    ]  # fmt: skip
    return pd.DataFrame.from_records(records).astype({"valeur": "float64", "annee": "int64"})


def values_of(frame: pd.DataFrame) -> dict:
    return {
        (r.departement, r.indicateur_id, r.annee): (round(r.valeur, 6), r.calcule)
        for r in frame.itertuples()
    }


@pytest.mark.parametrize(
    ("cells", "annee", "expected"),
    [
        # declared ratio
        ([("68", "epp-part", 2022, 0.2, "pourcentage")], None,
         {("68", "epp-part", 2022): (0.2, False)}),
        # numerator / denominator only: computed
        ([("68", "epp-entretiens", 2022, 50, "nombre"), ("68", "naissances", 2022, 1000, "nombre")],
         None, {("68", "epp-part", 2022): (0.05, True)}),
        # declared wins over its terms
        ([("68", "epp-part", 2022, 0.2, "pourcentage"),
          ("68", "epp-entretiens", 2022, 50, "nombre"),
          ("68", "naissances", 2022, 1000, "nombre")], None,
         {("68", "epp-part", 2022): (0.2, False)}),
        # a zero denominator gives nothing
        ([("68", "epp-entretiens", 2022, 50, "nombre"), ("68", "naissances", 2022, 0, "nombre")],
         None, {}),
        # a count typed on the ratio's row is no ratio; targets are no values
        ([("68", "epp-part", 2022, 12, "nombre"), ("68", "epp-part", 2023, 0.3, "pourcentage",
          "cible")], None, {}),
        # later years ignored
        ([("68", "epp-part", 2021, 0.1, "pourcentage"), ("68", "epp-part", 2022, 0.2,
          "pourcentage")], 2021, {("68", "epp-part", 2021): (0.1, False)}),
        # the first of two cells of one year wins (workbook order)
        ([("68", "epp-part", 2022, 0.2, "pourcentage"), ("68", "epp-part", 2022, 0.3,
          "pourcentage")], None, {("68", "epp-part", 2022): (0.2, False)}),
    ],
)  # fmt: skip
def test_ratio_values(cells, annee, expected):
    found = ratio_values(rows(*cells), annee)
    assert list(found.columns) == list(VALUE_COLUMNS)
    assert values_of(found) == expected


def test_ratio_values_of_no_row():
    empty = rows(("68", "local", 2022, 1, "nombre"))
    assert ratio_values(empty).empty and list(ratio_values(empty).columns) == list(VALUE_COLUMNS)


# Grand Est: 67, 68, 88, 57; Bretagne: 29, 35.
PEERS = rows(
    ("67", "epp-part", 2022, 0.30, "pourcentage"),
    ("68", "epp-part", 2021, 0.05, "pourcentage"),
    ("68", "epp-part", 2022, 0.15, "pourcentage"),
    ("88", "epp-part", 2022, 0.10, "pourcentage"),
    ("57", "epp-part", 2022, 0.25, "pourcentage"),
    ("29", "epp-part", 2022, 0.20, "pourcentage"),
    ("35", "epp-part", 2020, 0.90, "pourcentage"),  # another year: not compared
    ("29", "crip-taux-3-mois", 2022, 0.5, "pourcentage"),
)


def _epp(code: str, annee: int | None = None):
    place = positioning(ratio_values(PEERS), code, annee)
    return place, next(p for p in place.placements if p.indicateur_id == "epp-part")


def test_positioning_same_year_national_and_regional():
    place, epp = _epp("68")
    assert (place.region, place.ars, place.collectivites, place.collectivites_region) == (
        "Grand Est", "ARS Grand Est", 6, 4,
    )  # fmt: skip
    assert (epp.annee, epp.valeur, epp.calcule) == (2022, 0.15, False)
    national = epp.national
    assert national.effectif == 5  # 35 has no 2022 value
    assert national.mediane == pytest.approx(0.20)
    assert (national.q1, national.q3) == (pytest.approx(0.15), pytest.approx(0.25))
    assert national.rang == 4  # 0.30, 0.25, 0.20 are better
    regional = epp.regional
    assert (regional.effectif, regional.rang) == (4, 3)
    assert regional.mediane == pytest.approx(0.20)
    assert epp.cible_nationale == pytest.approx(0.20) and epp.atteint is False


def test_campaign_year_bounds_the_value_placed():
    _, epp = _epp("68", annee=2021)
    assert (epp.annee, epp.valeur) == (2021, 0.05)
    assert (epp.national.effectif, epp.national.rang, epp.national.q1) == (1, 1, None)


def test_best_value_ranks_first_and_ties_share_the_rank():
    _, epp = _epp("67")
    assert epp.national.rang == 1 and epp.atteint is True
    tied = rows(("01", "epp-part", 2022, 0.2, "pourcentage"),
                ("02", "epp-part", 2022, 0.2, "pourcentage"),
                ("03", "epp-part", 2022, 0.1, "pourcentage"))  # fmt: skip
    ranks = {
        code: next(p for p in positioning(ratio_values(tied), code).placements
                   if p.indicateur_id == "epp-part").national.rang
        for code in ("01", "02", "03")
    }  # fmt: skip
    assert ranks == {"01": 1, "02": 1, "03": 3}


def test_few_values_have_no_quartiles():
    _, epp = _epp("29")
    assert epp.regional.effectif == 1 and epp.regional.q1 is None
    assert epp.national.effectif >= MIN_QUARTILES and epp.national.q1 is not None


def test_collectivite_without_value_or_outside_the_data():
    place, epp = _epp("2A")  # not in the data
    assert place.region == "Corse" and place.collectivites == 7
    assert epp.valeur is None and epp.national.rang is None and epp.atteint is None
    place, _ = _epp("68")
    crip = next(p for p in place.placements if p.indicateur_id == "crip-taux-3-mois")
    assert crip.valeur is None and crip.national.effectif == 0  # 29 has one, 68 none
    assert [p.indicateur_id for p in place.placements][:2] == ["epp-part", "bilans-part"]


def test_grouping_collectivite_lies_in_its_departements_region():
    place, _ = _epp("6AE")
    assert place.region == "Grand Est" and place.collectivites_region == 5
    unknown, _ = _epp("XYZ")
    assert unknown.region == "" and unknown.collectivites_region == 0


def _one_ratio_at_a_time(rows: pd.DataFrame, annee: int | None = None) -> pd.DataFrame:
    """The rule of ratio_values written the plain way, one ratio after the other (the
    implementation it replaced): the oracle of the vectorised one."""
    from snppe_report.read.catalogue import load_catalogue

    ratios = load_catalogue().ratios()
    wanted = {i for ind in ratios for i in (ind.id, ind.numerator, ind.denominator)}
    keep = rows["indicateur_id"].isin(wanted) & (rows["nature"] == "valeur")
    keep &= rows["valeur"].notna()
    if annee is not None:
        keep &= rows["annee"] <= annee
    cells = rows.loc[keep]
    if "ordre" in cells:
        cells = cells.sort_values("ordre", kind="stable")
    cells = cells.drop_duplicates(["departement", "indicateur_id", "annee", "unite"])
    keys = ["departement", "annee"]

    def pick(ident, unite, name):
        part = cells[(cells["indicateur_id"] == ident) & (cells["unite"] == unite)]
        return part[[*keys, "valeur"]].rename(columns={"valeur": name})

    frames = []
    for ind in ratios:
        merged = pick(ind.id, "pourcentage", "declare")
        merged = merged.merge(pick(ind.numerator, "nombre", "num"), on=keys, how="outer")
        merged = merged.merge(pick(ind.denominator, "nombre", "den"), on=keys, how="outer")
        computed = (merged["num"] / merged["den"]).where(merged["den"].fillna(0) > 0)
        merged["calcule"] = merged["declare"].isna() & computed.notna()
        merged["valeur"] = merged["declare"].where(merged["declare"].notna(), computed)
        merged["indicateur_id"] = ind.id
        frames.append(merged.dropna(subset=["valeur"]))
    out = pd.concat(frames, ignore_index=True)
    if not len(out):
        out = pd.DataFrame(columns=list(VALUE_COLUMNS))
    out = out.reindex(columns=list(VALUE_COLUMNS)).astype(
        {"departement": str, "indicateur_id": str, "annee": "int64", "valeur": "float64",
         "calcule": bool}
    )  # fmt: skip
    return out.sort_values(["indicateur_id", "departement", "annee"], kind="stable").reset_index(
        drop=True
    )


def test_vectorised_rule_equals_one_ratio_at_a_time(tmp_path):
    from snppe_report.demo.synthetic import write_demo_workbooks
    from snppe_report.read.table import extract

    write_demo_workbooks(tmp_path, count=6, seed=11)
    frames = []
    for path in sorted(tmp_path.glob("*.xlsx")):
        extraction = extract(path)
        frames.append(extraction.rows.assign(departement=str(extraction.collectivite.code)))
    together = pd.concat(frames, ignore_index=True)
    no_rate = frames[0][frames[0]["unite"] != "pourcentage"]
    for frame in [*frames, together, together.head(0), no_rate]:
        for annee in (None, 2021):
            pd.testing.assert_frame_equal(
                ratio_values(frame, annee), _one_ratio_at_a_time(frame, annee)
            )
