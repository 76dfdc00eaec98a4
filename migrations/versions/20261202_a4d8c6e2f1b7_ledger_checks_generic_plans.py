"""The ledger's deferred checks plan their lookups for any territory, not for the one in hand

Create Date: 2026-12-02 08:30:00

``hour_allocations_check`` and ``hour_countings_current_check`` find a statement's countings and
allocations by ``tenant_id`` and an id: a few rows through an index. Planned for the values in hand
(PL/pgSQL's custom plans), a territory missing from the planner's statistics (new since the last
ANALYZE, or writing its first rows in the transaction being checked) is estimated at one row, and
the planner may then walk every row of that territory through any index that starts with
``tenant_id``, for each row checked: a COMMIT of 60 000 statements of a new territory ran for more
than eight minutes in the national generator. A generic plan, made for any ``tenant_id``, takes the
average territory and the index that matches the whole condition.
"""

from alembic import op

revision = "a4d8c6e2f1b7"
down_revision = "d81f4a2c6e37"

CHECKS = ("hour_allocations_check(bigint, bigint)", "hour_countings_current_check()")


def upgrade():
    for function in CHECKS:
        op.execute(f"ALTER FUNCTION {function} SET plan_cache_mode = force_generic_plan")


def downgrade():
    for function in CHECKS:
        op.execute(f"ALTER FUNCTION {function} RESET plan_cache_mode")
