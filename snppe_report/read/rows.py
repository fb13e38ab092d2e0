"""Private: the rows of one dashboard sheet -> tidy records (see :mod:`snppe_report.read.table`).

Reading rules:

* merged Mesure/Objectif cells apply to every row they span; blank ones carry
  the last value down within an engagement; a new mesure resets the objectif;
* an engagement row ("Engagement 1 : …", "Conditions pour y parvenir") sets the
  engagement of the rows below; "Objectif n° 8" is taken from the Mesure or the
  Objectif cell, or from a row of its own ("Objectif n° 6 : Renforcer les CRIP"),
  which holds until the next objective or engagement row;
* an indicator cell with N lines and value cells with N lines are N indicators;
  a value cell whose line count differs is kept whole on the combined label
  (and reported); a label on several lines whose row has no such value cell is one
  label typed on several lines, unless every line opens like an indicator
  ("Nombre …", "Part …", "- dont …");
* a numeric cell's number format decides whether it is a percentage; a formula
  without cached value is computed when it is simple arithmetic, else reported;
  a "Unité" column, when there is one, gives bare numbers their unit (41 with "%"
  is 41 %; see :func:`values.apply_unit`);
* a grey fill on the mesure, objectif or indicator cell marks an optional
  objective (``facultatif``).

A record is a tuple in the order of ``table.COLUMNS`` then ``table.INTERNAL``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from snppe_report.read import values
from snppe_report.read.catalogue import indicator_id
from snppe_report.read.cells import Cell, Sheet, column_letter
from snppe_report.read.findings import Finding
from snppe_report.read.formula import compute_formula
from snppe_report.read.layout import Layout
from snppe_report.text import normalize

__all__ = ["RowReader", "display_number", "short", "strip_html"]

_OBJECTIVE_ROW = re.compile(r"^\s*objectif\s*n?\s*[°ºo]?\s*\d+\b", re.I)
_ENGAGEMENT = re.compile(
    r"^\s*(?:(?:engagement|axe)\s*(?:n\s*)?[°º]?\s*(?:\d+|[IVX]+\b)"
    r"|conditions (?:pour y parvenir|de r[ée]ussite))",
    re.I,
)
_OBJ_NUM = re.compile(r"objectif\s*n?\s*[°ºo]?\s*(\d+)", re.I)
_LEGEND = re.compile(r"^\s*(l[ée]gende\b|(so|nd|nc|n/a)\s*[:=])", re.I)


_INDICATOR_START = re.compile(
    r"^(?:[-–•]\s*)?(?:nombre|part|taux|cohorte|d[ée]lai|dur[ée]e|pourcentage|proportion"
    r"|effectif|moyenne|dont)\b",
    re.IGNORECASE,
)


def _stacked(labels: list[str], cells: list[Cell]) -> bool:
    """Whether a label on several lines stacks several indicators.

    Yes when a value cell of the row has as many lines, or when every line opens like
    an indicator ("Nombre …", "Part …", "- dont …"); else it is one label that was
    typed on several lines ("Nombre d'IP" / "entrantes").
    """
    if any(
        isinstance(cell.value, str) and len(values.split_stacked(cell.value)) == len(labels)
        for cell in cells
    ):
        return True
    return all(_INDICATOR_START.match(label) for label in labels)


class RowReader:
    """Walks the dashboard rows and emits tidy records."""

    def __init__(self, layout: Layout, code: str, sheets: Sequence[Sheet] = ()) -> None:
        self.layout = layout
        self.sheet: Sheet = layout.sheet
        self.sheets = sheets  # the workbook's: formulas may refer to other sheets
        self.code = code
        self.findings: list[Finding] = []
        self.engagement = ""
        self.mesure = ""
        self.objectif = ""
        self.objectif_num: int | None = None
        self._objective_row_set = False  # the objective came from an "Objectif n° X" row
        self.ordre = 0
        header = [layout.sheet.text(layout.header_rows[-1], c) for c in range(1, 40)]
        self._header_norm = [normalize(t) for t in header]

    def read(self) -> list[tuple]:
        records: list[tuple] = []
        for row in range(self.layout.first_data_row, self.sheet.max_row + 1):
            before = len(records)
            if self._is_repeated_header(row):
                continue
            texts = [t for t in self._texts(row) if t]
            if self._is_legend(texts):
                break
            if self._engagement_row(row, texts) or self._objective_row(row, texts):
                continue
            records.extend(self._indicator_rows(row))
            if row in self.sheet.hidden_rows and len(records) > before:
                self._note_hidden(records[before], f"ligne {row} masquée")
        for col in sorted(self.sheet.hidden_cols & {c.col for c in self.layout.columns}):
            first = next(
                (r for r in records if r[13].endswith(f"!{column_letter(col)}{r[-1]}")), None
            )
            if first is not None:
                self._note_hidden(first, f"colonne {column_letter(col)} masquée")
        return records

    def _note_hidden(self, record: tuple, what: str) -> None:
        self.findings.append(
            Finding(
                "ligne_masquee",
                "info",
                f"{what} dans le classeur : ses valeurs sont lues comme les autres.",
                record[13],
                record[4],
            )
        )

    # -- row kinds -------------------------------------------------------------
    def _texts(self, row: int) -> list[str]:
        return [self.sheet.text(row, c) for c in range(1, self.sheet.max_col + 1)]

    def _is_repeated_header(self, row: int) -> bool:
        roles = self.layout.roles
        texts = [normalize(self.sheet.text(row, c)) for c in roles.values()]
        return all(texts) and all(
            t == self._header_norm[c - 1]
            for t, c in zip(texts, roles.values(), strict=True)
            if c - 1 < len(self._header_norm)
        )

    @staticmethod
    def _is_legend(texts: list[str]) -> bool:
        return len(texts) == 1 and bool(_LEGEND.match(texts[0]))

    def _engagement_row(self, row: int, texts: list[str]) -> bool:
        if not texts or not _ENGAGEMENT.match(texts[0]):
            return False
        if any(self._own(row, c.col) for c in self.layout.columns):
            return False
        self.engagement = " ".join(texts[0].split())
        self.mesure = self.objectif = ""
        self.objectif_num = None
        self._objective_row_set = False
        return True

    def _objective_row(self, row: int, texts: list[str]) -> bool:
        """A row that only announces an objective ("Objectif n° 6 : Renforcer les CRIP").

        It sets the objective of the rows below until the next objective or engagement
        row; a new mesure below it does not reset it.
        """
        if len(set(texts)) != 1 or not _OBJECTIVE_ROW.match(texts[0]):
            return False
        if any(self._own(row, c.col) for c in self.layout.columns):
            return False
        self.objectif, self.objectif_num = _split_objective_number(texts[0])
        self.mesure = ""
        self._objective_row_set = True
        return True

    def _own(self, row: int, col: int) -> Cell | None:
        """The cell at (row, col) only if it is not the continuation of a merge."""
        if self.sheet.anchor(row, col) != (row, col):
            return None
        return self.sheet.cells.get((row, col))

    # -- labels ----------------------------------------------------------------
    def _update_labels(self, row: int) -> bool:
        roles = self.layout.roles
        grey = False
        mesure_col, objectif_col = roles.get("mesure"), roles.get("objectif")
        if "engagement" in roles:
            text = self.sheet.text(row, roles["engagement"])
            if text:
                self.engagement = " ".join(text.split())
        if mesure_col:
            cell = self.sheet.cell(row, mesure_col)
            grey |= bool(cell and cell.grey)
            if self._own(row, mesure_col):
                text, num = _split_objective_number(self.sheet.text(row, mesure_col))
                if text and text != self.mesure:
                    self.mesure = text
                    if not self._objective_row_set:  # an objective row's objective stays
                        self.objectif, self.objectif_num = "", None
                if num is not None:
                    self.objectif_num = num
        if objectif_col:
            cell = self.sheet.cell(row, objectif_col)
            grey |= bool(cell and cell.grey)
            if self._own(row, objectif_col):
                text, num = _split_objective_number(self.sheet.text(row, objectif_col))
                if text:
                    self.objectif = text
                if num is not None:
                    self.objectif_num = num
        return grey

    # -- values ----------------------------------------------------------------
    def _indicator_rows(self, row: int) -> list[tuple]:
        grey = self._update_labels(row)
        ind_col = self.layout.roles["indicateur"]
        ind_cell = self.sheet.cell(row, ind_col)
        grey |= bool(ind_cell and ind_cell.grey)
        label_text = self.sheet.text(row, ind_col) if self._own(row, ind_col) else ""
        cells = [(c, self._own(row, c.col)) for c in self.layout.columns]
        cells = [(c, cell) for c, cell in cells if cell is not None and not _empty(cell)]
        if not cells:
            return []
        labels = values.split_stacked(strip_html(label_text)) or [self._unlabelled()]
        if len(labels) > 1 and not _stacked(labels, [cell for _, cell in cells]):
            labels = [" ".join(labels)]  # one label typed on several lines
        records = []
        for column, cell in cells:
            records.extend(self._cell_records(row, column, cell, labels, grey))
        return records

    def _unlabelled(self) -> str:
        base = self.objectif or self.mesure
        short = (base[:80] + "…") if len(base) > 80 else base
        return f"Indicateur sans libellé ({short})" if short else "Indicateur sans libellé"

    def _cell_records(self, row, column, cell: Cell, labels, grey) -> list[tuple]:
        source = f"{self.sheet.name}!{cell.coord}"
        raw = cell.value
        pieces = [raw]
        if isinstance(raw, str) and len(labels) > 1:
            parts = values.split_stacked(raw)
            if len(parts) == len(labels):
                pieces = parts
        if len(pieces) == 1 and len(labels) > 1:
            labels = [" / ".join(labels)]
            self.findings.append(
                Finding(
                    "cellule_non_ventilee",
                    "info",
                    f"{len(labels[0].split(' / '))} indicateurs empilés dans une cellule, mais la "
                    f"valeur « {short(raw)} » n'a pas autant de lignes : elle est rattachée à "
                    "l'ensemble.",
                    source,
                    labels[0],
                )
            )
        out = []
        for label, piece in zip(labels, pieces, strict=True):
            out.append(self._record(row, column, cell, label, piece, source))
        return [(*rec, grey, row) for rec in out]

    def _record(self, row, column, cell: Cell, label, piece, source) -> tuple:
        brut, parsed = self._parse(cell, piece, source, label)
        self.ordre += 1
        ident = indicator_id(label, f"{self.mesure} {self.objectif}".strip())
        return (
            self.code,
            self.engagement,
            self.objectif,
            self.mesure,
            label,
            ident,
            column.annee,
            column.nature,
            brut,
            parsed.valeur,
            parsed.unite,
            parsed.statut,
            parsed.note,
            source,
            self.ordre,
            self.objectif_num,
        )

    def _parse(self, cell: Cell, piece, source: str, label: str):
        brut, parsed = self._parse_cell(cell, piece, source, label)
        unit_col = self.layout.roles.get("unite")
        if unit_col is not None:
            unit = self.sheet.text(cell.row, unit_col)
            if unit and "\n" not in unit.strip():
                parsed = values.apply_unit(parsed, unit)
        return brut, parsed

    def _parse_cell(self, cell: Cell, piece, source: str, label: str):
        if cell.formula is not None and cell.value is None:
            return self._formula(cell, source, label)
        if isinstance(piece, str):
            return _clean_brut(piece), values.parse_value(strip_html(piece))
        return display_number(piece, cell.number_format), values.parse_value(
            piece, cell.number_format
        )

    def _formula(self, cell: Cell, source: str, label: str):
        result = compute_formula(cell.formula, self.sheet, self.sheets, (cell.row, cell.col))
        if result.value is None:
            self.findings.append(
                Finding(
                    "formule_sans_valeur",
                    "avertissement",
                    f"formule {cell.formula} sans valeur calculée dans le fichier, et non "
                    f"recalculée : {result.reason}. Ouvrez et enregistrez le classeur dans "
                    "Excel ou LibreOffice, puis relancez.",
                    source,
                    label,
                )
            )
            return cell.formula, values.ParsedValue(None, "texte", "texte", "formule non calculée")
        self.findings.append(
            Finding(
                "formule_recalculee",
                "info",
                f"formule {cell.formula} sans valeur calculée dans le fichier : valeur recalculée.",
                source,
                label,
            )
        )
        parsed = values.parse_value(result.value, cell.number_format)
        note = "valeur recalculée (formule sans valeur en cache)"
        return cell.formula, values.ParsedValue(parsed.valeur, parsed.unite, parsed.statut, note)


def _empty(cell: Cell) -> bool:
    return cell.formula is None and values.is_empty(cell.value)


def short(raw) -> str:
    text = " ".join(str(raw).split())
    return text if len(text) <= 60 else text[:59] + "…"


def _split_objective_number(text: str) -> tuple[str, int | None]:
    """'Rendre obligatoire l'EPP Objectif n° 1' -> ('Rendre obligatoire l'EPP', 1)."""
    text = strip_html(text)
    match = _OBJ_NUM.search(text)
    if not match:
        return " ".join(text.split()), None
    rest = (text[: match.start()] + " " + text[match.end() :]).strip(" :-–\n")
    return " ".join(rest.split()), int(match.group(1))


_TAG = re.compile(r"<\s*/?\s*(p|i|b|em|strong|br|span|u|div)\b[^>]*>", re.I)


def strip_html(text: str) -> str:
    """Remove the source system's HTML fragments (<p>, <i>, <br>) from a cell text."""
    if "<" not in text:
        return text
    text = re.sub(r"<\s*br\s*/?\s*>", "\n", text, flags=re.I)
    text = re.sub(r"<\s*/\s*p\s*>\s*<\s*p[^>]*>", "\n", text, flags=re.I)
    return _TAG.sub(" ", text).strip()


def _clean_brut(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def display_number(value, number_format: str) -> str:
    """A numeric cell as its number format shows it, in French ('3,6 %', '7 688',
    '9,5 mois', '1 250 €'); a % written as text shows points ('41,0 %' for 41)."""
    from snppe_report.formatting import format_number, format_value

    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    fmt = (number_format or "General").split(";")[0]
    if fmt == "General":
        return format_number(value)
    unite, factor = values.format_unit(fmt)
    return format_value(value * factor, unite, _format_decimals(fmt))


def _format_decimals(fmt: str) -> int:
    match = re.search(r"[0#]\.([0#]+)", fmt)
    return len(match.group(1)) if match else 0
