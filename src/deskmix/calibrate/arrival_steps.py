"""Calibration's arrival steps: the domain and tier mix, the observed period (refused when it is
not a steady state), weekly volumes per domain x tier x priority and hour-of-week shapes."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from deskmix.calibrate import arrivals as arr
from deskmix.calibrate import steady
from deskmix.calibrate.notes import SHARE_DECIMALS, Notes, counted
from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import HOURS_PER_WEEK, ArrivalStream
from deskmix.errors import UnsteadyPeriodError


def mixes(tickets: pd.DataFrame) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Each domain's share of the tickets, and each tier's share within a domain."""
    n = len(tickets)
    counts = tickets["domain"].value_counts()
    domain_mix = {str(d): round(int(c) / n, SHARE_DECIMALS) for d, c in counts.items()}
    tier_mix: dict[str, dict[str, float]] = {}
    for domain in counts.index:
        tiers = tickets.loc[tickets["domain"] == domain, "tier_filled"].value_counts(normalize=True)
        tier_mix[str(domain)] = {str(t): round(float(s), SHARE_DECIMALS) for t, s in tiers.items()}
    return domain_mix, tier_mix


class ArrivalFit:
    """The observed period (None when there is none), the streams and the shapes."""

    def __init__(self) -> None:
        self.period: arr.Period | None = None
        self.streams: list[ArrivalStream] = []
        self.shapes: dict[str, dict[str, list[float]]] = {}


SHORT_PERIOD_WEEKS = 4


def fit_arrivals(
    tickets: pd.DataFrame, timezone: str, log: Notes, accept_unsteady: bool = False
) -> ArrivalFit:
    fit = ArrivalFit()
    n = len(tickets)
    opened = tickets["opened_at"]
    without = int(opened.isna().sum())
    if without == n:
        log.missing.append(
            "opened_at: no ticket has an opening time (the source has no timestamps); weekly "
            "volumes and hour-of-week shapes cannot be estimated, so 'arrivals' is empty: write "
            "them by hand (domain_mix and tier_mix give the split)"
        )
        return fit
    if without:
        log.missing.append(
            f"opened_at: {counted(without, n)} have no opening time; left out of weekly volumes "
            "and hour-of-week shapes"
        )
    period = arr.observed_period(opened)
    if period is None:
        log.missing.append(
            "period: the opening times span less than a day; weekly volumes and hour-of-week "
            "shapes cannot be estimated"
        )
        return fit
    _check_steady(opened, period, log, accept_unsteady)
    fit.period = period
    inside = tickets[period.inside.to_numpy()]
    outside = n - without - len(inside)
    log.notes.append(
        f"period: {period.start:%Y-%m-%d %H:%M} to {period.end:%Y-%m-%d %H:%M} UTC "
        f"({period.weeks:.2f} weeks, {len(inside):,} tickets); rule: {arr.PERIOD_RULE}"
    )
    if outside:
        log.missing.append(
            f"period: {counted(outside, n)} opened in sparse weeks before or after the observed "
            "period; left out of weekly volumes and hour-of-week shapes, counted everywhere else"
        )
    if period.weeks < 1:
        log.missing.append(
            f"period: only {period.weeks * 7:.1f} days of history; weekly volumes are "
            "extrapolated and hours of the week never seen borrow the flat shape"
        )
    elif period.weeks < SHORT_PERIOD_WEEKS:
        log.missing.append(
            f"period: only {period.weeks:.1f} weeks of steady arrivals (the export may be a "
            "snapshot); weekly volumes rest on little history, treat them with care"
        )
    groups = inside.groupby(["domain", "tier_filled", "priority_filled"], sort=True).size()
    for key, count in groups.items():
        domain, tier, priority = (str(part) for part in cast(tuple[object, ...], key))
        fit.streams.append(
            ArrivalStream(
                domain=domain,
                tier=Tier(tier),
                priority=Priority(priority),
                tickets_per_week=round(int(count) / period.weeks, SHARE_DECIMALS),
                observed=int(count),
            )
        )
    hours = arr.hour_of_week(inside["opened_at"], timezone)
    exposed = arr.exposure(period.start, period.end, timezone)
    counts_all = np.bincount(hours, minlength=HOURS_PER_WEEK).astype(float)
    overall = arr.shape_from_counts(counts_all, exposed, arr.uniform_week())
    domains = inside["domain"].to_numpy()
    for domain in sorted(set(domains)):
        counts = np.bincount(hours[domains == domain], minlength=HOURS_PER_WEEK)
        shape = arr.shape_from_counts(counts.astype(float), exposed, overall)
        fit.shapes[str(domain)] = arr.as_days(shape)
    log.notes.append(f"hour of week ({timezone}): {arr.SHAPE_RULE}")
    return fit


def _check_steady(opened: pd.Series, period: arr.Period, log: Notes, accept_unsteady: bool) -> None:
    """Refuse (or, when accepted, flag loudly) a period that is not a steady state."""
    weekly = steady.weekly_counts(opened)
    assert weekly is not None  # the period exists, so some ticket has an opening time
    verdict = steady.check(weekly, period)
    if verdict.steady:
        log.notes.append(f"steady state: {steady.STEADY_RULE}")
        return
    text = steady.refusal(verdict, steady.suggest(weekly))
    if not accept_unsteady:
        raise UnsteadyPeriodError(text)
    log.missing.insert(
        0,
        f"UNSTEADY PERIOD, calibrated anyway (--accept-unsteady): {text}; the weekly volumes "
        "are not a steady desk's, so plans built on them are not either",
    )
