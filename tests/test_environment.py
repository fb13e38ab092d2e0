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


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_lock_pins_every_dependency_within_its_range():
    """requirements.lock is current: `make lock` after a change of pyproject.toml."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _locked()
    for text in project["dependencies"] + project["optional-dependencies"]["dev"]:
        req = Requirement(text)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{name} absent de requirements.lock : lancer « make lock »"
        assert req.specifier.contains(pins[name], prereleases=True), (name, pins[name])


def test_tests_run_with_the_locked_versions():
    """The environment running the tests is the lock's (make install syncs it)."""
    from importlib.metadata import PackageNotFoundError, version

    wrong = {}
    for name, pinned in _locked().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            wrong[name] = (installed, pinned)
    assert not wrong, f"versions installées ≠ requirements.lock (make install) : {wrong}"
