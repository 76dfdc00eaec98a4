"""Queries on the audit log: the tenant's (``audit_log``) or, with ``platform``, the platform's
(``platform_audit_log``). Row-level security restricts every one of them to the scope."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, tuple_

from saas import paging
from saas.audit.models import AuditEntry, PlatformAuditEntry
from saas.db import db


def _log(platform: bool) -> type[AuditEntry] | type[PlatformAuditEntry]:
    return PlatformAuditEntry if platform else AuditEntry


def _filtered(filters, platform: bool = False):
    log = _log(platform)
    query = select(log)
    if filters.action:
        query = query.where(log.action == filters.action)
    if filters.actor:
        query = query.where(log.actor_email.ilike(f"%{filters.actor}%"))
    return query.where(*filters.instants(log.occurred_at))


def search(filters, page: int, per_page: int, platform: bool = False):
    log = _log(platform)
    query = _filtered(filters, platform).order_by(log.occurred_at.desc(), log.id.desc())
    return paging.of_select(query, page, per_page)


def count(filters, platform: bool = False) -> int:
    return paging.count_of(_filtered(filters, platform))


EXPORT_COLUMNS = (
    "id",
    "occurred_at",
    "action",
    "actor_email",
    "target_type",
    "target_id",
    "ip_address",
    "details",
)


def iter_entries(filters, platform: bool = False, batch: int = 500) -> Iterator:
    """Newest first, read by keyset in batches of ``batch`` rows (plain rows, not objects).

    No cursor stays open between two batches and nothing is kept once yielded, so the caller may
    commit (its progress) while it reads, and any number of rows goes through in constant memory.
    """
    log = _log(platform)
    key = (log.occurred_at, log.id)
    query = (
        _filtered(filters, platform)
        .with_only_columns(*(getattr(log, name) for name in EXPORT_COLUMNS))
        .order_by(log.occurred_at.desc(), log.id.desc())
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
    log = _log(platform)
    query = select(log.action).distinct().order_by(log.action)
    return list(db.session.scalars(query))
