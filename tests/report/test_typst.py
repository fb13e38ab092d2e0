"""typst: markup escaping and string literals checked by Typst itself, private root, standards.

The escaping tests do not compare strings with a hand-written expectation: each text is
written escaped into a Typst document that evaluates it back and asserts, inside Typst,
that the content shown is the text itself (``#assert.eq``); the compile fails otherwise.
"""

from __future__ import annotations

import re

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snppe_report.exceptions import RenderError
from snppe_report.report import typst as ty

HOSTILE = [
    '#read("/etc/passwd")',
    '#include "/etc/hostname"',
    '#image("/etc/x.svg")',
    "#set page(width: 2cm)",
    "#let x = 1",
    "] #strong[x] [",
    "$x^2$",
    "@ref",
    "<label>",
    "\\",
    "a\\",
    "\\u{41}",
    "// comment",
    "/* comment",
    "= Titre",
    "- liste",
    "+ liste",
    "1. liste",
    "/ terme: def",
    "*gras* _it_ `raw`",
    "```python\nx\n```",
    "~ -- --- ... -?",
    "'simple' \"double\"",
    "https://example.invalid/x",
    "#{ panic() }",
    "#(1 + 1)",
    "x;y",
    "ligne\nsuivante\r\nencore\rfin",
    "\ttab",
    "\x00\x07\x1b contrôles",
    "",
    " ",
]

# Evaluates an escaped content back to its text, inside Typst.
_PROBE = r"""
#let flat(c) = {
  if type(c) == str { c }
  else if c.has("text") { c.text }
  else if c.has("children") { c.children.map(flat).join("") }
  else if c.func() == linebreak { "\n" }
  else if c == [ ] { " " }
  else { panic("unexpected content: " + repr(c)) }
}
#let probe(c, expected) = {
  let norm(s) = if s == none { "" } else {
    s.replace(regex("\r\n|\r|\u{2028}|\u{2029}"), "\n")
      .replace(regex("\s*\n\s*"), "\n")
      .replace(regex("[ \t]+"), " ")
      .trim()
  }
  assert.eq(norm(flat(c)), norm(expected), message: repr(c))
}
"""


def _shown(text: str) -> str:
    """What the escaped markup must show: the text, tabs as spaces, controls removed."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text.replace("\t", " "))


def _check_round_trip(texts: list[str]) -> None:
    body = "".join(
        f"#let c{i} = [{ty.escape(t)}]\n#probe(c{i}, {ty.string(_shown(t))})\n"
        for i, t in enumerate(texts)
    )
    ty.compile_pdf(_PROBE + body, standards=())


def test_hostile_texts_are_shown_as_written():
    _check_round_trip(HOSTILE)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF),
            max_size=40,
        ),
        min_size=1,
        max_size=20,
    )
)
def test_random_texts_round_trip_through_typst(texts):
    _check_round_trip(texts)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("#", "\\#"),
        ("a]b", "a\\]b"),
        ("\\", "\\\\"),
        ("é à", "é à"),
        (None, ""),
        (12, "12"),
        ("a\nb", "a \\\nb"),
    ],
)
def test_escape_table(text, expected):
    assert ty.escape(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ("a\nb", '"a\\nb"'),
        ("\x07", '"\\u{7}"'),
        (None, '""'),
    ],
)
def test_string_literal_table(text, expected):
    assert ty.string(text) == expected


def test_compile_root_is_private_and_empty():
    """Even unescaped, a read of a file outside the document finds nothing."""
    for source in ('#read("/etc/passwd")', '#read("../../../../etc/passwd")'):
        with pytest.raises(RenderError, match="Typst"):
            ty.compile_pdf(source, standards=())


def test_fonts_are_loaded_once_and_are_the_report_font():
    assert ty.fonts() is ty.fonts()
    assert ty.FONT_FAMILY in ty.fonts().families()


def test_standards_are_checked_at_export():
    """PDF/UA-1 refuses a document without a title: the error is ours, in French."""
    with pytest.raises(RenderError, match="la composition du PDF"):
        ty.compile_pdf('#set text(lang: "fr")\nTexte')


def test_a_chart_without_alt_text_is_refused():
    """PDF/UA-1 and PDF/A-2a: Typst refuses an image without alternative text."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    source = (
        '#set document(title: "Essai")\n#set text(lang: "fr")\n'
        f'#figure(image(bytes({ty.string(svg)}), format: "svg"))'
    )
    with pytest.raises(RenderError, match="alt"):
        ty.compile_pdf(source)


def test_minimal_accessible_pdf(tmp_path):
    source = (
        '#set document(title: "Essai")\n#set text(lang: "fr", font: "DejaVu Sans")\n'
        '= Titre\nTexte é.\n#figure(image(bytes("<svg xmlns=\\"http://www.w3.org/2000/svg\\" '
        'width=\\"10\\" height=\\"10\\"/>"), format: "svg", alt: "Carré blanc"))\n'
    )
    path = tmp_path / "essai.pdf"
    data = ty.compile_pdf(source, path, timestamp=0)
    assert path.read_bytes() == data
    reader = pypdf.PdfReader(path)
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in raw
    assert "<pdfaid:part>2</pdfaid:part>" in raw and "<pdfaid:conformance>A" in raw
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "Texte é." in reader.pages[0].extract_text()


def test_later_compiles_run_in_a_helper_replaced_regularly(monkeypatch):
    """Typst's cache is never evicted: a long-running process hands it to a helper."""
    monkeypatch.setattr(ty, "IN_PROCESS_RUNS", 0)
    monkeypatch.setattr(ty, "HELPER_RUNS", 2)
    monkeypatch.setattr(ty, "_runs", 0)
    monkeypatch.setattr(ty, "_helper", None)
    doc = '#set document(title: "Essai")\n#set text(lang: "fr")\nTexte {}'
    pids = []
    for i in range(3):
        assert ty.compile_pdf(doc.format(i), standards=())[:5] == b"%PDF-"
        pids.append(ty._helper.process.pid)
    assert pids[0] == pids[1] != pids[2]  # replaced after HELPER_RUNS compiles
    with pytest.raises(RenderError, match="la composition du PDF"):  # errors come back
        ty.compile_pdf('#read("/etc/passwd")', standards=())
    ty._helper.process.kill()  # a dead helper: the compile is done in this process
    ty._helper.process.wait()
    assert ty.compile_pdf(doc.format("x"), standards=())[:5] == b"%PDF-"
    ty._helper.close()


@pytest.mark.parametrize(
    "odd", ["\uf0b7", "\ue000", "\U000f6cb1", "\U0010fffd", "\ufdd0", "\uffff"]
)
def test_private_use_and_noncharacters_never_break_a_pdf_a(odd):
    """A symbol-font glyph typed in a workbook (Wingdings' bullet is U+F0B7) or a
    noncharacter is refused by PDF/A: escape and string drop it, the text compiles."""
    text = f"Puce{odd} de liste"
    assert ty.escape(text) == "Puce de liste"
    assert ty.string(text) == '"Puce de liste"'
    source = (
        '#set document(title: "Essai")\n#set text(lang: "fr", font: "DejaVu Sans")\n'
        f"= Titre\n{ty.escape(text)} #text({ty.string(text)})\n"
    )
    assert (
        "Puce de liste"
        in pypdf.PdfReader(__import__("io").BytesIO(ty.compile_pdf(source))).pages[0].extract_text()
    )
