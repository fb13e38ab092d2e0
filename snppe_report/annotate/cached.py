"""Formulas keep their cached values in the copy.

openpyxl writes a formula without its last computed value (``<f>D8/D7</f><v />``):
Excel recomputes it on opening, but any reader that does not compute (this package's
own, a viewer, a script reading with ``data_only``) would see an empty cell. After the
copy is saved, each formula cell of its sheet parts gets back the value the original
had cached. The parts are openpyxl's own output, whose cells have one fixed form; the
values are the original's, escaped. Nothing is computed.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["cached_values", "restore_cached"]

#: A formula cell as openpyxl writes it, with its empty value.
_FORMULA_CELL = re.compile(
    r'<c r="(?P<ref>[A-Z]{1,3}\d{1,7})"(?P<attrs>(?: s="\d+")?)>'
    r"(?P<f><f(?: [^>]*)?>[^<]*</f>|<f(?: [^>]*)?/>)<v ?/></c>"
)
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def cached_values(formulas, values) -> dict[str, dict[str, tuple[Any, str]]]:
    """The cached value of every formula cell, by sheet and cell reference.

    Parameters
    ----------
    formulas, values : openpyxl.Workbook
        The same workbook loaded with its formulas and with its cached values
        (``data_only``).

    Returns
    -------
    dict
        Sheet title -> ``{"D9": (value, data_type)}`` for the formulas that have one.
    """
    out: dict[str, dict[str, tuple[Any, str]]] = {}
    for ws in formulas.worksheets:
        cached = values[ws.title]._cells
        for key, cell in ws._cells.items():
            if cell.data_type == "f" and key in cached and cached[key].value is not None:
                out.setdefault(ws.title, {})[cell.coordinate] = (
                    cached[key].value,
                    cached[key].data_type,
                )
    return out


def _v(value: Any, data_type: str) -> tuple[str, str]:
    """The ``t`` attribute and ``<v>`` text of a cached value."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if data_type == "e":
        return ' t="e"', escape(str(value))
    if isinstance(value, str):
        return ' t="str"', escape(_ILLEGAL.sub(" ", value))
    if hasattr(value, "year") or hasattr(value, "hour") or hasattr(value, "days"):
        from openpyxl.utils.datetime import to_excel

        return "", repr(float(to_excel(value)))
    return "", repr(value) if isinstance(value, float) else str(value)


def restore_cached(path: Path, parts: Mapping[str, str], cached: Mapping[str, Mapping]) -> int:
    """Put the cached values back into the saved copy at ``path`` (rewritten in place).

    Parameters
    ----------
    path : Path
        The copy, as openpyxl saved it.
    parts : mapping
        Sheet title -> its part in the archive (``"xl/worksheets/sheet2.xml"``).
    cached : mapping
        :func:`cached_values` of the original.

    Returns
    -------
    int
        The number of cells given their value.
    """
    wanted = {parts[title]: values for title, values in cached.items() if title in parts}
    if not wanted:
        return 0
    done = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            values = wanted.get(info.filename)
            if values:

                def fill(match: re.Match, values=values) -> str:
                    nonlocal done
                    found = values.get(match["ref"])
                    if found is None:
                        return match[0]
                    done += 1
                    t, text = _v(*found)
                    return f'<c r="{match["ref"]}"{match["attrs"]}{t}>{match["f"]}<v>{text}</v></c>'

                data = _FORMULA_CELL.sub(fill, data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return done
