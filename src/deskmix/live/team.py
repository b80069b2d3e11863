"""The live team as the policies see it, built once per team load and kept per process.

Agents and MSP contracts change only when a team is loaded (which bumps the desk's version), so
each server process builds the ``AgentView`` list, the policy and the "who can do this"
counts once per version. Keeping the very same list object across requests also lets a
policy's ``RankedAgents`` sort the team once, as in the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deskmix.domain.team import AgentKind, MspContract, Team
from deskmix.domain.ticket import Tier
from deskmix.routing.base import AgentView, Policy
from deskmix.routing.policies import make_policy


@dataclass
class LiveTeam:
    version: int
    name: str
    policy_name: str
    policy_settings: dict[str, Any]
    agents: list[AgentView]
    agent_ids: list[int]  # store row id of the agent at each position
    msp: list[MspContract]
    policy: Policy
    positions: dict[str, int] = field(default_factory=dict)
    _by_id: dict[int, int] = field(default_factory=dict)
    _able: dict[tuple[str, Tier, AgentKind | None], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.positions = {a.name: a.index for a in self.agents}
        self._by_id = {agent_id: i for i, agent_id in enumerate(self.agent_ids)}

    def able_count(self, domain: str, tier: Tier, kind: AgentKind | None = None) -> int:
        key = (domain, tier, kind)
        count = self._able.get(key)
        if count is None:
            count = sum(
                1
                for a in self.agents
                if a.can_resolve(domain, tier) and (kind is None or a.kind == kind)
            )
            self._able[key] = count
        return count

    def position_of(self, agent_id: int | None) -> int | None:
        return None if agent_id is None else self._by_id.get(agent_id)


def build_live_team(
    version: int,
    team: Team,
    policy_name: str,
    policy_settings: dict[str, Any],
    agent_ids: list[int],
) -> LiveTeam:
    """Views, policy and contracts for a stored team; ``agent_ids`` in team order."""
    views = [
        AgentView(
            index=i,
            name=a.name,
            kind=a.kind,
            levels=dict(a.skills),
            cost_per_hour=a.cost_per_hour,
        )
        for i, a in enumerate(team.agents)
    ]
    return LiveTeam(
        version=version,
        name=team.name,
        policy_name=policy_name,
        policy_settings=policy_settings,
        agents=views,
        agent_ids=agent_ids,
        msp=list(team.msp),
        policy=make_policy(policy_name, **dict(policy_settings)),
    )
