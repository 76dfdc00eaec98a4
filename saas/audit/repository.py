"""Queries on the audit log. Row-level security restricts every one of them to the scope."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select, tuple_

from saas import paging
from saas.audit.models import AuditEntry
from saas.db import db


def _filtered(filters, platform: bool = False):
    query = select(AuditEntry)
    if platform:
        query = query.where(AuditEntry.tenant_id.is_(None))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor:
        query = query.where(AuditEntry.actor_email.ilike(f"%{filters.actor}%"))
    return query.where(*filters.instants(AuditEntry.occurred_at))


def search(filters, page: int, per_page: int, platform: bool = False):
    query = _filtered(filters, platform).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    return paging.of_select(query, page, per_page)


def count(filters, platform: bool = False) -> int:
    return db.session.scalar(select(func.count()).select_from(_filtered(filters, platform).subquery())) or 0


EXPORT_COLUMNS = (
    AuditEntry.id,
    AuditEntry.occurred_at,
    AuditEntry.action,
    AuditEntry.actor_email,
    AuditEntry.target_type,
    AuditEntry.target_id,
    AuditEntry.ip_address,
    AuditEntry.details,
)


def iter_entries(filters, platform: bool = False, batch: int = 500) -> Iterator:
    """Newest first, read by keyset in batches of ``batch`` rows (plain rows, not objects).

    No cursor stays open between two batches and nothing is kept once yielded, so the caller may
    commit (its progress) while it reads, and any number of rows goes through in constant memory.
    """
    key = (AuditEntry.occurred_at, AuditEntry.id)
    query = (
        _filtered(filters, platform)
        .with_only_columns(*EXPORT_COLUMNS)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(batch)
    )
    last = None
    while True:
        page = query if last is None else query.where(tuple_(*key) < tuple_(*last))
        rows = db.session.execute(page).all()
        yield from rows
        if len(rows) < batch:
            return
        last = (rows[-1].occurred_at, rows[-1].id)


def distinct_actions(platform: bool = False) -> list[str]:
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    if platform:
        query = query.where(AuditEntry.tenant_id.is_(None))
    return list(db.session.scalars(query))
