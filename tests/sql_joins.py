"""Finding the joins of two tenant tables (or of a tenant table and a
subquery over one) that do not equate their ``tenant_id``: once the tables are distributed by
``tenant_id`` (``saas/distribution.py``), such a join can no longer be answered on one node.

A scope of a query (a SELECT, its correlated subqueries, its derived tables and CTEs) joins the
tenant relations it reads; they must all be tied together by ``a.tenant_id = b.tenant_id``
equalities written in that scope (ON or WHERE). Row-level security adds ``tenant_id =
current_setting(...)`` to each table on its own, which ties no two of them together.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope


def _reads_tenant_table(source, tenant_tables: set[str]) -> bool:
    if isinstance(source, exp.Table):
        return source.name in tenant_tables
    if isinstance(source, Scope):
        return any(_reads_tenant_table(inner, tenant_tables) for inner in source.sources.values())
    return False


def _outer_tenant_aliases(scope: Scope, tenant_tables: set[str]) -> set[str]:
    """The relations of enclosing scopes a correlated subquery refers to."""
    referred = {column.table for column in scope.external_columns if column.table}
    found = set()
    parent = scope.parent
    while parent is not None:
        for alias in referred & set(parent.sources):
            if _reads_tenant_table(parent.sources[alias], tenant_tables):  # a table, a CTE, a subquery
                found.add(alias)
        parent = parent.parent
    return found


def _tenant_id_equalities(scope: Scope) -> Iterator[tuple[str, str]]:
    def inner(node) -> bool:
        return node is not scope.expression and isinstance(node, exp.Select | exp.Subquery | exp.Union)

    for node in scope.expression.walk(prune=inner):
        if not isinstance(node, exp.EQ):
            continue
        left, right = node.left, node.right
        columns = isinstance(left, exp.Column) and isinstance(right, exp.Column)
        if columns and left.name == right.name == "tenant_id" and left.table and right.table:
            yield left.table, right.table


def _components(aliases: set[str], edges: list[tuple[str, str]]) -> list[set[str]]:
    groups = [{alias} for alias in aliases]
    for left, right in edges:
        joined = [group for group in groups if left in group or right in group]
        if len(joined) == 2:
            groups = [group for group in groups if group not in joined] + [joined[0] | joined[1]]
    return groups


def uncolocated_joins(statement: str, tenant_tables: set[str]) -> list[str]:
    """The scopes of ``statement`` whose tenant relations are not all tied by ``tenant_id``."""
    tree = sqlglot.parse_one(statement, read="postgres")
    found = []
    for scope in traverse_scope(tree):
        local = {
            alias
            for alias, (_, source) in scope.selected_sources.items()
            if _reads_tenant_table(source, tenant_tables)
        }
        aliases = local | _outer_tenant_aliases(scope, tenant_tables)
        if len(aliases) < 2:
            continue
        edges = [edge for edge in _tenant_id_equalities(scope) if set(edge) <= aliases]
        groups = _components(aliases, edges)
        if len(groups) > 1:
            found.append(" / ".join(sorted(", ".join(sorted(group)) for group in groups)))
    return found
