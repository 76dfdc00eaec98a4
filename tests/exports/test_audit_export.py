"""The audit-log export job: thousands of rows, progress committed on the way, every row in the file."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from rq import Queue, SimpleWorker
from sqlalchemy import text

from saas.db import db
from saas.jobs import api as runs
from tenants import context
from tests.builders import seed_audit_rows

ROWS = 5000


def file_rows(fmt: str, content: bytes) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))[1:]
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_audit_export_of_5000_rows_holds_every_row_once(two_tenants, app, redis, superuser_engine, fmt):
    a, b = two_tenants
    seed_audit_rows(superuser_engine, a.tenant_id, ROWS, "export")
    seed_audit_rows(superuser_engine, b.tenant_id, ROWS, "export")  # another tenant's rows never come out
    with app.app_context(), context.scoped(a.tenant_id):
        run_id = runs.request_run("audit_export", {"fmt": fmt, "filters": {}}, None).id
        db.session.commit()
    SimpleWorker([Queue("exports", connection=redis)], connection=redis).work(burst=True)

    with superuser_engine.connect() as conn:
        status, progress, error = conn.execute(
            text("SELECT status, progress, error FROM job_runs WHERE id = :r"), {"r": run_id}
        ).one()
        content = conn.execute(
            text("SELECT content FROM job_artifacts WHERE run_id = :r"), {"r": run_id}
        ).scalar_one()
        expected = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE tenant_id = :t"), {"t": a.tenant_id}
        ).scalar_one()
    assert (status, progress, error) == ("finished", 100, None)
    rows = file_rows(fmt, content)
    exported = [row[4] for row in rows if str(row[4]).startswith("export-")]
    assert len(rows) == expected and len(exported) == ROWS
    assert sorted(exported) == sorted(f"export-{n}" for n in range(1, ROWS + 1))  # none lost, none doubled
