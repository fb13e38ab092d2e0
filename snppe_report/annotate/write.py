"""An annotated copy of a workbook: ``DOSSIER/<code>-<nom>-<annee>-annote.xlsx``.

:func:`write_annotated` reads as its steps:

1. read the original's bytes again and check they are the ones the reader checked
   (same SHA-256): the copy is made of what was checked, and nothing is written when
   the file changed in between;
2. copy them (:mod:`snppe_report.annotate.copy`);
3. place every finding (:mod:`snppe_report.annotate.locate`), comment and mark its
   cell (:mod:`snppe_report.annotate.marks`);
4. insert the "Constats" sheet first (:mod:`snppe_report.annotate.constats`);
5. save atomically (:func:`snppe_report.output.atomic_path`), then check that the
   original's hash has not changed.

Nothing of the workbook is executed: no macro is loaded, no formula computed, no link
followed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snppe_report.annotate import inventory
from snppe_report.annotate.locate import locate_all
from snppe_report.annotate.notes import completeness_rules, entries
from snppe_report.exceptions import InputError, ParameterError
from snppe_report.frames import records as frame_records

__all__ = [
    "Annotated",
    "annotate_file",
    "annotated_name",
    "check_out_dir",
    "write_annotated",
    "write_annotated_all",
]

log = logging.getLogger(__name__)
SUFFIX = "-annote.xlsx"


def annotated_name(extraction: Any) -> str:
    """``<code>-<nom>-<annee>-annote.xlsx``, from the reference table's slug only."""
    return f"{extraction.collectivite.slug}-{int(extraction.annee)}{SUFFIX}"


@dataclass(frozen=True)
class Annotated:
    """What :func:`write_annotated` wrote.

    Attributes
    ----------
    path : Path
        The copy.
    findings : int
        Findings listed on its "Constats" sheet.
    commented : int
        Cells commented and marked.
    converted : bool
        The original was not an .xlsx/.xlsm: the copy was rebuilt from its cells.
    """

    path: Path
    findings: int
    commented: int
    converted: bool

    def summary(self) -> str:
        """One French line for ``snppe check --annoter``."""
        what = " (convertie en .xlsx)" if self.converted else ""
        return (
            f"copie annotée{what} : {self.path} — {self.findings} constat"
            f"{'s' if self.findings > 1 else ''}, {self.commented} cellule"
            f"{'s' if self.commented > 1 else ''} commentée{'s' if self.commented > 1 else ''}"
        )


def write_annotated(
    workbook: Any, extraction: Any, findings: Sequence[Any], out_dir: str | Path
) -> Annotated:
    """Write the annotated copy of one workbook.

    Parameters
    ----------
    workbook : snppe_report.read.cells.Workbook
        The workbook as read (its path, SHA-256, format and cells).
    extraction : snppe_report.read.table.Extraction
        Its tidy table, collectivité and campaign year.
    findings : sequence of Finding
        Every finding to show (read-time and checks).
    out_dir : str or Path
        The folder of the copy.

    Returns
    -------
    Annotated

    Raises
    ------
    InputError
        The original changed since it was read.
    ParameterError
        The copy would replace the original.
    SnppeError
        The copy cannot be written (exit code 2); nothing is left behind.
    """
    from snppe_report.annotate.cached import restore_cached
    from snppe_report.annotate.constats import constats_title, write_constats
    from snppe_report.annotate.copy import copy_workbook
    from snppe_report.annotate.marks import annotate_cells
    from snppe_report.output import atomic_path

    source = Path(workbook.path)
    dest = Path(out_dir) / annotated_name(extraction)
    if dest.resolve() == source.resolve():
        raise ParameterError("la copie annotée remplacerait l'original : choisir un autre dossier.")
    data = _checked_bytes(source, workbook.sha256)
    copy = copy_workbook(data, workbook)
    names = [s.name for s in workbook.sheets]
    rows = frame_records(extraction.rows)
    found = entries(findings, locate_all(findings, rows, names, _catalogue()))
    title = constats_title(list(copy.sheets.values()))
    commented = annotate_cells(copy.book, copy.sheets, found, title)
    converted = workbook.kind != "xlsx"
    notes = [*copy.notes]
    if converted:
        notes = [*inventory.rebuilt_notes(workbook.kind, source.suffix), *notes]
    else:
        lost = inventory.lost_parts(_part_names(data))
        if lost:
            notes.append("Non repris dans la copie : " + " ; ".join(lost) + ".")
    write_constats(
        copy.book, title, _heading(extraction, source), found, notes, _rules(extraction),
        copy.sheets,
    )  # fmt: skip
    # a failed write is an OutputError naming the copy and why (disque plein…); the
    # previous copy, if any, is left as it was
    with atomic_path(dest) as tmp:
        copy.book.save(tmp)
        parts = {ws.title: ws.path.lstrip("/") for ws in copy.book.worksheets}
        restore_cached(tmp, parts, copy.cached)
        _checked_bytes(source, workbook.sha256)  # the original is untouched
    log.info("copie annotée %s : %d constats, %d cellules", dest, len(found), commented)
    return Annotated(dest, len(found), commented, converted)


def check_out_dir(out_dir: str | Path) -> Path:
    """The folder of the copies, refused early when it is a file.

    Raises
    ------
    ParameterError
        ``out_dir`` exists and is not a folder.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--annoter attend un dossier : « {out} » est un fichier.", file=out)
    return out


def write_annotated_all(
    checked: Sequence[tuple[Any, Any, Sequence[Any]]], out_dir: str | Path
) -> list[Annotated]:
    """Write the annotated copies of several checked workbooks into one folder.

    Parameters
    ----------
    checked : sequence of (Workbook, Extraction, findings)
    out_dir : str or Path

    Returns
    -------
    list of Annotated

    Raises
    ------
    ParameterError
        Two workbooks would give the same copy (same collectivité and campaign): nothing
        is written.
    """
    out = check_out_dir(out_dir)
    seen: dict[str, Path] = {}
    for workbook, extraction, _ in checked:
        name = annotated_name(extraction)
        if name in seen:
            raise ParameterError(
                f"« {seen[name].name} » et « {Path(workbook.path).name} » donneraient la même "
                f"copie annotée « {name} » (même collectivité, même campagne) : annotez-les "
                "séparément, dans deux dossiers. Aucune copie écrite."
            )
        seen[name] = Path(workbook.path)
    return [write_annotated(wb, ex, found, out) for wb, ex, found in checked]


def annotate_file(
    path: str | Path,
    out_dir: str | Path,
    departement: str | None = None,
    sha256: str | None = None,
) -> Annotated:
    """Read, check and annotate one workbook (the batch's job).

    Parameters
    ----------
    path : str or Path
    out_dir : str or Path
    departement : str, optional
        Collectivité code; overrides detection.
    sha256 : str, optional
        The hash the workbook must still have (the batch's plan): otherwise nothing
        is written.

    Returns
    -------
    Annotated
    """
    from snppe_report.analysis.checks import check_extraction
    from snppe_report.read.table import extract_workbook
    from snppe_report.read.workbook import read_workbook

    workbook = read_workbook(path)
    if sha256 is not None and workbook.sha256 != sha256:
        raise InputError(
            "le classeur a changé depuis le début du lot : aucune copie annotée écrite ; relancez.",
            file=path,
        )
    extraction = extract_workbook(workbook, departement)
    return write_annotated(workbook, extraction, check_extraction(extraction), out_dir)


def _checked_bytes(path: Path, sha256: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"relecture impossible ({exc.strerror or exc}).", file=path) from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise InputError(
            "le classeur a changé pendant son contrôle : aucune copie annotée écrite ; relancez.",
            file=path,
        )
    return data


def _part_names(data: bytes) -> list[str]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def _heading(extraction: Any, source: Path) -> list[str]:
    place = extraction.collectivite
    lines = [
        "Constats de snppe-report",
        f"Classeur « {source.name} » — {place.nom} ({place.code}) — campagne "
        f"{int(extraction.annee)}",
    ]
    if getattr(extraction, "fictive", False):
        lines.append("DONNÉES FICTIVES : ce classeur est un exemple, pas un tableau de bord réel.")
    return lines


def _rules(extraction: Any) -> list[tuple[str, list[str]]]:
    from snppe_report.analysis.status import status_rules

    return [
        ("Règles de complétude et de cohérence (snppe check)",
         completeness_rules(int(extraction.annee))),
        ("Règles des statuts (annexe du rapport)", status_rules()),
    ]  # fmt: skip


def _catalogue():
    from snppe_report.read.catalogue import load_catalogue

    return load_catalogue()
