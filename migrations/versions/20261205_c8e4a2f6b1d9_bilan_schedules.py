"""Scheduled bilans: which bilan goes to whom and how often, and each sending (one per schedule
and period, the database refuses a second)

Create Date: 2026-12-05 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import (
    authored,
    check,
    drop_tables,
    now_column,
    tenant_index,
    tenant_ref_column,
    tenant_table,
    unique,
    user_ref_column,
)
from tenants import rls

revision = "c8e4a2f6b1d9"
down_revision = "b5d2f8a1c3e9"

KINDS = "'annuel', 'execution', 'consolidation', 'parcours', 'evaluation'"
SCOPES = (
    "'territoire', 'donneur_ordre', 'marche', 'lot', 'employeur', 'prescripteur', 'commune', 'qpv', "
    "'accompagnement'"
)
CADENCES = "'mensuel', 'semestriel', 'annuel'"


def upgrade():
    tenant_table(
        "bilan_schedules",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("scope_key", sa.String(length=20), nullable=True),
        sa.Column("scope_label", sa.String(length=300), nullable=False),
        sa.Column("cadence", sa.String(length=12), nullable=False),
        user_ref_column("recipient_id"),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        user_ref_column("stopped_by", nullable=True),
        *authored(),
        check("kind", f"kind IN ({KINDS})"),
        check("scope_kind", f"scope_kind IN ({SCOPES})"),
        check("cadence", f"cadence IN ({CADENCES})"),
    )
    op.create_index("ix_bilan_schedules_recipient_id", "bilan_schedules", ["recipient_id"])
    rls.enable(op, "bilan_schedules")
    tenant_table(
        "bilan_sendings",
        tenant_ref_column("schedule_id", "bilan_schedules", ondelete="CASCADE"),
        sa.Column("period_start", sa.Date(), nullable=False),
        tenant_ref_column("bilan_id", "bilans"),
        tenant_ref_column("mail_id", "outgoing_mails"),
        now_column("sent_at"),
        unique("tenant_id", "schedule_id", "period_start"),
    )
    tenant_index("bilan_sendings", "bilan_id")
    rls.enable(op, "bilan_sendings")


def downgrade():
    drop_tables("bilan_schedules", "bilan_sendings")
