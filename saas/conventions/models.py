"""Conventions and their terms.

- ``Convention``: the agreement itself (reference, kind, signature, start).
- ``ConventionTerms``: number 0 holds the terms as signed, number n the n-th avenant. An avenant is
  a new row from its effective date; nothing is overwritten. Child terms (resources, commitments,
  obligations) carry ``from_terms`` and ``until_terms`` (the avenant that replaced them): the terms
  in force at a date are those of the latest avenant effective on or before it.
- ``ConventionRenewal`` records each tacit renewal, ``ConventionObjection`` a party's objection
  (dénonciation) and the term at which it takes effect.
- Money: ``FinancialCommitment`` (payer, payee, amount or rule), its ``ScheduleLine`` instalments
  (percentage, trigger, deliverables required) and the ``Payment`` recorded for each period.
- Obligations of each party and their ``Occurrence`` rows (the calendar), with the reminders sent.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
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

from saas.conventions.enums import (
    Cadence,
    CommitmentBasis,
    DocumentKind,
    DurationKind,
    Kind,
    Nature,
    PartyRole,
    Recurrence,
    Trigger,
)
from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, user_ref, utcnow_column

MONEY = Numeric(12, 2)


class Convention(TenantScoped, Authored, Model):
    __tablename__ = "conventions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "reference", name="uq_conventions_tenant_id_reference"),
        one_of("kind", Kind),
    )

    reference: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    #: NULL until signed; a convention that is not signed generates no calendar.
    signed_on: Mapped[date | None] = mapped_column(Date)
    signed_at_place: Mapped[str | None] = mapped_column(String(120))
    #: the first day of the first period (e.g. seed 003: the notification by the Département).
    effective_on: Mapped[date] = mapped_column(Date)
    #: early termination (résiliation for breach), distinct from an objection at the term.
    terminated_on: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(String(500))


class ConventionTerms(TenantScoped, Authored, Model):
    """The terms as signed (number 0) or as changed by the n-th avenant, from ``effective_from``."""

    __tablename__ = "convention_terms"
    __table_args__ = (
        UniqueConstraint("tenant_id", "convention_id", "number", name="uq_convention_terms_number"),
        UniqueConstraint(
            "tenant_id", "convention_id", "effective_from", name="uq_convention_terms_effective"
        ),
        one_of("duration_kind", DurationKind),
        CheckConstraint("duration_kind <> 'fixed' OR end_on IS NOT NULL", name="fixed_has_end"),
        CheckConstraint("period_months BETWEEN 1 AND 60", name="period_months"),
        CheckConstraint("notice_months BETWEEN 0 AND 12", name="notice_months"),
        CheckConstraint("max_renewals IS NULL OR max_renewals >= 0", name="max_renewals"),
        CheckConstraint("number >= 0", name="number"),
    )

    convention_id: Mapped[int] = tenant_ref("conventions")
    number: Mapped[int] = mapped_column(Integer)
    signed_on: Mapped[date | None] = mapped_column(Date)
    effective_from: Mapped[date] = mapped_column(Date)
    #: what the avenant changes, in the facilitator's words.
    summary: Mapped[str | None] = mapped_column(Text)
    object: Mapped[str] = mapped_column(Text)
    #: free articles: [{"numero": "5.1", "titre": "Pilotage", "texte": "..."}]
    articles: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    duration_kind: Mapped[str] = mapped_column(String(10))
    period_months: Mapped[int] = mapped_column(Integer, server_default=text("12"))
    end_on: Mapped[date | None] = mapped_column(Date)
    #: NULL: renewed tacitly without limit; 2: "renouvelable par tacite reconduction deux fois".
    max_renewals: Mapped[int | None] = mapped_column(Integer)
    #: months before the term by which an objection must be received (0: until the eve of the term).
    notice_months: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    #: the only party allowed to object at the term (seed 003: the Département); NULL: any party.
    objecting_party_id: Mapped[int | None] = mapped_column(BigInteger)
    #: seed 004: "modifiée par voie d'avenant au moment du renouvellement annuel".
    amendments_at_renewal_only: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class ConventionParty(TenantScoped, Model):
    __tablename__ = "convention_parties"
    __table_args__ = (
        UniqueConstraint("tenant_id", "convention_id", "organisation_id", name="uq_convention_parties_org"),
        one_of("role", PartyRole),
    )

    convention_id: Mapped[int] = tenant_ref("conventions")
    organisation_id: Mapped[int] = tenant_ref("organisations")
    role: Mapped[str] = mapped_column(String(20))
    #: a co-financer may be named without signing (seed 000 art. 4).
    signatory: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    represented_by: Mapped[str | None] = mapped_column(String(200))
    #: this party is the territory's guichet: its obligations go to the facilitateurs.
    is_guichet: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class _Versioned:
    """Child terms valid from the terms ``from_terms`` until (excluded) ``until_terms``."""

    from_terms: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    until_terms: Mapped[int | None] = mapped_column(Integer)


class ConventionResource(_Versioned, TenantScoped, Model):
    """Staff committed: "un conseiller en insertion professionnelle à mi-temps (0.5 ETP)"."""

    __tablename__ = "convention_resources"
    __table_args__ = (CheckConstraint("fte > 0 AND fte <= 50", name="fte"),)

    convention_id: Mapped[int] = tenant_ref("conventions", index=True)
    provider_id: Mapped[int] = tenant_ref("organisations")
    label: Mapped[str] = mapped_column(String(200))
    fte: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    person_name: Mapped[str | None] = mapped_column(String(200))


class ConventionDocument(TenantScoped, Model):
    __tablename__ = "convention_documents"
    __table_args__ = (one_of("kind", DocumentKind),)

    convention_id: Mapped[int] = tenant_ref("conventions", index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[int | None] = user_ref()
    uploaded_at: Mapped[datetime] = utcnow_column()


class ConventionRenewal(TenantScoped, Model):
    __tablename__ = "convention_renewals"
    __table_args__ = (
        UniqueConstraint("tenant_id", "convention_id", "period_no", name="uq_convention_renewals_period"),
        CheckConstraint("period_no >= 2", name="period_no"),
    )

    convention_id: Mapped[int] = tenant_ref("conventions")
    period_no: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = utcnow_column()


class ConventionObjection(TenantScoped, Model):
    """A party objected to the tacit renewal: the convention ends at ``effective_term``."""

    __tablename__ = "convention_objections"
    __table_args__ = (
        UniqueConstraint("tenant_id", "convention_id", name="uq_convention_objections_convention"),
    )

    convention_id: Mapped[int] = tenant_ref("conventions")
    party_id: Mapped[int] = tenant_ref("organisations")
    received_on: Mapped[date] = mapped_column(Date)
    effective_term: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[int | None] = user_ref()
    recorded_at: Mapped[datetime] = utcnow_column()


class FinancialCommitment(_Versioned, TenantScoped, Model):
    __tablename__ = "financial_commitments"
    __table_args__ = (
        one_of("basis", CommitmentBasis),
        one_of("recurrence", Recurrence),
        CheckConstraint("basis <> 'fixed' OR amount > 0", name="fixed_amount"),
        CheckConstraint(
            "basis <> 'per_post' OR (rate_per_post > 0 AND posts_fte > 0)", name="per_post_inputs"
        ),
    )

    convention_id: Mapped[int] = tenant_ref("conventions", index=True)
    payer_id: Mapped[int] = tenant_ref("organisations")
    payee_id: Mapped[int] = tenant_ref("organisations")
    label: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    #: seed 003: 15 000 EUR per full-time facilitator post...
    rate_per_post: Mapped[Decimal | None] = mapped_column(MONEY)
    #: ...pro rata of the time worked on the function (1.0 = one full-time post).
    posts_fte: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    recurrence: Mapped[str] = mapped_column(String(12), server_default="each_period")
    article: Mapped[str | None] = mapped_column(String(40))


class ScheduleLine(TenantScoped, Model):
    """One instalment of a commitment: a percentage, when it falls due, the deliverables it waits for."""

    __tablename__ = "schedule_lines"
    __table_args__ = (
        UniqueConstraint("tenant_id", "commitment_id", "seq", name="uq_schedule_lines_seq"),
        CheckConstraint("percent > 0 AND percent <= 100", name="percent"),
        one_of("trigger", Trigger),
    )

    commitment_id: Mapped[int] = tenant_ref("financial_commitments")
    seq: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    trigger: Mapped[str] = mapped_column(String(10))
    offset_days: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    #: deliverable categories whose occurrence of the same period must be received.
    required_deliverables: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))


class Payment(TenantScoped, Model):
    __tablename__ = "convention_payments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "line_id", "period_no", name="uq_convention_payments_instalment"),
        CheckConstraint("amount > 0", name="amount"),
    )

    line_id: Mapped[int] = tenant_ref("schedule_lines")
    period_no: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[int | None] = user_ref()
    recorded_at: Mapped[datetime] = utcnow_column()


class Obligation(_Versioned, TenantScoped, Model):
    __tablename__ = "convention_obligations"
    __table_args__ = (
        one_of("nature", Nature),
        one_of("cadence", Cadence),
        CheckConstraint("day_of_month IS NULL OR day_of_month BETWEEN 1 AND 28", name="day_of_month"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("times_per_period BETWEEN 1 AND 12", name="times_per_period"),
    )

    convention_id: Mapped[int] = tenant_ref("conventions", index=True)
    responsible_id: Mapped[int] = tenant_ref("organisations")
    recipient_id: Mapped[int | None] = tenant_ref("organisations")
    nature: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300))
    cadence: Mapped[str] = mapped_column(String(12))
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    weekday: Mapped[int | None] = mapped_column(Integer)
    #: days after the anchor (end of period, event, end of mission) the deliverable is due.
    offset_days: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    offset_months: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    #: for ``after_event``: the yearly event ("assemblée générale") and its expected month.
    event_label: Mapped[str | None] = mapped_column(String(100))
    event_default_month: Mapped[int | None] = mapped_column(Integer)
    #: "deux comités de suivi par an" on an annual cadence is ``semiannual``; kept for ad-hoc counts.
    times_per_period: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    article: Mapped[str | None] = mapped_column(String(40))


class Occurrence(TenantScoped, Model):
    """One due date of an obligation: ``(obligation, period, seq)`` is its stable key."""

    __tablename__ = "obligation_occurrences"
    __table_args__ = (
        tenant_index("convention_id", "period_no"),
        UniqueConstraint(
            "tenant_id", "obligation_id", "period_no", "seq", name="uq_obligation_occurrences_key"
        ),
        tenant_index("due_on"),
    )

    obligation_id: Mapped[int] = tenant_ref("convention_obligations")
    convention_id: Mapped[int] = tenant_ref("conventions")
    period_no: Mapped[int] = mapped_column(Integer)
    #: ordinal within the period, or the mission id for ``mission_end``.
    seq: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date] = mapped_column(Date)
    #: the due date rests on an expected event date not yet known (after_event).
    provisional: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    event_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    received_by: Mapped[int | None] = user_ref()
    note: Mapped[str | None] = mapped_column(String(500))
    meeting_id: Mapped[int | None] = tenant_ref("meetings")


class Reminder(TenantScoped, Model):
    """A reminder sent: never twice for the same occurrence, person and kind."""

    __tablename__ = "obligation_reminders"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "occurrence_id", "user_id", "kind", name="uq_obligation_reminders_once"
        ),
        one_of("kind", ("before", "late")),
    )

    occurrence_id: Mapped[int] = tenant_ref("obligation_occurrences", ondelete="CASCADE")
    user_id: Mapped[int] = user_ref()
    kind: Mapped[str] = mapped_column(String(8))
    mail_id: Mapped[int | None] = tenant_ref("outgoing_mails")
    sent_at: Mapped[datetime] = utcnow_column()
