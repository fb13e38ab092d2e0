"""The report stylesheet scoped for JupyterLab (notebook run by hand)."""

import tinycss2

from snppe_report.report.notebook_style import LAB_SCOPE, STYLESHEETS, lab_style_html, scope_css


def test_every_rule_is_scoped_and_print_rules_are_dropped():
    css = """
    :root { --navy: #1b3a6b; }
    html { font-size: 15px; }
    body.snppe { color: black; }
    main { max-width: 60rem; }
    h2, .tuile > p:not(.a, .b) { color: var(--navy); }
    .jp-Cell, .x { margin: 0; }
    a[title="a, b"] { color: red; }
    @page { size: A4; @bottom-right { content: counter(page); } }
    @media print { h2 { font-size: 15pt; } }
    @media screen { .tableau { overflow-x: auto; } }
    @font-face { font-family: X; src: url(x.woff); }
    """
    scoped = scope_css(css, ".s")
    rules = [
        " ".join(tinycss2.serialize(r.prelude).split())
        for r in tinycss2.parse_stylesheet(scoped, skip_comments=True, skip_whitespace=True)
    ]
    assert rules == [
        ".s",
        ".s",
        ".s h2, .s .tuile > p:not(.a, .b)",
        ".s .x",
        '.s a[title="a, b"]',
        "screen",  # the @media screen block, its rules scoped
    ]
    assert "@media screen {\n.s .tableau {overflow-x: auto;}\n}" in scoped
    for gone in ("15px", "60rem", "A4", "15pt", "font-face", "url(", ".jp-Cell"):
        assert gone not in scoped


def test_lab_stylesheet_covers_the_report_and_nothing_outside_the_scope():
    html = lab_style_html()
    assert html.startswith('<style data-snppe="jupyterlab">') and html.endswith("</style>")
    body = html.removeprefix('<style data-snppe="jupyterlab">').removesuffix("</style>")
    css = STYLESHEETS[0][0].read_text(encoding="utf-8")
    # every class the report's stylesheet styles is still styled in JupyterLab
    for cls in (".tuile", ".statut", ".couverture", ".fictif", "table.indicateurs", ".sommaire"):
        assert cls in css and f"{LAB_SCOPE} {cls}" in body, cls
    for rule in tinycss2.parse_stylesheet(body, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            for selector in tinycss2.serialize(rule.prelude).split(","):
                assert selector.strip().startswith(LAB_SCOPE), selector
    # the banner is not pinned over JupyterLab's status bar
    assert f"{LAB_SCOPE} .fictif {{ position: static;" in body
