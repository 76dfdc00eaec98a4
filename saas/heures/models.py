"""The hours ledger.

- ``Releve``: raw monthly figures of one mission. Never edited: a correction is a new
  statement that ``supersedes`` the previous one. A correction of a validated statement waits for
  its own validation while the validated figure stays in force; when it is validated, the old
  statement gets ``superseded_at``. Only the status moves (declared -> validated | rejected),
  guarded by a trigger and a version counter.
- ``CountingRule``: versioned per tenant, overridable per marché.
- ``Counting``: counted hours of a statement under one rule version; a recount adds a new counting
  and retires the previous one (``current``).
- ``Allocation``: counted hours of a counting assigned to a lot. The database refuses allocations
  beyond the counted hours, or on a counting that is not current, or on a statement that is not
  validated and current (deferred constraint trigger, see the migration).
- ``MutualisationAgreement`` and its member lots.
- ``HourTotal``: counted hours by lot and month, the allocations added up by the ledger's triggers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, user_ref, utcnow_column
from saas.heures.enums import AllocationKey, ImportStatus, PartialEligibility, ReleveStatus
from saas.heures.validation import MONTH_MAX_HOURS
from saas.marches.enums import Rounding

HOURS = Numeric(9, 2)


class Releve(TenantScoped, Model):
    __tablename__ = "hour_statements"
    __table_args__ = (
        tenant_index("mission_id", "month"),
        tenant_index("status"),
        tenant_index("month", "id"),
        # a statement has at most one live correction (rejected or superseded ones leave room)
        Index(
            "uq_hour_statements_one_correction",
            "tenant_id",
            "supersedes_id",
            unique=True,
            postgresql_where=text("status <> 'rejected' AND superseded_at IS NULL"),
        ),
        # one statement in force per mission and month: not superseded, not rejected, and not a
        # correction waiting for validation (the statement it corrects stays in force until then).
        Index(
            "uq_hour_statements_in_force",
            "tenant_id",
            "mission_id",
            "month",
            unique=True,
            postgresql_where=text(
                "superseded_at IS NULL AND status <> 'rejected' "
                "AND NOT (status = 'declared' AND supersedes_id IS NOT NULL)"
            ),
        ),
        CheckConstraint("extract(day from month) = 1", name="month_first_day"),
        CheckConstraint(
            "worked_hours >= 0 AND training_hours >= 0 AND absence_hours >= 0", name="hours_positive"
        ),
        CheckConstraint(f"worked_hours + training_hours <= {MONTH_MAX_HOURS}", name="hours_in_month"),
        one_of("status", ReleveStatus),
        CheckConstraint("status <> 'rejected' OR rejection_reason IS NOT NULL", name="rejection_reasoned"),
    )

    mission_id: Mapped[int] = tenant_ref("missions")
    month: Mapped[date] = mapped_column(Date)
    worked_hours: Mapped[Decimal] = mapped_column(HOURS)
    training_hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal(0))
    absence_hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal(0))
    source: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="declared")
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    supersedes_id: Mapped[int | None] = tenant_ref("hour_statements", index=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    declared_by: Mapped[int | None] = user_ref()
    declared_at: Mapped[datetime] = utcnow_column()
    decided_by: Mapped[int | None] = user_ref()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: optimistic lock: two validations of the same statement cannot both win.
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}


class ReleveJustificatif(TenantScoped, Model):
    __tablename__ = "statement_proofs"
    statement_id: Mapped[int] = tenant_ref("hour_statements", index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[int | None] = user_ref()
    uploaded_at: Mapped[datetime] = utcnow_column()


class CountingRule(TenantScoped, Authored, Model):
    """A version of the counting rules of the tenant (``marche_id`` NULL) or of one marché."""

    __tablename__ = "counting_rules"
    __table_args__ = (
        UniqueConstraint("tenant_id", "marche_id", "version", postgresql_nulls_not_distinct=True),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("rounding_step IN (0.01, 0.25, 0.5, 1)", name="rounding_step"),
        one_of("rounding", Rounding),
        CheckConstraint("training_cap_hours IS NULL OR training_cap_hours >= 0", name="training_cap"),
        CheckConstraint("cdi_cap_hours IS NULL OR cdi_cap_hours >= 0", name="cdi_cap"),
        one_of("partial_eligibility", PartialEligibility),
    )

    marche_id: Mapped[int | None] = tenant_ref("marches")
    version: Mapped[int] = mapped_column(Integer)
    #: {contract type code: multiplier as a string, e.g. "1.5"}; absent = 1.
    multipliers: Mapped[dict] = mapped_column(JSONB, default=dict)
    count_training: Mapped[bool] = mapped_column(Boolean, default=True)
    #: training hours counted per month at most (NULL: no cap).
    training_cap_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    #: counted hours of one CDI mission (CDI, CDI inclusion, CDI intérimaire) at most (NULL: no cap).
    cdi_cap_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    #: count hours only when eligibility was valid at the date of the hours.
    require_eligibility: Mapped[bool] = mapped_column(Boolean, default=True)
    #: with ``require_eligibility``, a month whose days are only partly covered by eligibility
    #: counts nothing, pro rata of the days covered, or in full (``PartialEligibility``).
    partial_eligibility: Mapped[str] = mapped_column(
        String(16), default="pro_rata", server_default="pro_rata"
    )
    rounding_step: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("0.01"))
    rounding: Mapped[str] = mapped_column(String(8), default="nearest")
    note: Mapped[str | None] = mapped_column(String(500))


class Counting(TenantScoped, Authored, Model):
    """Counted hours of one statement under one rule version."""

    __tablename__ = "hour_countings"
    __table_args__ = (
        Index(
            "uq_hour_countings_current",
            "tenant_id",
            "statement_id",
            unique=True,
            postgresql_where=text("current"),
        ),
        CheckConstraint("counted_hours >= 0", name="counted_positive"),
    )

    statement_id: Mapped[int] = tenant_ref("hour_statements", index=True)
    rule_id: Mapped[int] = tenant_ref("counting_rules")
    raw_hours: Mapped[Decimal] = mapped_column(HOURS)
    counted_hours: Mapped[Decimal] = mapped_column(HOURS)
    #: how the figure was reached (multiplier, caps, eligibility, rounding), shown on the page.
    detail: Mapped[dict] = mapped_column(JSONB, default=dict)
    current: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def eligibility(self) -> dict | None:
        """What a partial eligibility did to this month (``detail["eligibility"]``), dates as dates."""
        share = (self.detail or {}).get("eligibility")
        if not share:
            return None
        return {
            **share,
            **{
                key: date.fromisoformat(share[key]) if share.get(key) else None
                for key in ("valid_from", "valid_until")
            },
        }


class MutualisationAgreement(TenantScoped, Model):
    __tablename__ = "mutualisation_agreements"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
        one_of("allocation_key", AllocationKey),
    )

    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    allocation_key: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = utcnow_column()


class MutualisationMember(TenantScoped, Model):
    __tablename__ = "mutualisation_members"
    __table_args__ = (
        UniqueConstraint("tenant_id", "agreement_id", "lot_id"),
        CheckConstraint("share IS NULL OR (share > 0 AND share <= 1)", name="share"),
    )

    agreement_id: Mapped[int] = tenant_ref("mutualisation_agreements", ondelete="CASCADE")
    lot_id: Mapped[int] = tenant_ref("lots", index=True)
    #: explicit key only: share of the hours (0.25 = 25 %); the shares of an agreement add up to 1.
    share: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))


class Allocation(TenantScoped, Model):
    """Counted hours of one counting assigned to one lot."""

    __tablename__ = "hour_allocations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "counting_id", "lot_id"),
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    counting_id: Mapped[int] = tenant_ref("hour_countings")
    lot_id: Mapped[int] = tenant_ref("lots", index=True)
    hours: Mapped[Decimal] = mapped_column(HOURS)
    #: the agreement that sent these hours to a lot other than the mission's, if any.
    agreement_id: Mapped[int | None] = tenant_ref("mutualisation_agreements", index=True)
    created_at: Mapped[datetime] = utcnow_column()


class HourTotal(TenantScoped, Model):
    """Counted and raw hours of one lot for one month of the hours: the sum of the lot's
    allocations of that month, and of the raw hours of its missions' validated statements in force,
    kept by the ledger's own triggers (migrations ``b9e3d5a1c7f4``, ``f4a9c3e7b2d1``); read, never
    written by the code. What the dashboard and the progress add up instead of the ledger's rows."""

    __tablename__ = "hour_totals"
    __table_args__ = (
        UniqueConstraint("tenant_id", "lot_id", "month"),
        tenant_index("month"),
        # covering: the bilans add up a lot's months from the index alone (migration ``b8e4f1a6d2c7``)
        tenant_index("lot_id", "month", postgresql_include=["hours", "raw_hours"]),
    )

    lot_id: Mapped[int] = tenant_ref("lots", ondelete="CASCADE")
    month: Mapped[date] = mapped_column(Date)
    #: counted hours allocated to the lot (after the rules and the mutualisation)
    hours: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    #: raw hours of the current countings of the missions placed on the lot (migration ``f4a9c3e7b2d1``)
    raw_hours: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default=text("0"))


#: the columns the indexes by month and by lot carry, so that a bilan reads them alone
MISSION_TOTALS_COVERED = ("mission_id", "lot_id", "rule_id", "hours", "raw_hours", "countings")


class MissionHourTotal(TenantScoped, Model):
    """Counted and raw hours of one mission for one month, by the lot they are counted on and the
    counting rule that counted them, kept by the ledger's own triggers (migration
    ``e6c2b8d4f1a3``); read by the bilans, never written by the code. Counted hours are under the
    lot of each allocation; raw hours and the number of current countings under the mission's lot."""

    __tablename__ = "mission_hour_totals"
    __table_args__ = (
        UniqueConstraint("tenant_id", "mission_id", "month", "lot_id", "rule_id"),
        tenant_index("month", postgresql_include=list(MISSION_TOTALS_COVERED)),
        tenant_index("lot_id", "month", postgresql_include=list(MISSION_TOTALS_COVERED)),
    )

    mission_id: Mapped[int] = tenant_ref("missions", ondelete="CASCADE")
    month: Mapped[date] = mapped_column(Date)
    lot_id: Mapped[int] = tenant_ref("lots", ondelete="CASCADE")
    rule_id: Mapped[int] = tenant_ref("counting_rules")
    hours: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    raw_hours: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    #: current countings of the mission's month (0 on the rows of the lots it gives hours to)
    countings: Mapped[int] = mapped_column(Integer)


class HourImport(TenantScoped, Authored, Model):
    """A spreadsheet of statements imported by a partner (its ``organisation_id``) or by the guichet
    (NULL): kept from its preview to its writing, so that the person confirms what they saw and a
    second import of the same file is told apart (``digest``). ``counts`` says what was written."""

    __tablename__ = "hour_imports"
    __table_args__ = (
        tenant_index("organisation_id", "created_at"),
        tenant_index("digest"),
        one_of("status", ImportStatus),
    )

    organisation_id: Mapped[int | None] = tenant_ref("organisations")
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    #: SHA-256 of the content, hexadecimal
    digest: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: {field: column index} chosen or recognised
    mapping: Mapped[dict] = mapped_column(JSONB, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.preview.value)
    #: {"declared": n, "corrected": n, "unchanged": n, "refused": n} once written
    counts: Mapped[dict] = mapped_column(JSONB, default=dict)
    written_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
