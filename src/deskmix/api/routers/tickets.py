"""Stored ticket history, paged and filtered: what imports put in the store."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, and_, func, or_, select

from deskmix.api.auth import read_access
from deskmix.api.errors import responses
from deskmix.domain.priority import Priority
from deskmix.domain.ticket import Tier
from deskmix.errors import InputError, NotFoundError
from deskmix.store import Store
from deskmix.store.models import TicketRow

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


def _status(status: str) -> ColumnElement[bool]:
    if status == "open":
        return and_(TicketRow.resolved_at.is_(None), TicketRow.closed_at.is_(None))
    if status == "resolved":
        return or_(TicketRow.resolved_at.is_not(None), TicketRow.closed_at.is_not(None))
    return TicketRow.closed_at.is_not(None)


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
    conditions: list[ColumnElement[bool]] = []
    if domain is not None:
        conditions.append(TicketRow.domain == domain)
    if tier is not None:
        conditions.append(TicketRow.tier == tier.value)
    if priority is not None:
        conditions.append(TicketRow.priority == priority.value)
    if status is not None:
        if status not in STATUSES:
            raise InputError(
                "unknown status", field="status", value=status, expected=", ".join(STATUSES)
            )
        conditions.append(_status(status))
    if opened_from is not None:
        conditions.append(TicketRow.opened_at >= opened_from)
    if opened_to is not None:
        conditions.append(TicketRow.opened_at < opened_to)
    if source_system is not None:
        conditions.append(TicketRow.source_system == source_system)
    store: Store = request.app.state.store
    with store.session() as session:
        total = session.scalar(select(func.count()).select_from(TicketRow).where(*conditions))
        rows = session.scalars(
            select(TicketRow)
            .where(*conditions)
            .order_by(TicketRow.opened_at.desc(), TicketRow.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        items = [TicketOut.model_validate(r) for r in rows]
    return TicketPage(total=total or 0, page=page, page_size=page_size, items=items)


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
    store: Store = request.app.state.store
    with store.session() as session:
        row = session.get(TicketRow, ticket_number) if -(2**31) <= ticket_number < 2**31 else None
        if row is None:
            raise NotFoundError(f"no stored ticket #{ticket_number}")
        return TicketOut.model_validate(row)
