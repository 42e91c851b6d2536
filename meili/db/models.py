"""Tables of the relational store (SQLAlchemy 2 declarative models).

Changes here need a new Alembic revision in ``meili/db/migrations/versions``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Division(Base):
    """An administrative division (GB/T 2260 code) with its years of validity."""

    __tablename__ = "divisions"
    __table_args__ = (
        UniqueConstraint("code", "valid_from", name="uq_division_code_from"),
        Index("ix_divisions_current", "current", "level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(6), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(16))  # province | prefecture | county
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    province_code: Mapped[str] = mapped_column(String(6))
    valid_from: Mapped[int] = mapped_column(Integer)
    valid_to: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # active | renamed | retired
    successor_code: Mapped[str | None] = mapped_column(String(64))
    current: Mapped[bool] = mapped_column(default=False)


class Zone(Base):
    """A Beautiful China pilot zone (美丽中国先行区) at one of the four tiers."""

    __tablename__ = "zones"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300))
    tier: Mapped[str] = mapped_column(String(16), index=True)  # region|province|city|county
    status: Mapped[str] = mapped_column(String(16), default="active")
    title_zh: Mapped[str | None] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    policy_ref: Mapped[str | None] = mapped_column(String(200))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    members: Mapped[list[ZoneMember]] = relationship(
        back_populates="zone", cascade="all, delete-orphan", order_by="ZoneMember.division_code"
    )


class ZoneMember(Base):
    """A division that belongs to a zone."""

    __tablename__ = "zone_members"

    zone_code: Mapped[str] = mapped_column(
        ForeignKey("zones.code", ondelete="CASCADE"), primary_key=True
    )
    division_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    zone: Mapped[Zone] = relationship(back_populates="members")


class FrameworkVersion(Base):
    """One version of an indicator framework, stored as its validated document."""

    __tablename__ = "framework_versions"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_framework_code_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    zone_code: Mapped[str | None] = mapped_column(String(64))  # set for a zone's specialty file
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AuditEntry(Base):
    """Who changed what and when (append-only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Meta(Base):
    """Key/value facts about the store (e.g. the hash of the loaded division list)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
