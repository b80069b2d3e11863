"""The deskmix vocabulary as plain typed objects: no I/O, no dependencies on other modules.

The names below load on first use: a cold ``deskmix triage predict`` needs the priority matrix
alone, and importing the workload models (pydantic, SciPy's distributions) with it cost every
prediction half a second.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deskmix.domain.priority import Priority, PriorityMatrix
    from deskmix.domain.taxonomy import DEFAULT_DOMAINS, SkillTaxonomy
    from deskmix.domain.ticket import EVENT_FIELDS, TICKET_FIELDS, Event, Ticket, Tier
    from deskmix.domain.workload import (
        ArrivalStream,
        EscalationStats,
        HandlingFit,
        HandlingTime,
        Workload,
    )

_LAZY = {
    "Priority": "deskmix.domain.priority",
    "PriorityMatrix": "deskmix.domain.priority",
    "DEFAULT_DOMAINS": "deskmix.domain.taxonomy",
    "SkillTaxonomy": "deskmix.domain.taxonomy",
    "EVENT_FIELDS": "deskmix.domain.ticket",
    "TICKET_FIELDS": "deskmix.domain.ticket",
    "Event": "deskmix.domain.ticket",
    "Ticket": "deskmix.domain.ticket",
    "Tier": "deskmix.domain.ticket",
    "ArrivalStream": "deskmix.domain.workload",
    "EscalationStats": "deskmix.domain.workload",
    "HandlingFit": "deskmix.domain.workload",
    "HandlingTime": "deskmix.domain.workload",
    "Workload": "deskmix.domain.workload",
}

__all__ = [
    "DEFAULT_DOMAINS",
    "EVENT_FIELDS",
    "TICKET_FIELDS",
    "ArrivalStream",
    "EscalationStats",
    "Event",
    "HandlingFit",
    "HandlingTime",
    "Priority",
    "PriorityMatrix",
    "SkillTaxonomy",
    "Ticket",
    "Tier",
    "Workload",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'deskmix.domain' has no attribute {name!r}")
