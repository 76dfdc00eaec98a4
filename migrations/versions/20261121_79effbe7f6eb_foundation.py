"""Foundation: tenants, federations, accounts, audit log, organisations, job runs, RLS.

Create Date: 2026-11-21 21:27:05.233154
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.helpers import (
    audit_columns,
    check,
    create_table,
    drop_tables,
    drop_trigger,
    guard_trigger,
    identity_table,
    index,
    jsonb_column,
    now_column,
    primary_key,
    ref,
    tenant_index,
    tenant_ref_column,
    tenant_table,
    unique,
    unique_where,
    user_ref_column,
)
from tenants import rls

revision = "79effbe7f6eb"
down_revision = None


def upgrade():
    _federations_and_tenants()
    _users_and_sessions()
    _organisations_and_memberships()
    _audit_log()
    _jobs()
    # Row-level security (layer 3): tenant-owned tables see and write the tenant in scope only.
    for table in ("organisations", "job_runs", "job_artifacts"):
        rls.enable(op, table)
    # A user reads their own memberships in every tenant (tenant switcher); writes stay in scope.
    rls.enable(
        op,
        "tenant_memberships",
        using=f"tenant_id = {rls.CURRENT_TENANT} OR user_id = {rls.CURRENT_USER}",
        check=f"tenant_id = {rls.CURRENT_TENANT}",
    )
    # Links territory <-> Département: read by the tenant, the federation and the platform console;
    # written by the platform console only.
    rls.enable(
        op,
        "tenant_federations",
        using=f"tenant_id = {rls.CURRENT_TENANT} OR federation_id = {rls.CURRENT_FEDERATION} OR {rls.PLATFORM}",
        check=rls.PLATFORM,
    )
    # Audit log: a tenant reads its rows, the platform console the platform rows (tenant_id NULL);
    # anyone may append a platform row, a tenant row only in its own scope.
    rls.enable(
        op,
        "audit_log",
        using=f"tenant_id = {rls.CURRENT_TENANT} OR (tenant_id IS NULL AND {rls.PLATFORM})",
        check=f"tenant_id IS NULL OR tenant_id = {rls.CURRENT_TENANT}",
    )
    op.execute(
        """
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only';
        END $$;
        """
    )
    guard_trigger("audit_log", "audit_log_append_only")


def _federations_and_tenants():
    """Federations, tenants and the tenants a federation groups."""
    identity_table(
        "federations",
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        now_column(),
        check("code_format", "code ~ '^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$'"),
        unique("code"),
    )
    identity_table(
        "tenants",
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column(
            "communes_insee",
            postgresql.ARRAY(sa.String(length=5)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("theme_display_name", sa.String(length=200), nullable=True),
        sa.Column("theme_colour", sa.String(length=7), server_default="#1f4e79", nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_mimetype", sa.String(length=32), nullable=True),
        jsonb_column("settings"),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        now_column(),
        check("slug_format", "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'"),
        check("theme_colour_format", "theme_colour ~ '^#[0-9a-fA-F]{6}$'"),
        unique("slug"),
    )
    create_table(
        "tenant_federations",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("federation_id", sa.BigInteger(), nullable=False),
        ref("federation_id", "federations.id", ondelete="CASCADE"),
        ref("tenant_id", "tenants.id", ondelete="CASCADE"),
        primary_key("tenant_id", "federation_id"),
    )


def _users_and_sessions():
    """Users, their sessions and their password tokens."""
    identity_table(
        "users",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_operator", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        now_column(),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("uq_users_email_lower", "users", [sa.literal_column("lower(email)")], unique=True)
    create_table(
        "auth_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        user_ref_column("user_id", ondelete="CASCADE"),
        now_column(),
        now_column("last_seen_at"),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        primary_key("id"),
    )
    index("auth_sessions", "user_id")
    create_table(
        "password_tokens",
        sa.Column("id", sa.String(length=64), nullable=False),
        user_ref_column("user_id", ondelete="CASCADE"),
        sa.Column("purpose", sa.String(length=20), server_default="invitation", nullable=False),
        user_ref_column("created_by_user_id", nullable=True, ondelete="SET NULL"),
        now_column(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        primary_key("id"),
    )
    index("password_tokens", "user_id")


def _organisations_and_memberships():
    """Organisations of a tenant and the memberships of users in tenants and federations."""
    tenant_table(
        "organisations",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("prescriber_kind", sa.String(length=32), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        now_column(),
    )
    tenant_index("organisations", "name")
    unique_where(
        "uq_organisations_tenant_id_siret", "organisations", ["tenant_id", "siret"], "siret IS NOT NULL"
    )
    tenant_table(
        "tenant_memberships",
        user_ref_column("user_id", ondelete="CASCADE"),
        sa.Column("role", sa.String(length=32), nullable=False),
        tenant_ref_column("organisation_id", "organisations", nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        now_column(),
        check(
            "organisation_matches_role",
            "(role IN ('partenaire', 'donneur_ordre')) = (organisation_id IS NOT NULL)",
        ),
        unique("tenant_id", "user_id"),
    )
    tenant_index("tenant_memberships", "organisation_id")
    index("tenant_memberships", "user_id")
    identity_table(
        "federation_memberships",
        sa.Column("federation_id", sa.BigInteger(), nullable=False),
        user_ref_column("user_id", ondelete="CASCADE"),
        sa.Column("role", sa.String(length=32), server_default="coordinateur", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        now_column(),
        ref("federation_id", "federations.id", ondelete="CASCADE"),
        unique("federation_id", "user_id"),
    )
    index("federation_memberships", "user_id")


def _audit_log():
    """The audit log."""
    identity_table(
        "audit_log",
        sa.Column("tenant_id", sa.BigInteger(), nullable=True),
        audit_columns(),
        ref("tenant_id", "tenants.id", ondelete="RESTRICT"),
    )
    tenant_index("audit_log", "action")
    op.create_index(
        "ix_audit_log_tenant_id_occurred_at",
        "audit_log",
        ["tenant_id", sa.literal_column("occurred_at DESC")],
        unique=False,
    )


def _jobs():
    """Background job runs and their artifacts."""
    tenant_table(
        "job_runs",
        sa.Column("kind", sa.String(length=64), nullable=False),
        jsonb_column("params"),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("progress", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        user_ref_column("requested_by_user_id", nullable=True, ondelete="SET NULL"),
        now_column(),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        jsonb_column("result"),
    )
    tenant_index("job_runs", "kind", "created_at")
    tenant_index("job_runs", "status", "created_at")
    tenant_table(
        "job_artifacts",
        tenant_ref_column("run_id", "job_runs", ondelete="CASCADE"),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        now_column(),
    )
    tenant_index("job_artifacts", "run_id")


def downgrade():
    drop_trigger("audit_log_append_only", "audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in (
        "audit_log",
        "tenant_federations",
        "tenant_memberships",
        "job_artifacts",
        "job_runs",
        "organisations",
    ):
        rls.disable(op, table)
    drop_tables(
        "federations",
        "tenants",
        "users",
        "audit_log",
        "auth_sessions",
        "federation_memberships",
        "job_runs",
        "organisations",
        "password_tokens",
        "tenant_federations",
        "job_artifacts",
        "tenant_memberships",
    )
