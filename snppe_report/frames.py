"""Small helpers over pandas frames, shared by every stage.

:func:`records` is ``frame.to_dict("records")``, several times faster on the small
mixed-dtype frames the report walks: pandas builds each row through one ``iloc``
per column (``itertuples``), which costs more than the report's own work on
them; one conversion of the whole frame to objects does the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["records"]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts, exactly as ``frame.to_dict("records")`` gives them.

    Values are Python objects (``int``, ``float``, ``bool``, ``str``, ``Timestamp``),
    in object columns too; ``pd.NA`` is ``None``, as pandas gives them.

    Parameters
    ----------
    frame : DataFrame
        Columns with unique names.

    Returns
    -------
    list of dict
        One dict per row, keys in column order.
    """
    columns = list(frame.columns)
    if len(set(columns)) != len(columns):  # pandas' own rules then (it warns)
        return frame.to_dict("records")
    values = frame.to_numpy(dtype=object)
    if not values.flags.writeable:  # a view of an object block (copy-on-write)
        values = values.copy()
    for i, dtype in enumerate(frame.dtypes):
        # pandas boxes the values of object and extension columns as Python values
        if dtype == np.dtype(object) or isinstance(dtype, pd.api.extensions.ExtensionDtype):
            values[:, i] = [_native(v) for v in values[:, i]]
    return [dict(zip(columns, row, strict=True)) for row in values.tolist()]


def _native(value: Any) -> Any:
    """A value as pandas' ``to_dict`` gives it: Python scalars, ``NA`` as None."""
    if value is pd.NA:
        return None
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return pd.Timestamp(value)
        if isinstance(value, np.timedelta64):
            return pd.Timedelta(value)
        return value.item()
    return value
