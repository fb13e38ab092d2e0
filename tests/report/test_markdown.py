"""markdown: the notebook's narrative cells as Typst, every text escaped."""

from __future__ import annotations

import pytest

from snppe_report.report.markdown import markdown_to_typst
from snppe_report.report.typst import compile_pdf


@pytest.mark.parametrize(
    "markdown, expected",
    [
        ("## Objet du rapport", "#heading(level: 1)[Objet du rapport]"),
        ("# Titre", "#heading(level: 1)[Titre]"),
        ("### Sous-partie", "#heading(level: 2)[Sous\\-partie]"),
        ("Un **gras** et *italique*.", "Un #strong[gras] et #emph[italique]\\."),
        ("- a\n- b", "- a\n- b"),
        ("1. a\n2. b", "+ a\n+ b"),
        ("Code `x = 1`", 'Code #raw("x = 1")'),
        ("[lien](https://example.invalid)", '#link("https://example.invalid")[lien]'),
        ('#read("/etc/passwd") $x$ ] @r', '\\#read\\(\\"\\/etc\\/passwd\\"\\) \\$x\\$ \\] \\@r'),
        ("avant <b>HTML</b> après", "avant HTML après"),  # raw HTML tags dropped
        ("<script>alert(1)</script>", ""),
    ],
)
def test_markdown_to_typst_table(markdown, expected):
    assert markdown_to_typst(markdown).strip() == expected


def test_the_report_narrative_compiles():
    """The notebook's markdown (headings, lists, emphasis) is valid Typst."""
    import nbformat

    from snppe_report.report.render import NOTEBOOK

    nb = nbformat.read(NOTEBOOK, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    body = "\n".join(markdown_to_typst(m) for m in markdown)
    compile_pdf('#set text(lang: "fr", font: "DejaVu Sans")\n' + body, standards=())
