"""The deskmix vocabulary as plain typed objects: no I/O, no dependencies on other modules."""

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
