"""Is the calibration window a steady state? Extracts that are not are refused, not averaged.

A weekly volume is only a rate if arrivals were steady over the weeks it is measured on. Real
exports are often extracts: BPIC'13 holds 72% of its tickets in its last (partial) week, the
tickets still open when it was taken, and averaging that with the sparse weeks before it gives
a rate no desk ever saw. ``STEADY_RULE`` says what is checked; ``check`` applies it to the
observed period and, when it fails, ``refusal`` says what was seen, in which weeks, and which
weeks (``--from``/``--to``) would pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import poisson

from deskmix.calibrate.arrivals import BUSY_WEEK_SHARE, EPOCH_MONDAY, WEEK, Period
from deskmix.errors import InputError

MIN_WEEKS = 4
EDGE_SLACK_WEEKS = 0.5  # an export starting or ending mid-week still counts its ragged weeks
BURST_RATIO = 3.0
BURST_P = 1e-6
MIN_TYPICAL = 1.0  # the Poisson test's floor for a median week of 0 tickets
TREND_RATIO = 2.0
REFERENCE_WEEKS = 8
MAX_SUGGESTED_WEEKS = 104

STEADY_RULE = (
    f"the period must span at least {MIN_WEEKS} weeks (less {EDGE_SLACK_WEEKS:g} for an export's "
    "ragged ends), and its first and last calendar weeks must not be bursts: a week is a burst "
    f"when it holds more than {BURST_RATIO:g}x the median of the period's other weeks and at "
    f"least that many tickets would have a chance below {BURST_P:g} in a Poisson week at that "
    "median (so a small desk's noisy week is not a burst)"
)


@dataclass(frozen=True)
class Weekly:
    """Tickets opened per calendar week (Monday to Sunday, UTC), empty weeks included."""

    mondays: pd.DatetimeIndex
    counts: NDArray[np.int64]
    first: pd.Timestamp  # the first and last opening time
    last: pd.Timestamp

    def sunday(self, index: int) -> pd.Timestamp:
        return pd.Timestamp(self.mondays[index] + pd.Timedelta(days=6))


def weekly_counts(opened: pd.Series) -> Weekly | None:
    present = pd.to_datetime(opened, utc=True).dropna()
    if present.empty:
        return None
    week = ((present - EPOCH_MONDAY) // WEEK).astype("int64").to_numpy()
    lo = int(week.min())
    counts = np.bincount(week - lo).astype(np.int64)
    mondays = pd.DatetimeIndex([EPOCH_MONDAY + WEEK * (lo + i) for i in range(counts.size)])
    return Weekly(mondays=mondays, counts=counts, first=present.min(), last=present.max())


def is_burst(count: int, others: NDArray[np.int64]) -> bool:
    """``count`` is far above, and beyond Poisson noise of, the median of ``others``."""
    if others.size == 0:
        return False
    typical = float(np.median(others))
    if count <= BURST_RATIO * typical:
        return False
    return float(poisson.sf(count - 1, max(typical, MIN_TYPICAL))) < BURST_P


def burst_run(counts: NDArray[np.int64], *, at_end: bool) -> int:
    """How many weeks at one edge are bursts, each against the weeks on the other side of it."""
    values = counts if at_end else counts[::-1]
    run = 0
    while run < values.size - 1 and is_burst(
        int(values[-1 - run]), values[: values.size - 1 - run]
    ):
        run += 1
    return run


@dataclass(frozen=True)
class Verdict:
    """What the rule found in a period's weeks (indices into ``Weekly``)."""

    weekly: Weekly
    first: int  # the period's first and last calendar week
    last: int
    weeks: float
    start_burst: int
    end_burst: int

    @property
    def short(self) -> bool:
        return self.weeks < MIN_WEEKS - EDGE_SLACK_WEEKS

    @property
    def steady(self) -> bool:
        return not (self.short or self.start_burst or self.end_burst)


def check(weekly: Weekly, period: Period) -> Verdict:
    first = int((period.start.normalize() - weekly.mondays[0]).days // 7)
    last = int((period.end.normalize() - weekly.mondays[0]).days // 7)
    inside = weekly.counts[first : last + 1]
    return Verdict(
        weekly=weekly,
        first=first,
        last=last,
        weeks=period.weeks,
        start_burst=burst_run(inside, at_end=False),
        end_burst=burst_run(inside, at_end=True),
    )


def trend_ratio(window: NDArray[np.int64]) -> float:
    """The change of the weekly rate over ``window``, last week against first, from a
    least-squares line through log(count + 1): 2.0 means it doubled, 0.5 that it halved."""
    weeks = np.arange(window.size, dtype=float)
    slope = float(np.polyfit(weeks, np.log(window.astype(float) + 1.0), 1)[0])
    return float(np.exp(slope * (window.size - 1)))


def _level(window: NDArray[np.int64]) -> bool:
    ratio = trend_ratio(window)
    return 1 / TREND_RATIO <= ratio <= TREND_RATIO


def suggest(weekly: Weekly) -> tuple[int, int] | None:
    """Whole calendar weeks that would pass the rule, the most tickets first (then the latest).

    A suggestion must also be level (its fitted rate changes by less than ``TREND_RATIO`` from
    its first to its last week, ``trend_ratio``), so it is never a stretch of a ramp that merely
    has no burst at its edges, and its edge weeks must be busy enough that the period rule would
    keep them.
    """
    counts = weekly.counts
    n = counts.size
    cumulative = np.concatenate([[0], np.cumsum(counts)])
    best: tuple[tuple[int, int], int, int] | None = None
    for i in range(n):
        for j in range(i + MIN_WEEKS - 1, min(n, i + MAX_SUGGESTED_WEEKS)):
            total = int(cumulative[j + 1] - cumulative[i])
            key = (total, j)
            if best is not None and key <= best[0]:
                continue
            window = counts[i : j + 1]
            begin = max(weekly.mondays[i], weekly.first)
            end = min(weekly.mondays[j] + WEEK, weekly.last)
            if (end - begin) / WEEK < MIN_WEEKS - EDGE_SLACK_WEEKS:
                continue
            typical = float(np.median(window))
            if min(window[0], window[-1]) < max(BUSY_WEEK_SHARE * typical, 1):
                continue
            if burst_run(window, at_end=True) or burst_run(window, at_end=False):
                continue
            if not _level(window):
                continue
            best = (key, i, j)
    return None if best is None else (best[1], best[2])


def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp:%Y-%m-%d}"


def _burst_text(verdict: Verdict, total: int, *, at_end: bool) -> str:
    weekly, counts = verdict.weekly, verdict.weekly.counts
    run = verdict.end_burst if at_end else verdict.start_burst
    lo, hi = (
        (verdict.last - run + 1, verdict.last)
        if at_end
        else (verdict.first, verdict.first + run - 1)
    )
    tickets = int(counts[lo : hi + 1].sum())
    where = (
        f"the week of {_day(weekly.mondays[lo])}"
        if lo == hi
        else f"the {hi - lo + 1} weeks {_day(weekly.mondays[lo])} to {_day(weekly.sunday(hi))}"
    )
    if at_end:
        reference = counts[max(0, lo - REFERENCE_WEEKS) : lo]
        side = "before"
    else:
        reference = counts[hi + 1 : hi + 1 + REFERENCE_WEEKS]
        side = "after"
    text = f"{tickets:,} of {total:,} tickets ({tickets / total:.0%}) opened in {where}"
    if reference.size:
        typical = float(np.median(reference))
        peak = int(counts[lo : hi + 1].max())
        ratio = f"{peak / typical:.1f}x" if typical > 0 else "far above"
        text += (
            f", {ratio} the median week of the {reference.size} weeks {side} it "
            f"({typical:,.0f} tickets)"
        )
    return text


def _concentration(verdict: Verdict, total: int) -> str:
    """For a short period: its busiest week against the weeks around it."""
    weekly, counts = verdict.weekly, verdict.weekly.counts
    peak = verdict.first + int(np.argmax(counts[verdict.first : verdict.last + 1]))
    before = counts[max(0, peak - REFERENCE_WEEKS) : peak]
    after = counts[peak + 1 : peak + 1 + REFERENCE_WEEKS]
    side, around = ("before", before) if before.sum() >= after.sum() else ("after", after)
    text = (
        f"{int(counts[peak]):,} of {total:,} tickets ({counts[peak] / total:.0%}) opened in the "
        f"week of {_day(weekly.mondays[peak])}"
    )
    if around.size and (typical := float(np.median(around))) > 0:
        text += (
            f", {counts[peak] / typical:.1f}x the median of the {around.size} weeks {side} it "
            f"({typical:,.0f} tickets)"
        )
    return text


def refusal(verdict: Verdict, suggestion: tuple[int, int] | None) -> str:
    """One line: what is not steady, in which weeks, and how to proceed."""
    weekly = verdict.weekly
    total = int(weekly.counts.sum())
    span = f"{_day(weekly.mondays[verdict.first])} to {_day(weekly.sunday(verdict.last))}"
    seen: list[str] = []
    if verdict.short:
        seen.append(
            f"only {verdict.weeks:.1f} weeks ({span}) carry the bulk of the tickets, fewer than "
            f"{MIN_WEEKS}; {_concentration(verdict, total)}"
        )
    else:
        if verdict.end_burst:
            seen.append(_burst_text(verdict, total, at_end=True))
        if verdict.start_burst:
            seen.append(_burst_text(verdict, total, at_end=False))
    if suggestion is None:
        advice = (
            f"no {MIN_WEEKS} steady weeks were found in the history; choose the weeks to "
            "calibrate with --from/--to"
        )
    else:
        i, j = suggestion
        tickets = int(weekly.counts[i : j + 1].sum())
        weeks = j - i + 1
        advice = (
            f"the steadiest weeks are {_day(weekly.mondays[i])} to {_day(weekly.sunday(j))} "
            f"({tickets:,} tickets, {tickets / weeks:,.0f} a week, {tickets / total:.0%} of the "
            f"history); pass --from {_day(weekly.mondays[i])} --to {_day(weekly.sunday(j))}"
        )
    return (
        f"the arrivals of {span} are not a steady state: {'; '.join(seen)}; {advice}, or "
        "--accept-unsteady to calibrate on them anyway"
    )


@dataclass(frozen=True)
class Window:
    """The days a user chose to calibrate on (``--from``/``--to``, UTC, both days included)."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise InputError(
                "the calibration window ends before it starts",
                field="to",
                value=self.end.isoformat(),
                expected=f"a day on or after --from {self.start.isoformat()}",
            )

    def describe(self) -> str:
        parts = []
        if self.start is not None:
            parts.append(f"--from {self.start.isoformat()}")
        if self.end is not None:
            parts.append(f"--to {self.end.isoformat()}")
        return " ".join(parts)

    def mask(self, opened: pd.Series) -> NDArray[np.bool_]:
        """Per ticket: opened inside the window (a ticket without an opening time is not)."""
        before, after = self.sides(opened)
        return np.asarray(~(before | after) & pd.to_datetime(opened, utc=True).notna())

    def sides(self, opened: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Per ticket: opened before the window, after it (NaT counts as neither)."""
        times = pd.to_datetime(opened, utc=True)
        before = pd.Series(False, index=times.index)
        after = pd.Series(False, index=times.index)
        if self.start is not None:
            before = (times < pd.Timestamp(self.start, tz="UTC")).fillna(False)
        if self.end is not None:
            after = (times >= pd.Timestamp(self.end, tz="UTC") + pd.Timedelta(days=1)).fillna(False)
        return before.astype(bool), after.astype(bool)
