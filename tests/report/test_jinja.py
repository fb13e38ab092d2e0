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
    assert len(list((cache_root / "jinja").iterdir())) == 1
    assert (cache_root / "jinja").stat().st_mode & 0o077 == 0  # the user's own
    second = _html()  # another process would do the same
    compiled_again = _compiles(second, monkeypatch)
    assert second.get_template(TEMPLATE).render(x="<b>") == "&lt;b&gt; <0><1>"
    assert compiled_again == []


def test_environments_compiling_differently_never_share_a_compiled_template(cache_root):
    assert _html().get_template(TEMPLATE).render(x="<b>") == "&lt;b&gt; <0><1>"
    assert _html(autoescape=False).get_template(TEMPLATE).render(x="<b>") == "<b> <0><1>"
    typst = jinja.typst_environment()
    typst.loader = jinja2.DictLoader({TEMPLATE: SOURCE})
    assert typst.get_template(TEMPLATE).render(x="#b") == "\\#b <0><1>"
    assert len(list((cache_root / "jinja").iterdir())) == 3
    # loaded again, compiled: each still writes what it wrote
    assert _html(autoescape=False).get_template(TEMPLATE).render(x="<b>") == "<b> <0><1>"
    assert _html().get_template(TEMPLATE).render(x="<b>") == "&lt;b&gt; <0><1>"
    assert len(list((cache_root / "jinja").iterdir())) == 3


def test_a_changed_filter_is_never_served_from_an_older_compile(cache_root):
    """Jinja calls filters on literals while compiling, and compiles differently a
    filter that takes the context: the filters' code is part of the key."""
    source = "{{ x | f }} {{ 'abc' | g }}"

    def env(version: int):
        e = _html()
        e.loader = jinja2.DictLoader({TEMPLATE: source})
        if version == 1:
            e.filters["f"] = lambda v: f"f1({v})"
            e.filters["g"] = lambda v: v.upper()
        else:
            e.filters["f"] = jinja2.pass_context(lambda ctx, v: f"f2({v})")
            e.filters["g"] = lambda v: v[::-1]
        return e

    assert env(1).get_template(TEMPLATE).render(x=1) == "f1(1) ABC"
    assert env(2).get_template(TEMPLATE).render(x=1) == "f2(1) cba"
    assert env(1).get_template(TEMPLATE).render(x=1) == "f1(1) ABC"
    assert len(list((cache_root / "jinja").iterdir())) == 2


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
    cached.write_bytes(cached.read_bytes()[:40])  # truncated inside the source checksum
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
    assert jinja.bytecode_cache() is None
    _html().get_template(TEMPLATE)
    assert list(folder.iterdir()) == []


def test_an_empty_variable_turns_the_cache_off(monkeypatch):
    monkeypatch.setenv(jinja.CACHE_VARIABLE, "")
    assert jinja.bytecode_cache() is None
    assert jinja.environment().bytecode_cache is None


def test_the_default_folder_is_the_users_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(jinja.CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = jinja.bytecode_cache()
    assert cache.directory == str(tmp_path / "xdg" / "snppe-report" / "jinja")


def test_a_folder_that_cannot_be_made_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    monkeypatch.setenv(jinja.CACHE_VARIABLE, str(blocker))
    assert jinja.bytecode_cache() is None


def test_a_relative_folder_or_a_symbolic_link_means_no_cache(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(jinja.CACHE_VARIABLE, "cache-relatif")
    assert jinja.bytecode_cache() is None  # a kernel runs elsewhere: never the same folder
    real = tmp_path / "ailleurs"
    real.mkdir(mode=0o700)
    (tmp_path / "lien").mkdir()
    (tmp_path / "lien" / "jinja").symlink_to(real)
    monkeypatch.setenv(jinja.CACHE_VARIABLE, str(tmp_path / "lien"))
    assert jinja.bytecode_cache() is None


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="chown : root")
def test_a_cache_file_that_is_not_the_user_s_own_is_never_run(cache_root, monkeypatch):
    _html().get_template(TEMPLATE)
    (cached,) = (cache_root / "jinja").iterdir()
    os.chown(cached, 4242, 4242)  # as if another user had put it there
    env = _html()
    compiled = _compiles(env, monkeypatch)
    assert env.get_template(TEMPLATE).render(x=1) == "1 <0><1>"
    assert compiled == [TEMPLATE]
    cached.unlink()
    cached.symlink_to(tmp := cache_root / "cible")  # a link, even to the user's own file
    tmp.write_bytes(b"")
    env = _html()
    compiled = _compiles(env, monkeypatch)
    env.get_template(TEMPLATE)
    assert compiled == [TEMPLATE]
