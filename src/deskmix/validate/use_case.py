"""``validate``, the back-test: the history's team simulated on the calibrated workload, set
beside what the history shows, on the whole history and on a hold-out period.

One function (``run_validation``) with a typed request (``ValidationRequest``) and a pydantic
result (``validate.output.ValidationResult``), so the CLI, the API, the dashboard, the report
and the demo show the same numbers and ``--json`` is stable. The simulated side is
``validate.replicate``.

Conventions follow ``deskmix simulate``: replication r of seed s uses
``SeedSequence(s).spawn(R)[r]``, one week of warm-up, the measured weeks as long as the period
compared. The hold-out calibrates and rebuilds the team from the first part of the history
only (what a user would have known then) and compares the simulation with the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from deskmix.calibrate.arrivals import observed_period
from deskmix.calibrate.loading import load_frames, stored_sources
from deskmix.calibrate.pipeline import calibrate_frames
from deskmix.calibrate.statuses import StatusBook, load_statuses
from deskmix.calibrate.steady import Window
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import AgentKind
from deskmix.domain.workload import Workload
from deskmix.errors import InputError, StoreError, UnsteadyPeriodError
from deskmix.people.history import history_frames, history_from_frames
from deskmix.store import Store
from deskmix.store.selection import Selection
from deskmix.validate import compare as cmp
from deskmix.validate import figures as fig
from deskmix.validate.history_team import HistoryTeam, rebuild_team
from deskmix.validate.output import (
    BackTestOut,
    FactsOut,
    ValidationResult,
    figures_out,
    finite,
    team_out,
)
from deskmix.validate.replicate import MIN_PART_WEEKS, simulate_side

Progress = Callable[[str, int, int | None], None]
"""Called with (phase, done, total or None)."""

MAX_REPLICATIONS = 200
REPLICATIONS = 10
"""``deskmix validate``'s replications (and the request's default)."""
SERVER_REPLICATIONS, SERVER_MAX_REPLICATIONS = 5, 30
"""``GET /api/validate``: a request simulates the whole history twice in the server's
thread pool, so fewer runs, capped lower."""
QUICK_REPLICATIONS, QUICK_MAX_REPLICATIONS = 3, 30
"""The dashboard's back-test: an answer while the user waits."""
HOLDOUT, MAX_HOLDOUT = 0.3, 0.9
"""The share of the period held out by default, and the most an interface offers."""


class ValidationRequest(BaseModel):
    """What to back-test and how."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(default=None, description="Only tickets of this source system")
    import_id: int | None = Field(default=None, ge=1, description="Only tickets of this import")
    sla: SlaPolicy = Field(default_factory=SlaPolicy.default, description="SLA targets")
    replications: int = Field(default=REPLICATIONS, ge=2, le=MAX_REPLICATIONS)
    seed: int = Field(default=0, ge=0)
    holdout: float = Field(
        default=HOLDOUT, ge=0, lt=1, description="Share of the period (by time) held out; 0: none"
    )
    timezone: str = "UTC"
    workers: int | None = Field(default=None, ge=1, description="Processes; default: one")
    start: date | None = Field(default=None, description="Only tickets opened on or after")
    end: date | None = Field(default=None, description="Only tickets opened on or before")
    accept_unsteady: bool = Field(
        default=False, description="Back-test a period that is not a steady state anyway"
    )


def choose_policy(team: HistoryTeam) -> tuple[str, str]:
    """The routing policy that matches how the history's desk worked, and why."""
    kinds = {a.kind for a in team.team.agents}
    if kinds == {AgentKind.GENERALIST, AgentKind.SPECIALIST}:
        return "generalist_first", (
            "the history shows a first line (generalists) and specialists behind it, so tickets "
            "start with generalists and are escalated"
        )
    if kinds == {AgentKind.SPECIALIST}:
        return "skills_based", "the history shows specialists only: each ticket goes to the "
        "best-skilled free agent"
    return "skills_based", "the history shows generalists only: any able free agent takes a ticket"


# --- the use case ----------------------------------------------------------------------------


class _Frames:
    """The selection's frames: calibration's (tickets, events) and people's (resolvers)."""

    def __init__(
        self,
        store_frames: tuple[pd.DataFrame, pd.DataFrame],
        people: tuple[pd.DataFrame, pd.DataFrame],
    ):
        self.tickets, self.events = store_frames
        self.people_tickets, self.people_events = people

    def opened_in(self, window: Window) -> _Frames:
        """Only the tickets opened in ``window`` (both days included), with their events."""
        opened = self.tickets["opened_at"]
        keep = window.mask(opened)
        ids = set(self.tickets.loc[keep, "id"])
        people_keep = window.mask(pd.to_datetime(self.people_tickets["opened_at"], utc=True))
        return _Frames(
            (
                self.tickets[keep].reset_index(drop=True),
                self.events[self.events["ticket_id"].isin(ids)].reset_index(drop=True),
            ),
            (
                self.people_tickets[people_keep].reset_index(drop=True),
                self.people_events[self.people_events["ticket"].isin(ids)],
            ),
        )

    def before(self, cut: pd.Timestamp) -> _Frames:
        """Tickets opened before ``cut`` and their events up to ``cut``."""
        keep = self.tickets["opened_at"] < cut
        ids = set(self.tickets.loc[keep, "id"])
        events = self.events[self.events["ticket_id"].isin(ids) & (self.events["at"] < cut)]
        people_keep = pd.to_datetime(self.people_tickets["opened_at"], utc=True) < cut
        return _Frames(
            (self.tickets[keep].reset_index(drop=True), events.reset_index(drop=True)),
            (
                self.people_tickets[people_keep].reset_index(drop=True),
                self.people_events[self.people_events["ticket"].isin(ids)],
            ),
        )

    def team(
        self,
        book: StatusBook,
        timezone: str,
        name: str,
        window: tuple[pd.Timestamp, pd.Timestamp],
    ) -> HistoryTeam:
        tickets = self.people_tickets.copy()
        tickets["domain"] = tickets["domain"].astype("object").fillna(fig.UNMAPPED)
        people = history_from_frames(tickets, self.people_events, "domain")
        return rebuild_team(
            self.tickets, self.events, people, book, timezone=timezone, name=name, window=window
        )


def _period(workload: Workload) -> tuple[pd.Timestamp, pd.Timestamp]:
    if workload.period_start is None or workload.period_end is None:
        raise InputError(
            "the history has no period of opening times to back-test against",
            field="opened_at",
            expected="tickets with opening times spanning at least a day",
        )
    return pd.Timestamp(workload.period_start), pd.Timestamp(workload.period_end)


def _back_test(
    label: str,
    train: _Frames,
    compared: _Frames,
    span: tuple[pd.Timestamp, pd.Timestamp],
    request: ValidationRequest,
    book: StatusBook,
    tell: Progress,
    done: list[int],
    total: int,
    workload: Workload | None = None,
) -> tuple[BackTestOut, HistoryTeam]:
    if workload is None:
        tell(f"{label}: calibrating", 0, None)
        workload = calibrate_frames(
            train.tickets,
            train.events,
            name=f"back-test ({label})",
            timezone=request.timezone,
            statuses=book,
            accept_unsteady=request.accept_unsteady,
        ).workload
    cal_start, cal_end = _period(workload)
    tell(f"{label}: rebuilding the team", 0, None)
    team = train.team(book, request.timezone, f"the history's team ({label})", (cal_start, cal_end))
    if not team.team.agents:
        raise StoreError(
            "no agent is named in the history (events' assignee, tickets' resolver or "
            "assignee); the back-test needs the people who worked the tickets"
        )
    start, end = span
    weeks = (end - start) / pd.Timedelta(weeks=1)
    history, facts = fig.history_side(
        compared.tickets,
        compared.events,
        start=start,
        end=end,
        sla=request.sla,
        workload=workload,
        agents=len(team.team.agents),
        on_shift_hours=team.on_shift_hours_per_week,
        book=book,
    )
    policy, why = choose_policy(team)

    def tick() -> None:
        done[0] += 1
        tell("simulating the history's team", done[0], total)

    tell("simulating the history's team", done[0], total)
    simulated = simulate_side(
        workload,
        team,
        request.sla,
        policy,
        weeks,
        (request.replications, request.seed, request.workers),
        tick,
    )
    rows = cmp.compare_sides(history, simulated, facts)
    judged = [r for r in rows if r.within is not None]
    inside = compared.tickets["opened_at"]
    return (
        BackTestOut(
            label=label,
            calibrated_from=cal_start.to_pydatetime(),
            calibrated_to=cal_end.to_pydatetime(),
            compared_from=start.to_pydatetime(),
            compared_to=end.to_pydatetime(),
            weeks=round(weeks, 2),
            tickets=int(((inside >= start) & (inside < end)).sum()),
            policy=policy,
            policy_reason=why,
            within=sum(1 for r in judged if r.within),
            judged=len(judged),
            figures=figures_out(rows),
            largest=figures_out(cmp.largest(rows)),
            facts=FactsOut(
                waiting_share=finite(facts.waiting_share),
                waiting_statuses=facts.waiting_statuses,
                busiest_week_ratio=finite(facts.busiest_week_ratio),
                weekly_cv=finite(facts.weekly_cv),
                effort_hours_per_week=facts.effort_hours_per_week,
                on_shift_hours_per_week=facts.on_shift_hours_per_week,
                implied_utilisation=finite(facts.implied_utilisation),
            ),
            backlog_history=[float(x) for x in history.backlog],
            backlog_simulated=[float(x) for x in simulated.backlog],
            calibration_missing=list(workload.missing),
        ),
        team,
    )


def history_team(store: Store, *, source: str | None = None, timezone: str = "UTC") -> HistoryTeam:
    """The team the stored history shows over its calibrated period (for the plan's comparison)."""
    selection = Selection(source_system=source)
    book = load_statuses()
    frames = _Frames(load_frames(store, selection), history_frames(store, selection))
    if frames.tickets.empty:
        raise StoreError(f"no tickets in the store ({selection.describe()}) to read a team from")
    # The period is the one calibration would read (its busy weeks), without calibrating.
    period = observed_period(frames.tickets["opened_at"])
    if period is None:
        raise InputError(
            "the history has no period of opening times to read a team from",
            field="opened_at",
            expected="tickets with opening times spanning at least a day",
        )
    return frames.team(book, timezone, "the history's team", (period.start, period.end))


def run_validation(
    store: Store, request: ValidationRequest, progress: Progress | None = None
) -> ValidationResult:
    """Back-test the model against the stored history (and a hold-out period)."""

    def tell(phase: str, done: int = 0, total: int | None = None) -> None:
        if progress is not None:
            progress(phase, done, total)

    selection = Selection(source_system=request.source, import_id=request.import_id)
    book = load_statuses()
    tell("reading the store", 0, None)
    frames = _Frames(load_frames(store, selection), history_frames(store, selection))
    if frames.tickets.empty:
        present = stored_sources(store)
        listed = ", ".join(f"{n} ({c:,} tickets)" for n, c in present.items())
        hint = (
            f"the store holds: {listed}" if present else "import some first with 'deskmix import'"
        )
        raise StoreError(f"no tickets to validate against ({selection.describe()}); {hint}")
    if request.start is not None or request.end is not None:
        frames = frames.opened_in(Window(request.start, request.end))
        if frames.tickets.empty:
            raise StoreError(
                f"no tickets opened between {request.start or 'the start'} and "
                f"{request.end or 'the end'} ({selection.describe()})"
            )
    total = request.replications * (2 if request.holdout else 1)
    done = [0]
    # The full history: calibrated on all of it, compared over the calibrated period.
    tell("full history: calibrating", 0, None)
    probe = calibrate_frames(
        frames.tickets,
        frames.events,
        name="back-test",
        timezone=request.timezone,
        statuses=book,
        accept_unsteady=request.accept_unsteady,
    ).workload
    start, end = _period(probe)
    full, team = _back_test(
        "full history", frames, frames, (start, end), request, book, tell, done, total, probe
    )
    notes: list[str] = []
    holdout = None
    if request.holdout:
        cut = start + (end - start) * (1 - request.holdout)
        if (end - cut) / pd.Timedelta(weeks=1) < MIN_PART_WEEKS or (cut - start) / pd.Timedelta(
            weeks=1
        ) < MIN_PART_WEEKS:
            notes.append(
                f"hold-out skipped: {request.holdout:.0%} of a {full.weeks:.1f}-week history "
                f"leaves a part shorter than {MIN_PART_WEEKS:g} week"
            )
        else:
            try:
                holdout, _ = _back_test(
                    f"hold-out (last {request.holdout:.0%})",
                    frames.before(cut),
                    frames,
                    (cut, end),
                    request,
                    book,
                    tell,
                    done,
                    total,
                )
            except UnsteadyPeriodError as exc:
                # The first part alone may be too short for calibration to accept: the full
                # back-test stands, and the note says why there is no hold-out.
                notes.append(f"hold-out skipped: its calibration part is refused ({exc})")
    return ValidationResult(
        source=selection.describe(),
        replications=request.replications,
        seed=request.seed,
        timezone=request.timezone,
        tolerances={k: t.describe() for k, t in cmp.TOLERANCES.items()},
        team=team_out(team),
        full=full,
        holdout=holdout,
        notes=notes,
    )


__all__ = [
    "HOLDOUT",
    "MAX_HOLDOUT",
    "MAX_REPLICATIONS",
    "QUICK_MAX_REPLICATIONS",
    "QUICK_REPLICATIONS",
    "REPLICATIONS",
    "SERVER_MAX_REPLICATIONS",
    "SERVER_REPLICATIONS",
    "Progress",
    "ValidationRequest",
    "ValidationResult",
    "choose_policy",
    "history_team",
    "run_validation",
]
