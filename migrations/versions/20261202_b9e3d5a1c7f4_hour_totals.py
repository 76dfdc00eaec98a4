"""Counted hours by lot and month, kept by the ledger itself: the dashboard and the progress read
them instead of adding up every allocation

Create Date: 2026-12-02 10:00:00

The counted hours of a territory's year, of its lots behind schedule or of a donneur d'ordre's
marchés added up every allocation of the territory (275 000 in a large one: 100 to 170 ms for the
year's total alone), so the dashboard grew with the ledger. ``hour_totals`` holds, for each lot and
month of the hours, the sum of the allocations to that lot: a few rows per lot, whatever the number
of statements. It is written by statement-level triggers on ``hour_allocations`` only (insert,
delete, update: allocations are the counted hours in force, ``hour_allocations_check`` sees to
it), from the rows each statement changed, in the order of their keys so that two transactions
touching the same lots wait for each other rather than deadlock; no code writes it.
``tests/heures/test_ledger_properties.py`` checks it against the allocations after any sequence of
declarations, corrections, decisions, mutualisations and recounts.

The allocations of one mutualisation agreement get their index too (its page read every allocation
of the territory).
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import drop_tables, tenant_index, tenant_ref_column, tenant_table, unique
from tenants import rls

revision = "b9e3d5a1c7f4"
down_revision = "a4d8c6e2f1b7"

# ``hour_totals_add``: allocations (as arrays of their columns) added to their lot's month, in the
# order of the keys; the trigger adds what a statement inserted and takes off what it deleted.
FOLLOW_SQL = """
CREATE FUNCTION hour_totals_add(p_tenant bigint[], p_counting bigint[], p_lot bigint[], p_hours numeric[])
RETURNS void LANGUAGE sql AS $$
    INSERT INTO hour_totals AS t (tenant_id, lot_id, month, hours)
    SELECT d.tenant_id, d.lot_id, s.month, sum(d.hours)
      FROM unnest(p_tenant, p_counting, p_lot, p_hours) AS d (tenant_id, counting_id, lot_id, hours)
      JOIN hour_countings c ON c.tenant_id = d.tenant_id AND c.id = d.counting_id
      JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
     GROUP BY d.tenant_id, d.lot_id, s.month
     ORDER BY d.tenant_id, d.lot_id, s.month
    ON CONFLICT (tenant_id, lot_id, month) DO UPDATE SET hours = t.hours + EXCLUDED.hours
$$;

CREATE FUNCTION hour_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM hour_totals_add(array_agg(tenant_id), array_agg(counting_id), array_agg(lot_id), array_agg(-hours))
           FROM old_rows;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM hour_totals_add(array_agg(tenant_id), array_agg(counting_id), array_agg(lot_id), array_agg(hours))
           FROM new_rows;
    END IF;
    RETURN NULL;
END $$;
"""

EVENTS = {
    "insert": "AFTER INSERT ON hour_allocations REFERENCING NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON hour_allocations REFERENCING OLD TABLE AS old_rows",
    "update": "AFTER UPDATE ON hour_allocations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}

# The owner is filtered by row-level security too (FORCE): lifted for the first sums only.
BACKFILL_SQL = """
ALTER TABLE hour_allocations NO FORCE ROW LEVEL SECURITY;
ALTER TABLE hour_countings NO FORCE ROW LEVEL SECURITY;
ALTER TABLE hour_statements NO FORCE ROW LEVEL SECURITY;
ALTER TABLE hour_totals NO FORCE ROW LEVEL SECURITY;
INSERT INTO hour_totals (tenant_id, lot_id, month, hours)
SELECT a.tenant_id, a.lot_id, s.month, sum(a.hours)
  FROM hour_allocations a
  JOIN hour_countings c ON c.tenant_id = a.tenant_id AND c.id = a.counting_id
  JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
 GROUP BY a.tenant_id, a.lot_id, s.month;
ALTER TABLE hour_allocations FORCE ROW LEVEL SECURITY;
ALTER TABLE hour_countings FORCE ROW LEVEL SECURITY;
ALTER TABLE hour_statements FORCE ROW LEVEL SECURITY;
ALTER TABLE hour_totals FORCE ROW LEVEL SECURITY;
"""


def upgrade():
    tenant_table(
        "hour_totals",
        *tenant_ref_column("lot_id", "lots", ondelete="CASCADE"),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=12, scale=2), nullable=False),
        unique("tenant_id", "lot_id", "month"),
    )
    tenant_index("hour_totals", "month")
    rls.enable(op, "hour_totals")
    op.execute(FOLLOW_SQL)
    for event, clause in EVENTS.items():
        op.execute(
            f"CREATE TRIGGER hour_totals_{event} {clause} FOR EACH STATEMENT EXECUTE FUNCTION hour_totals_follow()"
        )
    op.execute(BACKFILL_SQL)
    # the hours an agreement sent to each lot (a mutualisation's page) without the territory's others
    tenant_index("hour_allocations", "agreement_id")


def downgrade():
    op.drop_index("ix_hour_allocations_tenant_id_agreement_id", table_name="hour_allocations")
    for event in EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS hour_totals_{event} ON hour_allocations")
    op.execute("DROP FUNCTION IF EXISTS hour_totals_follow()")
    op.execute("DROP FUNCTION IF EXISTS hour_totals_add(bigint[], bigint[], bigint[], numeric[])")
    drop_tables("hour_totals")
