"""Live routing against a real store (SQLite and PostgreSQL): the simulator's policies decide,
the desk applies, and the state stays consistent through any sequence of operations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from deskmix.domain.team import AgentKind
from deskmix.domain.ticket import Tier
from deskmix.errors import ConfigError
from deskmix.live import ConflictError, Desk, NotFoundError
from deskmix.live.results import NewTicket
from deskmix.live.team import build_live_team
from deskmix.routing.base import QueueSpec
from deskmix.routing.policies import make_policy
from deskmix.store import Store, open_store
from deskmix.store.live_repository import AGENTS, QUEUES, TICKETS
from deskmix.teamfiles import parse_team

TEAM = parse_team(
    """
name: small desk
agents:
  - {name: Gina, kind: generalist, cost_per_hour: 30, skills: {end_user: 3, network: 1}}
  - {name: Gus, kind: generalist, cost_per_hour: 32, skills: {end_user: 2}}
  - {name: Nora, kind: specialist, cost_per_hour: 60, skills: {network: 4}}
msp:
  - {name: SecureCo, domains: [security], tiers: [specialist], response_hours: 2}
"""
)


def _desk(store: Store, policy: str = "generalist_first") -> Desk:
    desk = Desk(store)
    desk.load_team(TEAM, policy)
    return desk


def test_route_escalate_complete_follow_the_policy(store: Store) -> None:
    desk = _desk(store)
    first = desk.route(NewTicket("network", Tier.SPECIALIST, 3, key="A"))
    # generalist_first: the generalist strongest in the domain takes it first, with a limit.
    assert first.ticket.agent == "Gina" and first.ticket.state == "assigned"
    assert first.ticket.work_limit_hours == pytest.approx(0.75)
    assert "takes it first" in first.ticket.reason
    second = desk.route(NewTicket("end_user", Tier.GENERALIST, 3, key="B"))
    assert second.ticket.agent == "Gus"
    third = desk.route(NewTicket("end_user", Tier.GENERALIST, 4, key="C"))
    assert third.ticket.state == "queued" and third.ticket.queue == "generalists"
    urgent = desk.route(NewTicket("end_user", Tier.GENERALIST, 1, key="D"))
    assert urgent.ticket.state == "queued"
    # Escalating A: Nora (network L4) takes it; Gina is freed and takes the P1 before the P4.
    escalated = desk.escalate("A", hours_worked=0.5)
    assert escalated.ticket.agent == "Nora" and escalated.ticket.stage == "escalated"
    assert escalated.ticket.generalist_hours == pytest.approx(0.5)
    assert [(t.key, t.agent) for t in escalated.handed] == [("D", "Gina")]
    done = desk.complete("B")
    assert done.ticket.state == "done"
    assert [(t.key, t.agent) for t in done.handed] == [("C", "Gus")]
    assert "became free" in done.handed[0].reason
    snapshot = desk.snapshot()
    assert snapshot.tickets == {"assigned": 3, "queued": 0, "msp": 0, "done": 1}
    with pytest.raises(ConflictError, match="already completed"):
        desk.complete("B")
    with pytest.raises(NotFoundError):
        desk.complete("nope")
    with pytest.raises(ConflictError, match="already routed"):
        desk.route(NewTicket("network", Tier.SPECIALIST, 3, key="A"))


def test_a_direct_ticket_skips_the_first_line_and_stays_direct(store: Store) -> None:
    desk = _desk(store)
    direct = desk.route(NewTicket("network", Tier.SPECIALIST, 3, key="N", direct=True))
    assert direct.ticket.agent == "Nora" and direct.ticket.stage == "direct"
    assert direct.ticket.reason.startswith("the history sends this work straight")
    # Nora is busy: the next direct ticket waits for the specialists, not the free first line.
    waiting = desk.route(NewTicket("network", Tier.SPECIALIST, 3, key="M", direct=True))
    assert waiting.ticket.state == "queued" and waiting.ticket.queue == "specialists:network"
    assert desk.ticket("M").stage == "direct"
    # Generalist-tier work stays with the first line however long it takes.
    first_line = desk.route(NewTicket("end_user", Tier.GENERALIST, 3, key="E"))
    assert first_line.ticket.agent == "Gina" and first_line.ticket.work_limit_hours is None


def test_msp_assign_and_shifts(store: Store) -> None:
    desk = _desk(store, "skills_based")
    secure = desk.route(NewTicket("security", Tier.SPECIALIST, 2, key="S"))
    assert secure.ticket.state == "msp" and secure.ticket.msp == "SecureCo"
    desk.set_on_shift("Gus", False)
    first = desk.route(NewTicket("end_user", Tier.GENERALIST, 3, key="E1"))
    assert first.ticket.agent == "Gina"  # Gus is off shift
    waiting = desk.route(NewTicket("end_user", Tier.GENERALIST, 3, key="E2"))
    assert waiting.ticket.state == "queued"
    status, took = desk.set_on_shift("Gus", True)
    assert status.on_shift and took is not None and took.ticket.key == "E2"
    with pytest.raises(ConflictError, match="busy with ticket 'E2'"):
        desk.assign("E1", "Gus")
    moved = desk.assign("S", "Nora")  # back in-house by hand
    assert moved.ticket.agent == "Nora" and moved.ticket.msp is None
    with pytest.raises(NotFoundError, match="no agent named"):
        desk.assign("S", "Zed")


def test_team_load_refuses_while_tickets_are_open(store: Store) -> None:
    desk = _desk(store)
    desk.route(NewTicket("end_user", Tier.GENERALIST, 3, key="X"))
    with pytest.raises(ConflictError, match="still open"):
        desk.load_team(TEAM, "skills_based")
    assert desk.snapshot().policy == "generalist_first"
    with pytest.raises(ConfigError, match="unknown policy"):
        desk.load_team(TEAM, "coin_toss", reset=True)
    after = desk.load_team(TEAM, "skills_based", reset=True)
    assert after.policy == "skills_based" and after.tickets["assigned"] == 0


def test_routing_without_a_team_says_what_to_do(sqlite_store: Store) -> None:
    with pytest.raises(ConflictError, match="no team is loaded"):
        Desk(sqlite_store).route(NewTicket("end_user", Tier.GENERALIST, 3))


def test_two_desks_on_one_store_see_each_others_changes(tmp_path: Path) -> None:
    """Two server processes = two Desk objects with their own caches over one database."""
    one, two = open_store(tmp_path / "d.db"), open_store(tmp_path / "d.db")
    try:
        a, b = _desk(one, "skills_based"), Desk(two)
        a.route(NewTicket("network", Tier.SPECIALIST, 3, key="N1"))
        queued = b.route(NewTicket("network", Tier.SPECIALIST, 3, key="N2"))
        assert queued.ticket.state == "queued"  # b saw that a gave Nora a ticket
        freed = a.complete("N1")  # a must know the queue b created
        assert [t.key for t in freed.handed] == ["N2"]
    finally:
        one.dispose()
        two.dispose()


def test_round_robin_continues_one_rotation_across_server_processes(store: Store) -> None:
    """Round robin's turn is the desk's, not each process's: two Desk objects (two server
    processes) taking turns route exactly as one desk does alone."""
    url = store.engine.url.render_as_string(hide_password=False)
    other = open_store(url)
    try:
        a, b = _desk(store, "round_robin"), Desk(other)
        shared = []
        for n in range(6):
            desk = (a, b)[n % 2]
            change = desk.route(NewTicket("end_user", Tier.GENERALIST, 3, key=f"S{n}"))
            shared.append(change.ticket.agent)
            desk.complete(f"S{n}")
        a.load_team(TEAM, "round_robin")  # a new team starts the rotation again
        alone = []
        for n in range(6):
            change = a.route(NewTicket("end_user", Tier.GENERALIST, 3, key=f"A{n}"))
            alone.append(change.ticket.agent)
            a.complete(f"A{n}")
    finally:
        other.dispose()
    assert shared == alone
    assert shared == ["Gina", "Gus"] * 3  # Nora does no end_user work: skipped


# -- invariants under any sequence of operations -------------------------------------------

Operation = tuple[str, int, int]
operations = st.lists(
    st.tuples(
        st.sampled_from(["route", "route", "route", "complete", "escalate", "off", "on"]),
        st.integers(0, 50),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=40,
)
DOMAINS = ["end_user", "network", "security"]
NAMES = [a.name for a in TEAM.agents]


def _check_invariants(desk: Desk) -> None:
    with desk.store.transaction() as conn:
        agents = conn.execute(select(AGENTS)).all()
        tickets = conn.execute(select(TICKETS)).all()
        specs = {
            q.name: QueueSpec(
                q.name, frozenset(AgentKind(k) for k in q.kinds.split()), q.domain, Tier(q.tier)
            )
            for q in conn.execute(select(QUEUES))
        }
        lengths = {q.name: q.waiting for q in conn.execute(select(QUEUES))}
    assigned = [t for t in tickets if t.state == "assigned"]
    # Each queue's stored length is the number of tickets queued in it.
    queued = Counter(t.queue for t in tickets if t.state == "queued")
    assert lengths == {name: queued.get(name, 0) for name in lengths}
    # One ticket per agent at most, and the two sides of the assignment agree.
    assert len({t.agent_id for t in assigned}) == len(assigned)
    held = {a.id: a.ticket_id for a in agents if a.ticket_id is not None}
    assert held == {t.agent_id: t.id for t in assigned}
    # Work conservation: no free, on-shift agent may serve a non-empty queue.
    views = build_live_team(1, TEAM, "round_robin", {}, [a.id for a in agents]).agents
    waiting = {t.queue for t in tickets if t.state == "queued"}
    for agent in agents:
        if agent.on_shift and agent.ticket_id is None:
            view = views[agent.position]
            assert not any(specs[q].admits(view) for q in waiting), (agent.name, waiting)


@pytest.mark.parametrize("policy", ["generalist_first", "skills_based", "round_robin"])
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_any_sequence_keeps_the_desk_consistent(
    sqlite_store: Store, policy: str, ops: list[Operation]
) -> None:
    make_policy(policy)
    desk = Desk(sqlite_store)
    desk.load_team(TEAM, policy, reset=True)
    keys: list[str] = []
    for n, (kind, a, b) in enumerate(ops):
        try:
            if kind == "route":
                tier = Tier.SPECIALIST if b % 3 == 0 else Tier.GENERALIST
                desk.route(NewTicket(DOMAINS[a % 3], tier, 1 + b % 5, key=f"T{n}"))
                keys.append(f"T{n}")
            elif kind in ("complete", "escalate") and keys:
                key = keys[a % len(keys)]
                if kind == "complete":
                    desk.complete(key)
                else:
                    desk.escalate(key, 0.25)
            elif kind in ("off", "on"):
                desk.set_on_shift(NAMES[a % len(NAMES)], kind == "on")
        except ConflictError:
            pass  # completing a done ticket, escalating a queued one: refused, nothing changed
        _check_invariants(desk)
