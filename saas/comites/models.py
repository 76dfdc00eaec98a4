"""Meetings (comité de suivi, comité de pilotage, quarterly review...) and their decisions.

A held meeting linked to a convention marks the matching occurrence of the convention's meeting
obligation as held (``Occurrence.meeting_id``).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from saas.comites.enums import DecisionStatus, MeetingKind, MeetingStatus
from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, utcnow_column


class Meeting(TenantScoped, Authored, Model):
    __tablename__ = "meetings"
    __table_args__ = (
        tenant_index("meeting_on"),
        one_of("kind", MeetingKind),
        one_of("status", MeetingStatus),
    )

    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    meeting_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default=MeetingStatus.planned)
    agenda: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)


class MeetingConvention(TenantScoped, Model):
    __tablename__ = "meeting_conventions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "convention_id", name="uq_meeting_conventions_pair"),
    )

    meeting_id: Mapped[int] = tenant_ref("meetings", ondelete="CASCADE")
    convention_id: Mapped[int] = tenant_ref("conventions")


class MeetingAttendee(TenantScoped, Model):
    """An invited party; ``present`` once the meeting is held."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "organisation_id", name="uq_meeting_attendees_pair"),
    )

    meeting_id: Mapped[int] = tenant_ref("meetings", ondelete="CASCADE")
    organisation_id: Mapped[int] = tenant_ref("organisations")
    invited: Mapped[bool] = mapped_column(Boolean, default=True)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    represented_by: Mapped[str | None] = mapped_column(String(200))


class Decision(TenantScoped, Model):
    """A collective decision recorded in the minutes (seed 002 art. 3), with its owner and due date."""

    __tablename__ = "meeting_decisions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "number", name="uq_meeting_decisions_number"),
        one_of("status", DecisionStatus),
        tenant_index("status", "due_on"),
    )

    meeting_id: Mapped[int] = tenant_ref("meetings")
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = tenant_ref("organisations")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=DecisionStatus.open)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = utcnow_column()
