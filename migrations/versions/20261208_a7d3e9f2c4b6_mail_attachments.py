"""Files attached to an outgoing message: a scheduled bilan goes to a partner structure as its
workbook, attached (partners have no space of their own to read it in yet)

Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import drop_tables, tenant_index, tenant_ref_column, tenant_table
from tenants import rls

revision = "a7d3e9f2c4b6"
down_revision = "e6c2b8d4f1a3"


def upgrade():
    tenant_table(
        "mail_attachments",
        *tenant_ref_column("mail_id", "outgoing_mails", ondelete="CASCADE"),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    tenant_index("mail_attachments", "mail_id")
    rls.enable(op, "mail_attachments")


def downgrade():
    drop_tables("mail_attachments")
