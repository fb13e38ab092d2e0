"""Markdown cells to Typst markup, for the report's narrative cells.

The notebook's markdown cells (trusted, but escaped all the same) are parsed by
mistune (nbconvert's own Markdown parser) into a syntax tree, which is written as
Typst: headings, paragraphs, emphasis, strong, inline code, links, lists, quotes,
line breaks and rules. Raw HTML and images are dropped (the report's PDF shows no
HTML). A heading of level *n* becomes a Typst heading of level *n - 1* (the level-1
heading is the notebook's own title, hidden in the report), 1 at least.
"""

from __future__ import annotations

from typing import Any

from snppe_report.report.typst import escape, string

__all__ = ["markdown_to_typst"]


def markdown_to_typst(text: str) -> str:
    """Typst markup of a Markdown text.

    Parameters
    ----------
    text : str
        The Markdown source of a cell.

    Returns
    -------
    str
        Typst markup; every text is escaped with :func:`snppe_report.report.typst.escape`.
    """
    import mistune

    tokens = mistune.create_markdown(renderer=None)(text or "")
    return "\n\n".join(b for b in (_block(t) for t in tokens) if b).strip() + "\n"


def _block(token: dict[str, Any], depth: int = 0) -> str:
    kind = token["type"]
    if kind == "heading":
        level = max(int(token["attrs"]["level"]) - 1, 1)
        return f"#heading(level: {level})[{_inline(token['children'])}]"
    if kind in ("paragraph", "block_text"):
        return _inline(token["children"])
    if kind == "list":
        marker = "+" if token["attrs"].get("ordered") else "-"
        items = []
        for item in token["children"]:
            parts = [_block(c, depth + 1) for c in item.get("children", [])]
            body = "\n".join(p for p in parts if p).replace("\n", "\n" + "  " * (depth + 1))
            items.append("  " * depth + f"{marker} {body}")
        return "\n".join(items)
    if kind == "block_quote":
        inner = "\n\n".join(_block(c) for c in token["children"])
        return f"#quote(block: true)[{inner}]"
    if kind == "block_code":
        return f"#raw(block: true, {string(token.get('raw', '').rstrip())})"
    if kind == "thematic_break":
        return "#line(length: 100%, stroke: 0.4pt)"
    return ""  # blank lines, raw HTML, anything else


def _inline(tokens: list[dict[str, Any]]) -> str:
    out = []
    for t in tokens:
        kind = t["type"]
        if kind == "text":
            out.append(escape(t["raw"]))
        elif kind == "strong":
            out.append(f"#strong[{_inline(t['children'])}]")
        elif kind == "emphasis":
            out.append(f"#emph[{_inline(t['children'])}]")
        elif kind == "codespan":
            out.append(f"#raw({string(t['raw'])})")
        elif kind == "link":
            out.append(f"#link({string(t['attrs']['url'])})[{_inline(t['children'])}]")
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "linebreak":
            out.append(" \\\n")
        elif "children" in t:
            out.append(_inline(t["children"]))
        elif "raw" in t and kind != "inline_html":
            out.append(escape(t["raw"]))
    return "".join(out)
