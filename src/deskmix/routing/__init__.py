"""Routing policies shared by the simulator and live routing."""

from deskmix.routing.base import (
    AgentView,
    Decision,
    Policy,
    QueueSpec,
    RoutingState,
    Stage,
    TicketView,
)
from deskmix.routing.policies import (
    POLICIES,
    GeneralistFirst,
    MspOverflow,
    RoundRobin,
    SkillsBased,
    make_policy,
)

__all__ = [
    "POLICIES",
    "AgentView",
    "Decision",
    "GeneralistFirst",
    "MspOverflow",
    "Policy",
    "QueueSpec",
    "RoundRobin",
    "RoutingState",
    "SkillsBased",
    "Stage",
    "TicketView",
    "make_policy",
]
