"""Spreadsheets of statements imported by partners and by the guichet, kept from their preview to
their writing (issue 14)

Create Date: 2026-12-13 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import (
    authored,
    check,
    drop_tables,
    jsonb_column,
    tenant_index,
    tenant_ref_column,
    tenant_table,
)
from tenants import rls

revision = "f2b8c4d6a9e1"
down_revision = "e7c3a9b5d1f4"


def upgrade():
    tenant_table(
        "hour_imports",
        tenant_ref_column("organisation_id", "organisations", nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        jsonb_column("mapping"),
        sa.Column("status", sa.String(length=16), nullable=False),
        jsonb_column("counts"),
        *authored(),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=True),
        check("status", "status IN ('preview', 'written', 'abandoned')"),
    )
    rls.enable(op, "hour_imports")
    tenant_index("hour_imports", "organisation_id", "created_at")
    tenant_index("hour_imports", "digest")


def downgrade():
    drop_tables("hour_imports")
