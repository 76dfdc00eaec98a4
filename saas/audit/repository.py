"""Queries on the audit log. Row-level security restricts every one of them to the scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from saas.audit.models import AuditEntry
from saas.db import db

PARIS = ZoneInfo("Europe/Paris")


def _filtered(filters, platform: bool = False):
    query = select(AuditEntry)
    if platform:
        query = query.where(AuditEntry.tenant_id.is_(None))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor:
        query = query.where(AuditEntry.actor_email.ilike(f"%{filters.actor}%"))
    if filters.date_from:
        query = query.where(AuditEntry.occurred_at >= datetime.combine(filters.date_from, time(), PARIS))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), PARIS)
        query = query.where(AuditEntry.occurred_at < end)
    return query


def search(filters, page: int, per_page: int, platform: bool = False):
    query = _filtered(filters, platform).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def count(filters, platform: bool = False) -> int:
    return db.session.scalar(select(func.count()).select_from(_filtered(filters, platform).subquery())) or 0


def iter_entries(filters, platform: bool = False) -> Iterator[AuditEntry]:
    query = _filtered(filters, platform).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    yield from db.session.scalars(query.execution_options(yield_per=500))


def distinct_actions(platform: bool = False) -> list[str]:
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    if platform:
        query = query.where(AuditEntry.tenant_id.is_(None))
    return list(db.session.scalars(query))
