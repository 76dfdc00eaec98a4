"""The ledger's lookups by statement are served by an index

Create Date: 2026-12-01 17:10:00

The countings of a statement (its history, the latest one, the trigger ``hour_allocations_check``
that reads every counting of a statement, current or not) and the correction of a statement
(``supersedes_id``) were found through the primary key's ``tenant_id`` prefix only: a scan of
every counting or statement of the territory, 300 000 rows in a large one. The partial indexes
``uq_hour_countings_current`` (``WHERE current``) and ``uq_hour_statements_one_correction`` serve
only the queries that state their condition.
"""

from alembic import op

from migrations.helpers import tenant_index

revision = "c3a9e1f70b52"
down_revision = "b7c41d2e9a05"


def upgrade():
    tenant_index("hour_countings", "statement_id")
    tenant_index("hour_statements", "supersedes_id")


def downgrade():
    op.drop_index("ix_hour_statements_tenant_id_supersedes_id", table_name="hour_statements")
    op.drop_index("ix_hour_countings_tenant_id_statement_id", table_name="hour_countings")
