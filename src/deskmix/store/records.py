"""Frames as the rows a database driver takes: ``None`` for every missing value.

pandas marks missing values as ``NaN``, ``NaT`` or ``<NA>`` by dtype; drivers want ``None``
and plain Python values, so every write of a frame goes through this one conversion.
"""

from __future__ import annotations

import pandas as pd


def as_object_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts with ``None`` for missing values, the shape database drivers want."""
    converted: dict[str, list[object]] = {}
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            values = series.dt.to_pydatetime()
            mask = series.isna().to_numpy()
            converted[column] = [None if m else v for v, m in zip(values, mask, strict=True)]
        else:
            obj = series.astype(object)
            converted[column] = obj.where(series.notna(), None).tolist()
    names = list(converted)
    return [dict(zip(names, row, strict=True)) for row in zip(*converted.values(), strict=True)]
