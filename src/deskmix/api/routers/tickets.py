"""Stored ticket history, paged and filtered: what imports put in the store."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from deskmix.api.auth import read_access
from deskmix.api.errors import responses
from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier
from deskmix.errors import InputError, NotFoundError
from deskmix.store.queries import TicketFilter, TicketStatus, ticket_by_number, ticket_page

router = APIRouter(tags=["tickets"])

STATUSES = ("open", "resolved", "closed")


class TicketOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="The store's number for the ticket")
    source_system: str
    key: str = Field(description="The ticket's id in its source system")
    opened_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    title: str | None
    description: str | None
    domain: str | None
    tier: str | None
    priority: str | None
    impact: int | None
    urgency: int | None
    group: str | None
    assignee: str | None
    resolver: str | None
    reassignments: int | None
    reopens: int | None
    channel: str | None
    category: str | None
    worked_hours: float | None = Field(
        default=None, description="Hands-on hours the source recorded (GLPI task durations)"
    )


class TicketPage(BaseModel):
    total: int = Field(description="Tickets matching the filters, over all pages")
    page: int
    page_size: int
    items: list[TicketOut]


@router.get(
    "/tickets",
    response_model=TicketPage,
    summary="Stored tickets, newest first, filtered and paged",
    responses=responses(401, 403, 422),
)
def list_tickets(
    request: Request,
    domain: Annotated[str | None, Query(max_length=60)] = None,
    tier: Tier | None = None,
    priority: Priority | None = None,
    status: Annotated[
        str | None,
        Query(
            description="open (neither resolved nor closed), resolved (resolved or closed) "
            "or closed",
            json_schema_extra={"enum": list(STATUSES)},
        ),
    ] = None,
    opened_from: Annotated[AwareDatetime | None, Query(description="Opened at or after")] = None,
    opened_to: Annotated[AwareDatetime | None, Query(description="Opened before")] = None,
    source_system: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
    _read: Any = Depends(read_access),
) -> TicketPage:
    if status is not None and status not in STATUSES:
        raise InputError(
            "unknown status", field="status", value=status, expected=", ".join(STATUSES)
        )
    where = TicketFilter(
        domain=domain,
        tier=tier.value if tier is not None else None,
        priority=priority.value if priority is not None else None,
        status=cast(TicketStatus | None, status),
        opened_from=opened_from,
        opened_to=opened_to,
        source_system=source_system,
    )
    total, rows = ticket_page(request.app.state.store, where, page, page_size)
    items = [TicketOut.model_validate(r) for r in rows]
    return TicketPage(total=total, page=page, page_size=page_size, items=items)


@router.get(
    "/tickets/{ticket_number}",
    response_model=TicketOut,
    summary="One stored ticket",
    responses=responses(401, 403, 404, 422),
)
def get_ticket(
    request: Request,
    ticket_number: int,
    _read: Any = Depends(read_access),
) -> TicketOut:
    row = ticket_by_number(request.app.state.store, ticket_number)
    if row is None:
        raise NotFoundError(f"no stored ticket #{ticket_number}")
    return TicketOut.model_validate(row)
