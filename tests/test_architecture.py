"""The package's layout: no import cycle, dependencies one way, heavy imports at the edges.

Every ``import`` statement of every module counts, including the ones inside functions
and under ``TYPE_CHECKING``: a cycle hidden in a lazy import is still a cycle.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "snppe_report"

#: Stage of each subpackage; a module may import its own stage and the ones below.
#: ``demo`` writes fictive workbooks from the reference data: it stands on ``read``
#: alone, and only the CLI uses it.
LAYERS = {
    "foundation": 0,
    "read": 1,
    "analysis": 2,
    "demo": 2,
    "report": 3,
    "annotate": 3,
    "synthesis": 4,
    "batch": 5,
    "cli": 6,
}
FOUNDATION = {
    "exceptions",
    "text",
    "formatting",
    "output",
    "destinations",
    "_paths",
    "frames",
    "__init__",
}
#: Imports of these packages load megabytes: never at import time of the pure stages.
HEAVY = ("matplotlib", "papermill", "nbconvert", "weasyprint", "typst", "openpyxl", "odf", "jinja2")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The package modules ``name`` imports (a ``from pkg import sub`` names ``pkg.sub``)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{name}: relative import (imports are absolute)"
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if m in MODULES and m != name and m != "snppe_report"}


GRAPH = {name: _imports(name) for name in MODULES}


def _stage(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1 or parts[1] in FOUNDATION:
        return "foundation"
    return parts[1]


def test_layout_has_the_stages():
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert {"read", "analysis", "report", "synthesis", "batch", "demo"} <= stages
    assert {_stage(m) for m in MODULES} <= set(LAYERS)


def test_no_import_cycle():
    """Depth-first search over every import of the package."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                pytest.fail("cycle d'imports : " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_dependencies_point_one_way():
    wrong = [
        f"{name} -> {dep}"
        for name, deps in GRAPH.items()
        for dep in deps
        if LAYERS[_stage(dep)] > LAYERS[_stage(name)]
        or (_stage(dep) == "demo" and _stage(name) not in ("demo", "cli"))
        or (_stage(name) == "demo" and _stage(dep) not in ("demo", "read", "foundation"))
    ]
    assert not wrong, wrong


def test_subpackages_name_what_they_offer():
    """Each stage's ``__init__`` lists its entry points, and every one of them resolves."""
    for stage in ("read", "analysis", "report", "annotate", "synthesis", "batch", "demo"):
        init = PACKAGE / stage / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    code = (
        "import importlib, json\n"
        "out = {}\n"
        "for s in ('read','analysis','report','annotate','synthesis','batch','demo'):\n"
        "    m = importlib.import_module('snppe_report.' + s)\n"
        "    out[s] = [n for n in m.__all__ if getattr(m, n, None) is None]\n"
        "import snppe_report\n"
        "top = snppe_report\n"
        "out['snppe_report'] = [n for n in top.__all__ if getattr(top, n, None) is None]\n"
        "print(json.dumps(out))\n"
    )
    missing = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert all(not names for names in missing.values()), missing


PURE = sorted(
    m
    for m in MODULES
    if _stage(m) in ("foundation", "analysis")
    or m
    in {
        "snppe_report.read",
        "snppe_report.read.values",
        "snppe_report.read.formula",
        "snppe_report.read.labels",
        "snppe_report.read.catalogue",
        "snppe_report.read.collectivites",
        "snppe_report.read.layout",
        "snppe_report.read.table",
        "snppe_report.read.workbook",
        "snppe_report.report",
        "snppe_report.annotate",
        "snppe_report.annotate.locate",
        "snppe_report.annotate.notes",
        "snppe_report.annotate.inventory",
        "snppe_report.synthesis",
        "snppe_report.batch",
        "snppe_report.demo",
    }
)


def test_heavy_imports_stay_at_the_edges():
    """Importing the reading and analysis stages (and any stage's ``__init__``) loads no
    heavy library: they are imported where a file is opened, a chart drawn, a notebook run."""
    code = (
        "import importlib, json, sys\n"
        f"for m in {PURE!r}: importlib.import_module(m)\n"
        f"print(json.dumps(sorted(h for h in {HEAVY!r} if h in sys.modules)))\n"
    )
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert loaded == []
