"""environment.yml mirrors pyproject.toml's dependencies (runtime + dev)."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name_spec(req: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", req.strip())
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["dev"]
    wanted = dict(map(_name_spec, reqs))
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(
        _name_spec(dep)
        for dep in env["dependencies"]
        if isinstance(dep, str) and not dep.startswith(("python", "pip"))
    )
    assert conda == wanted
