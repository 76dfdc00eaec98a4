"""The schema is ready to be distributed by ``tenant_id`` (Citus), read from the catalogue of the
migrated database: what Citus refuses on a distributed table is refused here first (that a tenant
table's ``tenant_id`` is never NULL is checked by ``test_rls``)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from saas.distribution import layout, plan


@pytest.fixture
def tables(superuser_engine):
    with superuser_engine.connect() as connection:
        yield layout(connection), connection


def test_the_schema_has_both_kinds_of_table(tables):
    found, _ = tables
    assert {"hour_statements", "missions", "participants", "audit_log"} <= found.tenant_tables
    assert {"tenants", "users", "ref_communes", "api_tokens", "platform_audit_log"} <= found.reference_tables


def test_every_primary_key_and_unique_index_of_a_tenant_table_includes_tenant_id(tables):
    found, connection = tables
    indexes = connection.execute(
        text(
            """
            SELECT i.indrelid::regclass::text AS tbl, c.relname AS idx
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE (i.indisunique OR i.indisprimary) AND c.relnamespace = 'public'::regnamespace
               AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid
                               AND a.attname = 'tenant_id' AND a.attnum = ANY (i.indkey::int2[]))
            """
        )
    )
    assert {(row.tbl, row.idx) for row in indexes if row.tbl in found.tenant_tables} == set()


def test_a_reference_between_tenant_tables_pairs_their_tenant_ids(tables):
    found, _ = tables
    between_tenants = [
        key
        for key in found.foreign_keys
        if key.source in found.tenant_tables and key.target in found.tenant_tables
    ]
    assert len(between_tenants) > 50
    assert [key.name for key in between_tenants if not key.pairs_tenant_ids()] == []


def test_no_reference_table_refers_to_a_tenant_table(tables):
    found, _ = tables
    assert [
        key.name
        for key in found.foreign_keys
        if key.source in found.reference_tables and key.target in found.tenant_tables
    ] == []


def test_the_plan_distributes_every_table_after_the_tables_it_refers_to(tables):
    found, connection = tables
    statements = plan(connection)
    order = {
        statement.split("'")[1]: index
        for index, statement in enumerate(statements)
        if statement.startswith("SELECT create_")
    }
    assert set(order) == found.tenant_tables | found.reference_tables
    assert all(
        order[key.target] < order[key.source] for key in found.foreign_keys if key.source != key.target
    )
    distributed = [statement for statement in statements if "create_distributed_table" in statement]
    assert len(distributed) == len(found.tenant_tables)
    assert all("'tenant_id'" in statement for statement in distributed)


def test_the_command_prints_the_plan(app, superuser_engine):
    result = app.test_cli_runner().invoke(args=["db", "citus-plan"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "CREATE EXTENSION IF NOT EXISTS citus;"
    assert "SELECT create_reference_table('tenants');" in lines
    assert any(
        line.startswith("SELECT create_distributed_table('hour_statements', 'tenant_id'") for line in lines
    )
