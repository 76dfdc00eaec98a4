"""Counting the statements a block sends (every execution, repeats included), for the tests that
state what a request costs; ``tests.sql_joins.recorded_sql`` keeps the distinct ones for reading."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from saas.db import db
from tests.database import HARNESS_MARK

#: what the test harness sends around each request (the savepoints of a rolled-back test).
HARNESS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def executed_sql() -> Iterator[list[str]]:
    """Every statement the block sends through the application's session, in order, repeats
    included; the savepoints of the test harness are left out."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(HARNESS) and HARNESS_MARK not in statement:
            statements.append(" ".join(statement.split()))

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
