"""The national synthesis: one campaign's collectivités side by side.

The synthesis notebook calls :func:`build_synthesis`, then displays each
:func:`section` (HTML and Typst twins); :func:`render_synthesis` runs it and publishes
the HTML and the tagged PDF.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "build": [
            "Synthesis",
            "IndicatorSection",
            "build_synthesis",
            "cover_html",
            "overview_html",
            "indicators_html",
            "completeness_html",
            "method_html",
        ],
        "render": ["render_synthesis"],
        "sections": ["section"],
    },
)
