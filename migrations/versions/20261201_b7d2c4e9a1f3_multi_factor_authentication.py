"""Multi-factor authentication: TOTP devices, recovery codes, and the tenant setting requiring it

Create Date: 2026-12-01 11:30:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import (
    create_table,
    drop_tables,
    identity_table,
    index,
    now_column,
    primary_key,
    unique,
    user_ref_column,
)

revision = "b7d2c4e9a1f3"
down_revision = "239d6c1e0f08"


def upgrade():
    create_table(
        "mfa_totp_devices",
        user_ref_column("user_id", ondelete="CASCADE"),
        sa.Column("secret", sa.String(length=64), nullable=False),
        now_column(),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        primary_key("user_id"),
    )
    identity_table(
        "mfa_recovery_codes",
        user_ref_column("user_id", ondelete="CASCADE"),
        sa.Column("digest", sa.String(length=64), nullable=False),
        now_column(),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        unique("digest"),
    )
    index("mfa_recovery_codes", "user_id")
    op.add_column(
        "tenants", sa.Column("mfa_required", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )


def downgrade():
    op.drop_column("tenants", "mfa_required")
    drop_tables("mfa_totp_devices", "mfa_recovery_codes")
