"""How the schema distributes over several PostgreSQL nodes (Citus), read from the catalogue.

Every table with a ``tenant_id`` column is a *tenant table*, distributed by ``tenant_id`` and
co-located with the others, so that a territory's rows live on one node and its joins stay there;
every other table is a *reference table*, copied to each node (tenants, accounts, the reference
data). ``api_tokens`` has a ``tenant_id`` and is a reference table all the same: a token is looked
up by its hash before its tenant is known, so its hash is unique over the whole table.

The rules that make this possible are checked by ``tests/tenants/test_distribution.py``: a tenant
table's ``tenant_id`` is never NULL, its primary key and every unique constraint include it, a
reference between two tenant tables pairs their ``tenant_id``, and no reference table refers to a
tenant table. :func:`plan` gives the statements, in an order where every table a table refers to
is distributed before it (``guichet db citus-plan``; see ``infra/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from graphlib import TopologicalSorter

from sqlalchemy import text

#: tables with a ``tenant_id`` that are copied to every node, and why.
TENANT_KEYED_REFERENCE_TABLES = {"api_tokens": "looked up by the token's hash before the tenant is known"}

TABLES = text(
    """
    SELECT c.relname, EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                              AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant
      FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
       AND c.relname <> 'alembic_version'
    """
)

FOREIGN_KEYS = text(
    """
    SELECT c.conname, c.conrelid::regclass::text AS source, c.confrelid::regclass::text AS target,
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
           ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
               AS target_columns
      FROM pg_constraint c
     WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
    """
)


@dataclass(frozen=True)
class ForeignKey:
    name: str
    source: str
    target: str
    columns: tuple[str, ...]
    target_columns: tuple[str, ...]

    def pairs_tenant_ids(self) -> bool:
        pairs = set(zip(self.columns, self.target_columns, strict=True))
        return ("tenant_id", "tenant_id") in pairs


@dataclass
class Layout:
    """The tables of the schema by kind, and their references."""

    tenant_tables: set[str] = field(default_factory=set)
    reference_tables: set[str] = field(default_factory=set)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


def layout(connection) -> Layout:
    result = Layout()
    for name, has_tenant in connection.execute(TABLES):
        tenant_table = has_tenant and name not in TENANT_KEYED_REFERENCE_TABLES
        (result.tenant_tables if tenant_table else result.reference_tables).add(name)
    result.foreign_keys = [
        ForeignKey(row.conname, row.source, row.target, tuple(row.columns), tuple(row.target_columns))
        for row in connection.execute(FOREIGN_KEYS)
    ]
    return result


def plan(connection) -> list[str]:
    """The Citus statements that distribute the schema, each table after the ones it refers to."""
    tables = layout(connection)
    graph: dict[str, set[str]] = {name: set() for name in tables.tenant_tables | tables.reference_tables}
    for key in tables.foreign_keys:
        if key.target != key.source:
            graph[key.source].add(key.target)
    statements = ["CREATE EXTENSION IF NOT EXISTS citus;"]
    first_tenant_table = None
    for name in TopologicalSorter(graph).static_order():
        if name in tables.reference_tables:
            statements.append(f"SELECT create_reference_table('{name}');")
        elif first_tenant_table is None:
            first_tenant_table = name
            statements.append(f"SELECT create_distributed_table('{name}', 'tenant_id');")
        else:
            statements.append(
                f"SELECT create_distributed_table('{name}', 'tenant_id', colocate_with => '{first_tenant_table}');"
            )
    return statements
