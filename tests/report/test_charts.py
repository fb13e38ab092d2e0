"""charts: self-contained, deterministic SVG; no pyplot, no leaked figure."""

from __future__ import annotations

import base64
import gc
import subprocess
import sys

import pytest
from matplotlib.figure import Figure

from snppe_report.report import charts

EPP = dict(
    valeurs={2019: 0.036, 2022: 0.10},
    cibles={2023: 0.15},
    unite="pourcentage",
    cible_nationale=0.20,
)


def test_standalone_svg_with_text_kept_as_text():
    svg = charts.trajectory_svg(**EPP, key="epp")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg  # can be inlined in HTML
    assert "2019" in svg and "2023" in svg  # svg.fonttype = none: labels are text
    assert "DejaVu Sans" in svg


def test_no_date_creator_or_external_resource():
    svg = charts.trajectory_svg(**EPP, key="epp")
    assert "<dc:date>" not in svg and "matplotlib.org" not in svg
    assert "<image" not in svg
    # the only URLs are XML namespaces, never something to fetch
    assert {u for u in _urls(svg)} <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_deterministic_and_salted_by_key():
    first = charts.trajectory_svg(**EPP, key="epp")
    assert charts.trajectory_svg(**EPP, key="epp") == first
    other = charts.trajectory_svg(**EPP, key="vad")
    assert other != first  # ids differ: two charts in one page never share an id


def test_french_percent_ticks_by_default():
    svg = charts.trajectory_svg(**EPP, key="epp")
    assert ">20 %</text>" in svg and "." not in _tick_texts(svg)


def test_french_number_ticks():
    svg = charts.trajectory_svg(valeurs={2019: 940.0, 2022: 997.5}, cibles={2023: 1000.0},
                                unite="heures", key="psy")  # fmt: skip
    assert ">1 000</text>" in svg


def test_custom_tick_formatter_is_used():
    svg = charts.trajectory_svg(**EPP, key="epp", format_tick=lambda v: f"<{v:.2f}>")
    assert "&lt;0.10&gt;" in svg  # text is XML-escaped by matplotlib


@pytest.mark.parametrize(
    "valeurs, cibles",
    [
        ({2019: None, 2022: float("nan")}, {2023: None}),
        ({}, {}),
        ({2019: 940.0, 2022: 997.5}, {2023: 1000.0}),
        ({2019: 0.0, 2022: 0.0}, {}),
        ({2019: -3.0, 2022: 2.0}, {2023: 5.0}),
    ],
)
def test_degenerate_series_do_not_fail(valeurs, cibles):
    svg = charts.trajectory_svg(valeurs=valeurs, cibles=cibles, unite="nombre", key="x")
    assert svg.startswith("<svg")


def test_data_uri_round_trip():
    svg = charts.trajectory_svg(**EPP, key="epp")
    uri = charts.svg_data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode("utf-8") == svg


def test_one_figure_per_thread_is_reused_and_left_empty():
    charts.trajectory_svg(**EPP, key="warm")
    gc.collect()
    before = sum(isinstance(o, Figure) for o in gc.get_objects())
    for i in range(5):
        charts.trajectory_svg(**EPP, key=f"k{i}")
    gc.collect()
    assert sum(isinstance(o, Figure) for o in gc.get_objects()) == before  # no new figure
    _size, _fig, ax = charts._local.canvas
    assert not ax.lines and not ax.texts  # nothing of a chart survives into the next


def test_reused_figure_gives_the_same_svg_as_a_fresh_one():
    first = charts.trajectory_svg(**EPP, key="epp")
    charts.trajectory_svg(valeurs={2019: 940.0, 2022: 997.5}, cibles={}, unite="heures")
    charts._local.canvas = None  # a fresh figure
    assert charts.trajectory_svg(**EPP, key="epp") == first


def test_axes_machinery_is_off():
    """The axes machinery is off: only the drawn lines and the labels are artists."""
    charts.trajectory_svg(**EPP, key="epp")
    _size, fig, ax = charts._local.canvas
    assert not ax.axison


def test_charts_never_import_pyplot():
    code = (
        "import sys; import snppe_report.report.charts as c; "
        "c.trajectory_svg(valeurs={2019: 1.0, 2022: 2.0}, cibles={}, unite='nombre'); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _urls(svg: str) -> list[str]:
    import re

    return re.findall(r"https?://[^\"' )>]+", svg)


def _tick_texts(svg: str) -> str:
    import re

    return " ".join(re.findall(r">([^<>]*%)</text>", svg))
