"""Next year's ticket volume per domain: fitted from weekly history, or the user's growth rate.

Method (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., OTexts 2021:
ch. 7 "Time series regression models", 7.4 trend and seasonal dummy predictors, 7.6 prediction
intervals; 5.6 forecasting with transformations and the bias-adjusted back-transform):

- Each domain's weekly counts ``y`` (calendar weeks, Monday to Sunday, UTC; the thin tails and
  partial edge weeks left out) are transformed to ``w = log(y + 1)`` (so an empty week is
  allowed) and regressed by ordinary least squares on a linear trend in years, plus eleven
  month-of-year dummies (a week belongs to the month of its Thursday) when the history holds
  at least ``SEASON_WEEKS`` weeks (two full years: each month seen twice). A trend needs at
  least ``TREND_WEEKS`` weeks. The trend in log space is a constant yearly growth
  ``exp(b) - 1``.
- A future week's 95% prediction interval is ``w0 ± t(0.975, n - p) s sqrt(1 + x0' (X'X)^-1 x0)``
  back-transformed (``exp(.) - 1``); the point forecast is the bias-adjusted mean
  ``exp(w0) (1 + s^2 / 2) - 1``, so volumes add up across domains.
- With a shorter history (or none: a calibrated Workload holds only mean rates) the forecast is
  the user's growth rate ``g`` a year, compounded from the start of the plan:
  ``rate * (1 + g) ** years``, stated as such in every output. A growth rate given by the user
  also replaces a fitted trend (the seasonal index, when fitted, stays).

Each quarter is planned for its busiest third (about a month): staff must meet the SLAs all
quarter, so a growing desk is sized for the quarter's end and a seasonal one for its peak.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict
from scipy import stats

from deskmix.calibrate.arrivals import observed_period
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError

TREND_WEEKS = 8
"""Full weeks of history needed to fit a trend (fewer: the user's growth rate)."""
SEASON_WEEKS = 104
"""Full weeks needed for a month-of-year seasonal index: two years, every month seen twice."""
WEEKS_PER_QUARTER = 13
THIRDS = 3  # a quarter is planned for its busiest third (about a month)
DAYS_PER_YEAR = 365.25
MAX_QUARTERS = 8
LEVEL = 0.95

Method = Literal["trend_season", "trend", "growth"]

METHOD_TEXT: dict[str, str] = {
    "trend_season": "log-linear trend and month-of-year seasonal index, least squares on "
    "weekly counts (Hyndman & Athanasopoulos, FPP3, 7.4)",
    "trend": "log-linear trend, least squares on weekly counts (Hyndman & Athanasopoulos, "
    "FPP3, 7.4); too short a history for a seasonal index",
    "growth": "the calibrated rate compounded at a stated yearly growth rate",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuarterVolume(_Model):
    """One quarter's forecast: the weekly volume it is planned for (its busiest third)."""

    quarter: int
    start: date
    tickets_per_week: float
    mean_tickets_per_week: float
    low: float | None = None  # 95% prediction interval of one week in the planned third
    high: float | None = None
    by_domain: dict[str, float]
    factor_by_domain: dict[str, float]  # planned volume / the calibrated volume


class Forecast(_Model):
    """The volume forecast behind a horizon plan; ``statement`` says how it was made."""

    method: Method
    statement: str
    growth_per_year: dict[str, float]
    seasonal: bool
    history_weeks: int
    base_tickets_per_week: float
    start: date
    quarters: list[QuarterVolume]


@dataclass(frozen=True)
class WeeklyHistory:
    """Tickets opened per full calendar week and domain (rows: Mondays)."""

    mondays: pd.DatetimeIndex
    counts: dict[str, NDArray[np.float64]]

    @property
    def weeks(self) -> int:
        return len(self.mondays)

    @property
    def end(self) -> date:
        """The Monday after the last full week: where a forecast starts."""
        return (self.mondays[-1] + pd.Timedelta(days=7)).date() if self.weeks else date.today()

    def total(self) -> NDArray[np.float64]:
        return np.sum(list(self.counts.values()), axis=0) if self.counts else np.zeros(0)


def weekly_history(tickets: pd.DataFrame) -> WeeklyHistory:
    """Weekly counts per domain from tickets (``opened_at``, ``domain``): the observed period
    only (``calibrate.arrivals.PERIOD_RULE``), without a partial first or last week."""
    frame = tickets[["opened_at", "domain"]].copy()
    frame["opened_at"] = pd.to_datetime(frame["opened_at"], utc=True)
    frame = frame.dropna(subset=["opened_at"])
    period = observed_period(frame["opened_at"]) if not frame.empty else None
    if period is None:
        return WeeklyHistory(pd.DatetimeIndex([]), {})
    frame = frame[period.inside.reindex(frame.index, fill_value=False).to_numpy(dtype=bool)]
    start = period.start.normalize() - pd.Timedelta(days=period.start.weekday())
    if period.start > start + pd.Timedelta(days=1):  # begins after Monday: partial week
        start += pd.Timedelta(days=7)
    end = period.end.normalize() - pd.Timedelta(days=period.end.weekday())
    if period.end < end + pd.Timedelta(days=6):  # ends before Sunday: partial week
        end -= pd.Timedelta(days=7)
    if end < start:
        return WeeklyHistory(pd.DatetimeIndex([]), {})
    mondays = pd.date_range(start, end, freq="7D")
    index = ((frame["opened_at"] - start) // pd.Timedelta(days=7)).astype("int64")
    keep = (index >= 0) & (index < len(mondays))
    frame, index = frame[keep], index[keep]
    domains = frame["domain"].fillna("unmapped").astype(str)
    counts: dict[str, NDArray[np.float64]] = {}
    for domain in sorted(domains.unique()):
        week = index[domains == domain].to_numpy()
        counts[domain] = np.bincount(week, minlength=len(mondays)).astype(np.float64)
    return WeeklyHistory(mondays, counts)


@dataclass(frozen=True)
class LogLinearFit:
    """``log(y + 1) = a + b t (+ month dummies)`` by ordinary least squares."""

    origin: pd.Timestamp
    beta: NDArray[np.float64]
    xtx_inv: NDArray[np.float64]
    sigma2: float
    dof: int
    seasonal: bool
    end_years: float = 0.0  # the last week, in years from the origin

    @property
    def growth(self) -> float:
        return math.exp(float(self.beta[1])) - 1.0

    def row(self, when: pd.Timestamp) -> NDArray[np.float64]:
        years = (when - self.origin) / pd.Timedelta(days=DAYS_PER_YEAR)
        x = [1.0, float(years)]
        if self.seasonal:
            month = (when + pd.Timedelta(days=3)).month  # the week's Thursday
            x += [1.0 if month == m else 0.0 for m in range(2, 13)]
        return np.array(x)

    def predict(
        self, when: pd.Timestamp, growth: float | None = None
    ) -> tuple[float, float, float]:
        """Mean, low and high of one week's count starting at ``when`` (95% interval).
        ``growth`` replaces the fitted trend from the last week of history on (the fitted
        level there stays; the interval keeps the fit's width)."""
        x = self.row(when)
        w = float(x @ self.beta)
        if growth is not None:
            w += (math.log1p(growth) - float(self.beta[1])) * (float(x[1]) - self.end_years)
        spread = math.sqrt(self.sigma2 * (1.0 + float(x @ self.xtx_inv @ x)))
        t = float(stats.t.ppf(0.5 + LEVEL / 2, self.dof)) if self.dof > 0 else math.inf
        mean = math.exp(w) * (1.0 + self.sigma2 / 2.0) - 1.0
        low = max(0.0, math.exp(w - t * spread) - 1.0)
        high = math.exp(w + t * spread) - 1.0 if math.isfinite(t) else math.inf
        return max(0.0, mean), low, high


def fit_log_linear(
    mondays: pd.DatetimeIndex, counts: NDArray[np.float64], *, seasonal: bool
) -> LogLinearFit:
    origin = pd.Timestamp(mondays[0])
    fit = LogLinearFit(origin, np.zeros(0), np.zeros((0, 0)), 0.0, 0, seasonal)
    x = np.array([fit.row(pd.Timestamp(m)) for m in mondays])
    if seasonal:  # a month never seen would make X singular: drop its dummy by a zero column
        x[:, 2:][:, ~x[:, 2:].any(axis=0)] = 0.0
    w = np.log1p(np.asarray(counts, dtype=np.float64))
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ w
    rank = int(np.linalg.matrix_rank(x))
    dof = max(len(w) - rank, 0)
    rss = float(np.sum((w - x @ beta) ** 2))
    sigma2 = rss / dof if dof > 0 else 0.0
    return LogLinearFit(origin, beta, xtx_inv, sigma2, dof, seasonal, float(x[-1, 1]))


def check_horizon(quarters: int, growth: float | None) -> None:
    """One-line errors for a horizon out of range or a growth rate below -100% a year."""
    if not 1 <= quarters <= MAX_QUARTERS:
        raise ConfigError(
            f"the horizon must be 1 to {MAX_QUARTERS} quarters (3 to {3 * MAX_QUARTERS} "
            f"months); got {quarters} quarters"
        )
    if growth is not None and (not math.isfinite(growth) or growth <= -1.0):
        raise ConfigError(
            f"--growth is a yearly rate above -1 (-100%: no tickets at all); got {growth:g}"
        )


def _thirds(start: date, quarter: int) -> list[pd.Timestamp]:
    """Midpoints of a quarter's three thirds (about a month each), as week starts."""
    first = pd.Timestamp(start) + pd.Timedelta(weeks=WEEKS_PER_QUARTER * (quarter - 1))
    step = WEEKS_PER_QUARTER / THIRDS
    return [first + pd.Timedelta(weeks=step * (j + 0.5)) for j in range(THIRDS)]


def quarter_start(start: date, quarter: int) -> date:
    return start + timedelta(weeks=WEEKS_PER_QUARTER * (quarter - 1))


def domain_volumes(workload: Workload) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in workload.arrivals:
        out[s.domain] = out.get(s.domain, 0.0) + s.tickets_per_week
    return out


def forecast(
    workload: Workload,
    *,
    quarters: int = 4,
    growth: float | None = None,
    history: WeeklyHistory | None = None,
    start: date | None = None,
) -> Forecast:
    """Each quarter's planned weekly volume per domain of ``workload`` (see the module doc).

    ``start`` is the first day of quarter 1: by default the Monday after the history's last
    full week when the history is fitted, else the next Monday from today.
    """
    check_horizon(quarters, growth)
    base = domain_volumes(workload)
    weeks = history.weeks if history is not None else 0
    method: Method = (
        "trend_season" if weeks >= SEASON_WEEKS else "trend" if weeks >= TREND_WEEKS else "growth"
    )
    if start is None:
        today = date.today()
        start = (
            history.end
            if history is not None and method != "growth"
            else today + timedelta(days=(7 - today.weekday()) % 7 or 7)
        )
    fits: dict[str, LogLinearFit] = {}
    total_fit: LogLinearFit | None = None
    if method != "growth" and history is not None:
        seasonal = method == "trend_season"
        fits = {
            d: fit_log_linear(history.mondays, c, seasonal=seasonal)
            for d, c in history.counts.items()
        }
        total_fit = fit_log_linear(history.mondays, history.total(), seasonal=seasonal)
    rate = 0.0 if growth is None else growth
    origin = pd.Timestamp(start)

    def grown(domain: str, when: pd.Timestamp) -> float:
        years = (when - origin) / pd.Timedelta(days=DAYS_PER_YEAR)
        fit = fits.get(domain)
        if fit is not None:
            return fit.predict(when, growth)[0]
        if total_fit is not None and domain in base:  # a domain the history does not name
            now = total_fit.predict(origin, growth)[0]
            later = total_fit.predict(when, growth)[0]
            return base[domain] * (later / now if now > 0 else 1.0)
        return float(base.get(domain, 0.0) * (1.0 + rate) ** max(float(years), 0.0))

    out: list[QuarterVolume] = []
    for q in range(1, quarters + 1):
        thirds = _thirds(start, q)
        volumes = [{d: grown(d, when) for d in base} for when in thirds]
        totals = [sum(v.values()) for v in volumes]
        peak = int(np.argmax(totals))
        low = high = None
        if total_fit is not None:
            mean, lo, hi = total_fit.predict(thirds[peak], growth)
            scale = totals[peak] / mean if mean > 0 else 1.0
            low, high = lo * scale, hi * scale
        planned = volumes[peak]
        out.append(
            QuarterVolume(
                quarter=q,
                start=quarter_start(start, q),
                tickets_per_week=totals[peak],
                mean_tickets_per_week=float(np.mean(totals)),
                low=low,
                high=high,
                by_domain=planned,
                factor_by_domain={d: (planned[d] / base[d] if base[d] > 0 else 1.0) for d in base},
            )
        )
    per_year = (
        {d: (growth if growth is not None else f.growth) for d, f in fits.items()}
        if fits
        else dict.fromkeys(base, rate)
    )
    return Forecast(
        method=method,
        statement=_statement(method, growth, weeks, total_fit),
        growth_per_year=per_year,
        seasonal=method == "trend_season",
        history_weeks=weeks,
        base_tickets_per_week=sum(base.values()),
        start=start,
        quarters=out,
    )


def _statement(
    method: Method,
    growth: float | None,
    weeks: int,
    total_fit: LogLinearFit | None,
) -> str:
    if method == "growth":
        why = (
            "no weekly history given"
            if weeks == 0
            else f"{weeks} full weeks of history, fewer than the {TREND_WEEKS} a trend needs"
        )
        rate = 0.0 if growth is None else growth
        told = "the stated" if growth is not None else "no growth assumed (pass --growth):"
        return (
            f"volume: calibrated rate x (1 + g)^years, {told} g = {100 * rate:+.1f}% a year ({why})"
        )
    trend = (
        f"the stated growth {100 * growth:+.1f}% a year replaces the fitted trend"
        if growth is not None
        else "fitted growth "
        + (f"{100 * total_fit.growth:+.1f}% a year for the desk" if total_fit else "")
    )
    return f"volume: {METHOD_TEXT[method]}, on {weeks} full weeks; {trend}"
