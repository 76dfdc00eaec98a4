"""A superseded statement counts nothing: its counting stops being current

Until now, validating a correction retired the allocations of the statement it replaced but left
its counting ``current``, so the statement still reported its counted hours as in force. This
migration retires those countings (they are kept, with their figures) and adds a deferred check:
only a validated statement in force may have a current counting.

Create Date: 2026-12-01 11:30:00
"""

from alembic import op

from migrations.helpers import deferred_check, drop_trigger

revision = "9c4e0d4e87db"
down_revision = "4e32e5547b1b"

CHECK_FUNCTION_SQL = """
CREATE FUNCTION hour_countings_current_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_statement bigint;
    bad bigint;
BEGIN
    IF TG_TABLE_NAME = 'hour_statements' THEN
        v_statement := NEW.id;
    ELSE
        v_statement := NEW.statement_id;
    END IF;
    SELECT c.id INTO bad
      FROM hour_countings c
      JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
     WHERE c.tenant_id = NEW.tenant_id AND c.statement_id = v_statement AND c.current
       AND (s.status <> 'validated' OR s.superseded_at IS NOT NULL)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'counting % is current on a statement that is not validated and in force', bad
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
"""

# The owner is filtered by row-level security too (FORCE): lift it for this one data fix.
RETIRE_SQL = """
ALTER TABLE hour_countings NO FORCE ROW LEVEL SECURITY;
ALTER TABLE hour_statements NO FORCE ROW LEVEL SECURITY;
UPDATE hour_countings c SET current = false
  FROM hour_statements s
 WHERE s.tenant_id = c.tenant_id AND s.id = c.statement_id AND c.current AND s.superseded_at IS NOT NULL;
ALTER TABLE hour_countings FORCE ROW LEVEL SECURITY;
ALTER TABLE hour_statements FORCE ROW LEVEL SECURITY;
"""


def upgrade():
    op.execute(RETIRE_SQL)
    op.execute(CHECK_FUNCTION_SQL)
    deferred_check(
        "hour_countings_current_check",
        "hour_countings_current_check",
        {"hour_countings": "INSERT OR UPDATE", "hour_statements": "UPDATE"},
    )


def downgrade():
    drop_trigger("hour_countings_current_check", "hour_statements", "hour_countings")
    op.execute("DROP FUNCTION IF EXISTS hour_countings_current_check()")
