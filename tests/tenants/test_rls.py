"""Isolation, layers 2 and 3, and the schema that carries them.

(b) connected as the application role: with no scope every tenant table reads zero rows and
refuses inserts; with tenant A in scope, tenant B's rows are invisible and cannot be written.
(c) the catalogue: every table with a tenant_id column has row-level security enabled and forced,
with a policy that has USING and WITH CHECK. And the composite keys: the database itself refuses
a child in tenant A pointing at a parent in tenant B.
"""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError
from sqlalchemy.orm import Session

from saas.partenaires.models import Organisation
from tenants import context, orm

TENANT_TABLES_SQL = """
    SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
    WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
      AND a.attname = 'tenant_id' AND NOT a.attisdropped ORDER BY 1
"""


def tenant_tables(conn) -> list[str]:
    return list(conn.execute(text(TENANT_TABLES_SQL)).scalars())


def set_scope(conn, tenant_id=None) -> None:
    conn.execute(
        text("SELECT set_config('app.tenant_id', :t, true)"),
        {"t": "" if tenant_id is None else str(tenant_id)},
    )


def a_row_in_each_table(superuser_engine, tenant_id: int) -> list[tuple[str, dict]]:
    """Each tenant table and a row of ``tenant_id`` in it (read as superuser)."""
    rows = []
    with superuser_engine.connect() as conn:
        for table in tenant_tables(conn):
            row = conn.execute(
                text(f"SELECT row_to_json(t) FROM {table} t WHERE tenant_id = :t LIMIT 1"), {"t": tenant_id}
            ).scalar_one_or_none()
            assert row is not None, f"the two-tenant fixture has no row in {table}: add one"
            rows.append((table, row))
    return rows


def copy_insert(conn, table: str, row: dict) -> None:
    """Insert a copy of ``row`` (new id where there is one) as the connected role."""
    row = dict(row)
    if "id" in row:
        row["id"] = row["id"] + 100000
    if "user_id" in row and table == "tenant_memberships":
        row["user_id"] = row["user_id"]
    written = conn.execute(  # a generated column (participants' folded names) is computed, not written
        text(
            "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns "
            "WHERE table_name = :t AND is_generated = 'NEVER'"
        ),
        {"t": table},
    ).scalar_one()
    conn.execute(
        text(
            f"INSERT INTO {table} ({written}) SELECT {written} "
            f"FROM json_populate_record(NULL::{table}, CAST(:row AS json))"
        ),
        {"row": json.dumps(row)},
    )


def assert_insert_refused(conn, table: str, row: dict) -> None:
    """The app role may not write ``row`` into ``table``: the database refuses the privilege."""
    with pytest.raises(ProgrammingError) as refused:
        copy_insert(conn, table, row)
    assert isinstance(refused.value.orig, psycopg.errors.InsufficientPrivilege), table


def test_catalogue_every_tenant_table_has_forced_rls_with_both_clauses(superuser_engine, app):
    with superuser_engine.connect() as conn:
        tables = tenant_tables(conn)
        assert {"organisations", "tenant_memberships", "job_runs", "job_artifacts", "audit_log"} <= set(
            tables
        )
        for table in tables:
            enabled, forced = conn.execute(
                text(
                    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = CAST(:t AS regclass)"
                ),
                {"t": table},
            ).one()
            assert enabled and forced, f"{table}: row-level security must be ENABLED and FORCED"
            policies = conn.execute(
                text("SELECT qual, with_check FROM pg_policies WHERE tablename = :t"), {"t": table}
            ).all()
            assert policies, f"{table}: no policy"
            assert all(p.qual and p.with_check for p in policies), (
                f"{table}: a policy lacks USING or WITH CHECK"
            )


def test_tenant_owned_tables_have_composite_keys(superuser_engine, app):
    with superuser_engine.connect() as conn:
        for table in tenant_tables(conn):
            nullable = conn.execute(
                text(
                    "SELECT is_nullable FROM information_schema.columns WHERE table_name = :t AND column_name = 'tenant_id'"
                ),
                {"t": table},
            ).scalar_one()
            assert nullable == "NO", f"{table}: tenant_id must be NOT NULL"
            pk = conn.execute(
                text(
                    "SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_constraint c "
                    "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord) "
                    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
                    "WHERE c.conrelid = CAST(:t AS regclass) AND c.contype = 'p'"
                ),
                {"t": table},
            ).scalar_one()
            assert pk[0] == "tenant_id", f"{table}: the primary key must lead with tenant_id, got {pk}"
            fks = conn.execute(
                text(
                    "SELECT c.conname, c.confrelid::regclass::text AS parent, "
                    "ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = ANY(c.conkey)) AS cols "
                    "FROM pg_constraint c WHERE c.conrelid = CAST(:t AS regclass) AND c.contype = 'f'"
                ),
                {"t": table},
            ).all()
            parents = set(tenant_tables(conn))
            for fk in fks:
                if fk.parent in parents:
                    assert "tenant_id" in fk.cols, (
                        f"{table}.{fk.conname}: a tenant-owned parent needs a composite key"
                    )


def test_composite_foreign_key_refuses_a_parent_of_another_tenant(two_tenants, superuser_engine):
    a, b = two_tenants
    with (
        superuser_engine.begin() as conn,
        pytest.raises(IntegrityError, match="fk_tenant_memberships_tenant_id_organisation_id"),
    ):
        conn.execute(
            text("UPDATE tenant_memberships SET organisation_id = :org WHERE tenant_id = :t AND id = :m"),
            {"org": b.ids["organisation_id"], "t": a.tenant_id, "m": a.ids["membership_partenaire"]},
        )


def test_app_role_without_scope_reads_nothing_and_writes_nothing(
    two_tenants, superuser_engine, app_role_engine
):
    a, _ = two_tenants
    for table, row in a_row_in_each_table(superuser_engine, a.tenant_id):
        with app_role_engine.connect() as conn:
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
            assert_insert_refused(conn, table, row)


def test_app_role_in_scope_a_sees_no_row_of_b_and_cannot_write_for_b(
    two_tenants, superuser_engine, app_role_engine
):
    a, b = two_tenants
    for table, row_b in a_row_in_each_table(superuser_engine, b.tenant_id):
        with app_role_engine.begin() as conn:
            set_scope(conn, a.tenant_id)
            tenants_seen = set(conn.execute(text(f"SELECT DISTINCT tenant_id FROM {table}")).scalars())
            assert tenants_seen == {a.tenant_id}, f"{table}: scope A sees {tenants_seen}"
            assert_insert_refused(conn, table, row_b)


def test_app_role_owns_nothing_and_cannot_bypass_rls(superuser_engine, app):
    with superuser_engine.connect() as conn:
        role = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'guichet_test_app'")
        ).one()
        owned = conn.execute(
            text("SELECT count(*) FROM pg_class WHERE relowner = 'guichet_test_app'::regrole")
        ).scalar_one()
    assert role == (False, False)
    assert owned == 0


@pytest.mark.committed  # a session of its own on the superuser engine
def test_orm_hook_alone_filters_every_query_to_the_scope(two_tenants, superuser_engine, app):
    """Layer 2 without layer 3: a superuser session (RLS bypassed) still sees only the scope."""
    a, _ = two_tenants
    with Session(superuser_engine) as session:
        with context.scoped(a.tenant_id):
            assert {o.tenant_id for o in session.scalars(select(Organisation))} == {a.tenant_id}
        with context.scoped(None):
            assert session.scalars(select(Organisation)).all() == []
        with context.scoped(a.tenant_id):
            everything = session.scalars(select(Organisation).execution_options(all_tenants=True)).all()
            assert len({o.tenant_id for o in everything}) == 2  # the escape hatch is explicit


@pytest.mark.committed  # a session of its own on the superuser engine
def test_orm_hook_can_be_removed_and_put_back(two_tenants, superuser_engine, app):
    """The layer-2 test above is not vacuous: without the hook the superuser sees both tenants."""
    from sqlalchemy.orm import Session as SessionClass

    a, _ = two_tenants
    orm.uninstall(SessionClass)
    try:
        with Session(superuser_engine) as session, context.scoped(a.tenant_id):
            assert len({o.tenant_id for o in session.scalars(select(Organisation))}) == 2
    finally:
        orm.install(SessionClass)


def test_one_tenant_per_unit_of_work(app):
    with context.scoped(1), pytest.raises(context.ScopeError):
        context.set_scope(context.Scope(tenant_id=2))


def test_the_platform_log_is_read_in_the_platform_scope_only_and_appended_from_any(
    two_tenants, superuser_engine, app_role_engine
):
    a, _ = two_tenants
    insert = text("INSERT INTO platform_audit_log (action, actor_email) VALUES ('login.failure', :e)")
    with app_role_engine.begin() as conn:
        set_scope(conn, a.tenant_id)
        conn.execute(insert, {"e": "x@example.org"})  # appended from a tenant's request (a refusal)
        assert conn.execute(text("SELECT count(*) FROM platform_audit_log")).scalar_one() == 0
        conn.execute(text("SELECT set_config('app.platform', 'on', true)"))
        assert conn.execute(text("SELECT count(*) FROM platform_audit_log")).scalar_one() >= 1
        with pytest.raises(DBAPIError), conn.begin_nested():  # append-only, for the platform too
            conn.execute(text("DELETE FROM platform_audit_log"))
