"""The engine's event loop compiled with Numba, for policies that can be written as tables.

The loop is the one in ``engine._simulate`` step for step (same events, same sequence numbers,
same float operations in the same order), so both give identical results bit for bit; the
tests run both. The Python loop calls ``Policy.decide`` for every ticket and costs about five
microseconds a ticket; here a decision is a walk down a ranking, which is what lets the planner
try many designs. State lives in arrays indexed by ticket and agent (column constants below)
and both heaps are binary heaps over preallocated arrays: compiled code is fastest with plain
arrays, and a ticket is in at most one queue at a time, so no queue outgrows the ticket count.

Over 400 lines because it is one compiled loop with its own heaps: Numba compiles the module's
functions together and inlines them, and the routing is written out inside the loop (a call
passing its arrays costs more than the routing itself), so the loop cannot be cut into
modules without losing the speed it exists for. It is the compiled twin of the dispatch rules
(``routing/dispatch.py``) and of ``sim/desk.py``, held to them bit for bit by
``tests/sim/test_compiled_loop.py``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from deskmix.sim.events import DONE, MSP_DONE, REOPEN, SHIFT_ON

# Stages as numbered in a route table (``routes.STAGES``); a ticket starts at 0, new, or at
# DIRECT when the history sends it straight to specialists (``direct``; also when reopened).
ESCALATED, REOPENED, DIRECT = 1, 2, 3
N_TIERS, N_STAGES = 2, 4  # ``model.TIERS`` and ``routes.STAGES``; compiled.py checks both

# ticket float columns
T_WORK, T_ATTEMPT, T_GENERALIST_HOURS, T_FIRST_RESPONSE, T_DONE_AT, T_QUEUED_AT = range(6)
T_QUEUE_LIMIT = 6
# ticket int columns
T_STAGE, T_ESCALATIONS, T_ESCALATE_NEXT, T_MSP, T_REOPENED, T_QUEUED_SEQ = range(6)
# agent float columns
A_SEGMENT_START, A_PLANNED_FINISH, A_REMAINING, A_BUSY_HOURS = range(4)
# agent int columns
A_FREE, A_ON_DUTY, A_BUSY_WITH, A_DONE_SEQ = range(4)
# counters
C_SEQ, C_ROTATION, C_EVENTS = 0, 1, 2
# run settings
S_WARMUP, S_HORIZON, S_END, S_REOPEN_SHARE = range(4)
# route int columns (see compiled.compile_routes)
R_RANK_START, R_RANK_END, R_ROTATION, R_QUEUE, R_MSP, R_OVERFLOW, R_MAX_QUEUE, R_SCAN = range(8)
# route float columns
R_AGENT_LIMIT, R_QUEUE_LIMIT, R_MAX_WAIT = range(3)


# --- the event heap: (time, seq) keys in parallel arrays --------------------------------------


@njit(cache=True, inline="always")
def route_entry(domain: int, tier: int, stage: int) -> int:
    """A (domain, tier, stage) triple's row in the route arrays: the one layout
    ``compiled.compile_routes`` writes and the loop reads."""
    return (domain * N_TIERS + tier) * N_STAGES + stage


@njit(cache=True, inline="always")
def _event_before(ev_time, ev_int, i, j):  # type: ignore[no-untyped-def]
    return ev_time[i] < ev_time[j] or (ev_time[i] == ev_time[j] and ev_int[i, 0] < ev_int[j, 0])


@njit(cache=True, inline="always")
def _event_swap(ev_time, ev_int, i, j):  # type: ignore[no-untyped-def]
    ev_time[i], ev_time[j] = ev_time[j], ev_time[i]
    for c in range(3):
        ev_int[i, c], ev_int[j, c] = ev_int[j, c], ev_int[i, c]


@njit(cache=True, inline="always")
def _event_push(ev_time, ev_int, counters, when, seq, kind, subject):  # type: ignore[no-untyped-def]
    i = counters[C_EVENTS]
    counters[C_EVENTS] = i + 1
    ev_time[i] = when
    ev_int[i, 0], ev_int[i, 1], ev_int[i, 2] = seq, kind, subject
    while i > 0:
        parent = (i - 1) >> 1
        if not _event_before(ev_time, ev_int, i, parent):
            break
        _event_swap(ev_time, ev_int, i, parent)
        i = parent


@njit(cache=True, inline="always")
def _event_pop(ev_time, ev_int, counters):  # type: ignore[no-untyped-def]
    """Remove the earliest event; the caller read it at index 0 first."""
    last = counters[C_EVENTS] - 1
    counters[C_EVENTS] = last
    if last == 0:
        return
    _event_swap(ev_time, ev_int, 0, last)
    i = 0
    while True:
        child = 2 * i + 1
        if child >= last:
            break
        if child + 1 < last and _event_before(ev_time, ev_int, child + 1, child):
            child += 1
        if not _event_before(ev_time, ev_int, child, i):
            break
        _event_swap(ev_time, ev_int, i, child)
        i = child


# --- queue heaps: ticket indices keyed by (priority, opened at, queued seq) ------------------


@njit(cache=True, inline="always")
def _ticket_before(priority, arrival, t_i, k, m):  # type: ignore[no-untyped-def]
    if priority[k] != priority[m]:
        return priority[k] < priority[m]
    if arrival[k] != arrival[m]:
        return arrival[k] < arrival[m]
    return t_i[k, T_QUEUED_SEQ] < t_i[m, T_QUEUED_SEQ]


@njit(cache=True, inline="always")
def _queue_push(queues, queue_len, priority, arrival, t_i, q, k):  # type: ignore[no-untyped-def]
    i = queue_len[q]
    queue_len[q] = i + 1
    row = queues[q]
    row[i] = k
    while i > 0:
        parent = (i - 1) >> 1
        if not _ticket_before(priority, arrival, t_i, row[i], row[parent]):
            break
        row[i], row[parent] = row[parent], row[i]
        i = parent


@njit(cache=True, inline="always")
def _queue_pop(queues, queue_len, priority, arrival, t_i, q):  # type: ignore[no-untyped-def]
    row = queues[q]
    top = row[0]
    last = queue_len[q] - 1
    queue_len[q] = last
    row[0] = row[last]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= last:
            break
        if child + 1 < last and _ticket_before(priority, arrival, t_i, row[child + 1], row[child]):
            child += 1
        if not _ticket_before(priority, arrival, t_i, row[child], row[i]):
            break
        row[i], row[child] = row[child], row[i]
        i = child
    return top


# --- the desk ----------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _run(agent_f, agent_i, counters, ev_time, ev_int, a, duration, now):  # type: ignore[no-untyped-def]
    agent_f[a, A_SEGMENT_START] = now
    agent_f[a, A_PLANNED_FINISH] = now + duration
    counters[C_SEQ] += 1
    agent_i[a, A_DONE_SEQ] = counters[C_SEQ]
    _event_push(ev_time, ev_int, counters, now + duration, counters[C_SEQ], DONE, a)


@njit(cache=True, inline="always")
def _start(  # type: ignore[no-untyped-def]
    t_f, t_i, domain, tier, agent_f, agent_i, counters, ev_time, ev_int, can, factors, generalist,
    a, k, limit, now,
):  # fmt: skip
    agent_i[a, A_FREE] = 0
    if math.isnan(t_f[k, T_FIRST_RESPONSE]):
        t_f[k, T_FIRST_RESPONSE] = now
    d, t = domain[k], tier[k]
    if can[a, d, t] and not (t == 1 and not math.isnan(limit) and generalist[a]):
        duration = t_f[k, T_WORK] * factors[a, d, t]
        escalate = False
        if not math.isnan(limit) and generalist[a] and duration > limit:
            duration, escalate = limit, True
    else:
        attempt = t_f[k, T_ATTEMPT]
        duration = attempt if math.isnan(limit) else min(attempt, limit)
        escalate = True
    if generalist[a]:
        t_f[k, T_GENERALIST_HOURS] += duration
    t_i[k, T_ESCALATE_NEXT] = 1 if escalate else 0
    agent_i[a, A_BUSY_WITH] = k
    _run(agent_f, agent_i, counters, ev_time, ev_int, a, duration, now)


@njit(cache=True, inline="always")
def _pull(  # type: ignore[no-untyped-def]
    t_f, t_i, arrival, domain, tier, priority, agent_f, agent_i, counters, ev_time, ev_int, can,
    factors, generalist, queues, queue_len, agent_queues, agent_queue_start, a, now,
):  # fmt: skip
    """The freed agent takes the best head among the queues it may serve."""
    best = -1
    for j in range(agent_queue_start[a], agent_queue_start[a + 1]):
        q = agent_queues[j]
        if queue_len[q] > 0 and (
            best < 0 or _ticket_before(priority, arrival, t_i, queues[q, 0], queues[best, 0])
        ):
            best = q
    if best >= 0:
        k = _queue_pop(queues, queue_len, priority, arrival, t_i, best)
        t_f[k, T_QUEUED_AT] = math.nan
        t_i[k, T_QUEUED_SEQ] = -1
        _start(
            t_f, t_i, domain, tier, agent_f, agent_i, counters, ev_time, ev_int, can, factors,
            generalist, a, k, t_f[k, T_QUEUE_LIMIT], now,
        )  # fmt: skip


@njit(cache=True, inline="always")
def _oldest_wait(t_f, t_i, fifo, fifo_seq, fifo_head, fifo_tail, q, now):  # type: ignore[no-untyped-def]
    head = fifo_head[q]
    while head < fifo_tail[q] and t_i[fifo[q, head], T_QUEUED_SEQ] != fifo_seq[q, head]:
        head += 1
    fifo_head[q] = head
    if head == fifo_tail[q]:
        return 0.0
    return now - t_f[fifo[q, head], T_QUEUED_AT]


@njit(cache=True, inline="always")
def _fifo_append(t_i, fifo, fifo_seq, fifo_head, fifo_tail, q, k, seq):  # type: ignore[no-untyped-def]
    """Append; when the row is full, keep only the current entries first. A row holds one
    slot per ticket and a ticket is current in at most one queue, so that always frees room."""
    if fifo_tail[q] == fifo.shape[1]:
        kept = 0
        for j in range(fifo_head[q], fifo_tail[q]):
            if t_i[fifo[q, j], T_QUEUED_SEQ] == fifo_seq[q, j]:
                fifo[q, kept], fifo_seq[q, kept] = fifo[q, j], fifo_seq[q, j]
                kept += 1
        fifo_head[q], fifo_tail[q] = 0, kept
    fifo[q, fifo_tail[q]] = k
    fifo_seq[q, fifo_tail[q]] = seq
    fifo_tail[q] += 1


@njit(cache=True, inline="always")
def _resolve(t_f, t_i, reopens, reopen_delay, counters, ev_time, ev_int, k, now):  # type: ignore[no-untyped-def]
    if math.isnan(t_f[k, T_DONE_AT]):
        t_f[k, T_DONE_AT] = now
    if reopens[k] and t_i[k, T_REOPENED] == 0:
        counters[C_SEQ] += 1
        _event_push(ev_time, ev_int, counters, now + reopen_delay[k], counters[C_SEQ], REOPEN, k)


@njit(cache=True, error_model="numpy")
def simulate_compiled(  # type: ignore[no-untyped-def]
    arrival, domain, tier, priority, work, attempt, reopens, reopen_delay, direct, settings,
    on_duty, shift_time, shift_seq, shift_kind, shift_start, shift_members, can, factors,
    generalist, routes_i, routes_f, rank_agents, admits, fifo_queue, msp_f, rotation_start,
):  # fmt: skip
    """Run one replication; returns (tickets arrived, ticket floats, ticket ints, agent
    floats, MSP hours). Column meanings are the constants at the top of this module."""
    n = arrival.shape[0]
    n_agents = on_duty.shape[0]
    n_queues = admits.shape[1]
    warmup, horizon, end = settings[S_WARMUP], settings[S_HORIZON], settings[S_END]
    reopen_share = settings[S_REOPEN_SHARE]
    t_f = np.full((n, 7), math.nan)
    t_f[:, T_WORK] = work
    t_f[:, T_ATTEMPT] = attempt
    t_f[:, T_GENERALIST_HOURS] = 0.0
    t_i = np.zeros((n, 6), dtype=np.int64)
    for j in range(n):
        if direct[j]:
            t_i[j, T_STAGE] = DIRECT
    t_i[:, T_MSP] = -1
    t_i[:, T_QUEUED_SEQ] = -1
    agent_f = np.zeros((n_agents, 4))
    agent_i = np.zeros((n_agents, 4), dtype=np.int64)
    agent_i[:, A_BUSY_WITH] = -1
    agent_i[:, A_DONE_SEQ] = -1
    agent_i[:, A_ON_DUTY] = on_duty
    agent_i[:, A_FREE] = on_duty
    msp_hours = np.zeros(msp_f.shape[0])
    counters = np.zeros(3, dtype=np.int64)
    counters[C_ROTATION] = rotation_start
    # Live events: shift changes, at most one current DONE per agent, one stale DONE per
    # paused piece of work (a shift end with work in hand), one MSP_DONE or REOPEN per ticket.
    capacity = shift_time.shape[0] + n_agents + shift_members.shape[0] + 2 * n + 1
    ev_time = np.empty(capacity)
    ev_int = np.empty((capacity, 3), dtype=np.int64)  # seq, kind, subject
    for s in range(shift_time.shape[0]):
        _event_push(ev_time, ev_int, counters, shift_time[s], shift_seq[s], shift_kind[s], s)
    queues = np.empty((n_queues, max(n, 1)), dtype=np.int64)
    queue_len = np.zeros(n_queues, dtype=np.int64)
    agent_queue_start = np.zeros(n_agents + 1, dtype=np.int64)
    for a in range(n_agents):
        agent_queue_start[a + 1] = agent_queue_start[a] + admits[a].sum()
    agent_queues = np.empty(agent_queue_start[n_agents], dtype=np.int64)
    for a in range(n_agents):
        j = agent_queue_start[a]
        for q in range(n_queues):
            if admits[a, q]:
                agent_queues[j] = q
                j += 1
    fifo = np.empty((n_queues, max(n, 1) if fifo_queue.any() else 1), dtype=np.int64)
    fifo_seq = np.empty_like(fifo)
    fifo_head = np.zeros(n_queues, dtype=np.int64)
    fifo_tail = np.zeros(n_queues, dtype=np.int64)

    i = 0
    next_arrival = arrival[0] if n > 0 else math.inf
    while True:
        # Each step sets at most one ticket to route and one freed agent to pull work, in
        # that order: the routing is written out here once, not called, because a call that
        # passes this many arrays costs more than the routing itself.
        route_k = np.int64(-1)
        pull_a = -1
        if counters[C_EVENTS] > 0 and ev_time[0] <= next_arrival:
            when, event_seq, kind, subject = ev_time[0], ev_int[0, 0], ev_int[0, 1], ev_int[0, 2]
            _event_pop(ev_time, ev_int, counters)
            if when > end:
                break
            now = when
            if kind == DONE:
                a = subject
                if event_seq != agent_i[a, A_DONE_SEQ]:
                    continue  # the work was paused at a shift end; a newer event stands
                begun = agent_f[a, A_SEGMENT_START]
                lo, hi = max(begun, warmup), min(now, horizon)
                if hi > lo:
                    agent_f[a, A_BUSY_HOURS] += hi - lo
                k = agent_i[a, A_BUSY_WITH]
                agent_i[a, A_BUSY_WITH] = -1
                if t_i[k, T_ESCALATE_NEXT]:
                    t_i[k, T_ESCALATE_NEXT] = 0
                    t_i[k, T_STAGE] = ESCALATED
                    t_i[k, T_ESCALATIONS] += 1
                    route_k = k
                else:
                    _resolve(t_f, t_i, reopens, reopen_delay, counters, ev_time, ev_int, k, now)
                if agent_i[a, A_ON_DUTY]:
                    pull_a = a  # freed only after the escalated ticket is routed
            elif kind == MSP_DONE:
                _resolve(t_f, t_i, reopens, reopen_delay, counters, ev_time, ev_int, subject, now)
            elif kind == REOPEN:
                route_k = subject
                t_i[route_k, T_REOPENED] = 1
                t_i[route_k, T_STAGE] = DIRECT if direct[route_k] else REOPENED
                t_f[route_k, T_WORK] *= reopen_share
                t_f[route_k, T_ATTEMPT] *= reopen_share
            elif kind == SHIFT_ON:
                for m in range(shift_start[subject], shift_start[subject + 1]):
                    a = shift_members[m]
                    agent_i[a, A_ON_DUTY] = 1
                    if agent_i[a, A_BUSY_WITH] < 0:
                        agent_i[a, A_FREE] = 1
                        _pull(
                            t_f, t_i, arrival, domain, tier, priority, agent_f, agent_i,
                            counters, ev_time, ev_int, can, factors, generalist, queues,
                            queue_len, agent_queues, agent_queue_start, a, now,
                        )  # fmt: skip
                    else:  # resume the ticket paused at the end of the last shift
                        remaining = agent_f[a, A_REMAINING]
                        _run(agent_f, agent_i, counters, ev_time, ev_int, a, remaining, now)
            else:  # SHIFT_OFF: the ticket in hand waits for the agent's next shift
                for m in range(shift_start[subject], shift_start[subject + 1]):
                    a = shift_members[m]
                    agent_i[a, A_ON_DUTY] = 0
                    agent_i[a, A_FREE] = 0
                    if agent_i[a, A_BUSY_WITH] >= 0:
                        begun = agent_f[a, A_SEGMENT_START]
                        lo, hi = max(begun, warmup), min(now, horizon)
                        if hi > lo:
                            agent_f[a, A_BUSY_HOURS] += hi - lo
                        agent_f[a, A_REMAINING] = agent_f[a, A_PLANNED_FINISH] - when
                        agent_i[a, A_DONE_SEQ] = -1
        elif i < n:
            now = next_arrival
            route_k = np.int64(i)  # the type of every other ticket index
            i += 1
            next_arrival = arrival[i] if i < n else math.inf
        else:
            break

        if route_k >= 0:  # the route: first free agent in the ranking, else queue or MSP
            k = route_k
            d, t = domain[k], tier[k]
            e = route_entry(d, t, t_i[k, T_STAGE])
            chosen = -1
            if routes_i[e, R_ROTATION]:
                start_at = counters[C_ROTATION]
                for step in range(n_agents):
                    a = (start_at + step) % n_agents
                    if agent_i[a, A_FREE] and can[a, d, t]:
                        chosen = a
                        counters[C_ROTATION] = (a + 1) % n_agents
                        break
            else:
                for j in range(routes_i[e, R_RANK_START], routes_i[e, R_RANK_END]):
                    if agent_i[rank_agents[j], A_FREE]:
                        chosen = rank_agents[j]
                        break
            if chosen >= 0:
                _start(
                    t_f, t_i, domain, tier, agent_f, agent_i, counters, ev_time, ev_int, can,
                    factors, generalist, chosen, k, routes_f[e, R_AGENT_LIMIT], now,
                )  # fmt: skip
            else:
                q, contract = routes_i[e, R_QUEUE], routes_i[e, R_MSP]
                overflow_to = routes_i[e, R_OVERFLOW]
                if q >= 0 and overflow_to >= 0:
                    waiting = queue_len[q]
                    oldest = _oldest_wait(t_f, t_i, fifo, fifo_seq, fifo_head, fifo_tail, q, now)
                    if waiting >= routes_i[e, R_MAX_QUEUE] or oldest >= routes_f[e, R_MAX_WAIT]:
                        q, contract = -1, overflow_to
                counters[C_SEQ] += 1
                seq = counters[C_SEQ]
                if q < 0:
                    response = now + msp_f[contract, 0]
                    if math.isnan(t_f[k, T_FIRST_RESPONSE]):
                        t_f[k, T_FIRST_RESPONSE] = response
                    t_i[k, T_MSP] = contract
                    duration = t_f[k, T_WORK] * msp_f[contract, 1]
                    if arrival[k] >= warmup:
                        msp_hours[contract] += duration
                    done_at = response + duration
                    _event_push(ev_time, ev_int, counters, done_at, seq, MSP_DONE, k)
                else:
                    t_f[k, T_QUEUED_AT] = now
                    t_f[k, T_QUEUE_LIMIT] = routes_f[e, R_QUEUE_LIMIT]
                    t_i[k, T_QUEUED_SEQ] = seq
                    _queue_push(queues, queue_len, priority, arrival, t_i, q, k)
                    if fifo_queue[q]:  # only queues an overflow rule watches keep the order
                        _fifo_append(t_i, fifo, fifo_seq, fifo_head, fifo_tail, q, k, seq)
                    # Work conservation: a free agent able to serve this queue takes the head.
                    # Skipped when the ranking just walked holds everyone the queue admits.
                    if routes_i[e, R_SCAN]:
                        for a in range(n_agents):
                            if agent_i[a, A_FREE] and admits[a, q]:
                                _pull(
                                    t_f, t_i, arrival, domain, tier, priority, agent_f, agent_i,
                                    counters, ev_time, ev_int, can, factors, generalist, queues,
                                    queue_len, agent_queues, agent_queue_start, a, now,
                                )  # fmt: skip
                                break
        if pull_a >= 0:
            agent_i[pull_a, A_FREE] = 1
            _pull(
                t_f, t_i, arrival, domain, tier, priority, agent_f, agent_i, counters, ev_time,
                ev_int, can, factors, generalist, queues, queue_len, agent_queues,
                agent_queue_start, pull_a, now,
            )  # fmt: skip
    return i, t_f, t_i, agent_f, msp_hours
