"""Simulated beside historical: a verdict per figure, a distance, and the likely causes of gaps.

A model is useful when it reproduces what the desk lived through, within stated tolerances
(``TOLERANCES``: relative for counts and times, percentage points for shares). Resolution
times are also compared as whole distributions with the earth mover's (Wasserstein-1)
distance, the measure business-process-simulation discovery uses for cycle times
(the ``log-distance-measures`` package of Simod): the hours of work needed to turn one
distribution into the other, judged against the history's mean. Scopes with fewer than
``MIN_TICKETS`` historical tickets get figures but no verdict: on a handful of tickets a
median says more about chance than about the model.

Gaps are explained from the numbers the back-test has, never guessed: time the history's
tickets spent in waiting statuses (the model draws waiting as calibrated delays, one
distribution per domain x tier x priority, independent of the ticket's work), bursts
of arrivals (the model draws a steady rate), utilisation above one (the calibrated effort is more
than the people on shift could give), and an escalation gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import wasserstein_distance

from deskmix.validate import figures as f
from deskmix.validate.figures import HistoryFacts, Side

MIN_TICKETS = 20
DISTRIBUTION = "resolution distance (W1, h)"
W1_TOLERANCE = 0.25
WAITING_SHARE = 0.2  # above this share of open time waiting, waiting explains slow history
BURST = 2.0  # busiest week at least this many times the median week: a burst
TOP = 5
UNRESOLVED = 0.1  # above this share of simulated tickets never resolved, times mislead


@dataclass(frozen=True)
class Tolerance:
    """``relative``: |sim - hist| / hist <= limit; ``absolute``: |sim - hist| <= limit."""

    kind: str
    limit: float

    def describe(self) -> str:
        if self.kind == "relative":
            return f"within {self.limit:.0%} of history"
        if self.kind == "w1":
            return f"W1 <= {self.limit:.0%} of history's mean"
        return f"within {100 * self.limit:.0f} points"


TOLERANCES: dict[str, Tolerance] = {
    f.TICKETS: Tolerance("relative", 0.10),
    f.MEDIAN: Tolerance("relative", 0.25),
    f.P90: Tolerance("relative", 0.35),
    DISTRIBUTION: Tolerance("w1", W1_TOLERANCE),
    f.SLA: Tolerance("absolute", 0.10),
    f.ESCALATION: Tolerance("absolute", 0.10),
    f.BACKLOG: Tolerance("relative", 0.35),
    f.PER_AGENT: Tolerance("relative", 0.15),
    f.UTILISATION: Tolerance("absolute", 0.15),
}
TIME_NAMES = {
    f.MEDIAN: "median resolution",
    f.P90: "p90 resolution",
    DISTRIBUTION: "mean resolution",
}
TIMES = (f.MEDIAN, f.P90, DISTRIBUTION)


@dataclass(frozen=True)
class Row:
    """One figure in one scope, both sides, and the verdict."""

    figure: str
    scope: str
    history: float
    simulated: float
    half_width: float
    difference: float
    """Relative (sim / hist - 1) or absolute (sim - hist), as the tolerance reads it; for the
    distance row, W1 over the history's mean."""
    distance: float
    """The earth mover's distance of the scope's resolution times (hours) on time rows; the
    absolute difference elsewhere."""
    within: bool | None
    cause: str | None = None

    @property
    def excess(self) -> float:
        """How many tolerances off (0 when unknown)."""
        limit = TOLERANCES[self.figure].limit
        return abs(self.difference) / limit if math.isfinite(self.difference) else 0.0


def _difference(figure: str, hist: float, sim: float) -> float:
    if not (math.isfinite(hist) and math.isfinite(sim)):
        return math.nan
    if TOLERANCES[figure].kind == "absolute":
        return sim - hist
    if hist == 0:
        return 0.0 if sim == 0 else math.inf
    return sim / hist - 1


def _w1(history: Side, simulated: Side, scope: str) -> float:
    a, b = history.resolution.get(scope), simulated.resolution.get(scope)
    if a is None or b is None or not a.size or not b.size:
        return math.nan
    return float(wasserstein_distance(a, b))


def compare_sides(
    history: Side, simulated: Side, facts: HistoryFacts, *, min_tickets: int = MIN_TICKETS
) -> list[Row]:
    """Every figure in every scope the history has, with verdicts and causes of misses."""
    rows: list[Row] = []
    scopes = [s for (fig, s) in history.values if fig == f.TICKETS]
    counts = {s: history.resolution.get(s, np.zeros(0)).size for s in scopes}
    for scope in scopes:
        judged = counts[scope] >= min_tickets
        distance = _w1(history, simulated, scope)
        for figure in f.FIGURES:
            if (figure, scope) not in history.values:
                continue
            hist = history.values[(figure, scope)]
            sim = simulated.values.get((figure, scope), math.nan)
            diff = _difference(figure, hist, sim)
            ok = abs(diff) <= TOLERANCES[figure].limit if math.isfinite(diff) else None
            rows.append(
                Row(
                    figure=figure,
                    scope=scope,
                    history=hist,
                    simulated=sim,
                    half_width=simulated.spread.get((figure, scope), math.nan),
                    difference=diff,
                    distance=distance if figure in TIMES else abs(sim - hist),
                    within=ok if judged or figure in f.DESK_ONLY else None,
                )
            )
        times = history.resolution.get(scope, np.zeros(0))
        mean = float(times.mean()) if times.size else math.nan
        relative = distance / mean if mean and math.isfinite(distance) else math.nan
        rows.append(
            Row(
                figure=DISTRIBUTION,
                scope=scope,
                history=mean,
                simulated=float(simulated.resolution[scope].mean())
                if simulated.resolution.get(scope) is not None and simulated.resolution[scope].size
                else math.nan,
                half_width=math.nan,
                difference=relative,
                distance=distance,
                within=(relative <= W1_TOLERANCE if math.isfinite(relative) else None)
                if judged
                else None,
            )
        )
    return [_explained(r, history, simulated, facts) if r.within is False else r for r in rows]


def _times_cause(row: Row, simulated: Side, facts: HistoryFacts) -> str:
    if math.isfinite(row.history) and math.isfinite(row.simulated) and row.simulated > 0:
        faster = row.simulated < row.history
        ratio = row.history / row.simulated if faster else row.simulated / row.history
        head = (
            f"simulated {TIME_NAMES.get(row.figure, row.figure)} is {ratio:.1f}x "
            f"{'faster' if faster else 'slower'} ({row.simulated:,.1f} h vs {row.history:,.1f} h)"
        )
    else:
        faster = False
        head = f"simulated {row.figure} has no value to set beside the history's"
    sim_util = simulated.values.get((f.UTILISATION, "all"), math.nan)
    if simulated.unresolved > UNRESOLVED:
        return (
            f"{head}: {simulated.unresolved:.0%} of the simulated tickets are never resolved "
            "(queues grow for the people able to take them), so the simulated times cover only "
            "the quick ones; the backlog and SLA rows show the overload"
        )
    if faster:
        if math.isfinite(facts.waiting_share) and facts.waiting_share >= WAITING_SHARE:
            named = ", ".join(facts.waiting_statuses) or "waiting statuses"
            return (
                f"{head}: history's tickets spent {facts.waiting_share:.0%} of their open time "
                f"waiting ({named}); the model draws that waiting from one calibrated delay "
                "distribution per domain, tier and priority, independent of the ticket's work"
            )
        return (
            f"{head}: history's tickets waited longer than the simulated team makes them; the "
            "typical-week team may be larger, or longer on shift, than the people at work"
        )
    implied = facts.implied_utilisation
    if (math.isfinite(implied) and implied > 1) or (math.isfinite(sim_util) and sim_util > 0.95):
        return (
            f"{head}: the calibrated effort needs {implied:.0%} of the rebuilt team's on-shift "
            "hours, so the simulated queues grow; the effort is likely overstated, or the "
            "history's people worked beyond their inferred shifts"
        )
    return (
        f"{head}: the simulated team is slower than the history's; fewer people on shift at "
        "busy hours or specialist queues the history did not have"
    )


def _explained(row: Row, history: Side, simulated: Side, facts: HistoryFacts) -> Row:
    cause: str
    if row.figure in TIMES:
        cause = _times_cause(row, simulated, facts)
    elif row.figure == f.TICKETS:
        if math.isfinite(facts.busiest_week_ratio) and facts.busiest_week_ratio >= BURST:
            cause = (
                f"arrivals came in bursts (busiest week {facts.busiest_week_ratio:.1f}x the "
                "median week); the model draws a steady rate per hour of the week"
            )
        else:
            cause = (
                "simulated arrivals follow the calibrated weekly rate; the history's count "
                "differs at the edges of the period or in sparse weeks"
            )
    elif row.figure in (f.SLA, f.BACKLOG):
        median = next(
            (
                r
                for r in [_proxy(history, simulated, row.scope)]
                if r is not None and r.difference and math.isfinite(r.difference)
            ),
            None,
        )
        cause = (
            f"follows the resolution times: {_times_cause(median, simulated, facts)}"
            if median is not None
            else "the resolution times differ (see the resolution rows)"
        )
    elif row.figure == f.ESCALATION:
        cause = (
            f"the model escalates {row.simulated:.0%} of tickets, the history {row.history:.0%}: "
            "the model escalates by the calibrated rate per domain (ticket by ticket, not by "
            "who actually passed tickets on); a domain whose history is inconsistent (more "
            "escalated than specialist work) cannot reach its rate"
        )
    elif row.figure == f.UTILISATION:
        implied = facts.implied_utilisation
        cause = (
            f"the calibrated effort ({facts.effort_hours_per_week:,.0f} h/week) is "
            f"{implied:.0%} of the rebuilt team's on-shift hours "
            f"({facts.on_shift_hours_per_week:,.0f} h/week)"
            + (
                ", more than the observed agents could have delivered: effort is overstated"
                if implied > 1
                else "; the simulation's busy share differs because work waits for "
                "the right person or shift"
            )
        )
    else:
        cause = "follows tickets per week and the rebuilt team's size"
    return Row(**{**row.__dict__, "cause": cause})


def _proxy(history: Side, simulated: Side, scope: str) -> Row | None:
    hist = history.values.get((f.MEDIAN, scope), math.nan)
    sim = simulated.values.get((f.MEDIAN, scope), math.nan)
    if not (math.isfinite(hist) and math.isfinite(sim)):
        return None
    return Row(f.MEDIAN, scope, hist, sim, math.nan, _difference(f.MEDIAN, hist, sim), 0, False)


def largest(rows: list[Row], top: int = TOP) -> list[Row]:
    """The misses furthest outside their tolerance, largest first, one per scope (a scope's
    figures usually miss for one reason)."""
    out: list[Row] = []
    for row in sorted((r for r in rows if r.within is False), key=lambda r: -r.excess):
        if all(r.scope != row.scope for r in out):
            out.append(row)
    return out[:top]
