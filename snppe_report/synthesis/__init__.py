"""The national synthesis: every collectivité's harmonised ratios side by side.

The synthesis notebook calls :func:`build_synthesis` and the section functions
(:func:`cover_html` ... :func:`method_html`); :func:`render_synthesis` publishes it.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "build": [
            "Synthesis",
            "IndicatorSection",
            "build_synthesis",
            "render_synthesis",
            "cover_html",
            "overview_html",
            "indicators_html",
            "completeness_html",
            "method_html",
        ],
    },
)
