"""Workbook -> HTML and PDF report: the orchestration of one render.

With its private step modules :mod:`snppe_report.report.execute` (papermill) and
:mod:`snppe_report.report.convert` (nbconvert, Typst), the only papermill /
nbconvert / PDF engine importer. :func:`execute_notebook`, :func:`notebook_to_html` and
:func:`notebook_to_pdf` are re-exported here and remain this module's public API.

:func:`render_report` reads as the list of its steps:

1. check the notebook parameters (a mistyped one stops here, before any kernel
   starts; an unknown one right after: papermill itself only warns, papermill #818);
2. launch the kernel in a private working folder (one per job: parallel renders
   never share a file), so that it starts, and imports pandas, matplotlib and the
   package, on the other core while this process goes on
   (:class:`~snppe_report.report.execute.LaunchedKernel`; a batch worker's warm
   kernel is already up);
3. read the workbooks once, in this process (unless the caller, a batch, already
   did): the collectivité and the year give the output folder ``<out_dir>/<slug>/``
   and the names ``rapport-<annee>.*``; an unreadable workbook stops here, with its
   file, sheet and cell, before any cell runs (the kernel is killed); the extraction
   is handed to the kernel (a pickle in the private working folder, notebook
   parameter ``extraction_lue``), so the notebook does not read the workbook again;
4. execute the notebook with papermill in that kernel (:mod:`snppe_report.report.execute`);
5. convert it with nbconvert's :class:`~nbconvert.HTMLExporter` and the ``snppe``
   template, code and prompts hidden by the exporter's settings
   (:mod:`snppe_report.report.convert`);
6. convert it to an accessible A4 PDF (PDF/UA-1, PDF/A-2a) with the project's
   nbconvert exporter and Typst: the sections' ``text/vnd.typst`` outputs, template
   ``snppe_typst`` (:mod:`snppe_report.report.exporter`), in a thread while step 5
   runs (the Typst compiler releases the GIL);
7. publish the outputs atomically (:mod:`snppe_report.report.publish`: temporary file in the
   destination folder, then :func:`os.replace`), so a failed run never overwrites a
   previous good report.

A failed execution is kept as ``rapport-<annee>.echec.ipynb`` for audit and raised as
:class:`~snppe_report.exceptions.RenderError`, or as the workbook's own
:class:`~snppe_report.exceptions.SnppeError` subclass when the notebook stopped on one.
The kernel is always shut down, and never outlives its folder (:mod:`.execute`).

Heavy imports (papermill, nbconvert, Typst) happen inside the functions that need
them, so importing this module (and its step modules) stays cheap.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snppe_report._paths import (  # TEMPLATES: base dir of the nbconvert template
    NOTEBOOKS,
    TEMPLATES,
)
from snppe_report.exceptions import ParameterError
from snppe_report.report.convert import HIDDEN_TAGS as HIDDEN_TAGS  # re-exported: public constant
from snppe_report.report.convert import (
    _lean_jsonschema,
    _preload_in_background,
    notebook_to_html,
    notebook_to_pdf,
)
from snppe_report.report.execute import EXECUTED as EXECUTED  # re-exported: public constant
from snppe_report.report.execute import LaunchedKernel, _papermill, execute_notebook
from snppe_report.report.publish import discard, publish

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from snppe_report.read.collectivites import Collectivite

__all__ = [
    "NOTEBOOK",
    "TEMPLATES",
    "FORMATS",
    "ReportResult",
    "render_report",
    "validate_parameters",
    "execute_notebook",
    "notebook_to_html",
    "notebook_to_pdf",
]

log = logging.getLogger(__name__)

#: The report notebook (thin: parameters, then calls into :mod:`snppe_report.report.model`).
NOTEBOOK = NOTEBOOKS / "rapport_departemental.ipynb"
#: Output formats; the executed notebook (``ipynb``) is always kept.
FORMATS = ("html", "pdf", "ipynb")
# HIDDEN_TAGS (cells left out of the report) and EXECUTED (name of the executed notebook
# in a job's working folder) are defined next to their step, in convert and execute.

_PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "workbook": (str,),
    "departement": (str, type(None)),
    "annee": (int, type(None)),
    "autres_classeurs": (list,),
    "consolide": (str, type(None)),
    "emetteur": (str, type(None)),
    "extraction_lue": (str, type(None)),
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
    consolide: str | os.PathLike[str] | None = None,
    emetteur: str | None = None,
    extractions: Sequence[Any] | None = None,
    early_kernel: bool = True,
) -> ReportResult:
    """Render the annual report of one workbook to HTML and PDF.

    A workbook error is raised by the parent's extraction (step 3), with its cell,
    before any cell runs. nbconvert and Typst are imported in a background
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
    consolide : path-like, optional
        A batch's ``consolide.parquet`` (or ``.csv``): the report gains the section
        "Positionnement" (the collectivité among the others, ratio by ratio).
    emetteur : str, optional
        Issuer block of the cover (``"Préfecture du Haut-Rhin — ARS Grand Est"``).
    extractions : sequence of table.Extraction, optional
        The workbook and the ``autres_classeurs``, already read (in that order) by
        the caller: they are not read again.
    early_kernel : bool
        Launch the kernel first, so that it starts while the workbook is read
        (:class:`~snppe_report.report.execute.LaunchedKernel`). ``False`` where a
        kernel is already up (a batch worker's warm kernel).

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
    if consolide is not None:
        consolide = Path(consolide).expanduser().resolve()
        parameters["consolide"] = str(consolide)
    if emetteur:
        parameters["emetteur"] = emetteur
    parameters["extraction_lue"] = None
    _check_types(parameters)  # a mistyped parameter stops here, before any kernel
    # the kernel starts (on the other core) while the workbook is read here
    with LaunchedKernel(kernel_name) if early_kernel else _private_folder() as kernel:
        work = kernel.workdir
        if consolide is not None:
            from snppe_report.report.positioning import load_consolidated_rows

            load_consolidated_rows(consolide)  # unreadable data stops here, before any cell
        parameters = validate_parameters(NOTEBOOK, parameters)
        merged, extraction = _read(path, departement, others, extractions)
        collectivite, year = merged.collectivite, _year(merged, annee, path)
        dest, stem = root / collectivite.slug, f"rapport-{year}"
        preloading = _preload_in_background(wanted) if wanted else None
        parameters["extraction_lue"] = str(_save_extraction(merged, work / "extraction.pickle"))
        nb, durations = execute_notebook(
            NOTEBOOK,
            parameters,
            workdir=work,
            kernel_name=kernel_name,
            failed_path=dest / f"{stem}.echec.ipynb",
            kernel=kernel if early_kernel else None,
        )
        durations["extraction"] = extraction
        staged = {"ipynb": work / f"{stem}.ipynb"}
        _write_notebook(nb, staged["ipynb"])
        if wanted:
            preloading.join()  # type: ignore[union-attr]
            title = f"Rapport SNPPE {year} — {collectivite.nom}"
            with ThreadPoolExecutor(1, thread_name_prefix="snppe-pdf") as pool:
                if "pdf" in wanted:  # Typst releases the GIL: the PDF compiles meanwhile
                    staged["pdf"] = work / f"{stem}.pdf"
                    pdf = pool.submit(_timed, notebook_to_pdf, nb, staged["pdf"], title=title)
                if "html" in wanted:
                    html, durations["html"] = _timed(notebook_to_html, nb, title=title)
                    staged["html"] = work / f"{stem}.html"
                    staged["html"].write_text(html, encoding="utf-8")
                if "pdf" in wanted:
                    _, durations["pdf"] = pdf.result()
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
    _check_types(parameters, notebook)
    return dict(parameters)


def _check_types(parameters: Mapping[str, Any], notebook: Any = NOTEBOOK) -> None:
    """Each known parameter has one of its accepted types (ParameterError otherwise)."""
    for name, value in parameters.items():
        allowed = _PARAMETER_TYPES.get(name)
        if allowed and (isinstance(value, bool) or not isinstance(value, allowed)):
            expected = " ou ".join(_type_name(t) for t in allowed)
            raise ParameterError(
                f"le paramètre « {name} » doit être {expected} (reçu : {value!r})",
                file=notebook,
            )


class _private_folder:  # noqa: N801 - used like tempfile.TemporaryDirectory
    """A private working folder without a kernel launched ahead (``early_kernel=False``)."""

    def __enter__(self) -> _private_folder:
        self._tmp = tempfile.TemporaryDirectory(prefix="snppe-rapport-")
        self.workdir = Path(self._tmp.name)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._tmp.cleanup()


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


def _read(
    path: Path, departement: str | None, others: list[str], extractions: Sequence[Any] | None
) -> tuple[Any, float]:
    """The merged extraction (read here unless given) and the seconds spent reading."""
    from snppe_report.report.extraction import load_extraction, merge_series

    started = time.perf_counter()
    if extractions:
        merged = merge_series(extractions[0], extractions[1:])
    else:
        merged = load_extraction(path, departement, others)
    return merged, time.perf_counter() - started


def _year(extraction: Any, annee: int | None, path: Path) -> int:
    """The campaign year: ``annee`` (one of the workbook's years: exit 2 with the
    accepted years otherwise), else the workbook's."""
    if annee is not None:
        from snppe_report.analysis.indicators import check_campaign_year

        check_campaign_year(extraction, annee)
    year = annee if annee is not None else extraction.annee
    if year is None:
        raise ParameterError(
            "l'année de campagne n'a pas pu être déterminée : préciser l'année", file=path
        )
    return int(year)


def _save_extraction(extraction: Any, path: Path) -> Path:
    """Pickle the extraction for the kernel, its path made absolute (the kernel's cwd
    is the private working folder)."""
    from dataclasses import replace

    from snppe_report.report.extraction import save_extraction

    return save_extraction(replace(extraction, path=Path(extraction.path).resolve()), path)


def _write_notebook(nb: NotebookNode, path: Path) -> None:
    _lean_jsonschema()
    import nbformat

    nbformat.write(nb, str(path))


def _timed(func, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - started


def _type_name(t: type) -> str:
    return {str: "un texte", int: "un entier", type(None): "vide (None)"}.get(t, t.__name__)
