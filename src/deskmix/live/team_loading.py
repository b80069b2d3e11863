"""Loading a team for live routing, and this process's copy of the loaded one.

A team load replaces the live tables (refused while tickets are open, unless told to discard
them) and bumps the desk's version; every server process then builds its ``LiveTeam`` (views,
policy, counts) once per version, from the stored desk row, the first time a batch sees the
new version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from deskmix.domain.team import AgentKind, Team
from deskmix.domain.ticket import Tier
from deskmix.errors import ConflictError
from deskmix.live.results import OPEN_STATES
from deskmix.live.team import LiveTeam, build_live_team
from deskmix.routing.base import QueueSpec
from deskmix.routing.policies import make_policy
from deskmix.store import Store, live_repository

if TYPE_CHECKING:  # the connection type only; SQL is the store's
    from sqlalchemy import Connection

NO_TEAM = (
    "no team is loaded for live routing; load one first "
    "(PUT /api/live/team, or 'deskmix serve --team FILE')"
)


def stored_team(connection: Connection, version: int) -> LiveTeam:
    """The loaded team as this process routes with it (``version``: the desk's, read under
    the lock)."""
    if version == 0:
        raise ConflictError(NO_TEAM)
    desk = live_repository.desk_row(connection)
    return build_live_team(
        version,
        Team.model_validate(desk.team),
        desk.policy,
        dict(desk.policy_settings or {}),
        live_repository.agent_ids(connection),
    )


def stored_specs(connection: Connection) -> dict[str, QueueSpec]:
    """Every queue a policy has used since the team was loaded, by name."""
    return {
        r.name: QueueSpec(
            name=r.name,
            kinds=frozenset(AgentKind(k) for k in r.kinds.split()),
            domain=r.domain,
            tier=Tier(r.tier),
        )
        for r in live_repository.queue_specs(connection)
    }


def load_team(
    store: Store,
    team: Team,
    policy: str,
    policy_settings: dict[str, Any],
    *,
    reset: bool,
) -> None:
    """Make ``team`` the live team under ``policy``, in one transaction under the desk lock.
    Live tickets are cleared; while some are still open this is refused unless ``reset``."""
    settings = dict(policy_settings)
    make_policy(policy, **dict(settings))  # a bad name or setting fails before any change
    with live_repository.locked(store) as (connection, version):
        now = datetime.now(UTC)  # after the lock: times follow the order of changes
        still_open = live_repository.open_count(connection, [s.value for s in OPEN_STATES])
        if still_open and not reset:
            raise ConflictError(
                f"{still_open} live tickets are still open (with an agent, queued or with "
                "an MSP); complete them first, or load with reset=true to discard them"
            )
        live_repository.replace_team(
            connection,
            version,
            {
                "team_name": team.name,
                "policy": policy,
                "policy_settings": settings,
                "team": team.model_dump(mode="json"),
                "loaded_at": now,
            },
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
