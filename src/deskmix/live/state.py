"""What a live policy sees: the ``TicketView`` of a live ticket and the live desk's clock.

The ``RoutingState`` itself is ``deskmix.live.batch.BatchState``: the desk's state read once
under the desk lock and changed in memory, operation after operation, so each decision of a
batch sees the effect of the ones before it, as if they had been applied one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from deskmix.domain.ticket import Tier
from deskmix.routing.base import Stage


def clock_hours(at: datetime) -> float:
    """Hours since the Unix epoch: the live desk's clock, in the unit policies reason in."""
    return at.timestamp() / 3600.0


def from_hours(hours: float) -> datetime:
    return datetime.fromtimestamp(hours * 3600.0, tz=UTC)


@dataclass(frozen=True, slots=True)
class LiveTicketView:
    """A live ticket as a policy sees it (the ``TicketView`` protocol)."""

    id: str
    domain: str
    tier: Tier
    priority: int
    stage: Stage
    opened_at: float
    generalist_hours: float = 0.0
