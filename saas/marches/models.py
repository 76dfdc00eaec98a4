"""Marchés, lots, their subcontractors and the dated hourly-cost table of a tenant."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, utcnow_column
from saas.marches.enums import LotFigureKind, ObligationMode, Rounding


class HourlyCost(TenantScoped, Model):
    """The hourly cost used by the formula, valid from a date (SMIC revaluations)."""

    __tablename__ = "hourly_costs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "valid_from"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    valid_from: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = utcnow_column()


class Marche(TenantScoped, Model):
    __tablename__ = "marches"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates_order"
        ),
        CheckConstraint("hourly_cost_override IS NULL OR hourly_cost_override > 0", name="cost_positive"),
    )

    donneur_ordre_id: Mapped[int] = tenant_ref("organisations", index=True)
    reference: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(String(500))
    #: the programme of works or services the marché belongs to (a marché without one is its own)
    operation: Mapped[str | None] = mapped_column(String(200))
    sector: Mapped[str | None] = mapped_column(String(40))
    procedure: Mapped[str | None] = mapped_column(String(40))
    notification_date: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    amount_ht: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    anru: Mapped[bool] = mapped_column(default=False)
    anru_project_id: Mapped[str | None] = mapped_column(String(40))
    #: INSEE codes of the communes where the work is done.
    execution_communes: Mapped[list[str]] = mapped_column(ARRAY(String(5)), default=list)
    #: values of saas.marches.enums.Consideration.
    considerations: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    #: overrides the tenant's dated hourly cost for every lot of this marché.
    hourly_cost_override: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = utcnow_column()


class Lot(TenantScoped, Model):
    """A lot of a marché; the clause's hour obligation lives here.

    ``obligation_hours`` is computed by ``saas.marches.obligation`` from the mode and its inputs and
    stored with the inputs actually used (``obligation_inputs``), so the page can show how.
    """

    __tablename__ = "lots"
    __table_args__ = (
        UniqueConstraint("tenant_id", "marche_id", "number"),
        one_of("obligation_mode", ObligationMode, name="mode"),
        one_of("rounding", Rounding),
        CheckConstraint("obligation_hours IS NULL OR obligation_hours >= 0", name="obligation_positive"),
    )

    marche_id: Mapped[int] = tenant_ref("marches", ondelete="CASCADE", index=True)
    number: Mapped[str] = mapped_column(String(20))
    object: Mapped[str] = mapped_column(String(500))
    amount_ht: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    attributaire_id: Mapped[int | None] = tenant_ref("organisations", index=True)
    obligation_mode: Mapped[str] = mapped_column(String(16))
    fixed_hours: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: part of labour in the amount (0.50 = 50 %), for the formula.
    labour_share: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    #: insertion rate (0.05 = 5 %), for the formula.
    insertion_rate: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    #: overrides the dated hourly cost for this lot.
    hourly_cost_override: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    #: share of the hours worked (0.07 = 7 %), for the percentage mode.
    hours_share: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    #: hours due per ``per_amount_base`` euros invoiced HT (e.g. 1 h per 2 000 EUR).
    per_amount_hours: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    per_amount_base: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    rounding: Mapped[str] = mapped_column(String(8), default="nearest")
    obligation_hours: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    obligation_inputs: Mapped[dict] = mapped_column(JSONB, default=dict)
    #: clause-drafting aid: penalties per missing hour, if the buyer sets any.
    penalty_per_hour: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = utcnow_column()


class LotSubcontractor(TenantScoped, Model):
    __tablename__ = "lot_subcontractors"
    __table_args__ = (UniqueConstraint("tenant_id", "lot_id", "organisation_id"),)

    lot_id: Mapped[int] = tenant_ref("lots", ondelete="CASCADE")
    organisation_id: Mapped[int] = tenant_ref("organisations", index=True)
    #: sous_traitant or cotraitant
    role: Mapped[str] = mapped_column(String(16), default="sous_traitant")


class LotFigure(TenantScoped, Authored, Model):
    """Amount invoiced or hours worked on a lot, recorded over time (per-amount and percentage modes)."""

    __tablename__ = "lot_figures"
    __table_args__ = (
        tenant_index("lot_id", "recorded_on"),
        one_of("kind", LotFigureKind),
        CheckConstraint("value >= 0", name="value_positive"),
    )

    lot_id: Mapped[int] = tenant_ref("lots", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[date] = mapped_column(Date)
    #: amount for this period (not a running total).
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(String(200))
