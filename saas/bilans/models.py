"""A bilan as it was produced: its parameters, the counting-rule versions in force, its figures,
who asked and when. Never edited: a bilan produced again is a new row, compared with the old."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, SmallInteger, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.bilans.kinds import BilanKind
from saas.bilans.periods import Period, PeriodKind
from saas.bilans.scopes import ScopeKind
from saas.db import Authored, Model, TenantScoped, one_of, tenant_index

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
