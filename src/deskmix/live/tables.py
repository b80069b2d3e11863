"""The live-routing tables as SQLAlchemy Core tables: routing runs a few statements per request
inside the desk lock, and Core keeps each one cheap (no ORM unit of work)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from deskmix.store.models import LiveAgent, LiveDesk, LiveQueue, LiveTicket

DESK = cast(Table, LiveDesk.__table__)
AGENTS = cast(Table, LiveAgent.__table__)
QUEUES = cast(Table, LiveQueue.__table__)
TICKETS = cast(Table, LiveTicket.__table__)
