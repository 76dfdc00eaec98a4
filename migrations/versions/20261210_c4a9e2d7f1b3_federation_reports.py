"""Reports to the Départements: the territory's outbox, what a Département received, the signing
keys of each membership, the secret of the person keys, the territories on another instance, and
the schedule of a federation

Create Date: 2026-12-10 09:00:00

``outgoing_reports`` is a tenant table (row-level security by tenant). The signing keys are read
by the platform, the federation's receiver and each member territory (its own); the person
secrets by the platform and the member territories only, never in the Département's scope. ``received_reports`` holds
federation data (the report as received, its summary without the person keys and the pieces'
content, which the console reads, and the keys as 64-bit integers, counted in SQL): a row is visible only in the scope of its federation (``app.federation_id``), or
to the platform. The keys and the remote members are platform tables, set by the operator.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.helpers import (
    authored,
    check,
    drop_tables,
    identity_table,
    jsonb_column,
    now_column,
    ref,
    tenant_index,
    tenant_table,
    unique,
)
from tenants import rls

revision = "c4a9e2d7f1b3"
down_revision = "b8e4f1a6d2c7"

PERIODS = "period_kind IN ('mois', 'annee')"
FEDERATION = ref("federation_id", "federations.id", ondelete="CASCADE")


def _federation_id() -> sa.Column:
    return sa.Column("federation_id", sa.BigInteger(), nullable=False)


def _platform_tables() -> None:
    identity_table(
        "federation_signing_keys",
        _federation_id(),
        sa.Column("territory_slug", sa.String(length=63), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        now_column(),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        FEDERATION,
        unique("federation_id", "territory_slug", "key_id"),
    )
    identity_table(
        "federation_person_secrets",
        _federation_id(),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        now_column(),
        FEDERATION,
        unique("federation_id", "generation"),
    )
    identity_table(
        "federation_remote_members",
        _federation_id(),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "communes_insee",
            postgresql.ARRAY(sa.String(length=5)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        now_column(),
        FEDERATION,
        unique("federation_id", "slug"),
    )


#: a tenant of the federation (``table`` holds ``federation_id``), for the keys' policies
MEMBER_TENANT = (
    "EXISTS (SELECT 1 FROM tenant_federations tf WHERE tf.federation_id = {table}.federation_id "
    f"AND tf.tenant_id = {rls.CURRENT_TENANT}"
)


def _keys_policies() -> None:
    """The signing keys: the platform, the federation's receiver and each member territory (its
    own keys) read them; the person secrets: the platform and the member territories only, never
    the Département."""
    own_keys = (
        MEMBER_TENANT.format(table="federation_signing_keys")
        + " AND EXISTS (SELECT 1 FROM tenants t WHERE t.id = tf.tenant_id AND t.slug = territory_slug))"
    )
    signing = f"{rls.PLATFORM} OR federation_id = {rls.CURRENT_FEDERATION} OR {own_keys}"
    rls.enable(op, "federation_signing_keys", using=signing, check=signing)
    secrets = f"{rls.PLATFORM} OR {MEMBER_TENANT.format(table='federation_person_secrets')})"
    rls.enable(op, "federation_person_secrets", using=secrets, check=secrets)


def _schedule() -> None:
    op.add_column("tenant_federations", sa.Column("endpoint_url", sa.String(length=500), nullable=True))
    for name, default in (("monthly_reports", "true"), ("yearly_reports", "true")):
        op.add_column(
            "federations", sa.Column(name, sa.Boolean(), server_default=sa.text(default), nullable=False)
        )
    op.add_column(
        "federations",
        sa.Column("report_day", sa.SmallInteger(), server_default=sa.text("10"), nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_federations_report_day"), "federations", "report_day BETWEEN 1 AND 28"
    )


def _outbox() -> None:
    tenant_table(
        "outgoing_reports",
        _federation_id(),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), server_default="a_envoyer", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        now_column("next_attempt_at"),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        jsonb_column("receipt"),
        *authored(),
        FEDERATION,
        check("period_kind", PERIODS),
        check("status", "status IN ('a_envoyer', 'envoye', 'refuse')"),
        unique(
            "tenant_id",
            "federation_id",
            "period_kind",
            "period_start",
            "version",
            name="version",
        ),
    )
    tenant_index("outgoing_reports", "status", "next_attempt_at")
    rls.enable(op, "outgoing_reports")


def _received() -> None:
    identity_table(
        "received_reports",
        _federation_id(),
        sa.Column("territory_slug", sa.String(length=63), nullable=False),
        sa.Column("territory_name", sa.String(length=200), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "person_keys", postgresql.ARRAY(sa.BigInteger()), server_default=sa.text("'{}'"), nullable=False
        ),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("transport", sa.String(length=8), nullable=False),
        now_column("received_at"),
        FEDERATION,
        check("period_kind", PERIODS),
        unique("federation_id", "territory_slug", "period_kind", "period_start", "version", name="version"),
    )
    federation_scope = f"federation_id = {rls.CURRENT_FEDERATION} OR {rls.PLATFORM}"
    rls.enable(
        op, "received_reports", using=federation_scope, check=f"federation_id = {rls.CURRENT_FEDERATION}"
    )


def upgrade():
    _schedule()
    _platform_tables()
    _keys_policies()
    _outbox()
    _received()


def downgrade():
    for table in ("received_reports", "federation_signing_keys", "federation_person_secrets"):
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    drop_tables(
        "federation_signing_keys",
        "federation_person_secrets",
        "federation_remote_members",
        "outgoing_reports",
        "received_reports",
    )
    op.drop_constraint(op.f("ck_federations_report_day"), "federations", type_="check")
    for name in ("report_day", "yearly_reports", "monthly_reports"):
        op.drop_column("federations", name)
    op.drop_column("tenant_federations", "endpoint_url")
