"""Writing tables and files atomically.

A file is first written next to its destination under a temporary name, then
moved into place with :func:`os.replace`, so a failed run never leaves a half
written file nor replaces a previous good one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from snppe_report.destinations import output_error, write_stdout
from snppe_report.exceptions import ParameterError

__all__ = ["atomic_path", "write_table", "check_table_path", "TABLE_FORMATS"]

TABLE_FORMATS = (".csv", ".xlsx", ".parquet")


@contextlib.contextmanager
def atomic_path(destination: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; move it into place on success.

    A failed write (full disk, read-only folder…) raises
    :class:`~snppe_report.exceptions.OutputError` naming ``destination`` and the cause;
    the temporary file is removed and a previous ``destination`` is left untouched.
    """
    destination = Path(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent
        )
    except OSError as exc:
        raise output_error(exc, destination) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp creates 0600; outputs are shared
        os.replace(tmp_path, destination)
    except OSError as exc:
        raise output_error(exc, destination) from None
    finally:
        tmp_path.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_table_path(out: str | Path) -> str:
    """The table format of ``out`` (its suffix); :class:`ParameterError` if unsupported."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise ParameterError(
            f"extension « {out.suffix or '(aucune)'} » non prise en charge pour {out.name} : "
            "choisir .csv, .xlsx ou .parquet."
        )
    return suffix


def write_table(frames: Sequence[pd.DataFrame] | pd.DataFrame, out: str | Path | None) -> None:
    """Write the tidy table: CSV on stdout when ``out`` is None, else by extension.

    CSV is UTF-8 with a comma separator and dot decimals. A failed write raises
    :class:`~snppe_report.exceptions.OutputError` (a closed pipe on stdout raises
    :class:`BrokenPipeError`, for the caller to end quietly).
    """
    frame = frames if isinstance(frames, pd.DataFrame) else pd.concat(frames, ignore_index=True)
    if out is None:
        write_stdout(frame.to_csv(index=False, float_format="%.12g", lineterminator="\n"))
        return
    out = Path(out)
    suffix = check_table_path(out)
    with atomic_path(out) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, float_format="%.12g", lineterminator="\n")
        elif suffix == ".xlsx":
            _write_xlsx(frame, tmp)
        else:
            frame.to_parquet(tmp, index=False)


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Write an .xlsx where workbook texts stay texts.

    openpyxl turns any string starting with "=" into a live formula; a cell of a
    received workbook may hold "=cmd|' /C calc'!A0" (formula injection), so every
    string cell is forced back to the string type before saving.
    """
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="indicateurs")
        for row in writer.sheets["indicateurs"].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
