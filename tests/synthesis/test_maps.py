"""The choropleth map of France (snppe_report.synthesis.maps)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from snppe_report.synthesis.classes import CLASS_COLOURS, MISSING_COLOUR
from snppe_report.synthesis.maps import france_map_svg

BREAKS = [0.05, 0.1, 0.15, 0.2]
SVG = "{http://www.w3.org/2000/svg}"


def _fills(svg: str) -> dict[str, str]:
    """Fill of every drawn shape by the département its tooltip names."""
    root = ElementTree.fromstring(svg)
    out = {}
    for node in root.iter():
        title = node.find(f"{SVG}title")
        if node.tag in (f"{SVG}path", f"{SVG}rect") and title is not None:
            code = re.search(r"\((\w+)\)", title.text).group(1)
            out[code] = node.get("fill")
    return out


def test_every_departement_is_drawn_with_the_colour_of_its_class():
    values = {"59": 0.25, "48": 0.01, "974": 0.12, "69M": 0.5, "13": None, "75": 0.06}
    svg = france_map_svg(values, BREAKS, alt="Carte : part EPP, de 1 % à 25 %")
    fills = _fills(svg)
    assert len(fills) == 101
    assert fills["59"] == CLASS_COLOURS[4] and fills["48"] == CLASS_COLOURS[0]
    assert fills["974"] == CLASS_COLOURS[2] and fills["75"] == CLASS_COLOURS[1]
    assert fills["13"] == fills["01"] == MISSING_COLOUR
    assert "69M" not in svg  # a collectivité code is not a département
    assert svg.count("<title>Paris (75)</title>") == 2  # on the map and in the inset
    assert 'role="img" aria-label="Carte : part EPP, de 1 % à 25 %"' in svg
    for name in ("Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"):
        assert f">{name}</text>" in svg


def test_titles_and_alt_text_are_escaped():
    svg = france_map_svg({}, BREAKS, titres={"59": 'Nord <b> & "x"'}, alt='a "b" <c>')
    assert '<title>Nord &lt;b&gt; &amp; "x"</title>' in svg
    assert "aria-label='a \"b\" &lt;c&gt;'" in svg
    ElementTree.fromstring(svg)  # well-formed


def test_without_alt_the_map_is_hidden_from_assistive_technologies():
    svg = france_map_svg({}, BREAKS)
    assert 'aria-hidden="true"' in svg and "role=" not in svg
    assert set(_fills(svg).values()) == {MISSING_COLOUR}


def test_map_is_deterministic_and_has_no_id():
    values = {"01": 0.1, "2A": 0.3}
    assert france_map_svg(values, BREAKS) == france_map_svg(values, BREAKS)
    assert " id=" not in france_map_svg(values, BREAKS)


def test_four_breaks_are_required():
    with pytest.raises(ValueError):
        france_map_svg({}, [0.1])
