"""Recording the statements a block sends through the application's session: every execution, in
order, repeats included (``len`` of it is the queries sent, ``set`` of it the distinct statements),
the savepoints of the test harness left out. The one recorder of the tests: the request costs, the
query counts of every page (``tests/tenants/test_query_counts.py``), the joins read by
``tests/sql_joins.py`` and the plans read by ``tests/heures/test_indexes.py``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from saas.db import db
from tests.database import HARNESS_MARK

#: what the test harness sends around each request (the savepoints of a rolled-back test).
HARNESS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def recorded_sql(app=None, parameters: bool = False, fold: bool = False) -> Iterator[list]:
    """The statements the block sends, as sent (with ``parameters``: ``(statement, parameters)``;
    with ``fold``, their white space folded, for reading them in a message).

    With ``app``, the block needs no application context of its own: requests made in it then run
    as in production, each in its own context and session (an outer context would keep one session
    across them, and what it holds for a transaction would hide queries)."""
    statements: list = []

    def record(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(HARNESS) or HARNESS_MARK in statement:
            return
        text = " ".join(statement.split()) if fold else statement
        statements.append((text, params) if parameters else text)

    if app is None:
        engine = db.session.get_bind()
    else:
        with app.app_context():
            engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
