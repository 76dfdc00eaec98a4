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

ROWS = 5000


def seed_audit_rows(superuser_engine, tenant_id: int) -> None:
    with superuser_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (tenant_id, action, actor_email, target_type, target_id, details) "
                "SELECT :t, 'organisation.created', 'charge@exemple.fr', 'organisation', 'export-' || g, "
                "jsonb_build_object('rang', g) FROM generate_series(1, :n) AS g"
            ),
            {"t": tenant_id, "n": ROWS},
        )


def file_rows(fmt: str, content: bytes) -> list[list]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))[1:]
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_audit_export_of_5000_rows_holds_every_row_once(two_tenants, app, redis, superuser_engine, fmt):
    a, b = two_tenants
    seed_audit_rows(superuser_engine, a.tenant_id)
    seed_audit_rows(superuser_engine, b.tenant_id)  # another tenant's rows never come out
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
