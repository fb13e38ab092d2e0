"""The only papermill / nbconvert / WeasyPrint importer: workbook -> HTML and PDF report.

:func:`render_report` reads as the list of its steps:

1. validate the notebook parameters (an unknown or mistyped one stops here, before
   any kernel starts: papermill itself only warns, papermill #818);
2. extract the workbook once in this process, only to learn the collectivité and the
   year, hence the output folder ``<out_dir>/<slug>/`` and the names ``rapport-<annee>.*``;
   an unreadable workbook stops here too, with its file, sheet and cell, and no kernel;
3. execute the notebook with papermill in a private working folder (one per job:
   parallel renders never share a file);
4. convert it with nbconvert's :class:`~nbconvert.HTMLExporter` and the ``snppe``
   template, code and prompts hidden by the exporter's settings;
5. print the HTML to an A4 PDF with WeasyPrint (no JavaScript, no network);
6. publish the outputs atomically (:mod:`snppe_report._publish`: temporary file in the
   destination folder, then :func:`os.replace`), so a failed run never overwrites a
   previous good report.

A failed execution is kept as ``rapport-<annee>.echec.ipynb`` for audit and raised as
:class:`~snppe_report.exceptions.RenderError`, or as the workbook's own
:class:`~snppe_report.exceptions.SnppeError` subclass when the notebook stopped on one.
The kernel is always shut down (nbclient owns it and stops it in a ``finally``).

Heavy imports (papermill, nbconvert, WeasyPrint) happen inside the functions that need
them, so importing this module stays cheap.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import exceptions
from ._paths import NOTEBOOKS, TEMPLATES  # TEMPLATES: base dir of the nbconvert template
from ._publish import discard, keep_failure, publish
from .exceptions import ParameterError, RenderError, SnppeError

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from .collectivites import Collectivite

__all__ = [
    "NOTEBOOK",
    "TEMPLATES",
    "FORMATS",
    "ReportResult",
    "render_report",
    "validate_parameters",
    "execute_notebook",
    "notebook_to_html",
    "html_to_pdf",
]

log = logging.getLogger(__name__)

#: The report notebook (thin: parameters, then calls into :mod:`snppe_report.report`).
NOTEBOOK = NOTEBOOKS / "rapport_departemental.ipynb"
#: Output formats; the executed notebook (``ipynb``) is always kept.
FORMATS = ("html", "pdf", "ipynb")
#: Cells with one of these tags stay in the notebook but not in the report.
HIDDEN_TAGS = ("masquer",)
#: Name of the executed notebook inside a job's working folder.
EXECUTED = "execution.ipynb"

_PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "workbook": (str,),
    "departement": (str, type(None)),
    "annee": (int, type(None)),
    "autres_classeurs": (list,),
}


@dataclass(frozen=True)
class ReportResult:
    """What one render produced.

    Attributes
    ----------
    collectivite : Collectivite
        The collectivité the report is about.
    annee : int
        Campaign year of the report.
    outputs : dict of str to Path
        Published files by format (``html``, ``pdf``, ``ipynb``).
    durations : dict of str to float
        Seconds spent in each step: ``extraction`` (parent), ``kernel`` (start,
        shutdown and papermill overhead), ``execution`` (cells), ``html``, ``pdf``
        and ``total``.
    """

    collectivite: Collectivite
    annee: int
    outputs: dict[str, Path] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)


def render_report(
    workbook: str | os.PathLike[str],
    *,
    departement: str | None = None,
    annee: int | None = None,
    formats: Iterable[str] = ("html", "pdf"),
    out_dir: str | os.PathLike[str] = "build/rapports",
    kernel_name: str = "python3",
    autres_classeurs: Iterable[str | os.PathLike[str]] = (),
) -> ReportResult:
    """Render the annual report of one workbook to HTML and PDF.

    A workbook error is raised by the parent's extraction (step 2), with its cell,
    before any kernel starts. nbconvert and WeasyPrint are imported in a background
    thread while the kernel executes the notebook: the parent would otherwise wait idle.

    Parameters
    ----------
    workbook : path-like
        The dashboard workbook (``.xlsx``, ``.xlsm``, ``.ods``).
    departement : str, optional
        Département code when the workbook does not name it (e.g. ``"39"``).
    annee : int, optional
        Campaign year; defaults to the workbook's own.
    formats : iterable of str
        Among ``"html"`` and ``"pdf"``; the executed notebook is always written.
    out_dir : path-like
        Root of the outputs: files go to ``<out_dir>/<collectivite.slug>/``.
    kernel_name : str
        Jupyter kernel running the notebook.
    autres_classeurs : iterable of path-like
        Workbooks of the same collectivité for other years: the report shows the
        merged series and flags the revised values.

    Returns
    -------
    ReportResult
        The collectivité, the year, the published files and the step durations.

    Raises
    ------
    ParameterError
        Unknown format or notebook parameter, or a parameter of the wrong type.
    SnppeError
        The workbook cannot be read (raised by the extraction, exit code 2).
    RenderError
        The notebook, the HTML or the PDF step failed (exit code 3).
    """
    started = time.perf_counter()
    wanted = _check_formats(formats)
    path = Path(workbook).expanduser().resolve()
    root = Path(out_dir).expanduser().resolve()  # papermill changes the working directory
    others = [str(Path(p).expanduser().resolve()) for p in autres_classeurs]
    parameters = {"workbook": str(path), "departement": departement, "annee": annee}
    if others:
        parameters["autres_classeurs"] = others
    parameters = validate_parameters(NOTEBOOK, parameters)
    collectivite, year, extraction = _resolve(path, departement, annee)
    dest, stem = root / collectivite.slug, f"rapport-{year}"
    preloading = _preload_in_background(wanted) if wanted else None
    with tempfile.TemporaryDirectory(prefix="snppe-rapport-") as tmp:
        work = Path(tmp)
        nb, durations = execute_notebook(
            NOTEBOOK,
            parameters,
            workdir=work,
            kernel_name=kernel_name,
            failed_path=dest / f"{stem}.echec.ipynb",
        )
        durations["extraction"] = extraction
        staged = {"ipynb": work / f"{stem}.ipynb"}
        _write_notebook(nb, staged["ipynb"])
        if wanted:
            preloading.join()  # type: ignore[union-attr]  # Pango is not used by two threads
            title = f"Rapport SNPPE {year} — {collectivite.nom}"
            html, durations["html"] = _timed(notebook_to_html, nb, title=title)
            if "html" in wanted:
                staged["html"] = work / f"{stem}.html"
                staged["html"].write_text(html, encoding="utf-8")
            if "pdf" in wanted:
                staged["pdf"] = work / f"{stem}.pdf"
                _, durations["pdf"] = _timed(html_to_pdf, html, staged["pdf"])
        outputs = publish(staged, dest)
    discard(dest / f"{stem}.echec.ipynb")
    durations["total"] = time.perf_counter() - started
    log.info("rapport %s %s écrit en %.2f s", collectivite.slug, year, durations["total"])
    return ReportResult(collectivite=collectivite, annee=year, outputs=outputs, durations=durations)


def validate_parameters(notebook: str | os.PathLike[str], parameters: Mapping[str, Any]) -> dict:
    """Check parameters against the notebook's ``parameters`` cell, before any kernel starts.

    Parameters
    ----------
    notebook : path-like
        Notebook whose cell tagged ``parameters`` declares the accepted names.
    parameters : mapping
        Values to inject.

    Returns
    -------
    dict
        The parameters, unchanged, as a plain dict.

    Raises
    ------
    ParameterError
        A name the notebook does not declare, or a value of the wrong type.
    """
    papermill = _papermill()
    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(
            f"paramètre(s) inconnu(s) du notebook : {', '.join(unknown)} ; "
            f"paramètres acceptés : {', '.join(declared)}",
            file=notebook,
        )
    for name, value in parameters.items():
        allowed = _PARAMETER_TYPES.get(name)
        if allowed and (isinstance(value, bool) or not isinstance(value, allowed)):
            expected = " ou ".join(_type_name(t) for t in allowed)
            raise ParameterError(
                f"le paramètre « {name} » doit être {expected} (reçu : {value!r})",
                file=notebook,
            )
    return dict(parameters)


def execute_notebook(
    notebook: str | os.PathLike[str],
    parameters: Mapping[str, Any],
    *,
    workdir: str | os.PathLike[str],
    kernel_name: str = "python3",
    failed_path: str | os.PathLike[str] | None = None,
) -> tuple[NotebookNode, dict[str, float]]:
    """Run the notebook with papermill in ``workdir`` (its working directory).

    Parameters
    ----------
    notebook : path-like
        Input notebook (never modified).
    parameters : mapping
        Injected after the cell tagged ``parameters``.
    workdir : path-like
        Private folder of this job: the kernel's working directory and the place
        of the executed notebook.
    kernel_name : str
        Jupyter kernel name.
    failed_path : path-like, optional
        Where to keep the executed notebook when a cell fails (for audit).

    Returns
    -------
    tuple of (NotebookNode, dict)
        The executed notebook and the durations ``kernel`` and ``execution`` (s).

    Raises
    ------
    SnppeError
        A cell raised a :class:`SnppeError` subclass: raised again, same type and message.
    RenderError
        Any other failure of the execution.
    """
    papermill = _papermill()
    output = Path(workdir) / EXECUTED
    started = time.perf_counter()
    try:
        nb = papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=dict(parameters),
            kernel_name=kernel_name,
            cwd=str(workdir),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            # nbclient options: no graceful-shutdown wait, no kernel log noise on stderr
            shutdown_kernel="immediate",
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except papermill.PapermillExecutionError as exc:
        keep_failure(output, failed_path)
        raise _cell_error(exc, notebook) from exc
    except Exception as exc:  # kernel death, timeout, unreadable notebook...
        keep_failure(output, failed_path)
        raise RenderError(
            f"l'exécution du notebook a échoué : {type(exc).__name__}: {exc}", file=notebook
        ) from exc
    wall = time.perf_counter() - started
    cells = sum(
        float(cell.metadata.get("papermill", {}).get("duration") or 0.0) for cell in nb.cells
    )
    _drop_streams(nb)
    return nb, {"kernel": max(wall - cells, 0.0), "execution": cells}


def notebook_to_html(nb: NotebookNode, *, title: str | None = None) -> str:
    """Convert an executed notebook to one self-contained HTML page (template ``snppe``).

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    title : str, optional
        The page title (``<title>``, PDF metadata).

    Returns
    -------
    str
        The HTML document: ``lang="fr"``, inline CSS, no script, no code, no prompt,
        without the cells tagged with one of :data:`HIDDEN_TAGS`.
    """
    try:
        if title:
            nb = _copy_with_title(nb, title)
        html, _resources = _exporter().from_notebook_node(nb)
    except Exception as exc:
        raise RenderError(f"la conversion en HTML a échoué : {exc}") from exc
    return html


def html_to_pdf(
    html: str, pdf_path: str | os.PathLike[str], *, base_url: str | None = None
) -> Path:
    """Print the HTML report to an A4 PDF with WeasyPrint.

    Only ``data:`` URLs are fetched: any other resource (``http``, ``file``) stops
    the rendering, so the PDF never depends on the network or on local files.

    Parameters
    ----------
    html : str
        The report page.
    pdf_path : path-like
        Where to write the PDF.
    base_url : str, optional
        Base for relative URLs (none are expected).

    Returns
    -------
    Path
        ``pdf_path``.
    """
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    try:
        weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_data_only()).write_pdf(
            str(pdf_path)
        )
    except FatalURLFetchingError as exc:
        raise RenderError(f"ressource externe refusée dans le rapport : {exc}") from exc
    except Exception as exc:
        raise RenderError(f"la génération du PDF a échoué : {exc}", file=pdf_path) from exc
    return Path(pdf_path)


# -- steps -------------------------------------------------------------------------------


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = (formats,)
    wanted = tuple(dict.fromkeys(f.lower() for f in formats))
    bad = [f for f in wanted if f not in FORMATS]
    if bad:
        raise ParameterError(
            f"format(s) inconnu(s) : {', '.join(bad)} ; formats possibles : {', '.join(FORMATS)}"
        )
    return tuple(f for f in wanted if f != "ipynb")


def _resolve(
    path: Path, departement: str | None, annee: int | None
) -> tuple[Collectivite, int, float]:
    """Extract in this process, only to learn the collectivité and the year."""
    from .table import extract

    started = time.perf_counter()
    extraction = extract(path, departement=departement)
    year = annee if annee is not None else extraction.annee
    if year is None:
        raise ParameterError(
            "l'année de campagne n'a pas pu être déterminée : préciser l'année", file=path
        )
    return extraction.collectivite, int(year), time.perf_counter() - started


def _cell_error(exc: Any, notebook: str | os.PathLike[str]) -> SnppeError:
    """The error a failed cell raised, as our own type when it was one of ours."""
    cls = getattr(exceptions, exc.ename, None)
    if isinstance(cls, type) and issubclass(cls, SnppeError):
        return cls(exc.evalue)
    return RenderError(
        f"le notebook s'est arrêté à la cellule {exc.exec_count} : {exc.ename}: {exc.evalue}",
        file=notebook,
    )


def _drop_streams(nb: NotebookNode) -> None:
    """Remove printed text (warnings, logs) from the outputs: a report shows no console."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                log.warning("sortie texte du notebook ignorée : %s", out.get("text", "")[:500])
            else:
                kept.append(out)
        cell["outputs"] = kept


def _preload_in_background(wanted: tuple[str, ...]) -> threading.Thread:
    """Import the converters in a daemon thread, while the kernel runs.

    The caller joins it before converting; a failed run does not wait for it.
    """
    thread = threading.Thread(target=_preload, args=(wanted,), name="snppe-import", daemon=True)
    thread.start()
    return thread


def _preload(wanted: tuple[str, ...]) -> None:
    """Import and warm up the converters (see :func:`_preload_in_background`)."""
    try:
        _exporter()
        if "pdf" in wanted:
            import weasyprint

            weasyprint.HTML(string="<p lang=fr>é</p>").render()  # fontconfig and Pango warm-up
    except Exception:  # the conversion step itself will raise a proper RenderError
        log.debug("préchargement des convertisseurs impossible", exc_info=True)


@cache
def _exporter() -> Any:
    """The configured HTML exporter (built once: template loading costs ~0.2 s)."""
    _lean_jsonschema()
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    # No Pygments stylesheet: there is no code to highlight. (A child template's
    # conf.json cannot turn off a preprocessor its parent enables: the parent's conf
    # is merged last; the exporter's config has the final word.)
    config.CSSHTMLHeaderPreprocessor.enabled = False
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
    return HTMLExporter(
        config=config,
        template_name="snppe",
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="fr",
    )


def _copy_with_title(nb: NotebookNode, title: str) -> NotebookNode:
    import copy

    nb = copy.copy(nb)
    nb.metadata = copy.deepcopy(nb.metadata)
    nb.metadata["title"] = title
    return nb


def _write_notebook(nb: NotebookNode, path: Path) -> None:
    _lean_jsonschema()
    import nbformat

    nbformat.write(nb, str(path))


def _data_only() -> Any:
    """A WeasyPrint URL fetcher that only accepts ``data:`` URLs."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), fail_on_errors=True)


def _timed(func, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - started


def _type_name(t: type) -> str:
    return {str: "un texte", int: "un entier", type(None): "vide (None)"}.get(t, t.__name__)


def _papermill():
    _lean_jsonschema()
    import papermill

    return papermill


def _lean_jsonschema() -> None:
    """Spare the 1.4 s IRI grammar build that importing nbformat triggers.

    nbformat imports jsonschema, whose optional ``rfc3987_syntax`` dependency compiles
    a Lark grammar at import time (python-jsonschema/jsonschema#1428, #1392). nbformat
    never validates the ``iri`` format, so, unless something already imported it, the
    module is marked absent and jsonschema skips that one format checker.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
