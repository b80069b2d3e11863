"""Group commit: operations applied together in one batch give exactly what they give one at a
time, a refused operation fails alone, and concurrent callers (threads, and two desks on one
database standing for two server processes) never double-book an agent or lose an update.

Real stores (SQLite and PostgreSQL), real threads; nothing of deskmix is mocked.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections import Counter, defaultdict
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from deskmix.domain.ticket import Tier
from deskmix.errors import DeskmixError
from deskmix.live import ConflictError, Desk, NotFoundError
from deskmix.live.results import Change, NewTicket
from deskmix.store import Store, open_store
from deskmix.store.live_repository import AGENTS, QUEUES, TICKETS
from tests.live.test_desk import TEAM

DOMAINS = ["end_user", "network", "security"]
NAMES = [a.name for a in TEAM.agents]
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

Step = tuple[str, tuple[Any, ...]]


def _script(seed: int, length: int = 80) -> list[Step]:
    """A mixed sequence of operations, some of them refused (unknown or done tickets,
    duplicate ids, busy agents), with fixed opening times so queue order is reproducible."""
    rng = random.Random(seed)
    steps: list[Step] = []
    keys: list[str] = []
    for n in range(length):
        kind = rng.choice(["route"] * 5 + ["complete"] * 3 + ["escalate", "assign", "shift"])
        if kind == "route" or not keys:
            key = rng.choice(keys) if keys and rng.random() < 0.05 else f"T{n}"  # duplicate id
            ticket = NewTicket(
                rng.choice(DOMAINS),
                Tier.SPECIALIST if rng.random() < 0.35 else Tier.GENERALIST,
                rng.randint(1, 5),
                key=key,
                opened_at=START + timedelta(minutes=n),
            )
            steps.append(("route", (ticket,)))
            keys.append(key)
        elif kind == "complete":
            key = "nope" if rng.random() < 0.05 else rng.choice(keys)
            steps.append(("complete", (key,)))
        elif kind == "escalate":
            steps.append(("escalate", (rng.choice(keys), 0.25)))
        elif kind == "assign":
            steps.append(("assign", (rng.choice(keys), rng.choice(NAMES))))
        else:
            steps.append(("shift", (rng.choice(NAMES), rng.random() < 0.6)))
    return steps


def _submit(desk: Desk, step: Step) -> Future[Any]:
    kind, args = step
    submit = {
        "route": desk.submit_route,
        "complete": desk.submit_complete,
        "escalate": desk.submit_escalate,
        "assign": desk.submit_assign,
        "shift": desk.submit_shift,
    }[kind]
    future: Future[Any] = submit(*args)
    return future


def _outcome(future: Future[Any]) -> Any:
    """What an operation answered, without the wall-clock times (they differ between runs)."""
    try:
        value = future.result(timeout=60)
    except DeskmixError as exc:
        return (type(exc).__name__, str(exc))
    changes: list[Change] = []
    status = None
    if isinstance(value, Change):
        changes = [value]
    else:
        status, change = value
        status = (status.name, status.on_shift, status.ticket)
        changes = [change] if change is not None else []
    return status, [
        [
            (t.key, t.state, t.agent, t.queue, t.msp, t.stage, t.reason, t.work_limit_hours)
            for t in (c.ticket, *c.handed)
        ]
        for c in changes
    ]


def _stored(store: Store) -> tuple[list[Any], list[Any], list[Any]]:
    with store.transaction() as conn:
        tickets = conn.execute(
            select(
                TICKETS.c.key,
                TICKETS.c.state,
                TICKETS.c.agent_id,
                TICKETS.c.queue,
                TICKETS.c.msp,
                TICKETS.c.stage,
                TICKETS.c.reason,
                TICKETS.c.generalist_hours,
            ).order_by(TICKETS.c.id)
        ).all()
        agents = conn.execute(
            select(AGENTS.c.name, AGENTS.c.on_shift, TICKETS.c.key)
            .select_from(AGENTS.outerjoin(TICKETS, TICKETS.c.id == AGENTS.c.ticket_id))
            .order_by(AGENTS.c.position)
        ).all()
        queues = conn.execute(select(QUEUES.c.name, QUEUES.c.waiting).order_by(QUEUES.c.name))
    return [tuple(t) for t in tickets], [tuple(a) for a in agents], [tuple(q) for q in queues]


@pytest.mark.parametrize("policy", ["generalist_first", "skills_based", "msp_overflow"])
@pytest.mark.parametrize("seed", [1, 2])
def test_one_batch_decides_as_one_at_a_time(
    store: Store, tmp_path: Path, policy: str, seed: int
) -> None:
    """The same script, once one operation per batch and once all in a single batch: every
    answer (decisions, reasons, refusals) and the stored desk afterwards are the same."""
    script = _script(seed)
    other = open_store(tmp_path / "reference.db")
    try:
        alone, together = Desk(other), Desk(store)
        alone.load_team(TEAM, policy)
        together.load_team(TEAM, policy)
        one_by_one = [_outcome(_submit(alone, step)) for step in script]
        batches_before = together.batches
        with together.together():
            futures = [_submit(together, step) for step in script]
        in_batch = [_outcome(f) for f in futures]
        assert together.batches == batches_before + 1  # it really was one batch
        assert in_batch == one_by_one
        refused = [o for o in in_batch if isinstance(o[0], str)]
        assert refused, "the script should include refusals"
        assert {name for name, _ in refused} <= {"ConflictError", "NotFoundError"}
        # The stores agree too (agent ids differ between stores: compare by name).
        names = {}
        for desk in (alone, together):
            with desk.store.transaction() as conn:
                names[id(desk)] = dict(conn.execute(select(AGENTS.c.id, AGENTS.c.name)).all())
        tickets_a, agents_a, queues_a = _stored(other)
        tickets_b, agents_b, queues_b = _stored(store)
        rename_a = [(*t[:2], names[id(alone)].get(t[2]), *t[3:]) for t in tickets_a]
        rename_b = [(*t[:2], names[id(together)].get(t[2]), *t[3:]) for t in tickets_b]
        assert rename_b == rename_a
        assert agents_b == agents_a
        assert queues_b == queues_a  # queue lengths kept alike by one batch and by many
        queued = Counter(t[3] for t in tickets_b if t[1] == "queued")  # t[3]: the queue
        assert dict(queues_b) == {name: queued.get(name, 0) for name, _ in queues_b}
        alone.close()
        together.close()
    finally:
        other.dispose()


def test_a_refused_operation_fails_alone(store: Store) -> None:
    """Unknown ticket, already completed, duplicate id, unknown agent: each gets its own
    error in the middle of a batch; the operations around it are applied."""
    desk = Desk(store)
    desk.load_team(TEAM, "skills_based")
    with desk.together():
        first = desk.submit_route(NewTicket("end_user", Tier.GENERALIST, 3, key="A"))
        unknown = desk.submit_complete("ghost")
        nobody = desk.submit_assign("A", "Zed")
        done = desk.submit_complete("A")
        again = desk.submit_complete("A")
        duplicate = desk.submit_route(NewTicket("network", Tier.SPECIALIST, 2, key="A"))
        second = desk.submit_route(NewTicket("network", Tier.SPECIALIST, 2, key="B"))
    assert first.result().ticket.agent == "Gus"  # skills_based: the fewest other skills
    with pytest.raises(NotFoundError, match="no live ticket 'ghost'"):
        unknown.result()
    assert done.result().ticket.state == "done"
    with pytest.raises(ConflictError, match="ticket 'A' is already completed"):
        again.result()
    with pytest.raises(ConflictError, match="'A' was already routed"):
        duplicate.result()
    with pytest.raises(NotFoundError, match="no agent named 'Zed'"):
        nobody.result()
    assert second.result().ticket.agent == "Nora"
    tickets, agents, _ = _stored(store)
    assert [(t[0], t[1]) for t in tickets] == [("A", "done"), ("B", "assigned")]
    assert {a[0]: a[2] for a in agents} == {"Gina": None, "Gus": None, "Nora": "B"}
    desk.close()


def _check_history(store: Store, routed: set[str], completed: set[str]) -> None:
    """Every route and completion that was answered is stored; no agent ever held two
    tickets at once; agents and tickets agree about who holds what now."""
    with store.transaction() as conn:
        tickets = conn.execute(select(TICKETS)).all()
        agents = conn.execute(select(AGENTS)).all()
    assert {t.key for t in tickets} == routed
    assert {t.key for t in tickets if t.state == "done"} == completed
    assigned = {t.agent_id: t.id for t in tickets if t.state == "assigned"}
    assert len(assigned) == sum(1 for t in tickets if t.state == "assigned")
    assert {a.id: a.ticket_id for a in agents if a.ticket_id is not None} == assigned
    holds: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for t in tickets:
        if t.agent_id is not None and t.assigned_at is not None:
            holds[t.agent_id].append((t.assigned_at, t.done_at or datetime.max.replace(tzinfo=UTC)))
    for spans in holds.values():
        spans.sort()
        assert all(b[0] >= a[1] for a, b in itertools.pairwise(spans)), spans


@pytest.mark.parametrize("desks", [1, 2])
def test_concurrent_callers_batch_without_double_booking(
    store: Store, desks: int, tmp_path: Path
) -> None:
    """Many threads route and complete at once through one desk, or through two desks on
    the same database (two server processes); batches form, and nothing is lost or
    double-booked. Some completions are deliberately refused and must not disturb others."""
    url = store.engine.url.render_as_string(hide_password=False)
    extra = [open_store(url) for _ in range(desks - 1)]
    fronts = [Desk(store), *(Desk(s) for s in extra)]
    fronts[0].load_team(TEAM, "generalist_first")
    routed: set[str] = set()
    completed: set[str] = set()
    failures: list[str] = []
    guard = threading.Lock()
    start = threading.Barrier(12)

    def client(number: int) -> None:
        rng = random.Random(number)
        desk = fronts[number % len(fronts)]
        held: list[str] = []
        start.wait()
        for i in range(25):
            key = f"c{number}-{i}"
            ticket = NewTicket(rng.choice(DOMAINS), Tier.GENERALIST, rng.randint(1, 5), key=key)
            change = desk.route(ticket)
            with guard:
                routed.add(key)
            held += [
                t.key for t in (change.ticket, *change.handed) if t.state in ("assigned", "msp")
            ]
            while held and rng.random() < 0.7:
                key = held.pop()
                try:
                    done = desk.complete(key)
                except ConflictError as exc:  # another client's hand-over raced us: refused
                    failures.append(str(exc))
                    continue
                with guard:
                    completed.add(key)
                held += [t.key for t in done.handed]
            with pytest.raises(NotFoundError):
                desk.complete(f"missing-{number}-{i}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not [f for f in failures if "already completed" not in f]
        _check_history(store, routed, completed)
        operations = sum(d.operations for d in fronts)
        batches = sum(d.batches for d in fronts)
        assert operations >= 12 * 25 * 2
        assert batches < operations  # requests that arrived together shared a batch
    finally:
        for desk in fronts:
            desk.close()
        for s in extra:
            s.dispose()
