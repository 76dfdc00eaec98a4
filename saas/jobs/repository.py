"""Queries on job runs (scoped by the current tenant through the ORM criteria and RLS)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from saas.db import db, rows_of
from saas.jobs.enums import RunStatus
from saas.jobs.models import JobArtifact, JobRun


def get_run_for_update(run_id: int) -> JobRun | None:
    return db.session.scalars(select(JobRun).where(JobRun.id == run_id).with_for_update()).one_or_none()


def list_runs(user_id: int | None = None, limit: int = 50) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.created_at.desc()).limit(limit)
    if user_id is not None:
        query = query.where(JobRun.requested_by_user_id == user_id)
    return list(db.session.scalars(query))


def stale_pending_runs(now: datetime, older_than: timedelta) -> list[JobRun]:
    return rows_of(
        JobRun, JobRun.created_at < now - older_than, status=RunStatus.pending, order_by=JobRun.created_at
    )


def started_runs() -> list[JobRun]:
    return rows_of(JobRun, status=RunStatus.started, order_by=JobRun.id)


def get_artifact(run_id: int) -> JobArtifact | None:
    return db.session.scalars(select(JobArtifact).where(JobArtifact.run_id == run_id)).first()
