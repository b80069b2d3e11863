"""Live routing against the store: route, assign, complete, escalate, shifts, team loads.

Every change runs in one transaction that starts by locking the single ``live_desk`` row
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite a write to that row, which takes SQLite's
one writer lock, plus a lock per process so threads queue instead of spinning on SQLITE_BUSY).
Changes are therefore applied one after another: a policy decides against a state nobody else
can change before the decision is written, so no agent is handed two tickets and no update is
lost, however many requests, threads or server processes arrive at once. The database enforces
"one assigned ticket per agent" too (unique indexes), as a second line of defence.

The lock is held for a handful of indexed statements, and the team's views and policy are
built once per team version per process, so the serial section stays short.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, delete, func, insert, literal, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from deskmix.domain.team import AgentKind, Team
from deskmix.domain.ticket import Tier
from deskmix.live.errors import ConflictError, NotFoundError
from deskmix.live.results import (
    ASSIGNED,
    DONE,
    MSP,
    OPEN_STATES,
    QUEUED,
    AgentStatus,
    Change,
    NewTicket,
    QueueStatus,
    Snapshot,
    TicketState,
)
from deskmix.live.state import LiveState, LiveTicketView, clock_hours
from deskmix.live.tables import AGENTS, DESK, QUEUES, TICKETS
from deskmix.live.team import LiveTeam, build_live_team
from deskmix.routing.base import Decision, QueueSpec, Stage
from deskmix.routing.policies import make_policy
from deskmix.store import Store


def _spec(row: Row[Any]) -> QueueSpec:
    return QueueSpec(
        name=row.name,
        kinds=frozenset(AgentKind(k) for k in row.kinds.split()),
        domain=row.domain,
        tier=Tier(row.tier),
    )


class Desk:
    """The live desk of one store. Create one per server process and share it."""

    def __init__(self, store: Store, *, durable: bool = False) -> None:
        self.store = store
        self.durable = durable
        self._sqlite = store.engine.dialect.name == "sqlite"
        self._process_lock = threading.Lock()
        self._team: LiveTeam | None = None
        # Queue specs, cached per (team version, number of specs): both come with the lock.
        self._specs: tuple[int, int, dict[str, QueueSpec]] = (-1, -1, {})

    # -- the lock -------------------------------------------------------------------------
    @contextmanager
    def _locked(
        self, *, durable: bool = False
    ) -> Iterator[tuple[Connection, int, list[int] | None]]:
        """One transaction holding the desk lock; yields the connection, the team version and
        (on PostgreSQL) the positions of the free agents, read after the lock was granted."""
        # Threads of one process queue on a local lock first: only one of them holds a
        # connection waiting on (or holding) the desk row, and on SQLite none spins on BUSY.
        local: AbstractContextManager[Any] = self._process_lock
        with local, self.store.transaction() as connection:
            free: list[int] | None = None
            if self._sqlite:
                version, queues = connection.execute(
                    update(DESK)
                    .where(DESK.c.id == 1)
                    .values(version=DESK.c.version)
                    .returning(DESK.c.version, DESK.c.queues)
                ).one()
            else:
                version, queues, free = self._lock_postgresql(connection, durable)
            if self._specs[:2] != (version, queues):
                specs = {r.name: _spec(r) for r in connection.execute(select(QUEUES))}
                self._specs = (version, queues, specs)
            yield connection, version, free

    def _lock_postgresql(self, connection: Connection, durable: bool) -> tuple[int, int, list[int]]:
        """Lock the desk row and read who is free, in one round trip.

        The statements go as one simple query: under READ COMMITTED each statement takes its
        own snapshot, so the read after the ``FOR UPDATE`` sees every change committed before
        the lock was granted. Unless the desk is durable, the transaction commits without
        waiting for the WAL flush (``synchronous_commit = off``): the lock is then held for
        the statements only, not for a disk sync; see docs/api.md for what that trades.
        """
        commit = "" if self.durable or durable else "SET LOCAL synchronous_commit TO off; "
        raw: Any = connection.connection.dbapi_connection
        with raw.cursor() as cursor:
            cursor.execute(
                commit + "SELECT version, queues FROM live_desk WHERE id = 1 FOR UPDATE; "
                "SELECT position FROM live_agents WHERE on_shift AND ticket_id IS NULL "
                "ORDER BY position"
            )
            if commit:
                cursor.nextset()
            version, queues = cursor.fetchone()
            cursor.nextset()
            free = [row[0] for row in cursor.fetchall()]
        return int(version), int(queues), free

    def _team_for(self, connection: Connection, version: int) -> LiveTeam:
        team = self._team
        if team is not None and team.version == version:
            return team
        if version == 0:
            raise ConflictError(
                "no team is loaded for live routing; load one first "
                "(PUT /api/live/team, or 'deskmix serve --team FILE')"
            )
        desk = connection.execute(select(DESK).where(DESK.c.id == 1)).one()
        ids = [
            row.id for row in connection.execute(select(AGENTS.c.id).order_by(AGENTS.c.position))
        ]
        team = build_live_team(
            version,
            Team.model_validate(desk.team),
            desk.policy,
            dict(desk.policy_settings or {}),
            ids,
        )
        self._team = team
        return team

    # -- reading rows ---------------------------------------------------------------------
    def _ticket_row(self, connection: Connection, key: str) -> Row[Any]:
        row = connection.execute(select(TICKETS).where(TICKETS.c.key == key)).first()
        if row is None:
            raise NotFoundError(f"no live ticket '{key}'; route it first (POST /api/route)")
        return row

    def _state_of(
        self, connection: Connection, team: LiveTeam | None, row: Row[Any]
    ) -> TicketState:
        agent: str | None = None
        if row.agent_id is not None:
            position = team.position_of(row.agent_id) if team is not None else None
            if position is not None and team is not None:
                agent = team.agents[position].name
            else:
                agent = connection.execute(
                    select(AGENTS.c.name).where(AGENTS.c.id == row.agent_id)
                ).scalar_one_or_none()
        return TicketState(
            key=row.key,
            domain=row.domain,
            tier=row.tier,
            priority=row.priority,
            stage=row.stage,
            state=row.state,
            agent=agent,
            queue=row.queue,
            msp=row.msp,
            reason=row.reason,
            work_limit_hours=row.work_limit_hours,
            generalist_hours=row.generalist_hours,
            opened_at=row.opened_at,
            queued_at=row.queued_at,
            assigned_at=row.assigned_at,
            done_at=row.done_at,
        )

    def _reread(self, connection: Connection, team: LiveTeam, ticket_id: int) -> TicketState:
        row = connection.execute(select(TICKETS).where(TICKETS.c.id == ticket_id)).one()
        return self._state_of(connection, team, row)

    # -- applying decisions ---------------------------------------------------------------
    def _target(self, decision: Decision, team: LiveTeam, now: datetime) -> dict[str, Any]:
        """Ticket columns for where a decision sends it."""
        values: dict[str, Any] = {
            "reason": decision.reason,
            "work_limit_hours": decision.work_limit_hours,
            "msp": None,
            "queued_at": None,
        }
        if decision.agent is not None:
            values |= {
                "state": ASSIGNED,
                "agent_id": team.agent_ids[decision.agent.index],
                "assigned_at": now,
            }
        elif decision.msp is not None:
            values |= {"state": MSP, "agent_id": None, "msp": decision.msp.name}
        else:
            assert decision.queue is not None
            values |= {
                "state": QUEUED,
                "agent_id": None,
                "queue": decision.queue.name,
                "queued_at": now,
            }
        return values

    def _occupy(
        self, connection: Connection, team: LiveTeam, position: int, ticket_id: int, now: datetime
    ) -> None:
        taken = connection.execute(
            update(AGENTS)
            .where(
                AGENTS.c.id == team.agent_ids[position],
                AGENTS.c.ticket_id.is_(None),
            )
            .values(ticket_id=ticket_id, busy_since=now)
        ).rowcount
        if taken != 1:  # the lock makes this impossible; fail loudly rather than double-book
            raise RuntimeError(f"agent {team.agents[position].name} was not free")

    def _release(self, connection: Connection, agent_id: int) -> bool:
        """Free an agent; returns whether the agent is on shift (and so takes more work)."""
        on_shift = connection.execute(
            update(AGENTS)
            .where(AGENTS.c.id == agent_id)
            .values(ticket_id=None, busy_since=None)
            .returning(AGENTS.c.on_shift)
        ).scalar_one_or_none()
        return bool(on_shift)

    def _ensure_queue(self, connection: Connection, spec: QueueSpec) -> None:
        """Store a queue's spec the first time a policy uses it (under the lock, so the
        cached specs, refreshed when the lock shows a new count, are complete)."""
        version, count, specs = self._specs
        if spec.name in specs:
            return
        connection.execute(
            insert(QUEUES).values(
                name=spec.name,
                kinds=" ".join(sorted(k.value for k in spec.kinds)),
                domain=spec.domain,
                tier=spec.tier.value,
            )
        )
        connection.execute(update(DESK).where(DESK.c.id == 1).values(queues=count + 1))
        self._specs = (version, count + 1, {**specs, spec.name: spec})

    def _pull(
        self, connection: Connection, team: LiveTeam, position: int, now: datetime
    ) -> TicketState | None:
        """The freed agent takes the best waiting ticket among the queues it may serve:
        highest priority, then the oldest (as in the simulator)."""
        agent = team.agents[position]
        names = [name for name, spec in self._specs[2].items() if spec.admits(agent)]
        if not names:
            return None
        head = (
            select(TICKETS.c.id)
            .where(TICKETS.c.state == QUEUED, TICKETS.c.queue.in_(names))
            .order_by(TICKETS.c.priority, TICKETS.c.opened_at, TICKETS.c.id)
            .limit(1)
            .scalar_subquery()
        )
        # Find and take the head in one statement (the desk lock keeps it the head).
        taken = connection.execute(
            update(TICKETS)
            .where(TICKETS.c.id == head)
            .values(
                state=ASSIGNED,
                agent_id=team.agent_ids[position],
                assigned_at=now,
                reason=literal(f"{agent.name} became free and took it from the ")
                + TICKETS.c.queue
                + literal(" queue (highest priority, then oldest)"),
            )
            .returning(*TICKETS.c)
        ).first()
        if taken is None:
            return None
        self._occupy(connection, team, position, taken.id, now)
        return self._state_of(connection, team, taken)

    def _after_queueing(
        self,
        connection: Connection,
        team: LiveTeam,
        state: LiveState,
        spec: QueueSpec,
        now: datetime,
    ) -> list[TicketState]:
        """Work conservation: a free agent able to serve the queue takes its head at once."""
        for agent in state.free_agents():
            if spec.admits(agent):
                taken = self._pull(connection, team, agent.index, now)
                return [taken] if taken is not None else []
        return []

    def _decide_and_apply(
        self,
        connection: Connection,
        team: LiveTeam,
        view: LiveTicketView,
        now: datetime,
        write: Any,
        free: list[int] | None,
    ) -> tuple[Decision, LiveState, list[TicketState]]:
        state = LiveState.read(connection, team, clock_hours(now), free)
        decision = team.policy.decide(view, state)
        ticket_id = write(self._target(decision, team, now))
        handed: list[TicketState] = []
        if decision.agent is not None:
            self._occupy(connection, team, decision.agent.index, ticket_id, now)
        elif decision.queue is not None:
            self._ensure_queue(connection, decision.queue)
            handed = self._after_queueing(connection, team, state, decision.queue, now)
        return decision, state, handed

    # -- operations -----------------------------------------------------------------------
    def route(self, ticket: NewTicket) -> Change:
        """Decide where a new ticket goes with the desk's policy, and apply it."""
        key = ticket.key or f"L-{uuid4().hex[:12]}"
        with self._locked() as (connection, version, free):
            now = datetime.now(UTC)  # after the lock: times follow the order of changes
            opened = ticket.opened_at or now
            team = self._team_for(connection, version)
            view = LiveTicketView(
                key, ticket.domain, ticket.tier, ticket.priority, Stage.NEW, clock_hours(opened)
            )

            inserted: list[Row[Any]] = []

            def write(values: dict[str, Any]) -> int:
                try:
                    row = connection.execute(
                        insert(TICKETS)
                        .values(
                            key=key,
                            domain=ticket.domain,
                            tier=ticket.tier.value,
                            priority=ticket.priority,
                            stage=Stage.NEW.value,
                            generalist_hours=0.0,
                            opened_at=opened,
                            **values,
                        )
                        .returning(*TICKETS.c)
                    ).one()
                except IntegrityError as exc:
                    raise ConflictError(
                        f"ticket '{key}' was already routed; complete or escalate it instead"
                    ) from exc
                inserted.append(row)
                new_id: int = row.id
                return new_id

            _, _, handed = self._decide_and_apply(connection, team, view, now, write, free)
            # Queued, it may have been taken at once by a free agent (work conservation).
            final = next((t for t in handed if t.key == key), None)
            if final is None:
                final = self._state_of(connection, team, inserted[0])
            return Change(final, team.policy_name, handed)

    def complete(self, key: str) -> Change:
        """The ticket is resolved: its agent is freed and takes the best waiting ticket."""
        with self._locked() as (connection, version, _free):
            now = datetime.now(UTC)  # after the lock: times follow the order of changes
            team = self._team_for(connection, version)
            done = connection.execute(
                update(TICKETS)
                .where(TICKETS.c.key == key, TICKETS.c.state != DONE)
                .values(state=DONE, done_at=now)
                .returning(*TICKETS.c)
            ).first()
            if done is None:
                self._ticket_row(connection, key)  # 404 when unknown
                raise ConflictError(f"ticket '{key}' is already completed")
            handed: list[TicketState] = []
            # The agent holding it, if any (an assigned ticket is held by exactly one agent).
            holder = connection.execute(
                update(AGENTS)
                .where(AGENTS.c.ticket_id == done.id)
                .values(ticket_id=None, busy_since=None)
                .returning(AGENTS.c.position, AGENTS.c.on_shift)
            ).first()
            if holder is not None and holder.on_shift:
                taken = self._pull(connection, team, holder.position, now)
                handed = [taken] if taken is not None else []
            return Change(self._state_of(connection, team, done), team.policy_name, handed)

    def escalate(self, key: str, hours_worked: float | None = None) -> Change:
        """The agent could not resolve it: the policy routes it again as escalated work, then
        the agent is freed (so it is not handed the same ticket back)."""
        with self._locked() as (connection, version, free):
            now = datetime.now(UTC)  # after the lock: times follow the order of changes
            team = self._team_for(connection, version)
            row = self._ticket_row(connection, key)
            if row.state != ASSIGNED or row.agent_id is None:
                raise ConflictError(
                    f"ticket '{key}' is {row.state}, not with an agent; only assigned tickets "
                    "are escalated"
                )
            position = team.position_of(row.agent_id)
            worked = hours_worked
            if worked is None:
                started = row.assigned_at or now
                worked = max(0.0, (now - started).total_seconds() / 3600.0)
            generalist = position is not None and (
                team.agents[position].kind == AgentKind.GENERALIST
            )
            spent = row.generalist_hours + (worked if generalist else 0.0)
            view = LiveTicketView(
                key,
                row.domain,
                Tier(row.tier),
                row.priority,
                Stage.ESCALATED,
                clock_hours(row.opened_at),
                spent,
            )
            on_shift = False

            def write(values: dict[str, Any]) -> int:
                nonlocal on_shift
                on_shift = self._release(connection, row.agent_id)
                connection.execute(
                    update(TICKETS)
                    .where(TICKETS.c.id == row.id)
                    .values(stage=Stage.ESCALATED.value, generalist_hours=spent, **values)
                )
                ticket_id: int = row.id
                return ticket_id

            _, _, handed = self._decide_and_apply(connection, team, view, now, write, free)
            if on_shift and position is not None:
                taken = self._pull(connection, team, position, now)
                if taken is not None:
                    handed.append(taken)
            return Change(self._reread(connection, team, row.id), team.policy_name, handed)

    def assign(self, key: str, agent_name: str) -> Change:
        """A person overrides the policy: the ticket goes to this free, on-shift agent."""
        with self._locked() as (connection, version, _free):
            now = datetime.now(UTC)  # after the lock: times follow the order of changes
            team = self._team_for(connection, version)
            row = self._ticket_row(connection, key)
            if row.state == DONE:
                raise ConflictError(f"ticket '{key}' is already completed")
            position = team.positions.get(agent_name)
            if position is None:
                raise NotFoundError(f"no agent named '{agent_name}' in team '{team.name}'")
            agent_id = team.agent_ids[position]
            if row.state == ASSIGNED and row.agent_id == agent_id:
                return Change(self._state_of(connection, team, row), team.policy_name)
            agent = connection.execute(select(AGENTS).where(AGENTS.c.id == agent_id)).one()
            if not agent.on_shift:
                raise ConflictError(f"{agent_name} is off shift")
            if agent.ticket_id is not None:
                busy = connection.execute(
                    select(TICKETS.c.key).where(TICKETS.c.id == agent.ticket_id)
                ).scalar_one_or_none()
                raise ConflictError(f"{agent_name} is busy with ticket '{busy}'")
            previous = row.agent_id if row.state == ASSIGNED else None
            previous_on_shift = (
                self._release(connection, previous) if previous is not None else False
            )
            connection.execute(
                update(TICKETS)
                .where(TICKETS.c.id == row.id)
                .values(
                    state=ASSIGNED,
                    agent_id=agent_id,
                    assigned_at=now,
                    msp=None,
                    queued_at=None,
                    reason=f"assigned to {agent_name} by hand",
                )
            )
            self._occupy(connection, team, position, row.id, now)
            handed: list[TicketState] = []
            previous_position = team.position_of(previous)
            if previous_on_shift and previous_position is not None:
                taken = self._pull(connection, team, previous_position, now)
                handed = [taken] if taken is not None else []
            return Change(self._reread(connection, team, row.id), team.policy_name, handed)

    def set_on_shift(self, agent_name: str, on_shift: bool) -> tuple[AgentStatus, Change | None]:
        """An agent starts or ends a shift; one who starts free takes the best waiting ticket.
        A ticket in hand at the end of a shift stays with the agent, as in the simulator."""
        with self._locked() as (connection, version, _free):
            now = datetime.now(UTC)  # after the lock: times follow the order of changes
            team = self._team_for(connection, version)
            position = team.positions.get(agent_name)
            if position is None:
                raise NotFoundError(f"no agent named '{agent_name}' in team '{team.name}'")
            row = connection.execute(
                update(AGENTS)
                .where(AGENTS.c.id == team.agent_ids[position])
                .values(on_shift=on_shift)
                .returning(AGENTS.c.ticket_id)
            ).one()
            change: Change | None = None
            if on_shift and row.ticket_id is None:
                taken = self._pull(connection, team, position, now)
                if taken is not None:
                    change = Change(taken, team.policy_name, [taken])
            status = self._agent_statuses(connection, team.agent_ids[position])[0]
            return status, change

    def ticket(self, key: str) -> TicketState:
        with self.store.transaction() as connection:
            row = self._ticket_row(connection, key)
            return self._state_of(connection, self._team, row)

    def _agent_statuses(
        self, connection: Connection, agent_id: int | None = None
    ) -> list[AgentStatus]:
        query = (
            select(
                AGENTS.c.name,
                AGENTS.c.kind,
                AGENTS.c.on_shift,
                AGENTS.c.busy_since,
                TICKETS.c.key,
            )
            .select_from(AGENTS.outerjoin(TICKETS, TICKETS.c.id == AGENTS.c.ticket_id))
            .order_by(AGENTS.c.position)
        )
        if agent_id is not None:
            query = query.where(AGENTS.c.id == agent_id)
        return [
            AgentStatus(r.name, r.kind, bool(r.on_shift), r.key, r.busy_since)
            for r in connection.execute(query)
        ]

    def snapshot(self) -> Snapshot:
        """Agents, queues and ticket counts now (read without taking the desk lock)."""
        now = datetime.now(UTC)
        with self.store.transaction() as connection:
            desk = connection.execute(select(DESK).where(DESK.c.id == 1)).one()
            agents = self._agent_statuses(connection)
            queues = [
                QueueStatus(
                    name,
                    count,
                    max(0.0, (now - oldest).total_seconds() / 3600.0) if oldest else 0.0,
                )
                for name, count, oldest in connection.execute(
                    select(TICKETS.c.queue, func.count(), func.min(TICKETS.c.queued_at))
                    .where(TICKETS.c.state == QUEUED)
                    .group_by(TICKETS.c.queue)
                    .order_by(TICKETS.c.queue)
                )
            ]
            counts: dict[str, int] = {
                str(row[0]): int(row[1])
                for row in connection.execute(
                    select(TICKETS.c.state, func.count()).group_by(TICKETS.c.state)
                )
            }
        return Snapshot(
            version=desk.version,
            team=desk.team_name,
            policy=desk.policy,
            agents=agents,
            queues=queues,
            tickets={s: counts.get(s, 0) for s in (*OPEN_STATES, DONE)},
        )

    def load_team(
        self,
        team: Team,
        policy: str = "generalist_first",
        policy_settings: dict[str, Any] | None = None,
        *,
        reset: bool = False,
    ) -> Snapshot:
        """Make ``team`` the live team under ``policy``. Live tickets are cleared; while some
        are still open this is refused unless ``reset`` says to discard them."""
        settings = dict(policy_settings or {})
        make_policy(policy, **dict(settings))  # a bad name or setting fails before any change
        with self._locked(durable=True) as (connection, version, _free):
            now = datetime.now(UTC)  # after the lock: times follow the order of changes
            still_open = connection.execute(
                select(func.count()).select_from(TICKETS).where(TICKETS.c.state.in_(OPEN_STATES))
            ).scalar_one()
            if still_open and not reset:
                raise ConflictError(
                    f"{still_open} live tickets are still open (with an agent, queued or with "
                    "an MSP); complete them first, or load with reset=true to discard them"
                )
            connection.execute(delete(TICKETS))
            connection.execute(delete(QUEUES))
            connection.execute(delete(AGENTS))
            if team.agents:
                connection.execute(
                    insert(AGENTS),
                    [
                        {
                            "position": i,
                            "name": a.name,
                            "kind": a.kind.value,
                            "skills": dict(a.skills),
                            "cost_per_hour": a.cost_per_hour,
                            "on_shift": True,
                            "ticket_id": None,
                            "busy_since": None,
                        }
                        for i, a in enumerate(team.agents)
                    ],
                )
            connection.execute(
                update(DESK)
                .where(DESK.c.id == 1)
                .values(
                    version=version + 1,
                    team_name=team.name,
                    policy=policy,
                    policy_settings=settings,
                    team=team.model_dump(mode="json"),
                    loaded_at=now,
                )
            )
        self._team = None
        return self.snapshot()
