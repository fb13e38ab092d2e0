"""The report's stylesheet for a notebook opened by hand in JupyterLab.

nbconvert puts ``templates/snppe/static/report.css`` in the head of the report page.
JupyterLab shows the same HTML outputs inside its own page, without that stylesheet:
tiles, badges and tables would show unstyled. The stylesheet cannot be given to
JupyterLab as it is: its rules on ``h2``, ``table`` or ``body`` would restyle
JupyterLab itself. :func:`lab_style_html` returns it *scoped*: every selector is
prefixed with :data:`LAB_SCOPE` (the class JupyterLab gives to rendered HTML and
Markdown), ``:root`` and ``body.snppe`` become that scope, print-only rules
(``@page``, ``@media print``) and the rules written for nbconvert's page wrappers
(``html``, ``main``, ``.jp-*``) are dropped, and the fictive-data banner stays in the
flow instead of being pinned over JupyterLab's status bar.

The notebook shows it from a cell tagged ``masquer``, which nbconvert removes: the
report page keeps its template's stylesheet only. Parsing is tinycss2's (WeasyPrint's
own CSS parser), so nested blocks and strings are handled by a real tokenizer.
"""

from __future__ import annotations

import tinycss2

from snppe_report._paths import TEMPLATES

__all__ = ["LAB_SCOPE", "STYLESHEETS", "lab_style_html", "scope_css"]

#: JupyterLab's class on rendered HTML outputs and Markdown cells, written twice: the
#: doubled class outweighs JupyterLab's own output rules, such as
#: ``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon th { text-align: right }``.
LAB_SCOPE = ".jp-RenderedHTMLCommon.jp-RenderedHTMLCommon"

_TEMPLATE_STATIC = TEMPLATES / "snppe" / "static"
#: The report's stylesheets, in the template's order, with the media they apply to.
STYLESHEETS = (
    (_TEMPLATE_STATIC / "report.css", None),
    (_TEMPLATE_STATIC / "report-etroit.css", "screen and (max-width: 40rem)"),
)

# Selectors written for nbconvert's page, meaningless (or harmful) inside JupyterLab.
_PAGE_ONLY = ("html", "main")
_SCOPE_ALIASES = (":root", "body", "body.snppe")
# Appended last: JupyterLab keeps its own page, dark themes included.
_LAB_OVERRIDES = (
    f"{LAB_SCOPE} {{ color: var(--ink); background: #fff; "
    '  font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }\n'
    f"{LAB_SCOPE} .fictif {{ position: static; margin: 0 0 0.75rem; }}\n"
    f"{LAB_SCOPE} th, {LAB_SCOPE} td {{ text-align: left; }}\n"
    f"{LAB_SCOPE} .num {{ text-align: right; }}\n"
    # JupyterLab floats description terms at 20 % width; the cover's list is a grid.
    f"{LAB_SCOPE} dt, {LAB_SCOPE} dd {{ float: none; width: auto; }}"
)


def lab_style_html() -> str:
    """The report's stylesheets scoped to JupyterLab's outputs, as one ``<style>``.

    Returns
    -------
    str
        A ``<style>`` element to display (``IPython.display.HTML``) in a cell
        tagged ``masquer``.
    """
    parts = []
    for path, media in STYLESHEETS:
        scoped = scope_css(path.read_text(encoding="utf-8"), LAB_SCOPE)
        parts.append(f"@media {media} {{\n{scoped}\n}}" if media else scoped)
    parts.append(_LAB_OVERRIDES)
    return '<style data-snppe="jupyterlab">\n' + "\n".join(parts) + "\n</style>"


def scope_css(css: str, scope: str) -> str:
    """Prefix every rule of a stylesheet with ``scope``.

    Parameters
    ----------
    css : str
        A stylesheet.
    scope : str
        A selector (``".jp-RenderedHTMLCommon"``).

    Returns
    -------
    str
        The scoped rules: ``h2 {…}`` becomes ``<scope> h2 {…}``; ``:root``, ``body``
        and ``body.snppe`` become ``<scope>``; rules on ``html``, ``main`` or
        ``.jp-*`` wrappers are dropped, as are ``@page``, ``@media print`` and any
        other at-rule but ``@media`` and ``@supports`` (whose rules are scoped).
    """
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "\n".join(text for text in (_scope_rule(rule, scope) for rule in rules) if text)


def _scope_rule(rule, scope: str) -> str:
    if rule.type == "qualified-rule":
        selectors = [_scope_selector(sel, scope) for sel in _selectors(rule.prelude)]
        kept = [sel for sel in selectors if sel]
        if not kept:
            return ""
        return f"{', '.join(kept)} {{{tinycss2.serialize(rule.content).strip()}}}"
    if rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
        prelude = " ".join(tinycss2.serialize(rule.prelude).split())
        if rule.lower_at_keyword == "media" and "print" in prelude.lower().split():
            return ""
        inner = scope_css(tinycss2.serialize(rule.content or []), scope)
        return f"@{rule.lower_at_keyword} {prelude} {{\n{inner}\n}}" if inner else ""
    return ""  # @page, @font-face, @import, parse errors: nothing for JupyterLab


def _selectors(prelude) -> list[str]:
    """Split a rule's prelude on its top-level commas.

    tinycss2 parses ``:not(a, b)`` or ``[x="a,b"]`` as single tokens: only the
    commas that separate selectors are literal tokens at this level.
    """
    out, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            out.append(tinycss2.serialize(current))
            current = []
            continue
        current.append(token)
    out.append(tinycss2.serialize(current))
    return [" ".join(sel.split()) for sel in out if sel.strip()]


def _scope_selector(selector: str, scope: str) -> str:
    head, _, rest = selector.partition(" ")
    if ".jp-" in selector or "anchor-link" in selector or head in _PAGE_ONLY:
        return ""
    if head in _SCOPE_ALIASES:
        return f"{scope} {rest}".strip() if rest else scope
    return f"{scope} {selector}"
