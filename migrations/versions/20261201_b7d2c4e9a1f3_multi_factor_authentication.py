"""Multi-factor authentication: TOTP devices, recovery codes, and the tenant setting requiring it

Revision ID: b7d2c4e9a1f3
Revises: 239d6c1e0f08
Create Date: 2026-12-01 11:30:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import create_table, drop_tables, now_column, unique, user_ref

revision = "b7d2c4e9a1f3"
down_revision = "239d6c1e0f08"
branch_labels = None
depends_on = None


def upgrade():
    create_table(
        "mfa_totp_devices",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        now_column(),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        user_ref("user_id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mfa_totp_devices")),
    )
    create_table(
        "mfa_recovery_codes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        now_column(),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        user_ref("user_id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mfa_recovery_codes")),
        unique("digest"),
    )
    op.create_index(op.f("ix_mfa_recovery_codes_user_id"), "mfa_recovery_codes", ["user_id"], unique=False)
    op.add_column(
        "tenants", sa.Column("mfa_required", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )


def downgrade():
    op.drop_column("tenants", "mfa_required")
    drop_tables("mfa_totp_devices", "mfa_recovery_codes")
