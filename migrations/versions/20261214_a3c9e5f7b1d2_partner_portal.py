"""The partner portal (issue 14): the candidate's consent on a prescription, what accompaniment
partners record, the employers' weekly word and end-of-mission evaluations, the partners who may
invite colleagues, and API tokens bound to one partner organisation

Create Date: 2026-12-14 09:00:00
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
    unique,
)
from tenants import rls

revision = "a3c9e5f7b1d2"
down_revision = "f2b8c4d6a9e1"


def _columns() -> None:
    op.add_column("prescriptions", sa.Column("consent_on", sa.Date(), nullable=True))
    op.add_column(
        "tenant_memberships",
        sa.Column("organisation_admin", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    # no foreign key: the tokens are a reference table, which refers to no tenant table
    op.add_column("api_tokens", sa.Column("organisation_id", sa.BigInteger(), nullable=True))
    op.drop_constraint("role", "api_tokens", type_="check")
    op.create_check_constraint("role", "api_tokens", "role IN ('facilitateur', 'lecture', 'partenaire')")
    op.create_check_constraint(
        "organisation_matches_role", "api_tokens", "(role = 'partenaire') = (organisation_id IS NOT NULL)"
    )


def upgrade():
    _columns()
    tenant_table(
        "accompaniment_entries",
        tenant_ref_column("participant_id", "participants", ondelete="CASCADE"),
        tenant_ref_column("organisation_id", "organisations"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("training_title", sa.String(length=200), nullable=True),
        sa.Column("training_until", sa.Date(), nullable=True),
        *authored(),
        check("kind", "kind IN ('entretien', 'freins', 'formation', 'cv')"),
    )
    tenant_index("accompaniment_entries", "participant_id", "happened_on")
    tenant_table(
        "weekly_reports",
        tenant_ref_column("organisation_id", "organisations"),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("upcoming", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        *authored(),
        unique("tenant_id", "organisation_id", "week_start"),
        check("week_starts_monday", "extract(isodow from week_start) = 1"),
    )
    tenant_table(
        "weekly_report_lines",
        tenant_ref_column("report_id", "weekly_reports", ondelete="CASCADE"),
        tenant_ref_column("mission_id", "missions"),
        sa.Column("situation", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        unique("tenant_id", "report_id", "mission_id"),
        check("situation", "situation IN ('bien', 'difficulte', 'absence', 'fin_anticipee')"),
    )
    tenant_index("weekly_report_lines", "mission_id")
    tenant_table(
        "mission_evaluations",
        tenant_ref_column("mission_id", "missions"),
        tenant_ref_column("organisation_id", "organisations"),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        jsonb_column("marks"),
        sa.Column("strengths", sa.Text(), nullable=True),
        sa.Column("improvements", sa.Text(), nullable=True),
        sa.Column("recommendation", sa.String(length=24), nullable=False),
        *authored(),
        check(
            "recommendation",
            "recommendation IN ('emploi', 'nouvelle_mission', 'formation', 'accompagnement')",
        ),
    )
    tenant_index("mission_evaluations", "mission_id")
    for table in ("accompaniment_entries", "weekly_reports", "weekly_report_lines", "mission_evaluations"):
        rls.enable(op, table)


def downgrade():
    drop_tables("accompaniment_entries", "weekly_reports", "weekly_report_lines", "mission_evaluations")
    op.drop_constraint("organisation_matches_role", "api_tokens", type_="check")
    op.drop_constraint("role", "api_tokens", type_="check")
    op.execute("DELETE FROM api_tokens WHERE role = 'partenaire'")
    op.create_check_constraint("role", "api_tokens", "role IN ('facilitateur', 'lecture')")
    op.drop_column("api_tokens", "organisation_id")
    op.drop_column("tenant_memberships", "organisation_admin")
    op.drop_column("prescriptions", "consent_on")
