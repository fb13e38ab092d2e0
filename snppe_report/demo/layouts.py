"""The two known dashboard layouts: :class:`~snppe_report.demo.writer.DashboardEntry` lists
laid out as the workbooks of seed 000 (2023) and seed 001 (2021).

Consecutive indicator rows with the same mesure / objectif share one merged cell, as in
the real workbooks. Served through :mod:`snppe_report.demo.writer`; import it from there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from snppe_report.demo.spec import (
    DEFAULT_LEGEND,
    ENGAGEMENT_FILL,
    FICTIVE_KEYWORD,
    FICTIVE_LINE,
    GREY_FILL,
    HEADER_FILL,
    SUBJECT,
    CellSpec,
    DashboardEntry,
    DefinitionEntry,
    DocumentProperties,
    IndicationLine,
    Number,
    Ratio,
    SheetSpec,
    Value,
    WorkbookSpec,
    column_letter,
    columns_2021,
    columns_2023,
)


class _Grid:
    """Rows, merges and page breaks of one sheet under construction."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[list[CellSpec | None]] = []
        self.merges: list[str] = []
        self.breaks: list[int] = []

    def add(self, cells: Sequence[CellSpec | None] = ()) -> int:
        self.rows.append(list(cells) + [None] * (self.width - len(cells)))
        return len(self.rows)

    def merge(self, row1: int, col1: int, row2: int, col2: int) -> None:
        if (row1, col1) != (row2, col2):
            self.merges.append(f"{column_letter(col1)}{row1}:{column_letter(col2)}{row2}")

    def sheet(self, name: str, widths: Sequence[float], **kwargs: object) -> SheetSpec:
        return SheetSpec(name, self.rows, self.merges, widths, page_breaks=self.breaks, **kwargs)


def _title_block(
    grid: _Grid, title_lines: Sequence[str], collectivite: str | None, fictive: bool, lead: int
) -> None:
    lines = [*title_lines, *([collectivite] if collectivite else [])]
    lines += [FICTIVE_LINE] if fictive else []
    if not lines:
        return
    for _ in range(lead):
        grid.add()
    for line in lines:
        grid.add([CellSpec(line, bold=True)])
    grid.add()


def _header_cell(text: str | None) -> CellSpec:
    return CellSpec(text, bold=True, fill=HEADER_FILL, align="center", border=True)


def _with_page_breaks(entries: Sequence[DashboardEntry], every: int | None) -> list[DashboardEntry]:
    """Insert page breaks before a block once ``every`` rows have been written."""
    if not every:
        return list(entries)
    out: list[DashboardEntry] = []
    count, previous = 0, None
    for entry in entries:
        block = (entry.kind, entry.mesure, entry.objectif_num, entry.objectif)
        starts_block = entry.kind != "indicator" or block != previous
        if entry.kind == "page_break":
            count = 0
        elif starts_block and count >= every:
            out.append(DashboardEntry.page_break())
            count = 0
        out.append(entry)
        count += 1
        previous = block
    return out


def _number_of(value: Value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, Number):
        return value.value
    if isinstance(value, CellSpec) and isinstance(value.value, int | float):
        return value.value
    return None


def _value_cell(
    value: Value, col: int, key: str, rows: Mapping[str, tuple[int, DashboardEntry]]
) -> CellSpec:
    if isinstance(value, CellSpec):
        return value
    if isinstance(value, Number):
        return CellSpec(value.value, number_format=value.number_format)
    if isinstance(value, Ratio):
        try:
            (num_row, num), (den_row, den) = rows[value.numerator], rows[value.denominator]
        except KeyError as err:
            raise ValueError(f"Ratio refers to an unknown row key {err}") from None
        a, b = _number_of(num.values.get(key)), _number_of(den.values.get(key))
        if a is None or not b:
            raise ValueError(f"Ratio {value} has no numbers to divide in column {key!r}")
        letter = column_letter(col)
        formula = f"={letter}{num_row}/{letter}{den_row}"
        return CellSpec(a / b, number_format=value.number_format, formula=formula)
    return CellSpec(None if value == "" else value)


@dataclass
class _Run:
    """Consecutive rows sharing one merged Mesure (column A) or Objectif (column B) cell."""

    first: int
    last: int
    key: object
    text: str
    facultatif: bool


def _extend(runs: list[_Run], row: int, key: object, text: str, facultatif: bool) -> bool:
    """Extend the last run with ``row`` if it continues it; else start a run. True if new."""
    if runs and runs[-1].last == row - 1 and runs[-1].key == key:
        runs[-1].last = row
        return False
    runs.append(_Run(row, row, key, text, facultatif))
    return True


def _mesure_text(entry: DashboardEntry, numbered: bool, shown_mesure: str | None) -> str:
    """Text of the Mesure cell; layout 2023 adds "Objectif n° X" and names a mesure once."""
    if not numbered:
        return entry.mesure
    label = entry.objectif_num_text
    if label is None and entry.objectif_num is not None:
        label = f"Objectif n° {entry.objectif_num}"
    mesure = entry.mesure if entry.mesure != shown_mesure else ""
    return "\n".join(p for p in (mesure, label) if p)


def _engagement_row(grid: _Grid, text: str) -> None:
    cells = [CellSpec(text, bold=True, fill=ENGAGEMENT_FILL, border=True)]
    row = grid.add(cells + [CellSpec(fill=ENGAGEMENT_FILL, border=True)] * (grid.width - 1))
    grid.merge(row, 1, row, grid.width)


def _dashboard(
    grid: _Grid,
    entries: Sequence[DashboardEntry],
    keys: Sequence[str],
    header: Callable[[_Grid], None],
    *,
    numbered: bool,
    grey_fill: str,
) -> None:
    """Lay out the dashboard rows; ``header(grid)`` writes the header row(s)."""
    rows: dict[str, tuple[int, DashboardEntry]] = {}
    planned: list[tuple[int, DashboardEntry]] = []
    runs_a: list[_Run] = []
    runs_b: list[_Run] = []
    shown_mesure: str | None = None
    for entry in entries:
        if entry.kind == "page_break":
            grid.add()
            grid.breaks.append(len(grid.rows) + 1)
            header(grid)
        elif entry.kind == "blank":
            grid.add()
        elif entry.kind == "engagement":
            _engagement_row(grid, entry.text)
            shown_mesure = None
        else:
            _check_entry(entry, keys, rows)
            row = grid.add()
            planned.append((row, entry))
            if entry.key:
                rows[entry.key] = (row, entry)
            key_a = (entry.mesure, entry.objectif_num, entry.objectif_num_text)
            text = _mesure_text(entry, numbered, shown_mesure)
            if _extend(runs_a, row, key_a if numbered else entry.mesure, text, entry.facultatif):
                shown_mesure = entry.mesure
            _extend(runs_b, row, (len(runs_a), entry.objectif), entry.objectif, entry.facultatif)
    for row, entry in planned:
        fill = grey_fill if entry.facultatif else None
        cells = [CellSpec(), CellSpec(), CellSpec(entry.indicateur or None)]
        cells += [_value_cell(entry.values.get(k), 4 + i, k, rows) for i, k in enumerate(keys)]
        grid.rows[row - 1] = [replace(c, fill=c.fill or fill, border=True) for c in cells]
    for col, runs in ((1, runs_a), (2, runs_b)):
        for run in runs:
            fill = grey_fill if run.facultatif else None
            grid.rows[run.first - 1][col - 1] = CellSpec(run.text or None, fill=fill, border=True)
            if run.text:
                grid.merge(run.first, col, run.last, col)


def _check_entry(entry: DashboardEntry, keys: Sequence[str], rows: Mapping[str, object]) -> None:
    unknown = set(entry.values) - set(keys)
    if unknown:
        raise ValueError(f"unknown column keys {sorted(unknown)} (expected {list(keys)})")
    if entry.key and entry.key in rows:
        raise ValueError(f"duplicate row key {entry.key!r}")


def _properties(
    properties: DocumentProperties | None, annee: int, fictive: bool
) -> DocumentProperties:
    props = properties or DocumentProperties(
        title=f"Tableau de bord SNPPE {annee}", subject=SUBJECT, keywords=f"SNPPE; {annee}"
    )
    if fictive and FICTIVE_KEYWORD not in props.keywords:
        keywords = "; ".join(k for k in (props.keywords, FICTIVE_KEYWORD) if k)
        props = replace(props, keywords=keywords)
    return props


def layout_2023(
    entries: Sequence[DashboardEntry],
    *,
    title_lines: Sequence[str] = ("TABLEAU DE BORD SNPPE",),
    annee: int = 2023,
    sheet_name: str = "Tableau de bord",
    collectivite: str | None = None,
    fictive: bool = False,
    legend: Sequence[str] = DEFAULT_LEGEND,
    header_every: int | None = None,
    leading_blank_rows: int = 2,
    grey_fill: str = GREY_FILL,
    print_titles: bool = False,
    properties: DocumentProperties | None = None,
) -> WorkbookSpec:
    """Lay out a dashboard like seed 000 (2023): one sheet, seven columns.

    Columns Mesure | Objectif | Indicateur | Niveau des indicateurs en 2019 (diagnostic) |
    ... en ``annee - 1`` | Niveau cible ... en ``annee`` | Niveau d'atteinte ... en ``annee``;
    a title block, the header row (repeated after each page break), the rows, a legend.

    Parameters
    ----------
    entries
        The rows; values keyed by :func:`columns_2023` keys.
    title_lines
        Bold lines of the title block.
    annee
        Campaign year.
    sheet_name
        Name of the sheet.
    collectivite
        Extra title line naming the collectivité, e.g. ``"Département du Haut-Rhin (68)"``.
    fictive
        Adds the :data:`FICTIVE_LINE` title line and the ``donnees-fictives`` keyword.
    legend
        Lines under a "Légende" heading after the table (empty: no legend).
    header_every
        Insert a page break (and repeat the header) before the first block that
        starts after this many rows; explicit ``page_break`` entries also work.
    leading_blank_rows
        Empty rows above the title block.
    grey_fill
        Fill of optional objectives (``GREY_FILL`` or ``GREY_FILL_THEME``).
    print_titles
        Also set the header row as print title rows.
    properties
        Document properties (default: title, subject and keywords of the campaign).

    Returns
    -------
    WorkbookSpec
        Ready for :func:`snppe_report.demo.writer.write_workbook`.
    """
    columns = columns_2023(annee)
    grid = _Grid(3 + len(columns))
    _title_block(grid, title_lines, collectivite, fictive, leading_blank_rows)
    texts = ("Mesure", "Objectif", "Indicateur", *(h for _, h in columns))
    header_row = len(grid.rows) + 1

    def header(g: _Grid) -> None:
        g.add([_header_cell(t) for t in texts])

    header(grid)
    body = _with_page_breaks(entries, header_every)
    _dashboard(grid, body, [k for k, _ in columns], header, numbered=True, grey_fill=grey_fill)
    if legend:
        grid.add()
        grid.add([CellSpec("Légende", bold=True)])
        for line in legend:
            grid.add([CellSpec(line)])
    titles = f"{header_row}:{header_row}" if print_titles else None
    sheet = grid.sheet(sheet_name, (32, 45, 45, 18, 18, 18, 18), print_title_rows=titles)
    return WorkbookSpec([sheet], _properties(properties, annee, fictive))


def layout_2021(
    entries: Sequence[DashboardEntry],
    *,
    title_lines: Sequence[str] = (),
    annee: int = 2021,
    definitions: Sequence[DefinitionEntry] | None = None,
    definitions_title: str = "DEFINITION ET SOURCES DES PRINCIPAUX INDICATEURS HARMONISES",
    indications: Sequence[IndicationLine | str] | None = None,
    sheet_name: str = "tableau de bord",
    definitions_sheet_name: str = "définitions",
    indications_sheet_name: str = "indications",
    collectivite: str | None = None,
    fictive: bool = False,
    header_every: int | None = None,
    grey_fill: str = GREY_FILL,
    print_titles: bool = False,
    properties: DocumentProperties | None = None,
) -> WorkbookSpec:
    """Lay out a dashboard like seed 001 (2021): indications, definitions, dashboard sheets.

    The dashboard sheet has a two-row header: Mesure | Objectif | Indicateur | Niveau des
    indicateurs en 2019 ... ``annee`` (merged over both rows), then "Cibles" merged over
    the target columns, whose second row reads ``annee - 1`` "(rappel)", ``annee``,
    ``annee + 1``.

    Parameters
    ----------
    entries
        Dashboard rows; values keyed by :func:`columns_2021` keys.
    title_lines
        Bold lines above the dashboard header (seed 001 has none).
    annee
        Campaign year.
    definitions, definitions_title
        Rows and title of the definitions sheet (``None``: no such sheet). Texts keep
        their HTML fragments (``<p>``, ``<i>``) as the source system wrote them.
    indications
        Lines of the first sheet, the completeness rules (``None``: no such sheet).
    sheet_name, definitions_sheet_name, indications_sheet_name
        Sheet names.
    collectivite, fictive, header_every, grey_fill, print_titles, properties
        As in :func:`layout_2023`.

    Returns
    -------
    WorkbookSpec
        Ready for :func:`snppe_report.demo.writer.write_workbook`.
    """
    sheets = []
    if indications is not None:
        grid = _Grid(1)
        for line in indications:
            line = IndicationLine(line) if isinstance(line, str) else line
            grid.add([CellSpec(line.text or None, bold=line.bold)])
        sheets.append(grid.sheet(indications_sheet_name, (150,)))
    if definitions is not None:
        sheets.append(_definitions_sheet(definitions, definitions_title, definitions_sheet_name))
    columns = columns_2021(annee)
    levels = [h for k, h in columns if k.startswith("valeur_")]
    targets = [h for k, h in columns if k.startswith("cible_")]
    grid = _Grid(3 + len(columns))
    _title_block(grid, title_lines, collectivite, fictive, 0)
    first = len(grid.rows) + 1

    def header(g: _Grid) -> None:
        n = 3 + len(levels)
        top = [_header_cell(t) for t in ("Mesure", "Objectif", "Indicateur", *levels)]
        top += [_header_cell("Cibles")] + [_header_cell(None)] * (len(targets) - 1)
        bottom = [_header_cell(None)] * n + [_header_cell(t) for t in targets]
        row1, row2 = g.add(top), g.add(bottom)
        for col in range(1, n + 1):
            g.merge(row1, col, row2, col)
        g.merge(row1, n + 1, row1, g.width)

    header(grid)
    body = _with_page_breaks(entries, header_every)
    _dashboard(grid, body, [k for k, _ in columns], header, numbered=False, grey_fill=grey_fill)
    titles = f"{first}:{first + 1}" if print_titles else None
    widths = (30, 42, 45, *(17,) * len(columns))
    sheets.append(grid.sheet(sheet_name, widths, print_title_rows=titles))
    return WorkbookSpec(sheets, _properties(properties, annee, fictive))


def _definitions_sheet(definitions: Sequence[DefinitionEntry], title: str, name: str) -> SheetSpec:
    grid = _Grid(5)
    grid.add([CellSpec(title, bold=True)])
    grid.add()
    heads = ("Mesure", "Objectif", "Indicateur", "Définition de l'indicateur")
    grid.add([_header_cell(t) for t in (*heads, "Accès aux données publiques")])
    runs: list[list] = []  # [first row, last row, column, run key]
    for d in definitions:
        if d.engagement:
            _engagement_row(grid, d.engagement)
            continue
        texts = (d.mesure, d.objectif, d.indicateur, d.definition, d.acces)
        row = grid.add([CellSpec(t or None, border=True) for t in texts])
        for col, key in ((1, d.mesure), (2, (d.mesure, d.objectif))):
            last = next((r for r in reversed(runs) if r[2] == col), None)
            if texts[col - 1] and last and last[1] == row - 1 and last[3] == key:
                last[1] = row
                grid.rows[row - 1][col - 1] = CellSpec(border=True)
            elif texts[col - 1]:
                runs.append([row, row, col, key])
    for first, last, col, _ in runs:
        grid.merge(first, col, last, col)
    return grid.sheet(name, (30, 40, 50, 90, 40))
