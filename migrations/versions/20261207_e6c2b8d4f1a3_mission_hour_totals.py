"""Counted and raw hours by mission, month, lot and counting rule, kept by the ledger itself: the
bilans read them instead of the statements, their countings and their allocations

Create Date: 2026-12-07 09:00:00

A bilan of a large territory's year read every statement of the year, its current counting and
its allocations (40 000 statements, 120 000 rows: 250 to 350 ms before any figure). The figures
of a bilan are by mission (its person, contract, employer), by month and by lot, and say which
counting rules counted them: ``mission_hour_totals`` holds exactly that, a few rows per mission,
written by statement-level triggers only, as ``hour_totals`` is (migration ``b9e3d5a1c7f4``):

- on ``hour_allocations`` (insert, delete, update): the counted hours go to the allocation's lot,
  under the mission and the month of its statement and the rule of its counting;
- on ``hour_countings`` (insert, and an update that changes ``current``): a counting that becomes
  current adds its raw hours and one counting under the mission's own lot; one that stops being
  current takes them off.

Rows that fall back to nothing (no hours, no raw hours, no counting) are removed, so that every
row says a rule counted something. ``tests/heures/test_ledger_properties.py`` checks the table
against the ledger after any sequence of declarations, corrections, decisions, mutualisations and
recounts.
"""

import sqlalchemy as sa
from alembic import op

from migrations.helpers import drop_tables, tenant_index, tenant_ref_column, tenant_table, unique
from tenants import rls

revision = "e6c2b8d4f1a3"
down_revision = "d3f7a9c1e5b2"

KEY = "tenant_id, mission_id, month, lot_id, rule_id"
COVERED = ("mission_id", "lot_id", "rule_id", "hours", "raw_hours", "countings")

# Rows of (tenant, counting, lot or NULL for the mission's lot, counted, raw, countings) added
# under their mission, month, lot and rule, in the order of the keys; then the keys touched that
# hold nothing any more are removed.
ADD_SQL = f"""
CREATE FUNCTION mission_hour_totals_add(
    p_tenant bigint[], p_counting bigint[], p_lot bigint[], p_counted numeric[], p_raw numeric[],
    p_countings integer[]
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO mission_hour_totals AS t ({KEY}, hours, raw_hours, countings)
    SELECT d.tenant_id, s.mission_id, s.month, coalesce(d.lot_id, m.lot_id), c.rule_id,
           sum(d.counted), sum(d.raw), sum(d.countings)
      FROM unnest(p_tenant, p_counting, p_lot, p_counted, p_raw, p_countings)
           AS d (tenant_id, counting_id, lot_id, counted, raw, countings)
      JOIN hour_countings c ON c.tenant_id = d.tenant_id AND c.id = d.counting_id
      JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
      JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ({KEY})
    DO UPDATE SET hours = t.hours + EXCLUDED.hours, raw_hours = t.raw_hours + EXCLUDED.raw_hours,
                  countings = t.countings + EXCLUDED.countings;
    DELETE FROM mission_hour_totals t
     USING (
        SELECT DISTINCT s.tenant_id, s.mission_id, s.month
          FROM unnest(p_tenant, p_counting) AS d (tenant_id, counting_id)
          JOIN hour_countings c ON c.tenant_id = d.tenant_id AND c.id = d.counting_id
          JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
     ) k
     WHERE t.tenant_id = k.tenant_id AND t.mission_id = k.mission_id AND t.month = k.month
       AND t.hours = 0 AND t.raw_hours = 0 AND t.countings = 0;
$$;
"""

FOLLOW_ALLOCATIONS_SQL = """
CREATE FUNCTION mission_hour_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM mission_hour_totals_add(array_agg(tenant_id), array_agg(counting_id), array_agg(lot_id),
                                        array_agg(-hours), array_agg(0::numeric), array_agg(0))
           FROM old_rows;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM mission_hour_totals_add(array_agg(tenant_id), array_agg(counting_id), array_agg(lot_id),
                                        array_agg(hours), array_agg(0::numeric), array_agg(0))
           FROM new_rows;
    END IF;
    RETURN NULL;
END $$;
"""

FOLLOW_COUNTINGS_SQL = """
CREATE FUNCTION mission_hour_totals_follow_countings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM mission_hour_totals_add(array_agg(tenant_id), array_agg(id), array_agg(NULL::bigint),
                                        array_agg(0::numeric), array_agg(raw_hours), array_agg(1))
           FROM new_rows WHERE current;
    ELSE
        PERFORM mission_hour_totals_add(array_agg(n.tenant_id), array_agg(n.id), array_agg(NULL::bigint),
                                        array_agg(0::numeric),
                                        array_agg(CASE WHEN n.current THEN n.raw_hours ELSE -n.raw_hours END),
                                        array_agg(CASE WHEN n.current THEN 1 ELSE -1 END))
           FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
          WHERE n.current IS DISTINCT FROM o.current;
    END IF;
    RETURN NULL;
END $$;
"""

ALLOCATION_EVENTS = {
    "insert": "AFTER INSERT ON hour_allocations REFERENCING NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON hour_allocations REFERENCING OLD TABLE AS old_rows",
    "update": "AFTER UPDATE ON hour_allocations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}
COUNTING_EVENTS = {
    "insert": "AFTER INSERT ON hour_countings REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON hour_countings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}

# The owner is filtered by row-level security too (FORCE): lifted for the first sums only.
TABLES = ("hour_allocations", "hour_countings", "hour_statements", "missions", "mission_hour_totals")
BACKFILL_SQL = f"""
INSERT INTO mission_hour_totals ({KEY}, hours, raw_hours, countings)
SELECT tenant_id, mission_id, month, lot_id, rule_id, sum(hours), sum(raw), sum(countings)
  FROM (
    SELECT a.tenant_id, s.mission_id, s.month, a.lot_id, c.rule_id, a.hours, 0 AS raw, 0 AS countings
      FROM hour_allocations a
      JOIN hour_countings c ON c.tenant_id = a.tenant_id AND c.id = a.counting_id
      JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
    UNION ALL
    SELECT c.tenant_id, s.mission_id, s.month, m.lot_id, c.rule_id, 0, c.raw_hours, 1
      FROM hour_countings c
      JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
      JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id
     WHERE c.current
  ) ledger
 GROUP BY 1, 2, 3, 4, 5
"""


def upgrade():
    tenant_table(
        "mission_hour_totals",
        *tenant_ref_column("mission_id", "missions", ondelete="CASCADE"),
        sa.Column("month", sa.Date(), nullable=False),
        *tenant_ref_column("lot_id", "lots", ondelete="CASCADE"),
        *tenant_ref_column("rule_id", "counting_rules"),
        sa.Column("hours", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("raw_hours", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("countings", sa.Integer(), nullable=False),
        unique("tenant_id", "mission_id", "month", "lot_id", "rule_id"),
    )
    # covering: a territory's year or a lot's is read from the index alone (its rows lie on as many
    # pages as there are missions, and the heap is not read)
    tenant_index("mission_hour_totals", "month", postgresql_include=list(COVERED))
    tenant_index("mission_hour_totals", "lot_id", "month", postgresql_include=list(COVERED))
    rls.enable(op, "mission_hour_totals")
    op.execute(ADD_SQL)
    op.execute(FOLLOW_ALLOCATIONS_SQL)
    op.execute(FOLLOW_COUNTINGS_SQL)
    for event, clause in ALLOCATION_EVENTS.items():
        op.execute(
            f"CREATE TRIGGER mission_hour_totals_{event} {clause} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mission_hour_totals_follow()"
        )
    for event, clause in COUNTING_EVENTS.items():
        op.execute(
            f"CREATE TRIGGER mission_hour_totals_countings_{event} {clause} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mission_hour_totals_follow_countings()"
        )
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(BACKFILL_SQL)
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def downgrade():
    for event in ALLOCATION_EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS mission_hour_totals_{event} ON hour_allocations")
    for event in COUNTING_EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS mission_hour_totals_countings_{event} ON hour_countings")
    op.execute("DROP FUNCTION IF EXISTS mission_hour_totals_follow()")
    op.execute("DROP FUNCTION IF EXISTS mission_hour_totals_follow_countings()")
    op.execute(
        "DROP FUNCTION IF EXISTS mission_hour_totals_add(bigint[], bigint[], bigint[], numeric[], numeric[], integer[])"
    )
    drop_tables("mission_hour_totals")
