"""The Département's funding of facilitator posts (seed 003 art. 3.2 and 6): on the territory's
side its posts and the pieces it sends for each year; on the Département's side the payments its
coordinator records and the network meetings of its facilitators (art. 3.1)

Create Date: 2026-12-12 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.helpers import (
    authored,
    check,
    drop_tables,
    identity_table,
    now_column,
    ref,
    tenant_index,
    tenant_ref_column,
    tenant_table,
)
from tenants import rls

revision = "e7c3a9b5d1f4"
down_revision = "d5b1f8a3e6c2"

FEDERATION = ref("federation_id", "federations.id", ondelete="CASCADE")
FEDERATION_SCOPE = f"federation_id = {rls.CURRENT_FEDERATION} OR {rls.PLATFORM}"
KINDS = "'bilan_activite', 'bilan_financier', 'bulletins_salaire', 'fiche_poste'"


def _federation_id() -> sa.Column:
    return sa.Column("federation_id", sa.BigInteger(), nullable=False)


def upgrade():
    tenant_table(
        "facilitator_posts",
        _federation_id(),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("fte", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        now_column(),
        FEDERATION,
    )
    rls.enable(op, "facilitator_posts")
    tenant_table(
        "post_deliverables",
        tenant_ref_column("post_id", "facilitator_posts", ondelete="CASCADE"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        *authored(),
        check("kind", f"kind IN ({KINDS})"),
    )
    tenant_index("post_deliverables", "post_id")
    rls.enable(op, "post_deliverables")
    identity_table(
        "federation_payments",
        _federation_id(),
        sa.Column("territory_slug", sa.String(length=63), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("instalment", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        now_column(),
        FEDERATION,
        check("instalment", "instalment IN ('avance', 'solde')"),
    )
    identity_table(
        "federation_meetings",
        _federation_id(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column(
            "attendees",
            postgresql.ARRAY(sa.String(length=63)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        now_column(),
        FEDERATION,
        check("kind", "kind IN ('operationnelle', 'coordination')"),
    )
    for table in ("federation_payments", "federation_meetings"):
        rls.enable(op, table, using=FEDERATION_SCOPE, check=f"federation_id = {rls.CURRENT_FEDERATION}")


def downgrade():
    drop_tables("facilitator_posts", "post_deliverables", "federation_payments", "federation_meetings")
