"""Publishing the national synthesis: the notebook run, then HTML and a Typst PDF.

:func:`render_synthesis` executes ``notebooks/synthese_nationale.ipynb`` with papermill
(like the reports), converts it to HTML with the ``snppe`` nbconvert template, and
compiles the PDF with Typst from the notebook's own outputs: every section the notebook
displays carries a ``text/vnd.typst`` twin of its HTML (:mod:`.sections`), so the PDF
says what the executed notebook says, and nothing is recomputed here. Files are
published atomically; a failed run keeps the previous ones.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from snppe_report._paths import NOTEBOOKS
from snppe_report.exceptions import InputError, ParameterError, RenderError
from snppe_report.report.publish import discard, publish
from snppe_report.synthesis.inputs import load_consolidated

__all__ = ["NOTEBOOK", "STEM", "TYPST_MIMETYPE", "render_synthesis", "typst_source"]

#: The synthesis notebook (thin: parameters, then calls into the package).
NOTEBOOK = NOTEBOOKS / "synthese_nationale.ipynb"
#: Stem of the published files: ``synthese-nationale.html`` / ``.pdf``.
STEM = "synthese-nationale"
#: MIME type of the Typst twin of every section.
TYPST_MIMETYPE = "text/vnd.typst"


def render_synthesis(
    consolide_parquet: str | os.PathLike[str],
    manifest: str | os.PathLike[str] | Mapping[str, Any] | None,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = ("html", "pdf"),
    *,
    annee: int | None = None,
    kernel_name: str = "python3",
) -> dict[str, Path]:
    """Execute the synthesis notebook and publish ``synthese-nationale.html`` / ``.pdf``.

    Parameters
    ----------
    consolide_parquet : path-like
        The batch's ``consolide.parquet``.
    manifest : path-like, mapping or None
        The batch's ``manifest.json`` or its content.
    out_dir : path-like
        Destination folder; files are replaced atomically, a failed run leaves the
        previous ones and keeps ``synthese-nationale.echec.ipynb`` for audit.
    formats : iterable of str
        Among ``"html"`` and ``"pdf"``.
    annee : int, optional
        The campaign year (default: the manifest's, else the most frequent).
    kernel_name : str
        Jupyter kernel.

    Returns
    -------
    dict of str to Path
        Published files by format.

    Raises
    ------
    ParameterError
        Unknown format.
    SnppeError
        The notebook, the HTML or the PDF step failed (:class:`RenderError`), or the
        inputs are unreadable (:class:`InputError`).
    """
    from snppe_report.report import render
    from snppe_report.synthesis.typst import compile_pdf

    wanted = tuple(dict.fromkeys(str(f).lower() for f in ([formats] if isinstance(formats, str)
                                                          else formats)))  # fmt: skip
    bad = [f for f in wanted if f not in ("html", "pdf")]
    if bad or not wanted:
        raise ParameterError(f"format(s) inconnu(s) : {', '.join(bad) or '(aucun)'} ; "
                             "formats possibles : html, pdf")  # fmt: skip
    consolide = Path(consolide_parquet).expanduser().resolve()
    if not consolide.is_file():
        raise InputError("données consolidées introuvables", file=consolide)
    load_consolidated(consolide)  # unreadable data stops here, before any kernel starts
    dest = Path(out_dir)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="snppe-synthese-") as tmp:
        work = Path(tmp)
        manifest_path = _manifest_file(manifest, work)
        parameters = render.validate_parameters(
            NOTEBOOK,
            {"consolide": str(consolide), "manifest": manifest_path, "annee": annee},
        )
        nb, _durations = render.execute_notebook(
            NOTEBOOK, parameters, workdir=work, kernel_name=kernel_name,
            failed_path=dest / f"{STEM}.echec.ipynb",
        )  # fmt: skip
        staged: dict[str, Path] = {}
        if "html" in wanted:
            html = render.notebook_to_html(nb, title="Synthèse nationale SNPPE")
            staged["html"] = work / f"{STEM}.html"
            staged["html"].write_text(html, encoding="utf-8")
        if "pdf" in wanted:
            staged["pdf"] = compile_pdf(typst_source(nb), work / f"{STEM}.pdf")
        published = publish(staged, dest)
    discard(dest / f"{STEM}.echec.ipynb")
    return published


def typst_source(nb: Any) -> str:
    """The Typst document of an executed synthesis notebook: its Typst outputs, in order.

    Raises
    ------
    RenderError
        When the notebook displayed no Typst section (nothing to typeset).
    """
    parts = [
        str(output["data"][TYPST_MIMETYPE])
        for cell in nb.cells
        if cell.get("cell_type") == "code"
        for output in cell.get("outputs", ())
        if TYPST_MIMETYPE in output.get("data", {})
    ]
    if not parts:
        raise RenderError("le carnet de synthèse n'a produit aucune section Typst",
                          file=str(NOTEBOOK))  # fmt: skip
    return "\n".join(parts)


def _manifest_file(manifest: Any, work: Path) -> str | None:
    if manifest is None:
        return None
    if isinstance(manifest, Mapping):
        path = work / "manifest.json"
        path.write_text(json.dumps(dict(manifest), ensure_ascii=False, default=str), "utf-8")
        return str(path)
    return str(Path(manifest).expanduser().resolve())
