"""The dispatch rules on a desk made for the test: queue order, applying a decision, who pulls."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskmix.domain.team import AgentKind, MspContract
from deskmix.routing.base import AgentView, Decision, QueueSpec
from deskmix.routing.dispatch import QueueKey, apply, offer, pull, queue_order

G, S = AgentKind.GENERALIST, AgentKind.SPECIALIST
ANA = AgentView(0, "Ana", G, {"end_user": 3}, 40)
BEN = AgentView(1, "Ben", G, {"end_user": 2}, 38)
DANA = AgentView(2, "Dana", S, {"network": 4}, 60)
FIRST_LINE = QueueSpec("generalists", frozenset({G}))
NETWORK = QueueSpec("specialists:network", frozenset({S}), "network")
MSP = MspContract(name="NetOps", domains=["network"])


@dataclass
class Ticket:
    key: str
    priority: int
    opened: float


@dataclass
class ToyDesk:
    """A ``DispatchDesk`` over lists: what the rules did, in order."""

    free: list[AgentView]
    queues: dict[str, list[tuple[QueueKey, Ticket, float | None]]] = field(default_factory=dict)
    specs: dict[str, QueueSpec] = field(default_factory=dict)
    log: list[tuple[str, str, float | None]] = field(default_factory=list)
    seq: int = 0

    def free_agents(self) -> list[AgentView]:
        return self.free

    def lines_of(self, agent: int) -> list[str]:
        view = next(a for a in (ANA, BEN, DANA) if a.index == agent)
        return [name for name, spec in self.specs.items() if spec.admits(view)]

    def head(self, line: str) -> QueueKey | None:
        waiting = self.queues.get(line)
        return min(waiting)[0] if waiting else None

    def start(self, agent: int, ticket: Ticket, limit: float | None) -> None:
        self.free = [a for a in self.free if a.index != agent]
        self.log.append((ticket.key, f"agent {agent}", limit))

    def take(self, agent: int, line: str) -> None:
        entry = min(self.queues[line])
        self.queues[line].remove(entry)
        self.start(agent, entry[1], entry[2])

    def hand_to_msp(self, ticket: Ticket, contract: MspContract) -> None:
        self.log.append((ticket.key, contract.name, None))

    def join(self, ticket: Ticket, spec: QueueSpec, limit: float | None) -> None:
        self.seq += 1
        self.specs.setdefault(spec.name, spec)
        key = queue_order(ticket.priority, ticket.opened, self.seq)
        self.queues.setdefault(spec.name, []).append((key, ticket, limit))
        self.log.append((ticket.key, f"queue {spec.name}", limit))


def test_queue_order_is_priority_then_oldest_then_sequence() -> None:
    keys = [queue_order(3, 1.0, 1), queue_order(2, 5.0, 2), queue_order(3, 0.5, 3)]
    assert sorted(keys) == [(2, 5.0, 2), (3, 0.5, 3), (3, 1.0, 1)]
    assert queue_order(3, 1.0, 1) < queue_order(3, 1.0, 2)  # same priority and age: sequence


def test_a_decision_starts_hands_off_or_queues() -> None:
    desk = ToyDesk(free=[ANA])
    apply(desk, Ticket("A", 3, 0.0), Decision(agent=ANA, reason="", work_limit_hours=0.75))
    apply(desk, Ticket("B", 2, 0.1), Decision(msp=MSP, reason=""))
    apply(desk, Ticket("C", 3, 0.2), Decision(queue=FIRST_LINE, reason="", work_limit_hours=0.5))
    assert desk.log == [
        ("A", "agent 0", 0.75),
        ("B", "NetOps", None),
        ("C", "queue generalists", 0.5),
    ]


def test_a_queued_ticket_goes_to_the_first_free_agent_the_queue_admits() -> None:
    desk = ToyDesk(free=[BEN, DANA])  # Dana (a specialist) may not serve the first line
    apply(desk, Ticket("C", 3, 0.2), Decision(queue=FIRST_LINE, reason="", work_limit_hours=0.5))
    assert desk.log[-1] == ("C", "agent 1", 0.5)  # taken at once, with the queued limit
    assert desk.free == [DANA]
    assert not offer(desk, NETWORK)  # nothing waits for Dana


def test_a_freed_agent_takes_the_best_head_among_its_queues() -> None:
    desk = ToyDesk(free=[])
    desk.specs = {"generalists": FIRST_LINE, "everyone": QueueSpec("everyone")}
    apply(desk, Ticket("old P3", 3, 0.0), Decision(queue=FIRST_LINE, reason=""))
    apply(desk, Ticket("new P2", 2, 1.0), Decision(queue=QueueSpec("everyone"), reason=""))
    apply(desk, Ticket("newer P2", 2, 2.0), Decision(queue=FIRST_LINE, reason=""))
    assert pull(desk, ANA.index)
    assert pull(desk, ANA.index)
    assert pull(desk, ANA.index)
    assert not pull(desk, ANA.index)
    taken = [key for key, where, _ in desk.log if where == "agent 0"]
    assert taken == ["new P2", "newer P2", "old P3"]
