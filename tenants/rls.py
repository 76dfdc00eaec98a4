"""Row-level security for migrations.

Each tenant-owned table gets ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` (so the owner role is
filtered too) and one policy whose USING and WITH CHECK compare ``tenant_id`` with the
transaction-local setting ``app.tenant_id``. When the setting is absent or empty the comparison is
NULL: no row is visible and no row can be written.
"""

from __future__ import annotations

CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::bigint"
CURRENT_USER = "NULLIF(current_setting('app.user_id', true), '')::bigint"
CURRENT_FEDERATION = "NULLIF(current_setting('app.federation_id', true), '')::bigint"
PLATFORM = "(current_setting('app.platform', true) = 'on')"

POLICY = "tenant_isolation"


def enable_statements(table: str, using: str | None = None, check: str | None = None) -> list[str]:
    using = using or f"tenant_id = {CURRENT_TENANT}"
    check = check or f"tenant_id = {CURRENT_TENANT}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {POLICY} ON {table} USING ({using}) WITH CHECK ({check})",
    ]


def disable_statements(table: str) -> list[str]:
    return [
        f"DROP POLICY IF EXISTS {POLICY} ON {table}",
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


def enable(op, table: str, using: str | None = None, check: str | None = None) -> None:
    """Call from an Alembic migration right after ``op.create_table``."""
    for statement in enable_statements(table, using, check):
        op.execute(statement)


def disable(op, table: str) -> None:
    for statement in disable_statements(table):
        op.execute(statement)
