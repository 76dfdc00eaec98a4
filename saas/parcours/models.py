"""Missions, follow-ups and exits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, user_ref
from saas.parcours.enums import Recommendation, WeeklySituation

#: Code du travail, art. L3121-20: no more than 48 hours of work in one week; no contract says more.
LEGAL_WEEKLY_MAX_HOURS = Decimal(48)


class Mission(TenantScoped, Authored, Model):
    """A participant working for an employer on a lot (a mise à l'emploi)."""

    __tablename__ = "missions"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_order"),
        CheckConstraint(
            f"weekly_hours > 0 AND weekly_hours <= {LEGAL_WEEKLY_MAX_HOURS}", name="weekly_hours"
        ),
        CheckConstraint(
            "(eligibility_override IS FALSE) OR (override_reason IS NOT NULL)",
            name="override_reasoned",
        ),
        CheckConstraint("(exit_date IS NULL) = (exit_motif IS NULL)", name="exit_complete"),
        tenant_index("start_date", "id"),
    )

    participant_id: Mapped[int] = tenant_ref("participants", index=True)
    employer_id: Mapped[int] = tenant_ref("organisations", index=True)
    lot_id: Mapped[int] = tenant_ref("lots", index=True)
    modality: Mapped[str] = mapped_column(String(24))
    contract_type: Mapped[str] = mapped_column(String(40), ForeignKey("ref_contract_types.code"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    trial_end_date: Mapped[date | None] = mapped_column(Date)
    weekly_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    job_title: Mapped[str | None] = mapped_column(String(200))
    rome_code: Mapped[str | None] = mapped_column(String(5), ForeignKey("ref_rome.code"))
    #: placed without valid eligibility: only with a reason, audited.
    eligibility_override: Mapped[bool] = mapped_column(Boolean, default=False)
    override_reason: Mapped[str | None] = mapped_column(String(500))
    override_by: Mapped[int | None] = user_ref()
    exit_date: Mapped[date | None] = mapped_column(Date)
    exit_motif: Mapped[str | None] = mapped_column(String(40), ForeignKey("ref_exit_motifs.code"))
    #: derived from the motif (ref_exit_motifs.category), stored for reports.
    exit_category: Mapped[str | None] = mapped_column(String(32))
    #: the situation 6 months after the exit, recorded later.
    situation_6m_motif: Mapped[str | None] = mapped_column(String(40), ForeignKey("ref_exit_motifs.code"))
    situation_6m_on: Mapped[date | None] = mapped_column(Date)
    #: "emploi durable" is confirmed only by the situation at 6 months.
    durable_confirmed: Mapped[bool | None] = mapped_column(Boolean)


class FollowUp(TenantScoped, Model):
    """A planned follow-up of a mission, and whether and how it was done."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        tenant_index("due_on"),
        CheckConstraint("(done_on IS NULL) = (kind IS NULL)", name="done_complete"),
    )

    mission_id: Mapped[int] = tenant_ref("missions", ondelete="CASCADE", index=True)
    step: Mapped[str] = mapped_column(String(24))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str | None] = mapped_column(String(24))
    notes: Mapped[str | None] = mapped_column(Text)
    done_by: Mapped[int | None] = user_ref()
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WeeklyReport(TenantScoped, Authored, Model):
    """An employer's weekly word on its contracts under way and to come (seed 002 art. 3: « informer
    chaque semaine le guichet unique des contrats en cours et à venir »), one a week."""

    __tablename__ = "weekly_reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "organisation_id", "week_start"),
        CheckConstraint("extract(isodow from week_start) = 1", name="week_starts_monday"),
    )

    organisation_id: Mapped[int] = tenant_ref("organisations")
    week_start: Mapped[date] = mapped_column(Date)
    upcoming: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WeeklyLine(TenantScoped, Model):
    """How one mission goes this week, and the difficulty to alert on."""

    __tablename__ = "weekly_report_lines"
    __table_args__ = (
        UniqueConstraint("tenant_id", "report_id", "mission_id"),
        tenant_index("mission_id"),
        one_of("situation", WeeklySituation),
    )

    report_id: Mapped[int] = tenant_ref("weekly_reports", ondelete="CASCADE")
    mission_id: Mapped[int] = tenant_ref("missions")
    situation: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class MissionEvaluation(TenantScoped, Authored, Model):
    """The end-of-mission evaluation the employer sends (seed 002 art. 3: « fiches d'évaluation de
    fin de mission »): a mark of each criterion, what went well, what to work on, what next."""

    __tablename__ = "mission_evaluations"
    __table_args__ = (
        tenant_index("mission_id"),
        one_of("recommendation", Recommendation),
    )

    mission_id: Mapped[int] = tenant_ref("missions")
    organisation_id: Mapped[int] = tenant_ref("organisations")
    evaluated_on: Mapped[date] = mapped_column(Date)
    #: {criterion code: 1..4} (``EVALUATION_CRITERIA``)
    marks: Mapped[dict] = mapped_column(JSONB, default=dict)
    strengths: Mapped[str | None] = mapped_column(Text)
    improvements: Mapped[str | None] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(String(24))
