"""Fuzzing: random cell contents and damaged archives never crash the reader.

``values.parse_value`` on random texts and values is fuzzed in ``test_values.py``. Here:

* random cell contents (texts with HTML and JavaScript, formulas, numbers including
  huge, infinite and NaN ones, dates, times, durations, booleans, empty cells) written
  into a small valid dashboard go through :func:`table.extract`, which either returns
  a well-formed table or raises a :class:`SnppeError`, nothing else;
* random byte changes and truncations of a good ``.xlsx`` and ``.ods`` only ever give
  a :class:`SnppeError`;
* (slow, two examples: a kernel each) random hostile texts (HTML and Typst markup)
  come out escaped in the HTML report and shown as written in the Typst PDF.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import math
import re
import tempfile
from pathlib import Path

import openpyxl
import pypdf
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from snppe_report.exceptions import SnppeError
from snppe_report.read.table import COLUMNS, extract
from snppe_report.read.text_cells import clean_text

from ..make_bad_inputs import HEADER, ROWS, TITLE, build_corpus

_FRAGMENTS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">',
        "</td></tr></table>",
        "{{ 7*7 }}",
        "{% raw %}",
        "${7*7}",
        "&amp;",
        "&lt;b&gt;",
        "<p>",
        "</p>",
        "<i>",
        "<br/>",
        "\n",
        "\u00a0",
        "%",
        " %",
        ",",
        "ND",
        "SO",
        "N/A",
        "Non connu",
        "Objectif n° 3",
        "Engagement 2 :",
        "Légende :",
        "2019",
        "Niveau cible 2023",
        "Indicateur",
        "Mesure",
        "1 234,5",
        "44,52%",
        "10 % COVID",
        "354 mineurs + 10 majeurs soit 21,4%",
        "../../etc/passwd",
        "=cmd|' /C calc'!A0",
        "\u202e",
        "😀",
    ]
)
_TEXTS = (
    st.text(max_size=40)
    | _FRAGMENTS
    | st.lists(_FRAGMENTS | st.text(max_size=6), min_size=1, max_size=5).map(" ".join)
)
_FORMULAS = st.sampled_from(
    [
        "=D5/D6",
        "=SUM(D5:E6)",
        "=1/0",
        "=A1",
        "=D5+",
        "=[1]Feuil1!A1",
        '=INDIRECT("D5")',
        "=" + "(" * 300 + "1" + ")" * 300,
        "=" + "+".join(["D5"] * 200),
        '=HYPERLINK("http://exemple.invalid","clic")',
    ]
)
_VALUES = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.datetimes(dt.datetime(1901, 1, 1), dt.datetime(2099, 12, 31))
    | st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31))
    | st.times()
    | st.timedeltas(dt.timedelta(0), dt.timedelta(days=3000))
    | _TEXTS
    | _FORMULAS
)
_FORMATS = st.sampled_from(["General", "0.0%", "0%", '0" mois"', "# ##0", "dd/mm/yyyy", "@"])
_STATUTS = {"ok", "ND", "SO", "NC", "texte"}
_UNITES = {"nombre", "pourcentage", "heures", "mois", "jours", "euros", "texte"}
_NATURES = {"valeur", "cible", "atteinte"}


def _clean(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl cannot write them at all
    return value


def write_dashboard(path: Path, cells: dict[tuple[int, int], object], formats) -> Path:
    """The corpus' good dashboard with ``cells`` overwritten (rows 4-9, columns A-F)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tableau de bord"
    ws["A1"] = TITLE
    for c, text in enumerate(HEADER, start=1):
        ws.cell(3, c, text)
    for r, row in enumerate(ROWS, start=4):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for (r, c), value in cells.items():
        ws.cell(r, c).value = _clean(value)
    for (r, c), fmt in formats.items():
        ws.cell(r, c).number_format = fmt
    wb.save(path)
    return path


_POSITIONS = st.tuples(st.integers(4, 9), st.integers(1, 6))


def check_table(extraction) -> None:
    rows = extraction.contract()
    assert tuple(rows.columns) == COLUMNS
    assert set(rows["departement"]) <= {"68"}
    for row in rows.itertuples(index=False):
        assert row.statut in _STATUTS and row.unite in _UNITES and row.nature in _NATURES
        assert isinstance(row.brut, str) and isinstance(row.note, str)
        assert row.valeur is None or math.isnan(row.valeur) or math.isfinite(row.valeur)
        assert re.fullmatch(r"Tableau de bord![A-F]\d+", row.source)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(_POSITIONS, _VALUES, min_size=1, max_size=12),
    st.dictionaries(_POSITIONS, _FORMATS, max_size=4),
)
def test_random_cells_extract_or_fail_cleanly(cells, formats):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_dashboard(Path(tmp) / "68-fuzz.xlsx", cells, formats)
        try:
            extraction = extract(path)
        except SnppeError as err:
            assert err.exit_code == 2 and "68-fuzz.xlsx" in str(err)
            return
        check_table(extraction)


@functools.cache
def good_file(kind: str) -> bytes:
    """The corpus' good workbook as bytes (a plain function: hypothesis would print a
    fixture's value with every failing example)."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_corpus(tmp)
        return corpus["bon" if kind == "xlsx" else "ods_bon"].read_bytes()


_CHANGES = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=6
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.sampled_from(["xlsx", "ods"]),
    _CHANGES,
    st.none() | st.floats(0.05, 1, exclude_max=True),
    st.booleans(),
)
def test_damaged_archives_give_snppe_errors_only(kind, changes, cut, tail):
    """Byte changes anywhere (``tail``: in the last 200 bytes, the zip directory) and
    truncations: a SnppeError or, for a harmless change, a good table."""
    data = bytearray(good_file(kind))
    for where, byte in changes:
        offset = int(where * len(data)) if not tail else len(data) - 1 - int(where * 200)
        data[offset] = byte
    if cut is not None:
        data = data[: int(cut * len(data))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"68-abime.{kind}"
        path.write_bytes(bytes(data))
        try:
            extraction = extract(path)
        except SnppeError as err:
            assert err.exit_code == 2 and "68-abime" in str(err)
            return
        check_table(extraction)


# -- through the report (slow: one kernel per example) -----------------------------------

_MARK = "zq"  # a marker that French text, numbers and the report's own markup never hold
_HOSTILE = [
    f"<script>{_MARK}()</script>",
    f"<img src=x onerror={_MARK}()>",
    f'<a href="javascript:{_MARK}()">lien</a>',
    f'" onmouseover="{_MARK}()',
    f"<svg onload={_MARK}()>",
    f"</td><script>{_MARK}</script>",
    f"<style>*{{{_MARK}:1}}</style>",
]
# Typst markup a cell may hold: shown as written in the PDF, never evaluated.
_TYPST_HOSTILE = [
    f'#read("/etc/passwd"){_MARK}',
    f'#include "x.typ" {_MARK}',
    f"] #set page(width: 2cm) [{_MARK}",
    f"$x$ @ref <label> \\ {_MARK}",
    f"#{{ panic() }} {_MARK}",
]
_PAYLOADS = st.sampled_from(_HOSTILE + _TYPST_HOSTILE)
# each payload as it would appear unescaped, up to its marker: a tag, or an attribute
# inside a tag, that a browser would run. Escaped, a tag reads "&lt;script&gt;zq"; a
# quote may come back as '"' in text (nbconvert re-serialises the HTML), where it is
# harmless, so the attribute payload counts only inside a tag.
_RAW = re.compile(
    "|".join(
        ("<[^<>]*" if p.startswith('"') else "") + re.escape(p[: p.index(_MARK) + len(_MARK)])
        for p in _HOSTILE
    )
)


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("snppe_report.report.render") is None,
    reason="snppe_report.report.render (render_report) n'est pas encore écrit",
)
@settings(max_examples=2, deadline=None, phases=[Phase.explicit, Phase.generate], database=None)
@given(st.lists(st.tuples(_PAYLOADS, st.text(max_size=10)), min_size=3, max_size=3))
# a value cell's text is shown as the reader cleans it: "<label>" leaves as a tag would
@example([(_HOSTILE[0], ""), (_TYPST_HOSTILE[3], "LPT1"), (_HOSTILE[1], "")])
def test_random_hostile_texts_are_escaped_in_the_report(payloads):
    from snppe_report.report.render import render_report

    # label, value and objective cells of the dashboard
    cells = {
        (5, 3): "Nombre d'EPP " + "".join(payloads[0]),
        (8, 4): "44,52 % " + "".join(payloads[1]),
        (5, 2): "Objectif n° 1 : " + "".join(payloads[2]),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = write_dashboard(Path(tmp) / "68-fuzz.xlsx", cells, {})
        result = render_report(path, formats=("html", "pdf"), out_dir=Path(tmp) / "sortie")
        html = result.outputs["html"].read_text(encoding="utf-8")
        reader = pypdf.PdfReader(result.outputs["pdf"])
        pdf = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert _MARK in html  # the texts are in the report...
    assert not _RAW.search(html)  # ...but only as escaped text
    assert _MARK in pdf  # and in the PDF, Typst markup shown as written, never run:
    for position, (payload, _tail) in enumerate(payloads):
        if payload in _TYPST_HOSTILE:
            # the value cell (position 1) is shown cleaned of anything like a tag
            shown = clean_text(payload) if position == 1 else payload
            assert re.sub(r"\s+", "", shown) in pdf, payload
