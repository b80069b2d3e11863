"""Column parsers shared by every importer: vectorised for speed, precise when they fail.

Each parser takes a pandas Series of strings (missing values already ``<NA>``) plus the row
numbers to report, and either returns a typed Series or raises ``InputError`` naming the first
bad row, the field, the value and what was expected, with a count of further bad rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from deskmix.domain.priority import Priority, PriorityMatrix
from deskmix.errors import InputError
from deskmix.importers.limits import INT_MAX

DEFAULT_MISSING: tuple[str, ...] = ("", "?", "NULL", "null", "None", "N/A", "n/a", "NaN", "nan")

_PRIORITY_WORDS: dict[str, Priority] = {
    "critical": Priority.P1,
    "urgent": Priority.P1,
    "highest": Priority.P1,
    "blocker": Priority.P1,
    "high": Priority.P2,
    "major": Priority.P2,
    "moderate": Priority.P3,
    "medium": Priority.P3,
    "normal": Priority.P3,
    "low": Priority.P4,
    "minor": Priority.P4,
    "lowest": Priority.P5,
    "planning": Priority.P5,
    "trivial": Priority.P5,
}
_LEVEL_WORDS: dict[str, int] = {"high": 1, "medium": 2, "moderate": 2, "low": 3}
# At most nine digits: a longer number is no priority or level, and int() of thousands of
# digits is refused by Python itself.
_LEADING_NUMBER = re.compile(r"^\s*[Pp]?(\d{1,9})\b")

MAX_HOURS = 100_000  # recorded work on one ticket beyond eleven years is no measurement
PRIORITY_EXPECTED = "P1..P5, 1..5, '1 - Critical', or a word such as critical/high/medium/low"
LEVEL_EXPECTED = "1..3 (1 = high), '2 - Medium', or high/medium/low"


def _fail(
    bad: pd.Series,
    rows: pd.Series,
    *,
    field: str,
    file: str | Path | None,
    message: str,
    expected: str,
) -> InputError:
    first = bad.index[0]
    more = len(bad) - 1
    suffix = f" ({more} more rows like it)" if more else ""
    return InputError(
        message + suffix,
        file=file,
        row=int(rows.loc[first]),
        field=field,
        value=bad.iloc[0],
        expected=expected,
    )


def clean_missing(frame: pd.DataFrame, tokens: tuple[str, ...] = DEFAULT_MISSING) -> pd.DataFrame:
    """Strip text and turn empty cells and the source's missing-value tokens into ``<NA>``."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            # Each distinct value once: columns repeat a few labels over many rows, and string
            # methods cost a Python call per element.
            codes, uniques = pd.factorize(series.astype("string"))
            stripped = pd.Series(uniques, dtype="string").str.strip()
            cleaned = stripped.mask(stripped.isin(tokens) | (stripped == ""))
            out[column] = pd.Series(
                cleaned.array.take(codes, allow_fill=True), index=series.index, dtype="string"
            )
    return out


_OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})$"


def _to_datetime(text: pd.Series, *, dayfirst: bool, fmt: str | None, utc: bool) -> pd.Series:
    if fmt:
        return pd.to_datetime(text, errors="coerce", format=fmt, utc=utc)
    return pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=dayfirst, utc=utc)


# Times the store (nanosecond timestamps) can hold; pandas reads a year such as -3 or 9999
# in a coarser unit, which would overflow when the times are put together.
_EARLIEST = pd.Timestamp("1678-01-01", tz="UTC")
_LATEST = pd.Timestamp("2261-12-31", tz="UTC")


def _storable(times: pd.Series) -> pd.Series:
    """UTC times in nanoseconds, ``NaT`` (reported as unparseable) outside that range."""
    inside = (times >= _EARLIEST) & (times <= _LATEST)
    return times.where(inside).astype("datetime64[ns, UTC]")


def _parse_distinct(
    sample: pd.Series, *, dayfirst: bool, fmt: str | None, timezone: str, file: str | Path | None
) -> pd.Series:
    """Texts to UTC times, ``NaT`` where unparseable (the caller reports those)."""
    if fmt and fmt.upper() != "ISO8601" and "%z" not in fmt and "%Z" not in fmt:
        # A format without a zone cannot read an offset: such text fails either way.
        with_offset = pd.Series(False, index=sample.index)
    else:
        with_offset = sample.str.contains(_OFFSET, regex=True)
    parsed = pd.Series(pd.NaT, index=sample.index, dtype="datetime64[ns, UTC]")
    if with_offset.any():
        parsed[with_offset] = _storable(
            _to_datetime(sample[with_offset], dayfirst=dayfirst, fmt=fmt, utc=True)
        )
    naive = ~with_offset
    if naive.any():
        local = _to_datetime(sample[naive], dayfirst=dayfirst, fmt=fmt, utc=False)
        if getattr(local.dt, "tz", None) is None:
            try:
                local = local.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
            except Exception as exc:  # unknown zone name
                raise InputError(
                    f"unknown time zone {timezone!r}", file=file, expected="an IANA zone name"
                ) from exc
        parsed[naive] = _storable(local.dt.tz_convert("UTC"))
    return parsed


def _example_date(fmt: str | None, dayfirst: bool) -> str:
    """31 December 2024, 17:30 written the way the source is expected to write it."""
    if fmt and fmt.upper() != "ISO8601":
        try:
            return pd.Timestamp(2024, 12, 31, 17, 30).strftime(fmt)
        except ValueError:
            pass
    return "31/12/2024 17:30" if dayfirst else "2024-12-31 17:30"


def parse_datetime(
    values: pd.Series,
    rows: pd.Series,
    *,
    field: str,
    file: str | Path | None = None,
    dayfirst: bool = False,
    fmt: str | None = None,
    timezone: str = "UTC",
) -> pd.Series:
    """Parse to UTC. Naive times are taken in ``timezone``; offsets in the text are honoured."""
    text = values.astype("string")
    present = text.notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if not present.any():
        return out
    sample = text[present]
    # Parse each distinct text once (event logs repeat times many times), then spread back.
    codes, uniques = pd.factorize(sample)
    distinct = _parse_distinct(
        pd.Series(uniques, dtype="string"),
        dayfirst=dayfirst,
        fmt=fmt,
        timezone=timezone,
        file=file,
    )
    parsed = pd.Series(distinct.array.take(codes), index=sample.index)
    bad = sample[parsed.isna()]
    if len(bad):
        hint = f"format {fmt}" if fmt else ("a day-first date" if dayfirst else "a date and time")
        raise _fail(
            bad,
            rows,
            field=field,
            file=file,
            message="unparseable date",
            expected=f"{hint} such as {_example_date(fmt, dayfirst)}",
        )
    out[present] = parsed
    return out


def parse_int(
    values: pd.Series,
    rows: pd.Series,
    *,
    field: str,
    file: str | Path | None = None,
    minimum: int = 0,
    maximum: int = INT_MAX,
) -> pd.Series:
    """Whole numbers from ``minimum`` to ``maximum``; missing stays missing.

    The maximum is the store's integer column: a larger count would wrap around (1e30
    became -9223372036854775808) or fail at insert time.
    """
    numbers = pd.to_numeric(values, errors="coerce")
    present = values.notna()
    bad_mask = present & (numbers.isna() | (numbers % 1 != 0) | (numbers < minimum))
    if bad_mask.any():
        raise _fail(
            values[bad_mask],
            rows,
            field=field,
            file=file,
            message="not a whole number" if minimum == 0 else f"not a whole number >= {minimum}",
            expected=f"a whole number >= {minimum}",
        )
    too_large = present & (numbers > maximum)
    if too_large.any():
        raise _fail(
            values[too_large],
            rows,
            field=field,
            file=file,
            message="number too large",
            expected=f"a whole number from {minimum} to {maximum:,}",
        )
    return numbers.astype("Int64")


def parse_hours(
    values: pd.Series, rows: pd.Series, *, field: str, file: str | Path | None = None
) -> pd.Series:
    """Recorded hours of work (``Float64``): a number from 0 to 100,000 (a decimal point)."""
    text = values.astype("string")
    numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
    bad = text.notna() & (numbers.isna() | (numbers < 0) | (numbers > MAX_HOURS))
    if bad.any():
        raise _fail(
            text[bad],
            rows,
            field=field,
            file=file,
            message="not a number of hours",
            expected=f"hours worked as a number from 0 to {MAX_HOURS:,} (1.5 for 90 minutes)",
        )
    return numbers


def _leading_number(text: str) -> int | None:
    match = _LEADING_NUMBER.match(text)
    return int(match.group(1)) if match else None


def priority_of(text: str) -> Priority | None:
    """One priority label to P1..P5, or ``None`` when it is not a priority at all."""
    number = _leading_number(text)
    if number is not None:
        return Priority(f"P{number}") if 1 <= number <= 5 else None
    return _PRIORITY_WORDS.get(text.strip().lower())


def level_of(text: str) -> int | None:
    """An impact or urgency label to 1 (high) .. 3 (low), or ``None`` when unrecognised."""
    number = _leading_number(text)
    if number is not None:
        return number if 1 <= number <= 3 else None
    return _LEVEL_WORDS.get(text.strip().lower())


def _map_unique(
    values: pd.Series,
    rows: pd.Series,
    convert: object,
    *,
    field: str,
    file: str | Path | None,
    expected: str,
    message: str,
    overrides: Mapping[str, object] | None = None,
) -> pd.Series:
    """Convert each distinct label once (tickets repeat a handful of labels many times)."""
    present = values.dropna()
    lookup: dict[str, object] = {}
    for label in present.unique():
        key = str(label)
        if overrides and key in overrides:
            lookup[key] = overrides[key]
        else:
            lookup[key] = convert(key)  # type: ignore[operator]
    mapped = present.map(lookup)
    bad = present[mapped.isna()]
    if len(bad):
        raise _fail(bad, rows, field=field, file=file, message=message, expected=expected)
    return mapped.reindex(values.index)


def parse_priority(
    values: pd.Series,
    rows: pd.Series,
    *,
    field: str = "priority",
    file: str | Path | None = None,
    overrides: Mapping[str, str] | None = None,
) -> pd.Series:
    """Labels to ``"P1".."P5"``; ``overrides`` maps a desk's own labels (``"Sev A": "P1"``)."""
    checked = {k: Priority(v).value for k, v in (overrides or {}).items()}
    mapped = _map_unique(
        values,
        rows,
        lambda s: p.value if (p := priority_of(s)) else None,
        field=field,
        file=file,
        expected=PRIORITY_EXPECTED,
        message="unknown priority",
        overrides=checked,
    )
    return mapped.astype("string")


def parse_level(
    values: pd.Series,
    rows: pd.Series,
    *,
    field: str,
    file: str | Path | None = None,
    overrides: Mapping[str, int] | None = None,
) -> pd.Series:
    """Impact or urgency labels to 1..3 (``Int64``); ``overrides`` maps a source's own scale
    (GLPI's "Very high") onto them."""
    expected = LEVEL_EXPECTED
    if overrides:
        expected += " or one of: " + ", ".join(overrides)
    mapped = _map_unique(
        values,
        rows,
        level_of,
        field=field,
        file=file,
        expected=expected[:300],
        message=f"unknown {field}",
        overrides=overrides,
    )
    return mapped.astype("Int64")


def derive_priority(impact: pd.Series, urgency: pd.Series, matrix: PriorityMatrix) -> pd.Series:
    """ITIL impact x urgency where the source gave both but no priority."""
    out = pd.Series(pd.NA, index=impact.index, dtype="string")
    both = impact.notna() & urgency.notna()
    if both.any():
        # Nine pairs at most: look each up once, not once per ticket.
        pairs = pd.MultiIndex.from_arrays([impact[both].astype(int), urgency[both].astype(int)])
        codes, distinct = pairs.factorize()
        values = np.array([matrix.priority(int(i), int(u)).value for i, u in distinct])
        out[both] = values[codes]
    return out


def check_order(
    earlier: pd.Series,
    later: pd.Series,
    rows: pd.Series,
    *,
    earlier_field: str,
    later_field: str,
    file: str | Path | None = None,
    column: str | None = None,
) -> None:
    """A resolution or closure cannot come before the ticket was opened.

    ``column`` is the source's name for the later field, so the message points into the file.
    """
    bad_mask = earlier.notna() & later.notna() & (later < earlier)
    if bad_mask.any():
        bad = later[bad_mask].dt.strftime("%Y-%m-%d %H:%M")
        first = bad.index[0]
        opened = earlier.loc[first].strftime("%Y-%m-%d %H:%M")
        raise _fail(
            bad,
            rows,
            field=column or later_field,
            file=file,
            message=f"{later_field} is before {earlier_field} ({opened})",
            expected=f"a time at or after {earlier_field}",
        )


__all__ = [
    "DEFAULT_MISSING",
    "check_order",
    "clean_missing",
    "derive_priority",
    "level_of",
    "parse_datetime",
    "parse_hours",
    "parse_int",
    "parse_level",
    "parse_priority",
    "priority_of",
]
