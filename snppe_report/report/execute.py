"""The execution step of a report: papermill runs the notebook in a private folder.

Private to :mod:`snppe_report.report.render`, which re-exports :func:`execute_notebook` and
:data:`EXECUTED`. With :mod:`snppe_report.report.render` and :mod:`snppe_report.report.convert`, the
only papermill importer (papermill is imported inside the functions that need it).

A failed execution is kept for audit (:func:`snppe_report.report.publish.keep_failure`) and
raised as :class:`~snppe_report.exceptions.RenderError`, or as the workbook's own
:class:`~snppe_report.exceptions.SnppeError` subclass when the notebook stopped on one.
The kernel is always shut down (nbclient owns it and stops it in a ``finally``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snppe_report import exceptions
from snppe_report.exceptions import RenderError, SnppeError
from snppe_report.report.convert import _lean_jsonschema
from snppe_report.report.publish import keep_failure

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["EXECUTED", "execute_notebook"]

# The logger of the render step, as before the split (and as in publish).
log = logging.getLogger("snppe_report.report.render")

#: Name of the executed notebook inside a job's working folder.
EXECUTED = "execution.ipynb"


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


def _papermill():
    """papermill, imported on first use (after :func:`_lean_jsonschema`)."""
    _lean_jsonschema()
    import papermill

    return papermill
