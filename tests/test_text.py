import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snppe_report.text import normalize, slugify, strip_html


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        (None, ""),
        ("Évaluées", "evaluees"),
        ("Taux d’IP évalués", "taux d'ip evalues"),
        ("d ‘ un", "d ' un"),
        ("« Nombre »", '" nombre "'),
        ("“cité”", '"cite"'),
        ("Haut‑Rhin – CeA — 2023", "haut-rhin - cea - 2023"),
        ("7\u00a0688\u202fenfants", "7 688 enfants"),
        ("  plusieurs   espaces\n\tet lignes ", "plusieurs espaces et lignes"),
        ("<p>Nombre</p> <p>Part</p>", "nombre part"),
        ("Cible <i>nationale</i>", "cible nationale"),
        ("a<br/>b", "a b"),
        ("taux < 3 mois", "taux < 3 mois"),
        ("&amp; &lt;p&gt;", "& <p>"),
        ("Œuvre cœur", "oeuvre coeur"),
        ("n° 5", "n 5"),
        ("Côtes-d'Armor", "cotes-d'armor"),
        ("ÇA VA", "ca va"),
        ("mot\u00adcoupé", "motcoupe"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>Nombre de <i>VAD</i></p>", "Nombre de VAD"),
        ("sans balise", "sans balise"),
        ("x &amp; y", "x & y"),
    ],
)
def test_strip_html(raw, expected):
    assert strip_html(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Haut-Rhin", "haut-rhin"),
        ("Val-d'Oise", "val-d-oise"),
        ("Collectivité européenne d'Alsace", "collectivite-europeenne-d-alsace"),
        ("La Réunion", "la-reunion"),
        ("Nombre de session de formations", "nombre-de-session-de-formations"),
        ("  -- (source DREES / CD) --  ", "source-drees-cd"),
        ("***", ""),
        ("", ""),
        ("../../etc/passwd", "etc-passwd"),
    ],
)
def test_slugify(raw, expected):
    assert slugify(raw) == expected


def test_slugify_cuts_long_text_on_a_word_boundary():
    text = "Nombre de journées d'accueil réalisées en lieux de vie (ce total inclus les 3213 jours)"
    slug = slugify(text)
    assert slug == "nombre-de-journees-d-accueil-realisees-en-lieux-de-vie-ce"
    assert len(slug) <= 60


def test_slugify_cuts_one_long_word_at_the_limit():
    assert slugify("a" * 100) == "a" * 60
    assert slugify("a" * 100, max_length=10) == "a" * 10


@given(st.text())
def test_normalize_is_ascii_lowercase_and_idempotent(text):
    result = normalize(text)
    assert result.isascii()
    assert result == result.lower()
    assert result == result.strip()
    assert "  " not in result
    assert normalize(result) == result or "<" in result or "&" in result


@given(st.text(), st.integers(min_value=1, max_value=80))
def test_slugify_is_path_safe(text, max_length):
    slug = slugify(text, max_length=max_length)
    assert len(slug) <= max_length
    assert slug == "" or re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)
    assert slugify(text, max_length=max_length) == slug
