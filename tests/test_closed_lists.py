"""The CHECK of a closed column lists, in the database, the values its model declares (saas.db.one_of
reads them from the column's enum): a member added to an enum without its migration fails here.
Alembic's comparison of models and migrations does not look at CHECK constraints."""

from __future__ import annotations

import re

from sqlalchemy import CheckConstraint, create_engine, text

from saas.db import db

IN_LIST = re.compile(r"^\w+ IN \((.*)\)$")


def model_lists() -> dict[str, list[str]]:
    """``{constraint name: values}`` for each ``column IN (...)`` CHECK of the models."""
    lists = {}
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                match = IN_LIST.match(str(constraint.sqltext))
                if match:
                    lists[str(constraint.name)] = re.findall(r"'([^']*)'", match.group(1))
    return lists


def test_every_closed_list_of_the_models_is_the_databases(app, database_urls):
    lists = model_lists()
    assert {"ck_meetings_status", "ck_lots_mode", "ck_api_tokens_role", "ck_conventions_kind"} <= set(lists)
    engine = create_engine(database_urls["owner"])
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = ANY(:names)"),
            {"names": list(lists)},
        ).all()
    engine.dispose()
    in_database = {name: re.findall(r"'([^']*)'", definition) for name, definition in rows}
    assert in_database == lists
