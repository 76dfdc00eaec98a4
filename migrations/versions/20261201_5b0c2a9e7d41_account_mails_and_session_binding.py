"""Account messages outside any tenant mailbox; sessions bound to the browser

Create Date: 2026-12-01 11:00:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import check, identity_table, index, jsonb_column, now_column, user_ref_column

revision = "5b0c2a9e7d41"
down_revision = "b7d2c4e9a1f3"


def upgrade():
    identity_table(
        "account_mails",
        user_ref_column("to_user_id", ondelete="CASCADE"),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        jsonb_column("params"),
        sa.Column("status", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=True),
        now_column(),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        check("status", "status IN ('pending', 'sent', 'logged', 'failed')"),
    )
    index("account_mails", "to_user_id")
    op.create_index(
        "ix_account_mails_status_created_at", "account_mails", ["status", "created_at"], unique=False
    )
    op.add_column("auth_sessions", sa.Column("user_agent_digest", sa.String(length=64), nullable=True))


def downgrade():
    op.drop_column("auth_sessions", "user_agent_digest")
    op.drop_index("ix_account_mails_status_created_at", table_name="account_mails")
    op.drop_index(op.f("ix_account_mails_to_user_id"), table_name="account_mails")
    op.drop_table("account_mails")
