"""The dispatch rules, written once: the queue order, and what a desk does around a Decision.

A policy (``Policy.decide``) says where one ticket goes. What a desk then does is the same
whether the desk is simulated or live, so it is written here once and driven by both the
simulator's reference loop (``sim/desk.py``) and the live desk's state machine
(``live/batch.py``) through the small ``DispatchDesk`` protocol:

- **queue order** (``queue_order``): the highest priority (lowest number) first, then the
  oldest (opened earliest), ties by a sequence the desk keeps: the simulator the order tickets
  joined, the live desk the ticket's id (the order tickets were created, which is also how the
  store sorts a queue);
- **applying a Decision** (``apply``): start the ticket on the agent, hand it to the MSP
  contract, or put it in the queue; a queued ticket is then offered to the free agents
  (``offer``): the first free one, in team order, whom the queue admits pulls work, so nobody
  idles while a ticket they may take waits (work conservation);
- **pulling** (``pull``): an agent who becomes free takes the best head, by queue order, among
  the queues that admit it.

When an agent becomes free (work done or escalated, a shift begins) is the desk's business;
what it does then is ``pull``. The Numba kernel (``sim/kernel.py``) is the one compiled twin
of these rules, held to the Python loop bit for bit by ``tests/sim/test_compiled_loop.py``;
``policycheck/check.py`` holds the live desk to the simulator on a scripted day.

The functions are small on purpose: the simulator calls them for every ticket, so they do no
more than the rule needs (one method call per step, no allocation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

from deskmix.domain.team import MspContract
from deskmix.routing.base import AgentView, Decision, QueueSpec

TicketT = TypeVar("TicketT", contravariant=True)
LineT = TypeVar("LineT")
OpenedT = TypeVar("OpenedT")
SequenceT = TypeVar("SequenceT")

QueueKey = tuple[int, Any, Any]
"""A queued ticket's place in its queue (``queue_order``); smaller goes first."""


def queue_order(
    priority: int, opened: OpenedT, sequence: SequenceT
) -> tuple[int, OpenedT, SequenceT]:
    """Where a ticket stands in a queue: priority (1 = P1 first), then when it was opened
    (oldest first), then the desk's sequence, which is unique and breaks every tie."""
    return (priority, opened, sequence)


class DispatchDesk(Protocol[TicketT, LineT]):
    """What the dispatch rules need from a desk, simulated or live.

    ``LineT`` is the desk's own handle for a queue, ``TicketT`` its ticket. The desk keeps its
    state; the rules only decide which of these to call, in which order.
    """

    def free_agents(self) -> Sequence[AgentView]:
        """The agents on shift and not working, in team (index) order."""
        ...

    def lines_of(self, agent: int) -> Iterable[LineT]:
        """The queues that admit the agent (``QueueSpec.admits``), in any order."""
        ...

    def head(self, line: LineT) -> QueueKey | None:
        """The ``queue_order`` key of the queue's next ticket, or None when it is empty."""
        ...

    def start(self, agent: int, ticket: TicketT, limit: float | None) -> None:
        """The agent starts on the ticket (``limit``: the decision's ``work_limit_hours``)."""
        ...

    def take(self, agent: int, line: LineT) -> None:
        """The queue's head leaves it and the agent starts on it, under the limit it was
        queued with."""
        ...

    def hand_to_msp(self, ticket: TicketT, contract: MspContract) -> None:
        """The contract takes the ticket."""
        ...

    def join(self, ticket: TicketT, spec: QueueSpec, limit: float | None) -> None:
        """The ticket waits in the queue ``spec`` names (made on first use), keeping
        ``limit`` for whoever takes it."""
        ...


def apply(desk: DispatchDesk[TicketT, Any], ticket: TicketT, decision: Decision) -> None:
    """Carry out a policy's decision for ``ticket``."""
    if decision.agent is not None:
        desk.start(decision.agent.index, ticket, decision.work_limit_hours)
    elif decision.msp is not None:
        desk.hand_to_msp(ticket, decision.msp)
    else:
        spec = decision.queue
        assert spec is not None  # a Decision sets exactly one of agent, msp and queue
        desk.join(ticket, spec, decision.work_limit_hours)
        offer(desk, spec)


def offer(desk: DispatchDesk[Any, Any], spec: QueueSpec) -> bool:
    """Work conservation after a ticket joined ``spec``'s queue: the first free agent (team
    order) the queue admits pulls work (the best head among all its queues, which may be
    another queue's). Returns whether someone took a ticket."""
    for agent in desk.free_agents():
        if spec.admits(agent):
            return pull(desk, agent.index)
    return False


def pull(desk: DispatchDesk[Any, LineT], agent: int) -> bool:
    """A free agent takes the best waiting ticket among the queues that admit it: by
    ``queue_order`` over their heads. Returns whether there was one."""
    best: LineT | None = None
    best_key: QueueKey | None = None
    head = desk.head
    for line in desk.lines_of(agent):
        key = head(line)
        if key is not None and (best_key is None or key < best_key):
            best, best_key = line, key
    if best_key is None:
        return False
    desk.take(agent, best)  # type: ignore[arg-type]  # set together with best_key
    return True
