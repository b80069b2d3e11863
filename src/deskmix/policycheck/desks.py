"""The two desks ``check_policy`` drives through a scripted day, each recording where its
tickets go: the simulator's desk (``sim/desk.py``) and the live desk's state machine
(``live/batch.py``), the latter in memory only (it starts empty, so it never reads a store).

Both record at the dispatch protocol (``start``, ``join``, ``hand_to_msp``): every placement,
whether the policy chose it or an agent pulled a queued ticket, in the order it happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from deskmix.domain.team import MspContract
from deskmix.errors import DeskmixError
from deskmix.live.batch import Batch
from deskmix.live.record import Record
from deskmix.live.results import NewTicket
from deskmix.live.team import LiveTeam
from deskmix.policycheck.check import ARRIVE, ESCALATE, FINISH, Log, Step, day_time
from deskmix.routing.base import AgentView, Policy, QueueSpec
from deskmix.sim.desk import SimDesk, SimTicket
from deskmix.sim.model import TIERS


class _RecordingSimDesk(SimDesk):
    log: Log

    def start(self, a: int, ticket: SimTicket, limit: float | None) -> None:
        self.log.append((ticket.id, "agent", self.agents[a].name, limit))
        super().start(a, ticket, limit)

    def hand_to_msp(self, ticket: SimTicket, contract: MspContract) -> None:
        self.log.append((ticket.id, "msp", contract.name, None))
        super().hand_to_msp(ticket, contract)

    def join(self, ticket: SimTicket, spec: QueueSpec, limit: float | None) -> None:
        self.log.append((ticket.id, "queue", spec.name, limit))
        super().join(ticket, spec, limit)


class SimSide:
    """The simulator's desk, every agent on shift and free at the start; work lasts an hour
    (its length does not matter: the script says when work ends)."""

    def __init__(
        self,
        agents: list[AgentView],
        contracts: list[MspContract],
        domains: Sequence[str],
        policy: Policy,
    ) -> None:
        factors = [[[1.0] * len(TIERS) for _ in domains] for _ in agents]
        self.desk = _RecordingSimDesk(agents, contracts, domains, factors, policy)
        self.log: Log = []
        self.desk.log = self.log
        self.domains = list(domains)
        self.positions = {a.name: a.index for a in agents}
        self.count = 0
        self.desk.on_duty = [True] * len(agents)
        for agent in agents:
            self.desk.state.set_free(agent.index, True)

    def play(self, step: Step) -> str | None:
        """Apply one step; returns the key of the ticket it was about ("" for a shift),
        None when the agent held nothing to finish or escalate."""
        desk = self.desk
        desk.state.now = step.at
        if step.kind == ARRIVE:
            ticket = SimTicket(
                self.count,
                step.domain,
                self.domains.index(step.domain),
                TIERS.index(step.tier),
                step.priority,
                step.at,
                1.0,
                0.5,
                False,
                1.0,
                step.direct,
            )
            self.count += 1
            desk.route(ticket)
            return ticket.id
        a = self.positions[step.agent]
        if step.kind in (FINISH, ESCALATE):
            held = desk.busy_with[a]
            if held is None:
                return None
            held.escalate_next = step.kind == ESCALATE
            desk.done(a)
            return held.id
        if step.on:
            desk.shift_on([a])
        else:
            desk.shift_off([a])
        return ""


class _RecordingBatch(Batch):
    log: Log

    def start(self, agent: int, ticket: Record, limit: float | None) -> None:
        self.log.append((ticket.key, "agent", self.team.agents[agent].name, limit))
        super().start(agent, ticket, limit)

    def hand_to_msp(self, ticket: Record, contract: MspContract) -> None:
        self.log.append((ticket.key, "msp", contract.name, None))
        super().hand_to_msp(ticket, contract)

    def join(self, ticket: Record, spec: QueueSpec, limit: float | None) -> None:
        self.log.append((ticket.key, "queue", spec.name, limit))
        super().join(ticket, spec, limit)


class _NoStore:
    """The check's live desk starts empty, so it never reads a store (``QueueReads``)."""

    def oldest_queued(self, queue: str, leaving: Sequence[int]) -> datetime | None:
        raise RuntimeError("the check's live desk started empty; it has nothing to read")

    def queued_after(
        self, queue: str, after: tuple[int, datetime, int] | None, limit: int
    ) -> list[dict[str, Any]]:
        raise RuntimeError("the check's live desk started empty; it has nothing to read")


class LiveSide:
    """The live desk's state machine as one batch holding the whole day, in memory, its
    clock the script's."""

    def __init__(
        self,
        agents: list[AgentView],
        contracts: list[MspContract],
        policy: Policy,
        day: Sequence[Step],
    ) -> None:
        team = LiveTeam(
            version=1,
            name="check",
            policy_name=policy.name,
            policy_settings={},
            agents=agents,
            agent_ids=[100 + a.index for a in agents],
            msp=list(contracts),
            policy=policy,
        )
        self.at = day_time(0.0)
        self.batch = _RecordingBatch(
            _NoStore(),
            team,
            {},
            0,
            [(a.index, True, None, None, None) for a in agents],
            [],
            [],
            [f"T{i}" for i in range(len(day))],
            len(day) + 2,
            memory=policy.memory(),
            clock=self._clock,
        )
        self.log: Log = []
        self.batch.log = self.log

    def _clock(self) -> datetime:
        return self.at

    def play(self, step: Step, key: str) -> None:
        self.at = day_time(step.at)
        batch = self.batch
        try:
            if step.kind == ARRIVE:
                ticket = NewTicket(step.domain, step.tier, step.priority, key, self.at, step.direct)
                batch.route(ticket, key)
            elif step.kind == FINISH:
                batch.complete(key)
            elif step.kind == ESCALATE:
                batch.escalate(key, None)
            else:
                batch.set_on_shift(step.agent, step.on)
        except DeskmixError as exc:
            self.log.append((key, "refused", str(exc), None))
