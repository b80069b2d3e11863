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
