"""``validate``, the back-test: the history's team simulated on the calibrated workload, set
beside what the history shows, on the whole history and on a hold-out period.

One function (``run_validation``) with a typed request and a pydantic result, so the CLI, the
API, the dashboard, the report and the demo show the same numbers and ``--json`` is stable.

Conventions follow ``deskmix simulate``: replication r of seed s uses
``SeedSequence(s).spawn(R)[r]``, one week of warm-up, the measured weeks as long as the period
compared. The hold-out calibrates and rebuilds the team from the first part of the history
only (what a user would have known then) and compares the simulation with the rest.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime

import numpy as np
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
from deskmix.lifeline import exit_with_parent
from deskmix.people.history import history_frames, history_from_frames
from deskmix.routing.base import Policy
from deskmix.routing.policies import make_policy
from deskmix.sim.compiled import warm_up
from deskmix.sim.engine import run_replication
from deskmix.sim.model import CompiledModel, SimSettings, compile_model
from deskmix.store import Store
from deskmix.store.selection import Selection
from deskmix.validate import compare as cmp
from deskmix.validate import figures as fig
from deskmix.validate.history_team import HistoryTeam, rebuild_team

Progress = Callable[[str, int, int | None], None]
"""Called with (phase, done, total or None)."""

MAX_REPLICATIONS = 200
MIN_PART_WEEKS = 1.0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValidationRequest(_Model):
    """What to back-test and how."""

    source: str | None = Field(default=None, description="Only tickets of this source system")
    import_id: int | None = Field(default=None, ge=1, description="Only tickets of this import")
    sla: SlaPolicy = Field(default_factory=SlaPolicy.default, description="SLA targets")
    replications: int = Field(default=10, ge=2, le=MAX_REPLICATIONS)
    seed: int = Field(default=0, ge=0)
    holdout: float = Field(
        default=0.3, ge=0, lt=1, description="Share of the period (by time) held out; 0: none"
    )
    timezone: str = "UTC"
    workers: int | None = Field(default=None, ge=1, description="Processes; default: one")
    start: date | None = Field(default=None, description="Only tickets opened on or after")
    end: date | None = Field(default=None, description="Only tickets opened on or before")
    accept_unsteady: bool = Field(
        default=False, description="Back-test a period that is not a steady state anyway"
    )


class AgentOut(_Model):
    name: str
    kind: str
    home: str = Field(description="Main domain (specialists) or 'first line'")
    groups: list[str]
    tickets: int
    tickets_by_domain: dict[str, int]
    evidence: dict[str, int] = Field(description="people/ evidence level per domain")
    first_seen: datetime
    last_seen: datetime
    weeks_active: int
    shift: str
    own_shift: bool = Field(description="False: too few events, the desk's shift stands in")
    in_team: bool = Field(description="Kept in the typical-week team that is simulated")


class TeamOut(_Model):
    people: int
    simulated_agents: int
    weeks: int
    median_headcount: float
    typical: dict[str, int] = Field(description="group -> agents in the simulated team")
    headcount: dict[str, int] = Field(description="'kind: home' -> agents simulated")
    msp: list[str]
    desk_shift: str
    on_shift_hours_per_week: float
    rule: str
    notes: list[str]
    agents: list[AgentOut]


class FigureOut(_Model):
    figure: str
    scope: str
    history: float | None
    simulated: float | None
    half_width: float | None = Field(description="95% interval across replications")
    difference: float | None = Field(description="relative or absolute, as the tolerance reads")
    distance: float | None = Field(description="W1 of resolution times (h) on time rows")
    tolerance: str
    within: bool | None = Field(description="None: too few tickets to judge")
    cause: str | None


class FactsOut(_Model):
    waiting_share: float | None
    waiting_statuses: list[str]
    busiest_week_ratio: float | None
    weekly_cv: float | None
    effort_hours_per_week: float
    on_shift_hours_per_week: float
    implied_utilisation: float | None


class BackTestOut(_Model):
    label: str
    calibrated_from: datetime
    calibrated_to: datetime
    compared_from: datetime
    compared_to: datetime
    weeks: float
    tickets: int
    policy: str
    policy_reason: str
    within: int
    judged: int
    figures: list[FigureOut]
    largest: list[FigureOut]
    facts: FactsOut
    backlog_history: list[float]
    backlog_simulated: list[float]
    calibration_missing: list[str]

    @property
    def verdict(self) -> str:
        return f"{self.within} of {self.judged} figures within tolerance"


class ValidationResult(_Model):
    source: str
    replications: int
    seed: int
    timezone: str
    tolerances: dict[str, str]
    team: TeamOut
    full: BackTestOut
    holdout: BackTestOut | None
    notes: list[str]

    def tables(self) -> dict[str, list[dict[str, str | int | float | bool | None]]]:
        """What ``--csv``/``--xlsx`` write: ``figures`` (every figure of the full history and
        of the hold-out, history beside simulated) and ``team`` (the people the history shows)."""
        tests = [t for t in (self.full, self.holdout) if t is not None]
        figures: list[dict[str, str | int | float | bool | None]] = [
            {"back_test": t.label, **f.model_dump()} for t in tests for f in t.figures
        ]
        team: list[dict[str, str | int | float | bool | None]] = [
            {
                "name": a.name,
                "kind": a.kind,
                "home": a.home,
                "groups": ", ".join(a.groups),
                "tickets": a.tickets,
                "weeks_active": a.weeks_active,
                "shift": a.shift,
                "in_team": a.in_team,
            }
            for a in self.team.agents
        ]
        return {"figures": figures, "team": team}


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


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


# --- simulation -----------------------------------------------------------------------------

Run = tuple[dict[tuple[str, str], float], dict[str, np.ndarray], np.ndarray]
_WORKER: dict[str, object] = {}


def _install(model: CompiledModel, policy: str) -> None:
    exit_with_parent()
    _WORKER["model"], _WORKER["policy"] = model, make_policy(policy)


def _one(seed: np.random.SeedSequence) -> Run:
    """One replication in a pool worker, on the model its initialiser installed."""
    model, policy = _WORKER["model"], _WORKER["policy"]
    assert isinstance(model, CompiledModel) and isinstance(policy, Policy)
    return _replicate(model, policy, seed)


def _replicate(model: CompiledModel, policy: Policy, seed: np.random.SeedSequence) -> Run:
    result = run_replication(model, copy.deepcopy(policy), seed)
    return fig.replication_figures(model, result)


def simulate_side(
    workload: Workload,
    team: HistoryTeam,
    sla: SlaPolicy,
    policy: str,
    weeks: float,
    request: ValidationRequest,
    tick: Callable[[], None],
) -> fig.Side:
    """The rebuilt team on the workload: ``request.replications`` runs, seeded as simulate's."""
    settings = SimSettings(weeks=max(weeks, MIN_PART_WEEKS), warmup_weeks=1, delays=True)
    model = compile_model(workload, team.team, sla, settings)
    seeds = np.random.SeedSequence(request.seed).spawn(request.replications)
    runs: list[Run] = []
    workers = min(request.replications, request.workers or 1)
    if workers <= 1:
        # In this process the model travels as an argument: a module-level slot would be
        # shared by concurrent back-tests (the API and dashboard run them in threads).
        chosen = make_policy(policy)
        for s in seeds:
            runs.append(_replicate(model, chosen, s))
            tick()
    else:
        warm_up()
        with ProcessPoolExecutor(workers, initializer=_install, initargs=(model, policy)) as pool:
            for run in pool.map(_one, seeds):
                runs.append(run)
                tick()
    return fig.simulated_side(runs)


# --- the use case ----------------------------------------------------------------------------


def _figures_out(rows: list[cmp.Row]) -> list[FigureOut]:
    return [
        FigureOut(
            figure=r.figure,
            scope=r.scope,
            history=_finite(r.history),
            simulated=_finite(r.simulated),
            half_width=_finite(r.half_width),
            difference=_finite(r.difference),
            distance=_finite(r.distance),
            tolerance=cmp.TOLERANCES[r.figure].describe(),
            within=r.within,
            cause=r.cause,
        )
        for r in rows
    ]


def _team_out(team: HistoryTeam) -> TeamOut:
    return TeamOut(
        people=len(team.agents),
        simulated_agents=len(team.team.agents),
        weeks=team.weeks,
        median_headcount=float(np.median(team.weekly_headcount)) if team.weekly_headcount else 0,
        typical=team.typical,
        headcount={f"{k}: {h}": n for (k, h), n in team.headcount().items()},
        msp=team.msp_groups,
        desk_shift=team.desk_shift,
        on_shift_hours_per_week=team.on_shift_hours_per_week,
        rule=team.rule,
        notes=team.notes,
        agents=[
            AgentOut(
                name=a.name,
                kind=a.kind.value,
                home=a.home,
                groups=a.groups,
                tickets=a.tickets,
                tickets_by_domain=a.tickets_by_domain,
                evidence=a.evidence,
                first_seen=a.first_seen,
                last_seen=a.last_seen,
                weeks_active=a.weeks_active,
                shift=a.shift,
                own_shift=a.own_shift,
                in_team=a.in_team,
            )
            for a in team.agents
        ],
    )


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
    simulated = simulate_side(workload, team, request.sla, policy, weeks, request, tick)
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
            figures=_figures_out(rows),
            largest=_figures_out(cmp.largest(rows)),
            facts=FactsOut(
                waiting_share=_finite(facts.waiting_share),
                waiting_statuses=facts.waiting_statuses,
                busiest_week_ratio=_finite(facts.busiest_week_ratio),
                weekly_cv=_finite(facts.weekly_cv),
                effort_hours_per_week=facts.effort_hours_per_week,
                on_shift_hours_per_week=facts.on_shift_hours_per_week,
                implied_utilisation=_finite(facts.implied_utilisation),
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
        team=_team_out(team),
        full=full,
        holdout=holdout,
        notes=notes,
    )
