"""Compute a simple formula left without cached value.

A workbook written by a library and never opened in Excel or LibreOffice holds
formulas without results. Dashboards only use simple arithmetic (ratios, sums),
so this evaluator handles numbers, same-sheet cell references (``D6``, ``$D$6``),
``+ - * /``, parentheses, and ``SUM`` / ``AVERAGE`` / ``MIN`` / ``MAX`` over
references and ranges. Anything else (other sheets, text, unknown functions,
division by zero, references to formulas) gives ``None``: the caller reports it.
Nothing is ever executed: the text is tokenised and evaluated by a tiny
recursive-descent parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["evaluate_formula"]

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<func>[A-Z]+)\("
    r"|(?P<op>[-+*/(),;]))"
)
_FUNCS: dict[str, Callable[[list[float]], float]] = {
    "SUM": sum,
    "AVERAGE": lambda xs: sum(xs) / len(xs),
    "MIN": min,
    "MAX": max,
}
MAX_LENGTH = 500


class _Unsupported(Exception):
    pass


def _ref(text: str) -> tuple[int, int]:
    text = text.replace("$", "")
    letters = re.match(r"[A-Z]+", text).group(0)
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(text[len(letters) :]), col


def _tokens(formula: str) -> list[tuple[str, str]]:
    text = formula.lstrip("=").strip().upper()
    if text.startswith("OF:"):  # OpenDocument: of:=[.D6]/[.D5]
        text = text[3:].lstrip("=").replace("[.", "").replace("]", "").replace(":.", ":")
    if len(text) > MAX_LENGTH:
        raise _Unsupported
    pos, out = 0, []
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise _Unsupported
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, tokens, lookup) -> None:
        self.tokens, self.pos, self.lookup = tokens, 0, lookup

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
                raise _Unsupported
            value = value * rhs if op == "*" else value / rhs
        return value

    def factor(self) -> float:
        kind, text = self.take()
        if text == "-":
            return -self.factor()
        if text == "+":
            return self.factor()
        if kind == "num":
            return float(text)
        if kind == "ref":
            return self.lookup(*_ref(text))
        if kind == "func":
            return self.call(text)
        if text == "(":
            value = self.expr()
            if self.take()[1] != ")":
                raise _Unsupported
            return value
        raise _Unsupported

    def call(self, name: str) -> float:
        if name not in _FUNCS:
            raise _Unsupported
        args: list[float] = []
        while True:
            kind, text = self.peek()
            if kind == "range":
                self.take()
                args.extend(self.range_values(text))
            else:
                args.append(self.expr())
            sep = self.take()[1]
            if sep == ")":
                break
            if sep not in (",", ";"):
                raise _Unsupported
        if not args:
            raise _Unsupported
        return float(_FUNCS[name](args))

    def range_values(self, text: str) -> list[float]:
        (r0, c0), (r1, c1) = (_ref(part) for part in text.split(":"))
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 10_000:
            raise _Unsupported
        out = []
        for r in range(min(r0, r1), max(r0, r1) + 1):
            for c in range(min(c0, c1), max(c0, c1) + 1):
                try:
                    out.append(self.lookup(r, c))
                except _Empty:
                    continue
        return out


class _Empty(_Unsupported):
    pass


def evaluate_formula(formula: str, sheet) -> float | None:
    """Evaluate a simple formula over a :class:`~snppe_report.read.workbook.Sheet`.

    Returns ``None`` when the formula is outside the supported subset.
    """

    def lookup(row: int, col: int) -> float:
        cell = sheet.cells.get((row, col))
        if cell is None or cell.value is None:
            if cell is not None and cell.formula:
                raise _Unsupported
            raise _Empty
        if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
            raise _Unsupported
        return float(cell.value)

    try:
        parser = _Parser(_tokens(formula), lookup)
        value = parser.expr()
        if parser.pos != len(parser.tokens):
            return None
        return value
    except (_Unsupported, ValueError, OverflowError, AttributeError, IndexError):
        return None
