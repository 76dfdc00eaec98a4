"""Job runs: the outbox between a transaction and the queue.

A run row is written in the same transaction as the work that asks for it; the queue only hears of
it after commit, and a periodic sweep re-enqueues runs left pending. The UI reads status and
progress from this row, never from the queue.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import Model, TenantScoped, tenant_index, tenant_ref, user_ref, utcnow_column
from saas.jobs.enums import JobKind, RunStatus


class JobRun(TenantScoped, Model):
    __tablename__ = "job_runs"
    __table_args__ = (
        tenant_index("status", "created_at"),
        tenant_index("kind", "created_at"),
    )

    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    status: Mapped[RunStatus] = mapped_column(String(16), server_default=RunStatus.pending.value)
    progress: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    message: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    requested_by_user_id: Mapped[int | None] = user_ref(ondelete="SET NULL")
    created_at: Mapped[datetime] = utcnow_column()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))

    @property
    def queue_job_id(self) -> str:
        """Deterministic: the same run is never twice in the queue."""
        return f"run-{self.tenant_id}-{self.id}"

    @property
    def kind_label(self) -> str:
        return JobKind.label_of(self.kind)

    @property
    def status_label(self) -> str:
        return RunStatus(self.status).label

    @property
    def is_done(self) -> bool:
        return self.status in (RunStatus.finished, RunStatus.failed)


class JobArtifact(TenantScoped, Model):
    """A file a run produced (an export), kept in the database with the tenant's other data."""

    __tablename__ = "job_artifacts"
    run_id: Mapped[int] = tenant_ref("job_runs", ondelete="CASCADE", index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = utcnow_column()

    run: Mapped[JobRun] = relationship(
        primaryjoin="and_(JobArtifact.tenant_id == JobRun.tenant_id, JobArtifact.run_id == JobRun.id)",
        foreign_keys="[JobArtifact.tenant_id, JobArtifact.run_id]",
        viewonly=True,
    )
