"""What the synthesis notebook displays: each section as HTML and as Typst.

:func:`section` returns an object whose rich display carries both renderings of one
section (``text/html`` for nbconvert, ``text/vnd.typst`` for the PDF), so that one
papermill run yields the HTML and the PDF alike (quarto's lesson: a Typst PDF built
from HTML outputs loses them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from snppe_report.synthesis.html import MACROS, section_html
from snppe_report.synthesis.render import TYPST_MIMETYPE

if TYPE_CHECKING:
    from snppe_report.synthesis.model import Synthesis

__all__ = ["MACROS", "Section", "section"]


@dataclass(frozen=True)
class Section:
    """One section of the synthesis, rendered on display."""

    name: str
    synthesis: Synthesis

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        from snppe_report.synthesis.typst import section_typst

        return {
            "text/html": section_html(self.name, self.synthesis),
            TYPST_MIMETYPE: section_typst(self.name, self.synthesis),
            "text/plain": f"Synthèse nationale : section « {self.name} »",
        }


def section(name: str, s: Synthesis) -> Section:
    """The section ``name`` (one of :data:`MACROS`) of the synthesis ``s``, to display.

    Raises
    ------
    ValueError
        Unknown section name.
    """
    if name not in MACROS:
        raise ValueError(f"section inconnue : {name!r} (sections : {', '.join(MACROS)})")
    return Section(name, s)
