"""Rows kept in memory by table, then written with COPY in the order of the foreign keys.

Every identifier is chosen here (``Ids``), so that rows may refer to each other before they are
written; the identity sequences are moved past them at the end (``bench.database.advance_sequences``).
"""

from __future__ import annotations

import time
from collections import defaultdict

import psycopg

#: each table the generator writes, in an order where every foreign key points to a table written
#: before it; the columns of a table are the names its rows are given (``Rows.add``).
TABLES: tuple[str, ...] = (
    "tenants",
    "users",
    "tenant_memberships",
    "organisations",
    "hourly_costs",
    "counting_rules",
    "marches",
    "lots",
    "lot_figures",
    "mutualisation_agreements",
    "mutualisation_members",
    "participants",
    "participant_identities",
    "prescriptions",
    "eligibilities",
    "eligibility_criteria",
    "cv_profiles",
    "missions",
    "follow_ups",
    "hour_statements",
    "hour_countings",
    "hour_allocations",
)


class Ids:
    """The next identifier of each table (the database is empty when the generator starts).

    Worker ``offset`` of ``step`` takes ``offset + 1``, ``offset + 1 + step``… so that workers
    filling territories side by side never choose the same identifier."""

    def __init__(self, offset: int = 0, step: int = 1) -> None:
        self.step = step
        self._next: dict[str, int] = defaultdict(lambda: offset + 1)

    def __call__(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + self.step
        return value


class Rows:
    """Rows waiting to be copied, by table; ``written`` counts what went to the database."""

    def __init__(self) -> None:
        self.pending: dict[str, list[dict]] = defaultdict(list)
        self.written: dict[str, int] = defaultdict(int)
        self.copy_seconds = 0.0
        self.analyzed: dict[str, int] = defaultdict(int)

    def add(self, table: str, **values) -> None:
        """A row of ``table``, its columns named (every row of a table names the same ones)."""
        self.pending[table].append(values)

    def flush(self, conn: psycopg.Connection) -> None:
        """COPY every pending row, tables in the order of ``TABLES`` (the transaction stays open)."""
        started = time.perf_counter()
        with conn.cursor() as cur:
            for table in TABLES:
                rows = self.pending.pop(table, None)
                if not rows:
                    continue
                columns = tuple(rows[0])
                statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cur.copy(statement) as copy:  # type: ignore[arg-type]  # a built statement
                    for row in rows:
                        copy.write_row(tuple(row[column] for column in columns))
                self.written[table] += len(rows)
        self.copy_seconds += time.perf_counter() - started

    def analyze_grown(self, conn: psycopg.Connection) -> None:
        """ANALYZE each table that doubled since its last statistics (autovacuum is off here):
        without them the foreign-key and trigger lookups keep the plans of an empty table."""
        for table, count in self.written.items():
            if count >= 2 * self.analyzed[table] + 500:
                conn.execute(f"ANALYZE {table}")  # type: ignore[arg-type]  # a table of TABLES
                self.analyzed[table] = count
        conn.commit()
