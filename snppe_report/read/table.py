"""Cells -> the tidy indicator table (the ``snppe extract`` contract).

One row per non-empty value cell, with exactly :data:`COLUMNS`. Every figure is
typed by :func:`values.parse_value` and keeps its cell in ``source``.

Rows are read by :mod:`snppe_report.read.rows` (merged cells, engagement rows, stacked
cells, number formats, unit column, grey fills). Here:

* a dashboard split over several sheets with the same year columns (one per
  engagement) is read sheet after sheet, a sheet's name standing for the engagement
  of rows that have none; a dashboard-like sheet that is a copy (its indicators were
  already read) or another campaign (other year columns) is not read and says so
  (finding ``feuille_non_lue``): nothing is dropped silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from snppe_report.exceptions import LayoutError
from snppe_report.formatting import NATURES
from snppe_report.read.collectivites import Collectivite, resolve
from snppe_report.read.findings import Finding
from snppe_report.read.layout import Layout, find_definitions, find_layouts
from snppe_report.read.rows import RowReader, short, strip_html
from snppe_report.read.workbook import Sheet, Workbook, column_letter, read_workbook
from snppe_report.text import normalize

__all__ = ["COLUMNS", "Extraction", "extract", "extract_workbook", "contract_frame"]

log = logging.getLogger(__name__)

COLUMNS = (
    "departement",
    "engagement",
    "objectif",
    "mesure",
    "indicateur",
    "indicateur_id",
    "annee",
    "nature",
    "brut",
    "valeur",
    "unite",
    "statut",
    "note",
    "source",
)
INTERNAL = ("ordre", "objectif_num", "facultatif", "ligne")
_FICTIVE = ("donnees fictives", "donnees-fictives", "fictif", "fictive")


@dataclass(frozen=True)
class Extraction:
    """A workbook read into the tidy table, with what the report needs besides."""

    path: Path
    sha256: str
    sheet: str
    collectivite: Collectivite
    collectivite_origine: str
    rows: pd.DataFrame
    definitions: pd.DataFrame | None
    annee: int
    fictive: bool
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    #: Every sheet read, in the workbook's order (a dashboard may span several sheets,
    #: one per engagement); ``sheet`` is the main one. Empty means ``(sheet,)``.
    sheets: tuple[str, ...] = ()

    def contract(self) -> pd.DataFrame:
        """The rows with exactly the public columns."""
        return contract_frame(self.rows)


def contract_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep exactly :data:`COLUMNS`, in order."""
    return rows.loc[:, list(COLUMNS)].reset_index(drop=True)


def extract(path: str | Path, departement: str | None = None) -> Extraction:
    """Read one workbook into an :class:`Extraction`.

    Parameters
    ----------
    path : str or Path
        The workbook (.xlsx, .xlsm, .ods).
    departement : str, optional
        Collectivité code; overrides detection.
    """
    return extract_workbook(read_workbook(path), departement)


def extract_workbook(workbook: Workbook, departement: str | None = None) -> Extraction:
    """Same as :func:`extract` on an already read :class:`Workbook`."""
    layout, parts, aside = find_layouts(workbook)
    titles = _title_texts(workbook, layout)
    names = [lay.sheet.name for lay in parts]
    collectivite, origine = resolve(departement, titles, workbook.path.name, names)
    records, findings, read = _read_parts(parts, layout, collectivite.code, workbook.sheets)
    if not records:
        raise LayoutError(
            "le tableau de bord ne contient aucune valeur ni cible : seuls les libellés sont "
            "remplis. Renseignez-le, puis relancez.",
            file=workbook.path,
            sheet=layout.sheet.name,
        )
    findings += [_column_not_read(lay, col, header) for lay in read for col, header in lay.skipped]
    findings += _duplicates(records)
    findings += [
        _sheet_not_read(lay, layout, "elle est masquée" if lay.sheet.hidden
                        else "ses colonnes d'années ne sont pas celles du tableau de bord lu")
        for lay in aside
    ]  # fmt: skip
    frame = pd.DataFrame(records, columns=[*COLUMNS, *INTERNAL])
    frame = frame.astype({"annee": "int64", "valeur": "float64", "facultatif": "bool"})
    frame["objectif_num"] = frame["objectif_num"].astype("Int64")
    return Extraction(
        path=workbook.path,
        sha256=workbook.sha256,
        sheet=layout.sheet.name,
        collectivite=collectivite,
        collectivite_origine=origine,
        rows=frame,
        definitions=_definitions(workbook, layout.sheet),
        annee=layout.annee,
        fictive=_is_fictive(titles),
        findings=tuple(findings),
        sheets=tuple(lay.sheet.name for lay in read),
    )


def _read_parts(
    parts, main: Layout, code: str, sheets: list[Sheet]
) -> tuple[list[tuple], list[Finding], list]:
    """Read the sheets of a dashboard split over several sheets.

    The main sheet is read first and always kept. Another part whose indicators
    repeat the ones already read is a copy, not a part: it is left aside with a
    finding. When there are several parts, a row without engagement takes its sheet's
    name. Rows come back in the workbook's order of the sheets, numbered again.
    """
    kept: dict[int, tuple[Layout, list[tuple], list[Finding]]] = {}
    aside: list[Finding] = []
    labels: set[str] = set()
    for index, lay in sorted(enumerate(parts), key=lambda item: item[1] is not main):
        reader = RowReader(lay, code, sheets)
        if len(parts) > 1:
            reader.engagement = " ".join(lay.sheet.name.split())
        rows = reader.read()
        own = {rec[4] for rec in rows}
        if lay is not main and own & labels:
            aside.append(_sheet_not_read(lay, main, "elle reprend des indicateurs déjà lus"))
            continue
        kept[index] = (lay, rows, reader.findings)
        labels |= own
    ordered = [kept[i] for i in sorted(kept)]
    records = [rec for _, rows, _ in ordered for rec in rows]
    if len(ordered) > 1:  # one numbering across the sheets ("ordre" is column 14)
        records = [(*rec[:14], i + 1, *rec[15:]) for i, rec in enumerate(records)]
    findings = [f for _, _, found in ordered for f in found] + aside
    return records, findings, [lay for lay, _, _ in ordered]


def _duplicates(records: list[tuple]) -> list[Finding]:
    """Two cells for one indicator, year and nature ("Réalisé 2022 (provisoire)" and
    "(définitif)"): the report keeps the first; say so, with both cells."""
    seen: dict[tuple, list[tuple]] = {}
    for rec in records:
        seen.setdefault((rec[2], rec[4], rec[6], rec[7]), []).append(rec)
    out = []
    for (_obj, label, annee, nature), recs in seen.items():
        cells = {rec[13] for rec in recs}
        if len(cells) < 2:
            continue
        listed = ", ".join(f"« {short(rec[8])} » ({rec[13].rpartition('!')[2]})" for rec in recs)
        out.append(Finding(
            "valeur_en_double",
            "avertissement",
            f"{NATURES[nature]} {annee} en double : {listed} ; le rapport retient la "
            "première. Gardez une seule colonne par année et par nature.",
            recs[0][13],
            label,
        ))  # fmt: skip
    return out


def _column_not_read(lay: Layout, col: int, header: str) -> Finding:
    return Finding(
        "colonne_non_lue",
        "info",
        f"Colonne {column_letter(col)} « {header} » non lue : une évolution, un écart ou un "
        "commentaire n'est pas une valeur du tableau de bord (les évolutions et l'atteinte "
        "sont recalculées à partir des valeurs et des cibles).",
        f"{lay.sheet.name}!{column_letter(col)}{max(lay.header_rows)}",
        "",
    )


def _sheet_not_read(lay: Layout, main: Layout, why: str) -> Finding:
    return Finding(
        "feuille_non_lue",
        "avertissement",
        f"La feuille « {lay.sheet.name} » a aussi un en-tête de tableau de bord, mais {why} :"
        f" elle n'est pas lue (tableau de bord lu : feuille « {main.sheet.name} »). Un "
        "classeur ne porte qu'un tableau de bord ; transmettez l'autre dans son propre "
        "classeur.",
        "",
        "",
    )


def _title_texts(workbook: Workbook, layout: Layout) -> list[str]:
    """Texts that may name the collectivité or flag fictive data."""
    sheet = layout.sheet
    texts = [
        sheet.text(r, c)
        for r in range(1, min(layout.header_rows))
        for c in range(1, sheet.max_col + 1)
    ]
    texts += workbook.property_texts()
    return [t for t in texts if t]


def _is_fictive(texts: list[str]) -> bool:
    return any(word in normalize(t) for t in texts for word in _FICTIVE)


def _definitions(workbook: Workbook, dashboard: Sheet) -> pd.DataFrame | None:
    found = find_definitions(workbook, dashboard)
    if found is None:
        return None
    sheet, header, cols = found
    records = []
    for row in range(header + 1, sheet.max_row + 1):
        if sheet.anchor(row, cols["indicateur"]) != (row, cols["indicateur"]):
            continue
        label = strip_html(sheet.text(row, cols["indicateur"]))
        definition = strip_html(sheet.text(row, cols["definition"]))
        if not label and not definition:
            continue
        source = strip_html(sheet.text(row, cols["source"])) if "source" in cols else ""
        records.append((label, definition, source, f"{sheet.name}!{_coord(row, cols)}"))
    return pd.DataFrame(records, columns=["indicateur", "definition", "source", "cellule"])


def _coord(row: int, cols: dict) -> str:
    from snppe_report.read.cells import column_letter

    return f"{column_letter(cols['indicateur'])}{row}"
