"""Reading the workbooks of a report: once, merged into one series, handed to the kernel.

:func:`load_extraction` is the notebook's first call: it reads the workbook (and the
collectivité's workbooks of other years, merged by :func:`merge_series`), or loads the
extraction ``snppe report`` already read before the kernel started
(:func:`save_extraction`), so that each workbook is read once per report.
:func:`locate_workbook` finds a workbook a notebook parameter names.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from snppe_report import _paths

__all__ = ["load_extraction", "locate_workbook", "merge_series", "save_extraction"]


def load_extraction(
    workbook: str | os.PathLike[str],
    departement: str | None = None,
    autres_classeurs: Iterable[str | os.PathLike[str]] = (),
    deja_lue: str | os.PathLike[str] | None = None,
) -> Any:
    """Extract a workbook, merged with the collectivité's workbooks of other years.

    The other workbooks (other campaigns or layouts) are read with the main
    workbook's collectivité; their figures join the series, each keeping its cell
    prefixed by its file (``[fichier]feuille!cellule``), and every value a more
    recent workbook changed becomes a ``revision`` finding naming both cells.

    Parameters
    ----------
    workbook : path-like
        The main (most recent) workbook.
    departement : str, optional
        Collectivité code, when the workbook does not name it.
    autres_classeurs : iterable of path-like
        Workbooks of the same collectivité for other years.
    deja_lue : path-like, optional
        The same extraction, already read and merged by ``snppe report`` before the
        kernel started (:func:`save_extraction`): it is loaded instead of reading the
        workbooks again, so each workbook is read once per report. Once the render's
        private folder is gone (an executed notebook run again), the workbooks are read.

    Returns
    -------
    table.Extraction
        The main extraction, with the merged rows and the revision findings.

    Raises
    ------
    CollectiviteError
        Another workbook names a different collectivité.
    """
    if deja_lue and Path(deja_lue).is_file():
        return _load_saved(Path(deja_lue), locate_workbook(workbook))
    from snppe_report.read.table import extract

    main = extract(locate_workbook(workbook), departement=departement)
    others = [extract(locate_workbook(p), departement=departement) for p in autres_classeurs]
    return merge_series(main, others)


def merge_series(main: Any, others: Iterable[Any] = ()) -> Any:
    """The main extraction merged with extractions of the same collectivité's other years.

    Parameters
    ----------
    main : table.Extraction
        The main (most recent) workbook's extraction.
    others : iterable of table.Extraction
        Extractions of other years (see :func:`load_extraction`).

    Returns
    -------
    table.Extraction
        ``main`` itself when there is no other, else ``main`` with the merged rows
        (older cells prefixed by their file) and the revision findings.

    Raises
    ------
    CollectiviteError
        Another extraction names a different collectivité.
    """
    from dataclasses import replace

    from snppe_report.analysis.history import merge_extractions
    from snppe_report.exceptions import CollectiviteError

    others = list(others)
    if not others:
        return main
    for other in others:
        if other.collectivite.code != main.collectivite.code:
            raise CollectiviteError(
                f"ce classeur concerne {other.collectivite.libelle}, et non "
                f"{main.collectivite.libelle} : il ne peut pas compléter sa série.",
                file=other.path,
            )
    rows, revisions = merge_extractions([*others, main])
    older = rows["fichier"] != Path(main.path).name
    rows.loc[older, "source"] = "[" + rows.loc[older, "fichier"] + "]" + rows.loc[older, "source"]
    findings = (*main.findings, *(f for o in others for f in o.findings), *revisions)
    return replace(main, rows=rows, findings=findings)


def save_extraction(extraction: Any, path: str | os.PathLike[str]) -> Path:
    """Keep an extraction for the report's kernel (``deja_lue`` of :func:`load_extraction`).

    A pickle written by this process in the render's private working folder (never a
    file received from elsewhere: a pickle runs code when loaded).
    """
    import pickle

    target = Path(path)
    target.write_bytes(pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL))
    return target


def _load_saved(path: Path, workbook: Path) -> Any:
    import pickle

    from snppe_report.exceptions import RenderError

    extraction = pickle.loads(path.read_bytes())  # written by save_extraction, same render
    if Path(extraction.path).resolve() != workbook.resolve():
        raise RenderError(
            f"l'extraction transmise au notebook concerne {Path(extraction.path).name}",
            file=workbook,
        )
    return extraction


def locate_workbook(path: str | os.PathLike[str]) -> Path:
    """Find the workbook a notebook parameter names, whatever the working directory.

    A relative path is tried from the working directory, then from the repository's
    ``notebooks/`` folder (where the notebook's default parameter is written from).

    Parameters
    ----------
    path : path-like
        Absolute, or relative to the working directory or to ``notebooks/``.

    Returns
    -------
    Path
        The first existing candidate, else ``path`` unchanged (the extraction then
        reports the missing file in French).
    """
    given = Path(path).expanduser()
    if given.is_absolute() or given.exists():
        return given
    candidate = _paths.NOTEBOOKS / given
    return candidate.resolve() if candidate.exists() else given
