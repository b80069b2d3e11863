"""Tables. Every schema change goes through an Alembic revision in ``migrations/versions``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (no zone support) and on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; times are UTC-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class ImportRecord(Base):
    """One file imported: which source, the file's hash (so a re-import is recognised), counts."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(500))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    mapping_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    imported_at: Mapped[datetime]
    rows_read: Mapped[int]
    tickets_added: Mapped[int]
    events_added: Mapped[int]
    tickets_skipped: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)

    # The same file read through another mapping is another import (the labels differ).
    __table_args__ = (
        UniqueConstraint("source", "file_hash", "mapping_hash", name="uq_imports_file_mapping"),
    )


class TicketRow(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    source_system: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(60), index=True)
    tier: Mapped[str | None] = mapped_column(String(20))
    priority: Mapped[str | None] = mapped_column(String(4))
    impact: Mapped[int | None]
    urgency: Mapped[int | None]
    group: Mapped[str | None] = mapped_column("group_name", String(200))
    assignee: Mapped[str | None] = mapped_column(String(200))
    resolver: Mapped[str | None] = mapped_column(String(200))
    reassignments: Mapped[int | None]
    reopens: Mapped[int | None]
    channel: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str | None] = mapped_column(String(200))
    worked_hours: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("source_system", "key", name="uq_tickets_source_key"),
        Index("ix_tickets_opened_at", "opened_at"),
    )


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    seq: Mapped[int]
    at: Mapped[datetime]
    status: Mapped[str | None] = mapped_column(String(120))
    group: Mapped[str | None] = mapped_column("group_name", String(200))
    assignee: Mapped[str | None] = mapped_column(String(200))
    tier: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(20))


class GroupRow(Base):
    """A support group seen in imported data, with the domain and tier it was mapped to."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_system: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(60))
    tier: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (UniqueConstraint("source_system", "name", name="uq_groups_source_name"),)


class AgentRow(Base):
    """A person or MSP seat. Skills are ``{domain: level 0..5}``."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="in_house")
    cost_per_hour: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ApiToken(Base):
    """A bearer token for the REST API. Only the SHA-256 of the secret is kept: a leaked
    database does not leak working tokens, and the secret is shown once, at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, e.g. "route import"
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LiveDesk(Base):
    """The one live desk a store routes for: its team, policy and a version bumped on every
    team load. Its single row is also the lock every routing change takes first, so changes
    to agents and queues are applied one at a time, on SQLite and PostgreSQL alike."""

    __tablename__ = "live_desk"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    queues: Mapped[int] = mapped_column(Integer, default=0)  # queue specs stored, for caches
    team_name: Mapped[str] = mapped_column(String(200), default="")
    policy: Mapped[str] = mapped_column(String(60), default="generalist_first")
    policy_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    team: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the Team as JSON (MSP too)
    loaded_at: Mapped[datetime | None]
    policy_memory: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The policy's own memory (``Policy.memory``: round robin's next turn), kept here so
    every server process continues one rotation."""


class LiveAgent(Base):
    """An agent of the live team: on shift or not, and the ticket it works on, if any."""

    __tablename__ = "live_agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)  # AgentView.index
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    skills: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cost_per_hour: Mapped[float] = mapped_column(Float, default=0.0)
    on_shift: Mapped[bool] = mapped_column(default=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, unique=True)  # one ticket at a time
    busy_since: Mapped[datetime | None]


class LiveQueue(Base):
    """A waiting line a policy has used, and who may take work from it (a ``QueueSpec``)."""

    __tablename__ = "live_queues"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    kinds: Mapped[str] = mapped_column(String(60))  # space-separated agent kinds
    domain: Mapped[str | None] = mapped_column(String(60))
    tier: Mapped[str] = mapped_column(String(20))
    waiting: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Tickets queued here now, kept by every routing batch: counting them instead made each
    batch slower in proportion to the backlog (9 ms a decision at 20,000 queued tickets)."""


class LiveTicket(Base):
    """A ticket routed live: where the policy sent it, why, and what became of it.

    ``state`` is ``assigned`` (an agent works on it), ``queued``, ``msp`` (handed to a
    contract) or ``done``. At most one assigned ticket per agent is enforced by the database
    too (a unique partial index), not only by the routing code."""

    __tablename__ = "live_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    domain: Mapped[str] = mapped_column(String(60))
    tier: Mapped[str] = mapped_column(String(20))
    priority: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20), default="new")
    state: Mapped[str] = mapped_column(String(20))
    agent_id: Mapped[int | None] = mapped_column(Integer)
    queue: Mapped[str | None] = mapped_column(String(200))
    msp: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    work_limit_hours: Mapped[float | None] = mapped_column(Float)
    generalist_hours: Mapped[float] = mapped_column(Float, default=0.0)
    opened_at: Mapped[datetime]
    queued_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]

    __table_args__ = (
        # Queue order to the last key, so a queue's head is read from the index, not sorted.
        Index("ix_live_tickets_queue_order", "state", "queue", "priority", "opened_at", "id"),
        Index("ix_live_tickets_queued_since", "state", "queue", "queued_at"),
        Index(
            "uq_live_tickets_one_per_agent",
            "agent_id",
            unique=True,
            sqlite_where=text("state = 'assigned'"),
            postgresql_where=text("state = 'assigned'"),
        ),
    )


class JobRow(Base):
    """A background simulation or plan: what was asked, how far it got, and its result.

    Kept in the store so a job's status outlives the request and the server process."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    runner: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    """Last sign of life from whoever holds the job: the server while it waits, the worker
    while it runs (``jobs.heartbeat``)."""
