"""A desk whose true effort and team are known, written out as an event log like a real export.

Agents work shifts (Monday to Friday, 08:00-17:00 UTC) and multitask: a ticket that waits for
its user stays with its agent, often still "Active" in the log (nobody changes the status),
for hours or days, while the agent takes other tickets. Work pauses at the end of a shift and
resumes the next morning. Specialist work first gets a short attempt by the first line, then
is escalated to the specialists' group. The log shows only status changes, as ServiceNow's
audit trail does: nothing says when work starts or stops between them.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

START = pd.Timestamp("2024-01-01 00:00", tz="UTC")  # a Monday
SHIFT = (8.0, 17.0)


def _on_shift(t: float) -> bool:
    day, hour = divmod(t, 24.0)
    return int(day) % 7 < 5 and SHIFT[0] <= hour < SHIFT[1]


def _next_shift_start(t: float) -> float:
    day = int(t // 24)
    while True:
        start = day * 24 + SHIFT[0]
        if day % 7 < 5 and start >= t:
            return start
        if day % 7 < 5 and start < t < day * 24 + SHIFT[1]:
            return t
        day += 1


def _finish(t: float, work: float) -> float:
    """When ``work`` hours started at ``t`` end, working only on shift."""
    t = _next_shift_start(t)
    while True:
        end_of_shift = (t // 24) * 24 + SHIFT[1]
        if t + work <= end_of_shift:
            return t + work
        work -= end_of_shift - t
        t = _next_shift_start(end_of_shift)


@dataclass
class KnownDesk:
    tickets: pd.DataFrame
    events: pd.DataFrame
    true_effort: dict[str, float]  # mean own-tier effort per tier
    generalists: int
    specialists: int
    attempt_hours: float
    utilisation: dict[str, float] = field(default_factory=dict)


def generate(
    weeks: int = 8,
    generalists: int = 6,
    specialists: int = 3,
    tickets_per_hour: float = 6.0,
    specialist_share: float = 0.3,
    seed: int = 1,
) -> KnownDesk:
    rng = np.random.default_rng(seed)
    horizon = weeks * 7 * 24.0
    arrivals: list[float] = []
    t = 0.0
    while t < horizon:
        t += rng.exponential(1 / tickets_per_hour)
        if _on_shift(t):
            arrivals.append(t)
    events: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    effort_by_tier: dict[str, list[float]] = {"generalist": [], "specialist": []}
    busy: dict[str, float] = {}
    attempt = 0.25

    def log(ticket: str, at: float, status: str, group: str, who: str | None, tier: str) -> None:
        events.append(
            {"ticket_id": ticket, "at": START + pd.Timedelta(hours=at), "status": status,
             "group": group, "assignee": who, "tier": tier}
        )  # fmt: skip

    heap: list[tuple[float, int, str, int]] = []  # (free at, order, agent, -)
    names = [f"gen-{i}" for i in range(generalists)] + [f"spec-{i}" for i in range(specialists)]
    waiting: dict[str, list[tuple[float, int, str, float, str, bool]]] = {n: [] for n in names}
    queue_gen: list[tuple[float, int, str]] = []
    queue_spec: list[tuple[float, int, str]] = []
    order = 0
    info: dict[str, dict[str, object]] = {}
    for i, a in enumerate(arrivals):
        key = f"K{i}"
        tier = "specialist" if rng.random() < specialist_share else "generalist"
        mean = 0.6 if tier == "generalist" else 2.0
        effort = float(rng.lognormal(np.log(mean) - 0.5 * 0.8**2, 0.8))
        info[key] = {"tier": tier, "effort": effort, "opened": a}
        effort_by_tier[tier].append(effort)
        log(key, a, "New", "Service Desk", None, "generalist")
        queue_gen.append((a, order, key))
        order += 1
    queue_gen.sort()
    for n in names:
        heapq.heappush(heap, (0.0, 0, n, 0))
    resolved: dict[str, float] = {}
    while heap:
        now, _, agent, _ = heapq.heappop(heap)
        if now > horizon + 4 * 7 * 24:
            continue
        now = _next_shift_start(now)
        is_gen = agent.startswith("gen")
        queue = queue_gen if is_gen else queue_spec
        ready = [w for w in waiting[agent] if w[0] <= now]
        item: tuple[str, float, str, bool] | None = None
        if ready:
            w = min(ready)
            waiting[agent].remove(w)
            _, _, key, hours, phase, silent = w
            if not silent:
                log(key, now, "Active", "Service Desk" if is_gen else "Network L2", agent,
                    "generalist" if is_gen else "specialist")  # fmt: skip
            item = (key, hours, phase, True)
        elif queue and queue[0][0] <= now:
            _, _, key = queue.pop(0)
            tier = str(info[key]["tier"])
            effort = float(info[key]["effort"])
            group = "Service Desk" if is_gen else "Network L2"
            log(key, now, "Active", group, agent, "generalist" if is_gen else "specialist")
            if is_gen and tier == "specialist":
                item = (key, attempt, "attempt", False)
            else:
                item = (key, effort, "work", False)
        if item is None:  # nothing to do: look again when something is due, or soon
            upcoming = [w[0] for w in waiting[agent]] + ([queue[0][0]] if queue else [])
            later = [u for u in upcoming if u > now]
            heapq.heappush(heap, (min([*later, now + 0.25]), order, agent, 0))
            order += 1
            continue
        key, hours, phase, resumed = item
        if phase == "work" and not resumed and rng.random() < 0.4:
            # Work a part, then wait for the user: the ticket stays with the agent.
            part = hours * 0.4
            end = _finish(now, part)
            busy[agent] = busy.get(agent, 0.0) + part
            silent = rng.random() < 0.6
            if not silent:
                log(key, end, "Awaiting User Info", "Service Desk" if is_gen else "Network L2",
                    agent, "generalist" if is_gen else "specialist")  # fmt: skip
            back = end + float(rng.uniform(4, 72))
            waiting[agent].append((back, order, key, hours - part, "work", silent))
            order += 1
            heapq.heappush(heap, (end, order, agent, 0))
            order += 1
            continue
        end = _finish(now, hours)
        busy[agent] = busy.get(agent, 0.0) + hours
        if phase == "attempt":
            log(key, end, "New", "Network L2", None, "specialist")
            queue_spec.append((end, order, key))
            queue_spec.sort()
        else:
            log(key, end, "Resolved", "Service Desk" if is_gen else "Network L2", agent,
                "generalist" if is_gen else "specialist")  # fmt: skip
            resolved[key] = end
        heapq.heappush(heap, (end, order, agent, 0))
        order += 1
    for key, meta in info.items():
        tier = str(meta["tier"])
        rows.append(
            {
                "id": key,
                "source_system": "servicenow",
                "opened_at": START + pd.Timedelta(hours=float(meta["opened"])),
                "resolved_at": (
                    START + pd.Timedelta(hours=resolved[key]) if key in resolved else pd.NaT
                ),
                "closed_at": pd.NaT,
                "domain": "network",
                "tier": tier,
                "priority": "P3",
                "group": "Network L2" if tier == "specialist" else "Service Desk",
                "reassignments": 1 if tier == "specialist" else 0,
                "reopens": 0,
                "title": None,
            }
        )  # fmt: skip
    frame = pd.DataFrame(events)
    frame["seq"] = frame.groupby("ticket_id").cumcount()
    frame["level"] = None
    frame["source_system"] = "servicenow"
    shift_hours = weeks * 5 * (SHIFT[1] - SHIFT[0])
    return KnownDesk(
        tickets=pd.DataFrame(rows),
        events=frame,
        true_effort={t: float(np.mean(v)) for t, v in effort_by_tier.items()},
        generalists=generalists,
        specialists=specialists,
        attempt_hours=attempt,
        utilisation={n: busy.get(n, 0.0) / shift_hours for n in names},
    )
