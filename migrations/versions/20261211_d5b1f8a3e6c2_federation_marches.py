"""The Département's own marchés (seed 003 art. 3.3): its marchés and lots with their execution
communes and the territory each lot is handed to (federation tables), and, on the territory's
side, the lots received and executed as lots of its own

Create Date: 2026-12-11 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.helpers import (
    drop_tables,
    identity_table,
    now_column,
    ref,
    tenant_ref,
    tenant_table,
    unique,
)
from tenants import rls

revision = "d5b1f8a3e6c2"
down_revision = "c4a9e2d7f1b3"

FEDERATION = ref("federation_id", "federations.id", ondelete="CASCADE")
FEDERATION_SCOPE = f"federation_id = {rls.CURRENT_FEDERATION} OR {rls.PLATFORM}"


def _federation_id() -> sa.Column:
    return sa.Column("federation_id", sa.BigInteger(), nullable=False)


def upgrade():
    identity_table(
        "federation_marches",
        _federation_id(),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("object", sa.String(length=500), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        now_column(),
        FEDERATION,
        unique("federation_id", "reference"),
    )
    identity_table(
        "federation_lots",
        _federation_id(),
        sa.Column("marche_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("object", sa.String(length=500), nullable=False),
        sa.Column("hours", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("communes_insee", postgresql.ARRAY(sa.String(length=5)), nullable=False),
        sa.Column("assigned_slug", sa.String(length=63), nullable=True),
        now_column(),
        FEDERATION,
        ref("marche_id", "federation_marches.id", ondelete="CASCADE"),
        unique("marche_id", "number"),
    )
    for table in ("federation_marches", "federation_lots"):
        rls.enable(op, table, using=FEDERATION_SCOPE, check=f"federation_id = {rls.CURRENT_FEDERATION}")
    tenant_table(
        "handed_lots",
        _federation_id(),
        sa.Column("federation_lot_id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        now_column(),
        FEDERATION,
        tenant_ref("lot_id", "lots", ondelete="CASCADE"),
        unique("tenant_id", "federation_id", "federation_lot_id"),
    )
    rls.enable(op, "handed_lots")


def downgrade():
    drop_tables("federation_marches", "federation_lots", "handed_lots")
