"""Compute a simple formula left without cached value.

A workbook written by a library and never opened in Excel or LibreOffice holds
formulas without results. Dashboards only use simple arithmetic (ratios, sums), so
this evaluator handles numbers, cell references of the same sheet (``D6``, ``$D$6``)
or of another sheet of the workbook (``Données!C5``, ``'Feuille 1'!$C$5``; in
OpenDocument ``[.D6]``, ``[Données.C5]``, ``[$'Feuille 1'.C5]``), ``+ - * /``,
parentheses, and ``SUM`` / ``AVERAGE`` / ``MIN`` / ``MAX`` over references and
ranges. A referenced cell that is itself a formula without cached value is computed
first, the same way (chains of formulas), with cycles detected.

Anything else (text, unknown functions or sheets, other workbooks, division by zero)
gives no value and a French reason: the caller reports it, cell by cell. Nothing is
ever executed: the text is tokenised and evaluated by a tiny recursive-descent parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["evaluate_formula", "compute_formula", "FormulaResult"]

_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
# a sheet name before "!": quoted ('L''été 2023'), or a bare word (Données, Feuil1)
_SHEET = r"(?:'(?:[^']|'')+'|[^\W\d][\w.]*)"
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    rf"|(?P<ref>(?:{_SHEET}!)?{_CELL}(?::{_CELL})?)"
    r"|(?P<ods>\[[^\[\]]{1,300}\])"
    r"|(?P<func>[A-Za-z][A-Za-z0-9.]*)\("
    r"|(?P<op>[-+*/(),;]))"
)
_ODS_PART = re.compile(rf"^\$?(?P<sheet>'(?:[^']|'')+'|[^.']*)\.(?P<cell>{_CELL})$")
_FUNCS: dict[str, Callable[[list[float]], float]] = {
    "SUM": sum,
    "AVERAGE": lambda xs: sum(xs) / len(xs),
    "MIN": min,
    "MAX": max,
}
MAX_LENGTH = 500
MAX_DEPTH = 50  # formulas computed one inside another
MAX_RANGE = 10_000


@dataclass(frozen=True)
class FormulaResult:
    """A computed value, or ``None`` and the French reason why not."""

    value: float | None
    reason: str = ""


class _Unsupported(Exception):
    """The formula cannot be computed; ``args[0]`` is the French reason."""

    def __init__(self, reason: str = "formule trop complexe pour être recalculée") -> None:
        super().__init__(reason)
        self.reason = reason


class _Empty(_Unsupported):
    def __init__(self, where: str) -> None:
        super().__init__(f"la cellule {where} est vide")


@dataclass(frozen=True)
class _Ref:
    sheet: str | None  # None: the formula's own sheet
    row0: int
    col0: int
    row1: int
    col1: int

    @property
    def is_range(self) -> bool:
        return (self.row0, self.col0) != (self.row1, self.col1)


def _cell(text: str) -> tuple[int, int]:
    text = text.replace("$", "").upper()
    letters = re.match(r"[A-Z]+", text).group(0)
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(text[len(letters) :]), col


def _sheet_name(raw: str) -> str | None:
    raw = raw.lstrip("$")
    if not raw:
        return None
    if raw.startswith("'") and raw.endswith("'"):
        raw = raw[1:-1].replace("''", "'")
    return raw


def _excel_ref(text: str) -> _Ref:
    sheet = None
    if "!" in text:
        raw, _, text = text.rpartition("!")
        sheet = _sheet_name(raw)
    first, _, last = text.partition(":")
    (r0, c0), (r1, c1) = _cell(first), _cell(last or first)
    return _Ref(sheet, r0, c0, r1, c1)


def _ods_ref(text: str) -> _Ref:
    """``[.D6]``, ``[$Données.$C$5]``, ``['L''été'.C5:.C9]``, ``[Feuil1.A1:Feuil1.B2]``."""
    first, sep, last = text[1:-1].partition(":")
    start = _ODS_PART.match(first.strip())
    end = _ODS_PART.match(last.strip()) if sep else start
    if start is None or end is None:
        raise _Unsupported("référence OpenDocument non reconnue")
    sheet = _sheet_name(start.group("sheet"))
    other = _sheet_name(end.group("sheet"))
    if other is not None and other != sheet:
        raise _Unsupported("plage à cheval sur plusieurs feuilles")
    (r0, c0), (r1, c1) = _cell(start.group("cell")), _cell(end.group("cell"))
    return _Ref(sheet, r0, c0, r1, c1)


def _tokens(formula: str) -> list[tuple[str, object]]:
    text = formula.strip()
    ods = text[:3].lower() == "of:"
    text = text[3:] if ods else text
    text = text.lstrip("=").strip()
    if len(text) > MAX_LENGTH:
        raise _Unsupported("formule trop longue pour être recalculée")
    pos, out = 0, []
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise _Unsupported
        kind = match.lastgroup
        raw = match.group(kind)
        pos = match.end()
        if kind == "ref" and not ods:
            out.append(("ref", _excel_ref(raw)))
        elif kind == "ods" and ods:
            out.append(("ref", _ods_ref(raw)))
        elif kind == "ods":  # "[1]Feuil1!A1": Excel's reference to another workbook
            raise _Unsupported("référence à un autre classeur")
        elif kind == "ref":
            raise _Unsupported("référence non reconnue")
        elif kind == "func":
            out.append(("func", raw.upper()))
        else:
            out.append((kind, raw))
    return out


class _Parser:
    def __init__(self, tokens, book: _Book, sheet) -> None:
        self.tokens, self.pos, self.book, self.sheet = tokens, 0, book, sheet

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def expr(self) -> float:
        value = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> float:
        value = self.factor()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            rhs = self.factor()
            if op == "/" and rhs == 0:
                raise _Unsupported("division par zéro")
            value = value * rhs if op == "*" else value / rhs
        return value

    def factor(self) -> float:
        kind, tok = self.take()
        if tok == "-":
            return -self.factor()
        if tok == "+":
            return self.factor()
        if kind == "num":
            return float(tok)
        if kind == "ref":
            if tok.is_range:
                raise _Unsupported("plage de cellules hors d'une fonction")
            sheet = self.book.sheet(tok.sheet, self.sheet)
            return self.book.value(sheet, tok.row0, tok.col0)
        if kind == "func":
            return self.call(tok)
        if tok == "(":
            value = self.expr()
            if self.take()[1] != ")":
                raise _Unsupported("parenthèse non fermée")
            return value
        raise _Unsupported

    def call(self, name: str) -> float:
        if name not in _FUNCS:
            raise _Unsupported(f"fonction {name} non prise en charge")
        args: list[float] = []
        while True:
            kind, tok = self.peek()
            if kind == "ref" and tok.is_range:
                self.take()
                args.extend(self.range_values(tok))
            else:
                args.append(self.expr())
            sep = self.take()[1]
            if sep == ")":
                break
            if sep not in (",", ";"):
                raise _Unsupported
        if not args:
            raise _Unsupported(f"{name} sur une plage vide")
        return float(_FUNCS[name](args))

    def range_values(self, ref: _Ref) -> list[float]:
        if (abs(ref.row1 - ref.row0) + 1) * (abs(ref.col1 - ref.col0) + 1) > MAX_RANGE:
            raise _Unsupported("plage de cellules trop grande")
        sheet = self.book.sheet(ref.sheet, self.sheet)
        out = []
        for r in range(min(ref.row0, ref.row1), max(ref.row0, ref.row1) + 1):
            for c in range(min(ref.col0, ref.col1), max(ref.col0, ref.col1) + 1):
                try:
                    out.append(self.book.value(sheet, r, c))
                except _Empty:
                    continue
        return out


class _Book:
    """The workbook's sheets, and the formulas being computed (to detect cycles)."""

    def __init__(self, sheets: Iterable) -> None:
        self.by_name = {s.name.casefold(): s for s in sheets}
        self.active: list[tuple[str, int, int]] = []

    def sheet(self, name: str | None, current):
        if name is None:
            return current
        found = self.by_name.get(name.casefold())
        if found is None:
            raise _Unsupported(f"la feuille « {name} » n'existe pas dans le classeur")
        return found

    def value(self, sheet, row: int, col: int) -> float:
        from snppe_report.read.cells import column_letter

        where = f"{column_letter(col)}{row}"
        if sheet is not None and sheet.name:
            where = f"{sheet.name}!{where}"
        cell = sheet.cells.get((row, col))
        if cell is not None and cell.value is None and cell.formula:
            return self.formula(cell.formula, sheet, (sheet.name, row, col), where)
        if cell is None or cell.value is None:
            raise _Empty(where)
        if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
            raise _Unsupported(f"la cellule {where} ne contient pas un nombre")
        return float(cell.value)

    def formula(self, formula: str, sheet, key: tuple[str, int, int], where: str) -> float:
        if key in self.active:
            raise _Unsupported(f"référence circulaire (par la cellule {where})")
        if len(self.active) >= MAX_DEPTH:
            raise _Unsupported("chaîne de formules trop longue")
        self.active.append(key)
        try:
            parser = _Parser(_tokens(formula), self, sheet)
            value = parser.expr()
            if parser.pos != len(parser.tokens):
                raise _Unsupported
            return value
        finally:
            self.active.pop()


def compute_formula(formula: str, sheet, sheets: Iterable = (), cell=None) -> FormulaResult:
    """Compute a formula of ``sheet`` (its workbook's ``sheets`` resolve references to
    other sheets); ``cell`` is the (row, col) holding it, for cycle detection.

    Returns
    -------
    FormulaResult
        The value, or ``None`` with the French reason it could not be computed.
    """
    sheets = list(sheets)
    book = _Book(sheets if any(s is sheet for s in sheets) else [*sheets, sheet])
    key = (sheet.name, *cell) if cell else (sheet.name, 0, 0)
    try:
        return FormulaResult(book.formula(formula, sheet, key, ""))
    except _Unsupported as exc:
        return FormulaResult(None, exc.reason)
    except (ValueError, OverflowError, AttributeError, IndexError, TypeError, RecursionError):
        return FormulaResult(None, "formule trop complexe pour être recalculée")


def evaluate_formula(formula: str, sheet, sheets: Iterable = ()) -> float | None:
    """The value of a simple formula over a :class:`~snppe_report.read.cells.Sheet`
    (``None`` when it is outside the supported subset), see :func:`compute_formula`."""
    return compute_formula(formula, sheet, sheets).value
