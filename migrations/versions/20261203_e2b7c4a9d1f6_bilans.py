"""Bilans: each one produced is kept as it was (its parameters, the counting-rule versions, its
figures, who asked and when), so that it reads the same next year, whatever was corrected since

Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.helpers import authored, check, drop_tables, jsonb_column, tenant_index, tenant_table
from tenants import rls

revision = "e2b7c4a9d1f6"
down_revision = "a7c2e9f5d3b8"

KINDS = "'annuel', 'execution'"
SCOPES = "'territoire', 'donneur_ordre', 'marche', 'lot', 'employeur', 'prescripteur', 'commune', 'qpv'"
PERIODS = "'mois', 'trimestre', 'semestre', 'annee', 'dates'"


def upgrade():
    tenant_table(
        "bilans",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("scope_key", sa.String(length=20), nullable=True),
        sa.Column("scope_label", sa.String(length=300), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        jsonb_column("figures"),
        sa.Column("rule_versions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("format_version", sa.SmallInteger(), nullable=False),
        *authored(),
        check("kind", f"kind IN ({KINDS})"),
        check("scope_kind", f"scope_kind IN ({SCOPES})"),
        check("period_kind", f"period_kind IN ({PERIODS})"),
    )
    tenant_index("bilans", "created_at")
    rls.enable(op, "bilans")


def downgrade():
    drop_tables("bilans")
