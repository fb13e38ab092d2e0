"""The synthesis's Typst rendering and its accessible PDF (snppe_report.synthesis.typst)."""

from __future__ import annotations

import pytest

from snppe_report.exceptions import RenderError
from snppe_report.synthesis.typst import _markup, _string, compile_pdf

HOSTILE = 'a#b *c* _d_ [e] $f$ @g <h> `i` \\j "k" = l\n- m // n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nord", '"Nord"'),
        ('dit "oui"', '"dit \\"oui\\""'),
        ("a\\b", '"a\\\\b"'),
        ("deux\nlignes\tx", '"deux\\nlignes\\tx"'),
        ("bip\x07", '"bip\\u{7}"'),  # control characters written as escapes
        ("puce\uf0b7", '"puce"'),  # private use (a symbol font's glyph): refused by PDF/A
        (None, '""'),
        (float("nan"), '""'),
        (12, '"12"'),
    ],
)
def test_string_literal(text, expected):
    assert _string(text) == expected


def test_markup_ends_the_embedded_expression():
    assert _markup("x.y") == '#"x.y";'


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_any_text_stays_text_in_the_pdf(tmp_path):
    source = (
        '#set document(title: "Essai")\n#set text(lang: "fr")\n'
        f"= Titre\n{_markup(HOSTILE)}\n\n"
        f"#table(columns: 1, table.header([A]), {_string(HOSTILE)})\n"
    )
    pdf = compile_pdf(source, tmp_path / "essai.pdf")
    text = " ".join(_pdf_text(pdf).split())
    flat = " ".join(HOSTILE.split())
    assert text.count(flat) == 2


def test_a_refused_document_is_a_render_error(tmp_path):
    with pytest.raises(RenderError, match="Typst") as info:
        compile_pdf('#image("absent.png")', tmp_path / "x.pdf")
    assert info.value.exit_code == 3
    assert not (tmp_path / "x.pdf").exists()


def test_the_document_reads_no_file_outside_its_private_root(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("confidentiel", encoding="utf-8")
    source = f'#set document(title: "x")\n#set text(lang: "fr")\n#read("{secret.as_posix()}")'
    with pytest.raises(RenderError):
        compile_pdf(source, tmp_path / "x.pdf")
    with pytest.raises(RenderError):
        compile_pdf(f'#set document(title: "x")\n#read("../{secret.name}")', tmp_path / "y.pdf")


def test_pdf_ua_refuses_an_image_without_alt_text(tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>'
    base = '#set document(title: "x")\n#set text(lang: "fr")\n'
    with pytest.raises(RenderError):
        compile_pdf(base + f'#image(bytes({_string(svg)}), format: "svg")', tmp_path / "a.pdf")
    compile_pdf(base + f'#image(bytes({_string(svg)}), format: "svg", alt: "vide")',
                tmp_path / "b.pdf")  # fmt: skip
