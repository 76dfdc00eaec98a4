"""The platform's audit entries get a table of their own; the tenants' log is keyed by tenant

Create Date: 2026-12-01 17:30:00

``audit_log`` held the platform's events (logins, operator actions, refusals) with ``tenant_id``
NULL beside the tenants' events. A table distributed by ``tenant_id`` (Citus, see
``infra/README.md``) takes no NULL in that column, and its primary key must include it: the
platform's entries move, with their ids, to ``platform_audit_log`` (kept on the coordinator), and
``audit_log`` gets ``tenant_id NOT NULL`` and the primary key ``(tenant_id, id)`` of every tenant
table. Both stay append-only; the platform's rows are read by the platform console only and
appended from any scope.
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import (
    audit_columns,
    drop_trigger,
    guard_trigger,
    identity_table,
    index,
)
from tenants import rls

revision = "d81f4a2c6e37"
down_revision = "c3a9e1f70b52"

COLUMNS = "id, occurred_at, actor_user_id, actor_email, action, target_type, target_id, ip_address, user_agent, details"


def upgrade():
    identity_table(
        "platform_audit_log",
        audit_columns(),
    )
    op.create_index(
        "ix_platform_audit_log_occurred_at", "platform_audit_log", [sa.literal_column("occurred_at DESC")]
    )
    index("platform_audit_log", "action")
    rls.enable(op, "platform_audit_log", using=rls.PLATFORM, check="true")
    guard_trigger("platform_audit_log", "audit_log_append_only")
    # the owner is filtered by row-level security too (FORCE), and the log refuses DELETE: both are
    # lifted for this one move
    op.execute("ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE platform_audit_log NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    op.execute(
        f"INSERT INTO platform_audit_log ({COLUMNS}) OVERRIDING SYSTEM VALUE "
        f"SELECT {COLUMNS} FROM audit_log WHERE tenant_id IS NULL ORDER BY id"
    )
    op.execute("DELETE FROM audit_log WHERE tenant_id IS NULL")
    op.execute(
        "SELECT setval(pg_get_serial_sequence('platform_audit_log', 'id'), coalesce(max(id), 0) + 1, false) FROM platform_audit_log"
    )
    op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    op.execute("ALTER TABLE audit_log FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE platform_audit_log FORCE ROW LEVEL SECURITY")
    op.alter_column("audit_log", "tenant_id", nullable=False)
    op.drop_constraint("pk_audit_log", "audit_log", type_="primary")
    op.create_primary_key("pk_audit_log", "audit_log", ["tenant_id", "id"])
    rls.disable(op, "audit_log")
    rls.enable(op, "audit_log")


def downgrade():
    rls.disable(op, "audit_log")
    rls.enable(
        op,
        "audit_log",
        using=f"tenant_id = {rls.CURRENT_TENANT} OR (tenant_id IS NULL AND {rls.PLATFORM})",
        check=f"tenant_id IS NULL OR tenant_id = {rls.CURRENT_TENANT}",
    )
    op.drop_constraint("pk_audit_log", "audit_log", type_="primary")
    op.create_primary_key("pk_audit_log", "audit_log", ["id"])
    op.alter_column("audit_log", "tenant_id", nullable=True)
    op.execute("ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE platform_audit_log NO FORCE ROW LEVEL SECURITY")
    # new ids: the two tables' identities overlap once they have been apart
    kept = COLUMNS.removeprefix("id, ")
    op.execute(f"INSERT INTO audit_log ({kept}) SELECT {kept} FROM platform_audit_log ORDER BY id")
    op.execute("ALTER TABLE audit_log FORCE ROW LEVEL SECURITY")
    drop_trigger("audit_log_append_only", "platform_audit_log")
    rls.disable(op, "platform_audit_log")
    op.drop_table("platform_audit_log")
