"""batch.consolidated and the consolidated files of a batch, on the example workbooks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from snppe_report.analysis.indicators import indicator_table
from snppe_report.analysis.peers import ratio_values
from snppe_report.analysis.status import STATUTS
from snppe_report.batch import consolidated, outputs
from snppe_report.batch.spreadsheet import PERCENT
from snppe_report.read.table import COLUMNS, extract

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def members():
    found = []
    for name, code in (("68-haut-rhin-tdb-snppe-2023.xlsx", None),
                       ("tdb-snppe-2021-departement-non-nomme.xlsx", "39")):  # fmt: skip
        ex = extract(DATA / name, departement=code)
        ex = replace(ex, rows=ex.rows.assign(fichier=name))
        found.append(consolidated.Member(ex, int(ex.annee), fictive=False))
    return found


@pytest.fixture(scope="module")
def frame(members):
    return outputs.consolidated_frame([m.extraction.rows for m in members])


def test_indicator_sheet_is_the_table_of_snppe_indicateurs(members):
    member = members[0]
    table = consolidated.collectivite_indicators(member.extraction, member.annee)
    assert list(table.columns) == list(consolidated.INDICATOR_COLUMNS)
    cli = indicator_table(member.extraction, member.annee)
    pd.testing.assert_frame_equal(table, cli)
    assert set(table["departement"]) == {"68"}
    epp = table[table["indicateur_id"] == "epp-part"].iloc[0]
    assert epp["depart_valeur"] == pytest.approx(0.036, abs=5e-4)  # 278 / 7 688 = 3,6 %
    assert epp["dernier_annee"] == 2022 and epp["dernier_valeur"] > epp["depart_valeur"]
    assert epp["depart_annee"] == 2019 and epp["sens"] == "hausse"
    assert epp["cible_nationale"] and epp["sources"]
    assert table["raison"].str.len().gt(0).all()


def test_collectivites_table_counts_statuses_and_gives_headlines(members, frame):
    indicators = consolidated.indicators_table(members)
    summary = consolidated.collectivites_table(members, indicators, ratio_values(frame))
    assert summary["departement"].tolist() == ["68", "39"]
    assert summary["region"].tolist() == ["Grand Est", "Bourgogne-Franche-Comté"]
    assert summary["ars"].tolist() == ["ARS Grand Est", "ARS Bourgogne-Franche-Comté"]
    assert summary["campagne"].tolist() == [2023, 2021]
    for row in summary.to_dict("records"):
        mine = indicators[indicators["departement"] == row["departement"]]
        assert [row[s] for s in STATUTS] == [int((mine["statut"] == s).sum()) for s in STATUTS]
        assert row["indicateurs"] == len(mine)
    heads = outputs.headlines(members[0].extraction.rows, 2023)
    first = summary.iloc[0]
    assert first["epp-part"] == pytest.approx(heads["epp-part"]["valeur"])
    assert first["epp-part_annee"] == heads["epp-part"]["annee"]


def test_cells_table_adds_names_regions_fictive(members, frame):
    cells = consolidated.cells_table(frame, members)
    assert list(cells.columns) == [
        "departement", "collectivite", "region", *COLUMNS[1:], "fichier", "fictif",
    ]  # fmt: skip
    assert set(cells["collectivite"]) == {"Haut-Rhin", "Jura"}
    assert len(cells) == len(frame) and not cells["fictif"].any()


def test_files_of_a_batch_read_back(members, frame, tmp_path):
    written = outputs.write_machine_data(frame, tmp_path)
    written |= outputs.write_people_data(frame, tmp_path, members)
    assert written == {
        "parquet": "consolide.parquet", "csv": "consolide.csv", "xlsx": "consolide.xlsx",
        "csv-excel": "consolide-excel.csv",
    }  # fmt: skip
    # machine contract unchanged, types kept
    machine = pd.read_csv(tmp_path / "consolide.csv", dtype={"departement": str})
    assert list(machine.columns) == [*COLUMNS, "fichier"]
    parquet = pd.read_parquet(tmp_path / "consolide.parquet")
    assert parquet["annee"].dtype == "int64" and parquet["valeur"].dtype == "float64"
    assert parquet["departement"].tolist() == frame["departement"].tolist()
    # one sheet per level, French headers
    sheets = pd.read_excel(tmp_path / "consolide.xlsx", sheet_name=None, dtype={"Code": str})
    assert list(sheets) == ["À lire", "Collectivités", "Indicateurs", "Cellules"]
    assert sheets["Collectivités"]["Collectivité"].tolist() == ["Haut-Rhin", "Jura"]
    assert len(sheets["Cellules"]) == len(frame)
    assert {"Statut", "Raison du statut", "Dernière valeur"} <= set(sheets["Indicateurs"])
    book = openpyxl.load_workbook(tmp_path / "consolide.xlsx")
    for name in ("Collectivités", "Indicateurs", "Cellules"):
        ws = book[name]
        assert ws.freeze_panes == "B2"
        assert ws.auto_filter.ref.startswith("A1:") and ws.auto_filter.ref.endswith(str(ws.max_row))
        assert ws.column_dimensions["B"].width >= 20
    summary = book["Collectivités"]
    header = [c.value for c in summary[1]]
    epp = summary.cell(2, header.index("EPP") + 1)
    assert epp.number_format == PERCENT and 0 < epp.value < 1
    cells = book["Cellules"]
    header = [c.value for c in cells[1]]
    unit, value = header.index("Unité") + 1, header.index("Valeur") + 1
    formats = {
        cells.cell(r, unit).value: cells.cell(r, value).number_format
        for r in range(2, cells.max_row + 1)
        if cells.cell(r, value).value is not None
    }
    assert formats["pourcentage"] == PERCENT and formats["nombre"] != PERCENT
    # the French CSV: the cells sheet, read back as numbers
    french = pd.read_csv(
        tmp_path / "consolide-excel.csv", sep=";", decimal=",", encoding="utf-8-sig",
        dtype={"Code": str},
    )  # fmt: skip
    assert french["Valeur"].dtype == "float64"
    assert french["Valeur"].fillna(-1).tolist() == pytest.approx(
        frame["valeur"].fillna(-1).tolist()
    )
    assert french["Collectivité"].iloc[0] == "Haut-Rhin"


def test_a_batch_without_any_readable_workbook_still_gets_headed_sheets(tmp_path):
    empty = outputs.consolidated_frame([])
    outputs.write_machine_data(empty, tmp_path)
    outputs.write_people_data(empty, tmp_path, [])
    sheets = pd.read_excel(tmp_path / "consolide.xlsx", sheet_name=None)
    for name in ("Collectivités", "Indicateurs", "Cellules"):
        assert sheets[name].empty and list(sheets[name].columns)[:3] == [
            "Code", "Collectivité", "Région",
        ]  # fmt: skip
    raw = (tmp_path / "consolide-excel.csv").read_bytes()
    assert raw.startswith("\ufeffCode;Collectivité;Région;".encode()) and raw.count(b"\r\n") == 1
