"""Counting rules say what a month partly covered by eligibility counts

``counting_rules.partial_eligibility``: ``none`` (count nothing of the month), ``pro_rata`` (the
days covered) or ``month`` (the whole month). Existing versions get ``pro_rata``, the default: until
now such a month counted nothing, with no word of it, a defect rather than a choice; no stored
counting changes, and the recount page shows what applying the rules in force would change
before anything is recounted.

Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "239d6c1e0f08"
down_revision = "9c4e0d4e87db"


def upgrade():
    op.add_column(
        "counting_rules",
        sa.Column("partial_eligibility", sa.String(length=16), server_default="pro_rata", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_counting_rules_partial_eligibility"),
        "counting_rules",
        "partial_eligibility IN ('none', 'pro_rata', 'month')",
    )


def downgrade():
    op.drop_constraint(op.f("ck_counting_rules_partial_eligibility"), "counting_rules", type_="check")
    op.drop_column("counting_rules", "partial_eligibility")
