"""The compiled-template cache of the Jinja environments (report.jinja.bytecode_cache)."""

from __future__ import annotations

import os

import jinja2
import pytest

from snppe_report.report import cells, jinja

TEMPLATE = "t.j2"
SOURCE = "{{ x }} {% for i in range(2) %}<{{ i }}>{% endfor %}"


def _html(autoescape: bool = True):
    env = jinja.environment(autoescape=autoescape)
    env.loader = jinja2.DictLoader({TEMPLATE: SOURCE})
    return env


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv(jinja.CACHE_VARIABLE, str(root))
    return root


def _compiles(env, monkeypatch) -> list[str]:
    """Names of the templates ``env`` compiles from source from now on."""
    compiled: list[str] = []
    original = env.compile

    def compile_(source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return original(source, name, filename, *args, **kwargs)

    monkeypatch.setattr(env, "compile", compile_)
    return compiled


def test_a_template_is_compiled_once_then_loaded_compiled(cache_root, monkeypatch):
    first = _html()
    compiled = _compiles(first, monkeypatch)
    first.get_template(TEMPLATE)
    assert compiled == [TEMPLATE]
    files = list((cache_root / "jinja").iterdir())
    assert [f.name.startswith("html-") for f in files] == [True]
    assert (cache_root / "jinja").stat().st_mode & 0o077 == 0  # the user's own
    second = _html()  # another process would do the same
    compiled_again = _compiles(second, monkeypatch)
    assert second.get_template(TEMPLATE).render(x="<b>") == "&lt;b&gt; <0><1>"
    assert compiled_again == []


def test_kinds_compiling_differently_are_cached_apart(cache_root):
    assert _html().get_template(TEMPLATE).render(x="<b>") == "&lt;b&gt; <0><1>"
    assert _html(autoescape=False).get_template(TEMPLATE).render(x="<b>") == "<b> <0><1>"
    typst = jinja.typst_environment()
    typst.loader = jinja2.DictLoader({TEMPLATE: SOURCE})
    assert typst.get_template(TEMPLATE).render(x="#b") == "\\#b <0><1>"
    kinds = sorted(f.name.split("-")[0] for f in (cache_root / "jinja").iterdir())
    assert kinds == ["brut", "html", "typst"]
    # loaded again, compiled: each kind still writes what it wrote
    assert _html(autoescape=False).get_template(TEMPLATE).render(x="<b>") == "<b> <0><1>"
    assert _html().get_template(TEMPLATE).render(x="<b>") == "&lt;b&gt; <0><1>"


@pytest.mark.parametrize(
    ("make", "names"),
    [
        (jinja.environment, ["rapport-couverture.html.j2", "rapport-engagements.html.j2"]),
        (jinja.typst_environment, ["rapport-couverture.typ.j2", "rapport-engagements.typ.j2"]),
    ],
)
def test_the_report_templates_load_compiled_the_same(cache_root, make, names):
    def env():
        e = make()
        e.globals.update(cells.TEMPLATE_GLOBALS)
        e.filters.update(cells.TEMPLATE_FILTERS)
        return e

    fresh = [env().get_template(n) for n in names]
    cached = [env().get_template(n) for n in names]
    for a, b in zip(fresh, cached, strict=True):
        assert a.root_render_func.__code__.co_code == b.root_render_func.__code__.co_code
        assert a.filename == b.filename


def test_a_damaged_cache_file_costs_a_compile_not_a_failure(cache_root, monkeypatch):
    _html().get_template(TEMPLATE)
    (cached,) = (cache_root / "jinja").iterdir()
    cached.write_bytes(cached.read_bytes()[:40])  # truncated: magic and checksum intact
    env = _html()
    compiled = _compiles(env, monkeypatch)
    assert env.get_template(TEMPLATE).render(x=1) == "1 <0><1>"
    assert compiled == [TEMPLATE]


def test_an_unwritable_folder_only_costs_compiles(cache_root, monkeypatch):
    folder = cache_root / "jinja"
    folder.mkdir(parents=True, mode=0o700)
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: make the write fail instead
            monkeypatch.setattr(
                "tempfile.NamedTemporaryFile",
                lambda *a, **k: (_ for _ in ()).throw(PermissionError("lecture seule")),
            )
        assert _html().get_template(TEMPLATE).render(x=1) == "1 <0><1>"
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("mode", [0o770, 0o777])
def test_a_folder_others_can_write_to_is_not_used(cache_root, mode):
    folder = cache_root / "jinja"
    folder.mkdir(parents=True)
    folder.chmod(mode)
    assert jinja.bytecode_cache("html") is None
    _html().get_template(TEMPLATE)
    assert list(folder.iterdir()) == []


def test_an_empty_variable_turns_the_cache_off(monkeypatch):
    monkeypatch.setenv(jinja.CACHE_VARIABLE, "")
    assert jinja.bytecode_cache("html") is None
    assert jinja.environment().bytecode_cache is None


def test_the_default_folder_is_the_users_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(jinja.CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = jinja.bytecode_cache("html")
    assert cache.directory == str(tmp_path / "xdg" / "snppe-report" / "jinja")


def test_a_folder_that_cannot_be_made_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    monkeypatch.setenv(jinja.CACHE_VARIABLE, str(blocker))
    assert jinja.bytecode_cache("html") is None
