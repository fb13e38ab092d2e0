"""The one error hierarchy of snppe-report.

Every error a user can cause (a bad workbook, a wrong option) is a
:class:`SnppeError`. It carries its context (file, sheet, cell) as fields,
formats its own French message, knows its exit code and survives pickling, so
batch workers can send it back to the parent process.
Anything else that escapes is a bug.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "SnppeError",
    "InputError",
    "UnreadableWorkbookError",
    "UnsafeWorkbookError",
    "LayoutError",
    "CollectiviteError",
    "ParameterError",
    "RenderError",
    "OutputError",
    "Interruption",
]


class SnppeError(Exception):
    """Base of every expected error; ``str()`` is the French message for the user."""

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.sheet = sheet
        self.cell = cell

    def where(self) -> str:
        """French description of the location: file, sheet and cell when known."""
        parts = []
        if self.file:
            parts.append(f"fichier « {Path(self.file).name} »")
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.cell:
            parts.append(f"cellule {self.cell}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where} : {self.message}" if where else self.message

    def __reduce__(self):
        return (
            _rebuild,
            (type(self), self.message, self.file, self.sheet, self.cell),
        )

    def to_dict(self) -> dict:
        """Plain fields, for the batch manifest."""
        return {
            "type": type(self).__name__,
            "message": str(self),
            "fichier": self.file,
            "feuille": self.sheet,
            "cellule": self.cell,
        }


def _rebuild(cls, message, file, sheet, cell):
    return cls(message, file=file, sheet=sheet, cell=cell)


class InputError(SnppeError):
    """The input cannot be used (exit code 2)."""


class UnreadableWorkbookError(InputError):
    """Not a workbook, truncated, encrypted, or a format we do not read."""


class UnsafeWorkbookError(InputError):
    """A workbook that would cost too much to open (zip bomb, entity expansion, huge sheet)."""


class LayoutError(InputError):
    """A readable workbook without a recognisable dashboard (no sheet, no year column)."""


class CollectiviteError(InputError):
    """The collectivité cannot be determined, or an unknown code was given."""


class ParameterError(SnppeError):
    """A wrong option or notebook parameter, detected before any work starts."""


class RenderError(SnppeError):
    """The report could not be executed or rendered (notebook, HTML or PDF step)."""

    exit_code = 3


class OutputError(SnppeError):
    """An output cannot be written: full disk, read-only folder, closed output (exit 2).

    ``file`` is the output concerned (or ``"sortie standard"``); :meth:`where` shows
    its whole path, since the same name may exist in several folders.
    """

    def where(self) -> str:
        return f"« {self.file} »" if self.file else ""


class Interruption(SnppeError):
    """The run was stopped by a signal: exit 130 (Ctrl-C, SIGINT) or 143 (SIGTERM)."""

    exit_code = 130

    def __init__(self, message: str, *, signal_number: int = 2, **where) -> None:
        super().__init__(message, **where)
        self.signal_number = signal_number
        self.exit_code = 128 + signal_number
