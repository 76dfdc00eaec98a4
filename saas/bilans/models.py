"""A bilan as it was produced: its parameters, the counting-rule versions in force, its figures,
who asked and when. Never edited: a bilan produced again is a new row, compared with the old."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, SmallInteger, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.bilans.kinds import BilanKind
from saas.bilans.periods import Period, PeriodKind
from saas.bilans.scopes import ScopeKind
from saas.choices import Choices
from saas.db import Authored, Model, TenantScoped, one_of, tenant_index, tenant_ref, user_ref, utcnow_column

#: the version of the shape of ``figures`` (``saas.bilans.engine``)
FORMAT_VERSION = 1


class Bilan(TenantScoped, Authored, Model):
    __tablename__ = "bilans"
    __table_args__ = (
        one_of("kind", BilanKind),
        one_of("scope_kind", ScopeKind),
        one_of("period_kind", PeriodKind),
        tenant_index("created_at"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_key: Mapped[str | None] = mapped_column(String(20))
    scope_label: Mapped[str] = mapped_column(String(300))
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    figures: Mapped[dict] = mapped_column(JSONB)
    rule_versions: Mapped[list] = mapped_column(JSONB)
    format_version: Mapped[int] = mapped_column(SmallInteger, default=FORMAT_VERSION)

    @property
    def period(self) -> Period:
        return Period(PeriodKind(self.period_kind), self.period_start, self.period_end)


class Cadence(Choices):
    """How often a scheduled bilan goes, and the period each sending covers (the last one ended)."""

    mensuel = "mensuel", "Chaque mois (le mois écoulé)"
    semestriel = "semestriel", "Chaque semestre (le semestre écoulé)"
    annuel = "annuel", "Chaque année (l'année écoulée)"


class BilanSchedule(TenantScoped, Authored, Model):
    """A bilan the guichet sends to one person on a cadence, until it or the person stops it."""

    __tablename__ = "bilan_schedules"
    __table_args__ = (one_of("kind", BilanKind), one_of("scope_kind", ScopeKind), one_of("cadence", Cadence))

    kind: Mapped[str] = mapped_column(String(16))
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_key: Mapped[str | None] = mapped_column(String(20))
    scope_label: Mapped[str] = mapped_column(String(300))
    cadence: Mapped[str] = mapped_column(String(12))
    recipient_id: Mapped[int] = user_ref(index=True)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    stopped_by: Mapped[int | None] = user_ref()


class BilanSending(TenantScoped, Model):
    """A scheduled bilan sent for one period: the bilan produced, the message, when. One per
    schedule and period (the database refuses a second)."""

    __tablename__ = "bilan_sendings"
    __table_args__ = (UniqueConstraint("tenant_id", "schedule_id", "period_start"),)

    schedule_id: Mapped[int] = tenant_ref("bilan_schedules", ondelete="CASCADE")
    period_start: Mapped[date] = mapped_column(Date)
    bilan_id: Mapped[int] = tenant_ref("bilans", index=True)
    mail_id: Mapped[int] = tenant_ref("outgoing_mails")
    sent_at: Mapped[datetime] = utcnow_column()


#: the columns the index of the missions under way carries: a scope's condition reads them alone
UNDER_WAY_COVERED = ("mission_id", "participant_id", "lot_id", "employer_id")


class MissionFacts(TenantScoped, Model):
    """The keys a bilan groups one mission by (``saas.bilans.sql``), whatever its period: kept by
    the triggers of migration ``b8e4f1a6d2c7`` on the tables they come from, read by the bilans,
    never written by the code. The values of the reference lists (a contract's family, a motif's
    category, a criterion's level) are joined by the bilans, not copied here."""

    __tablename__ = "mission_facts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "mission_id"),
        tenant_index("until_date", "start_date", postgresql_include=list(UNDER_WAY_COVERED)),
        tenant_index("employer_id"),
        tenant_index("lot_id"),
    )

    mission_id: Mapped[int] = tenant_ref("missions", ondelete="CASCADE")
    participant_id: Mapped[int] = mapped_column(BigInteger)
    lot_id: Mapped[int] = mapped_column(BigInteger)
    employer_id: Mapped[int] = mapped_column(BigInteger)
    start_date: Mapped[date] = mapped_column(Date)
    #: the exit, else the end, else ``infinity``: the mission is under way until then
    until_date: Mapped[date] = mapped_column(Date)
    exit_date: Mapped[date | None] = mapped_column(Date)
    exit_category: Mapped[str | None] = mapped_column(String)
    situation_6m_motif: Mapped[str | None] = mapped_column(String)
    contract_type: Mapped[str] = mapped_column(String)
    modality: Mapped[str] = mapped_column(String)
    employer_kind: Mapped[str] = mapped_column(String)
    #: from the dates alone (``sans_terme`` without an end, whether or not the contract has a term)
    duration: Mapped[str] = mapped_column(String)
    rome_code: Mapped[str] = mapped_column(String)
    sector: Mapped[str] = mapped_column(String)
    sex: Mapped[str] = mapped_column(String)
    #: at the person's first mission
    age_band: Mapped[str] = mapped_column(String)
    level: Mapped[str] = mapped_column(String)
    qpv: Mapped[bool] = mapped_column(Boolean)
    #: of the person's last prescription (0 and '' without one)
    prescripteur_id: Mapped[int] = mapped_column(BigInteger)
    prescriber_kind: Mapped[str] = mapped_column(String)
    #: the codes of the person's eligibility at entry
    criteria: Mapped[list[str]] = mapped_column(ARRAY(String))
