"""The ledger's totals by lot and month hold the raw hours too: the progress no longer adds up
every validated statement of the scope's missions

Create Date: 2026-12-02 11:30:00

The raw hours of a lot (worked and training hours of the validated statements in force of the
missions placed on it) were summed from the statements on each view: 380 ms for every marché of a
large territory, 50 to 70 ms for a donneur d'ordre. They are the raw hours of the current
countings (one current counting per validated statement in force: ``hour_countings_current_check``
and the code that validates, supersedes and recounts), which the triggers on ``hour_countings`` now
add to ``hour_totals.raw_hours`` under the mission's lot and the statement's month: a counting
inserted current adds its raw hours, a counting that stops being current takes them off (countings
are never deleted nor edited otherwise, a mission never changes lot, a statement never changes
month). ``hour_totals_add`` takes both kinds of rows, so the upsert is written once.
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "f4a9c3e7b2d1"
down_revision = "c6f1e8a2d4b3"

# Rows of (tenant, statement, lot or NULL for the mission's lot, counted, raw) added to their
# lot's month, in the order of the keys.
ADD_SQL = """
CREATE FUNCTION hour_totals_add(
    p_tenant bigint[], p_statement bigint[], p_lot bigint[], p_counted numeric[], p_raw numeric[]
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO hour_totals AS t (tenant_id, lot_id, month, hours, raw_hours)
    SELECT d.tenant_id, coalesce(d.lot_id, m.lot_id), s.month, sum(d.counted), sum(d.raw)
      FROM unnest(p_tenant, p_statement, p_lot, p_counted, p_raw)
           AS d (tenant_id, statement_id, lot_id, counted, raw)
      JOIN hour_statements s ON s.tenant_id = d.tenant_id AND s.id = d.statement_id
      JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, lot_id, month)
    DO UPDATE SET hours = t.hours + EXCLUDED.hours, raw_hours = t.raw_hours + EXCLUDED.raw_hours
$$;
"""

# Allocations: counted hours to their own lot (deleted ones taken off).
FOLLOW_ALLOCATIONS_SQL = """
CREATE OR REPLACE FUNCTION hour_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM hour_totals_add(array_agg(o.tenant_id), array_agg(c.statement_id), array_agg(o.lot_id),
                                array_agg(-o.hours), array_agg(0::numeric))
           FROM old_rows o JOIN hour_countings c ON c.tenant_id = o.tenant_id AND c.id = o.counting_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM hour_totals_add(array_agg(n.tenant_id), array_agg(c.statement_id), array_agg(n.lot_id),
                                array_agg(n.hours), array_agg(0::numeric))
           FROM new_rows n JOIN hour_countings c ON c.tenant_id = n.tenant_id AND c.id = n.counting_id;
    END IF;
    RETURN NULL;
END $$;
"""

# Countings: raw hours to the mission's lot while current.
FOLLOW_COUNTINGS_SQL = """
CREATE FUNCTION hour_totals_follow_countings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hour_totals_add(array_agg(tenant_id), array_agg(statement_id), array_agg(NULL::bigint),
                                array_agg(0::numeric), array_agg(raw_hours))
           FROM new_rows WHERE current;
    ELSE
        PERFORM hour_totals_add(array_agg(n.tenant_id), array_agg(n.statement_id), array_agg(NULL::bigint),
                                array_agg(0::numeric),
                                array_agg(CASE WHEN n.current THEN n.raw_hours ELSE -n.raw_hours END))
           FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
          WHERE n.current IS DISTINCT FROM o.current;
    END IF;
    RETURN NULL;
END $$;
"""

COUNTING_EVENTS = {
    "insert": "AFTER INSERT ON hour_countings REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON hour_countings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}

# The owner is filtered by row-level security too (FORCE): lifted for the first sums only.
TABLES = ("hour_countings", "hour_statements", "missions", "hour_totals")
BACKFILL_SQL = """
INSERT INTO hour_totals AS t (tenant_id, lot_id, month, hours, raw_hours)
SELECT c.tenant_id, m.lot_id, s.month, 0, sum(c.raw_hours)
  FROM hour_countings c
  JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
  JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id
 WHERE c.current
 GROUP BY 1, 2, 3
ON CONFLICT (tenant_id, lot_id, month) DO UPDATE SET raw_hours = t.raw_hours + EXCLUDED.raw_hours
"""


def upgrade():
    op.add_column(
        "hour_totals",
        sa.Column("raw_hours", sa.Numeric(precision=12, scale=2), nullable=False, server_default="0"),
    )
    op.execute(FOLLOW_ALLOCATIONS_SQL)
    op.execute("DROP FUNCTION hour_totals_add(bigint[], bigint[], bigint[], numeric[])")
    op.execute(ADD_SQL)
    op.execute(FOLLOW_COUNTINGS_SQL)
    for event, clause in COUNTING_EVENTS.items():
        op.execute(
            f"CREATE TRIGGER hour_totals_countings_{event} {clause} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hour_totals_follow_countings()"
        )
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(BACKFILL_SQL)
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def _previous_functions() -> str:
    """``hour_totals_add`` (four arguments) and ``hour_totals_follow`` as revision b9e3d5a1c7f4 wrote them."""
    path = Path(__file__).with_name("20261202_b9e3d5a1c7f4_hour_totals.py")
    spec = importlib.util.spec_from_file_location("hour_totals_b9e3d5a1c7f4", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FOLLOW_SQL.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def downgrade():
    for event in COUNTING_EVENTS:
        op.execute(f"DROP TRIGGER IF EXISTS hour_totals_countings_{event} ON hour_countings")
    op.execute("DROP FUNCTION IF EXISTS hour_totals_follow_countings()")
    op.execute("DROP FUNCTION IF EXISTS hour_totals_add(bigint[], bigint[], bigint[], numeric[], numeric[])")
    op.execute(_previous_functions())
    op.drop_column("hour_totals", "raw_hours")
