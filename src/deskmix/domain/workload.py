"""The Workload: what arrives, how long it takes and where it goes, fitted or written by hand.

Arrival rates follow a multiplicative model, ``rate(d, t, p, h) = weekly(d, t, p) * shape_d(h)``:
the weekly volume of each domain x tier x priority stream times its domain's hour-of-week shape.
Estimating a separate 168-hour curve for every stream would spread a desk's history too thin (most
streams see a few tickets a week), while the shape of a domain's week is well determined.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_PER_WEEK = 168

Family = Literal["exponential", "lognormal", "gamma", "weibull"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArrivalStream(_Model):
    """Tickets of one domain x tier x priority; ``tickets_per_week`` is the mean over the period."""

    domain: str
    tier: Tier
    priority: Priority
    tickets_per_week: float = Field(ge=0)
    observed: int = Field(ge=0, description="tickets behind the estimate")


class HandlingFit(_Model):
    """One candidate distribution for handling time, in hours, with its goodness of fit.

    ``params`` name the parameters as NumPy's generators take them, so a simulator draws without
    translation: exponential ``{scale}`` (the mean), lognormal ``{mu, sigma}`` of the log of the
    hours, gamma ``{shape, scale}``, Weibull ``{shape, scale}``. Location is always 0.
    """

    family: Family
    params: dict[str, float]
    aic: float
    ks_statistic: float = Field(ge=0, le=1)
    ks_pvalue: float = Field(ge=0, le=1)
    mean_hours: float = Field(ge=0)


class HandlingTime(_Model):
    """Handling-time distribution for one domain x tier, chosen among the candidates by AIC."""

    domain: str
    tier: Tier
    observed: int = Field(ge=0)
    basis: str = Field(description="what the durations measure, e.g. touch time from events")
    mean_hours: float = Field(ge=0)
    p50_hours: float = Field(ge=0)
    p90_hours: float = Field(ge=0)
    chosen: HandlingFit
    candidates: list[HandlingFit]
    pooled_from: str | None = Field(
        default=None,
        description="when the cell had too few durations of its own, whose durations were fitted",
    )
    own_observations: int | None = Field(
        default=None, ge=0, description="durations the cell itself had (when pooled)"
    )
    status_time_mean_hours: float | None = Field(
        default=None,
        ge=0,
        description="mean time the cell's tickets sat in a working status within office hours: "
        "the naive measure, kept beside the effort so the gap shows",
    )
    imputed: int | None = Field(
        default=None, ge=0, description="tickets with no measurable work whose effort was imputed"
    )


DELAY_PROBABILITIES: tuple[float, ...] = tuple(i / 20 for i in range(21))
"""The probabilities at which a delay distribution is kept (0, 5%, ..., 100%)."""


class DelayTime(_Model):
    """Extraneous delay of one domain x tier (x priority; ``None``: all priorities; domain
    ``*``: all domains): hours a ticket waits, occupying nobody, between its first pick-up and
    its resolution beyond its effort (on users, vendors, or an agent busy with others)."""

    domain: str
    tier: Tier
    priority: Priority | None = None
    observed: int = Field(ge=0)
    median_hours: float = Field(ge=0)
    mean_hours: float = Field(ge=0)
    quantiles_hours: list[float] = Field(
        description="hours at the probabilities 0, 0.05, ..., 1 (empirical, interpolated)"
    )

    @field_validator("quantiles_hours")
    @classmethod
    def _check_quantiles(cls, value: list[float]) -> list[float]:
        steps = itertools.pairwise(value)
        if len(value) != len(DELAY_PROBABILITIES) or any(b < a for a, b in steps):
            raise ValueError(f"needs {len(DELAY_PROBABILITIES)} non-decreasing hours")
        if value and value[0] < 0:
            raise ValueError("delays are not negative")
        return value


class EscalationStats(_Model):
    """How a domain's tickets move between lines: escalation, first-contact fixes and reopens."""

    domain: str
    tickets: int = Field(ge=0)
    escalation_rate: float | None = Field(default=None, ge=0, le=1)
    first_contact_resolution_rate: float | None = Field(default=None, ge=0, le=1)
    direct_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="share of the domain's specialist-tier tickets whose first holder was a "
        "specialist (sent straight past the first line), as measured",
    )
    reopen_rate: float | None = Field(default=None, ge=0, le=1)
    reassignment_rate: float | None = Field(default=None, ge=0, le=1)
    paths: dict[str, int] = Field(default_factory=dict, description="most common tier paths")
    basis: str | None = Field(
        default=None, description="what the rates were measured from (events, ticket fields)"
    )


class Workload(_Model):
    """Everything the simulator needs to generate a desk's demand; a person can read and edit it."""

    name: str
    source: str = "hand-written"
    fitted_at: datetime | None = None
    period_start: datetime | None = None
    period_end: datetime | None = None
    weeks: float | None = Field(default=None, gt=0)
    tickets: int = Field(default=0, ge=0)
    selection_criterion: str = (
        "lowest AIC among exponential, lognormal, gamma and Weibull (maximum likelihood); "
        "Kolmogorov-Smirnov statistic reported as goodness of fit"
    )
    domain_mix: dict[str, float] = Field(default_factory=dict)
    tier_mix: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="per domain, the share of its tickets per tier (known even without timestamps)",
    )
    arrivals: list[ArrivalStream] = Field(default_factory=list)
    timezone: str = Field(
        default="UTC", description="IANA zone the hour-of-week shapes are expressed in"
    )
    hour_of_week: dict[str, dict[str, list[float]]] = Field(
        default_factory=dict,
        description="per domain, per day (mon..sun), 24 hourly weights; a domain's week sums to 1",
    )
    handling: list[HandlingTime] = Field(default_factory=list)
    escalation: list[EscalationStats] = Field(default_factory=list)
    delays: list[DelayTime] = Field(
        default_factory=list,
        description="extraneous delays (waiting that occupies nobody), for back-tests",
    )
    missing: list[str] = Field(default_factory=list, description="what the source could not give")
    notes: list[str] = Field(
        default_factory=list, description="the rules calibration applied, with their counts"
    )

    @field_validator("hour_of_week")
    @classmethod
    def _check_shapes(
        cls, value: dict[str, dict[str, list[float]]]
    ) -> dict[str, dict[str, list[float]]]:
        for domain, week in value.items():
            if set(week) != set(DAYS):
                raise ValueError(f"hour_of_week[{domain}] needs the days {', '.join(DAYS)}")
            for day, hours in week.items():
                if len(hours) != 24 or any(h < 0 for h in hours):
                    raise ValueError(f"hour_of_week[{domain}][{day}] needs 24 non-negative weights")
            total = sum(sum(hours) for hours in week.values())
            if total <= 0:
                raise ValueError(f"hour_of_week[{domain}] is all zero")
        return value

    def weekly_shape(self, domain: str) -> list[float]:
        """The domain's 168 hourly weights, Monday 00:00 first, normalised to sum to 1."""
        week = self.hour_of_week.get(domain)
        if week is None:
            return [1.0 / HOURS_PER_WEEK] * HOURS_PER_WEEK
        flat = [w for day in DAYS for w in week[day]]
        total = sum(flat)
        return [w / total for w in flat]

    def rate_per_hour(
        self, domain: str, tier: Tier, priority: Priority, hour_of_week: int
    ) -> float:
        """Expected arrivals per hour of one stream at one hour of the week."""
        weekly = sum(
            s.tickets_per_week
            for s in self.arrivals
            if s.domain == domain and s.tier == tier and s.priority == priority
        )
        return weekly * self.weekly_shape(domain)[hour_of_week % HOURS_PER_WEEK]

    @property
    def tickets_per_week(self) -> float:
        return sum(s.tickets_per_week for s in self.arrivals)

    def direct_shares(self) -> dict[str, float]:
        """Per domain with arrivals, the share of its specialist-tier tickets that go straight
        to specialists: ``direct_share`` of the domain's specialist share and escalation rate,
        which keeps the calibrated rate; where that cannot be solved, the share calibration
        measured (``EscalationStats.direct_share``).

        The simulator draws each specialist-tier ticket's start from it and the planner's
        bounds load the first line with the rest, so both follow the calibrated escalation
        rate rather than sending every specialist ticket through the first line.
        """
        rates = {e.domain: e.escalation_rate for e in self.escalation}
        measured = {e.domain: e.direct_share for e in self.escalation}
        totals: dict[str, float] = {}
        deep: dict[str, float] = {}
        for s in self.arrivals:
            totals[s.domain] = totals.get(s.domain, 0.0) + s.tickets_per_week
            if s.tier == Tier.SPECIALIST:
                deep[s.domain] = deep.get(s.domain, 0.0) + s.tickets_per_week
        out: dict[str, float] = {}
        for domain, total in totals.items():
            specialist = deep.get(domain, 0.0) / total if total > 0 else 0.0
            rate = rates.get(domain)
            share = measured.get(domain)
            # The formula reproduces the calibrated escalation rate whenever it can be solved
            # (e <= s); where it cannot (a domain whose every first-line start escalated, e = 1,
            # yet most of its work went straight to specialists), the share as measured from
            # who first held each ticket stands in.
            solvable = rate is not None and rate < 1.0 and rate <= specialist
            out[domain] = direct_share(specialist, rate) if solvable or share is None else share
        return out


def direct_share(specialist_share: float, escalation_rate: float | None) -> float:
    """The share of a domain's specialist-tier tickets that skip the first line.

    The history tells three kinds of ticket apart: generalist-tier work, started and resolved
    at the first line; specialist-tier work started at the first line and escalated; and
    specialist-tier work sent straight to specialists. With ``s`` the specialist share of the
    domain's tickets and ``e`` the escalation rate (escalated over first-line starts), the
    share of first-line starts is ``g = (1 - s) / (1 - e)``, so the escalated share of those
    starts is ``(g - (1 - s)) / g = e``, and the specialist tickets going direct are
    ``q = (1 - g) / s``.

    Edge cases, so the rule is total: without an escalation rate (``None``, the source could
    not tell) every specialist ticket starts at the first line (``q = 0``, the simulator's
    behaviour before escalation was calibrated); ``e >= s`` cannot be reached even with all
    specialist work escalated (``g`` is clamped to 1, ``q = 0``), nor can ``e = 1``; with no
    specialist work (``s = 0``) there is nothing to send (``q = 0``).
    """
    s = min(max(specialist_share, 0.0), 1.0)
    if escalation_rate is None or s <= 0.0 or escalation_rate >= 1.0:
        return 0.0
    g = min(max((1.0 - s) / (1.0 - escalation_rate), 1.0 - s), 1.0)
    return min(max((1.0 - g) / s, 0.0), 1.0)
