"""The default orders of the two largest lists are served by indexes

Create Date: 2026-12-02 10:30:00

The hours list (newest month first) and the missions list (latest start first) sorted every
statement or mission of the territory to show fifty: 90 ms at 343 000 statements. With the row's id
as the tie-break (``blueprints.listing.Listing``), an index on ``(tenant_id, month, id)`` and one on
``(tenant_id, start_date, id)`` give the first page by reading it.
"""

from alembic import op

from migrations.helpers import tenant_index

revision = "c6f1e8a2d4b3"
down_revision = "b9e3d5a1c7f4"


def upgrade():
    tenant_index("hour_statements", "month", "id")
    tenant_index("missions", "start_date", "id")


def downgrade():
    op.drop_index("ix_missions_tenant_id_start_date_id", table_name="missions")
    op.drop_index("ix_hour_statements_tenant_id_month_id", table_name="hour_statements")
