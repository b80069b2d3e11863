"""Property and example tests for the column parsers every importer shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskmix.domain.priority import Priority, PriorityMatrix
from deskmix.errors import InputError
from deskmix.importers.parsing import (
    check_order,
    clean_missing,
    derive_priority,
    level_of,
    parse_datetime,
    parse_int,
    parse_level,
    parse_priority,
    priority_of,
)
from deskmix.importers.tabular import content_keys


def _rows(n: int) -> pd.Series:
    return pd.Series(range(2, n + 2))


aware = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@given(st.lists(aware, min_size=1, max_size=30))
def test_iso_times_round_trip_to_utc(times: list[datetime]) -> None:
    text = pd.Series([t.strftime("%Y-%m-%d %H:%M:%S") for t in times], dtype="string")
    parsed = parse_datetime(text, _rows(len(times)), field="opened_at")
    assert [p.to_pydatetime() for p in parsed] == times


@given(st.lists(aware, min_size=1, max_size=30), st.integers(-12, 14))
def test_offsets_are_honoured(times: list[datetime], hours: int) -> None:
    zone = UTC if hours == 0 else None
    offset = timedelta(hours=hours)
    text = pd.Series(
        [(t + offset).strftime("%Y-%m-%dT%H:%M:%S") + f"{hours:+03d}:00" for t in times],
        dtype="string",
    )
    parsed = parse_datetime(text, _rows(len(times)), field="at")
    assert [p.to_pydatetime() for p in parsed] == times
    assert zone is None or parsed.dt.tz is not None


@given(st.lists(aware, min_size=1, max_size=30))
def test_day_first_format(times: list[datetime]) -> None:
    text = pd.Series([f"{t.day}/{t.month}/{t.year} {t:%H:%M}" for t in times], dtype="string")
    parsed = parse_datetime(text, _rows(len(times)), field="opened_at", fmt="%d/%m/%Y %H:%M")
    assert [p.to_pydatetime() for p in parsed] == [t.replace(second=0) for t in times]


def test_naive_times_are_read_in_the_configured_zone() -> None:
    text = pd.Series(["2024-07-01 09:00"], dtype="string")
    parsed = parse_datetime(text, _rows(1), field="opened_at", timezone="Europe/Brussels")
    assert parsed.iloc[0].isoformat() == "2024-07-01T07:00:00+00:00"


def test_unparseable_date_names_row_field_value_and_expectation() -> None:
    text = pd.Series(["2024-01-01 10:00", "yesterday", "also bad"], dtype="string")
    with pytest.raises(InputError) as info:
        parse_datetime(text, _rows(3), field="Opened", file="export.csv")
    message = str(info.value)
    assert "export.csv" in message
    assert "row 3" in message
    assert "'Opened'" in message
    assert "'yesterday'" in message
    assert "1 more rows" in message
    assert "expected" in message


def test_missing_values_stay_missing() -> None:
    frame = clean_missing(pd.DataFrame({"a": ["x", "?", "", " NULL ", " y "]}))
    assert frame["a"].tolist()[0] == "x"
    assert frame["a"].isna().tolist() == [False, True, True, True, False]
    assert frame["a"].iloc[4] == "y"


@given(st.integers(1, 5), st.sampled_from(["P{}", "{}", "{} - Label", " {} "]))
def test_numbered_priorities(number: int, shape: str) -> None:
    assert priority_of(shape.format(number)) == Priority(f"P{number}")


@given(st.text(min_size=1, max_size=20))
def test_priority_parser_never_returns_junk(text: str) -> None:
    result = priority_of(text)
    assert result is None or result in set(Priority)


def test_unknown_priority_is_an_error_with_overrides_honoured() -> None:
    values = pd.Series(["Sev A", "High", "Whenever"], dtype="string")
    with pytest.raises(InputError, match=r"row 4.*unknown priority.*'Whenever'.*P1\.\.P5"):
        parse_priority(values, _rows(3), overrides={"Sev A": "P1"})
    ok = parse_priority(values[:2], _rows(2), overrides={"Sev A": "P1"})
    assert ok.tolist() == ["P1", "P2"]


@given(st.integers(1, 3), st.integers(1, 3))
def test_itil_matrix_is_monotone(impact: int, urgency: int) -> None:
    matrix = PriorityMatrix()
    p = int(matrix.priority(impact, urgency).value[1])
    assert p == impact + urgency - 1
    frame = derive_priority(
        pd.Series([impact], dtype="Int64"), pd.Series([urgency], dtype="Int64"), matrix
    )
    assert frame.iloc[0] == f"P{p}"


def test_levels_accept_servicenow_labels() -> None:
    assert [level_of(s) for s in ["1 - High", "2 - Medium", "3 - Low", "low", "9"]] == [
        1,
        2,
        3,
        3,
        None,
    ]
    with pytest.raises(InputError, match="unknown impact"):
        parse_level(pd.Series(["5 - Huge"], dtype="string"), _rows(1), field="impact")


@given(st.lists(st.one_of(st.none(), st.integers(0, 10**6)), min_size=1, max_size=40))
def test_counts_round_trip(values: list[int | None]) -> None:
    text = pd.Series([None if v is None else str(v) for v in values], dtype="string")
    parsed = parse_int(text, _rows(len(values)), field="reassignment_count")
    assert [None if pd.isna(v) else int(v) for v in parsed] == values


def test_negative_or_fractional_counts_are_refused() -> None:
    with pytest.raises(InputError, match=r"row 3.*whole number"):
        parse_int(pd.Series(["1", "-2"], dtype="string"), _rows(2), field="reopen_count")
    with pytest.raises(InputError, match=r"row 2.*whole number"):
        parse_int(pd.Series(["1.5"], dtype="string"), _rows(1), field="reopen_count")


def test_resolution_before_opening_is_refused() -> None:
    opened = pd.Series(pd.to_datetime(["2024-01-02 10:00", "2024-01-02 10:00"], utc=True))
    resolved = pd.Series(pd.to_datetime(["2024-01-02 11:00", "2024-01-01 09:00"], utc=True))
    with pytest.raises(InputError, match=r"row 3.*resolved_at is before opened_at"):
        check_order(
            opened, resolved, _rows(2), earlier_field="opened_at", later_field="resolved_at"
        )


@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), min_size=1, max_size=30))
def test_content_keys_are_unique_and_stable(rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b"])
    keys = content_keys(frame, ["a", "b"])
    assert keys.is_unique
    assert keys.tolist() == content_keys(frame.copy(), ["a", "b"]).tolist()
