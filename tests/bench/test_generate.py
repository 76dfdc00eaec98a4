"""The generator of national data (bench.generate) at a tiny scale: the shape it promises and the
database's own invariants on what it wrote.

It runs as a process of its own (one process holds one application) into a database of this test,
a copy of the tests' template, then is read as the superuser (no row-level security).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bench.generate import PASSWORD, facilitator_email
from bench.rows import TABLES
from bench.shape import LARGE_SLUG
from saas.security import verify_password
from tests.database import APP_PASSWORD, APP_ROLE, OWNER, OWNER_PASSWORD, ROOT, create_database

SCALE = "0.002"


@pytest.fixture(scope="module")
def generated(database_urls, app):
    """(generator's output, a superuser connection to the filled database); dropped at the end."""
    url = make_url(database_urls["superuser"])
    prefix = url.database.rsplit("_", 1)[0] + "_"
    name = f"{prefix}bench"
    superuser = url.set(database="postgres", drivername="postgresql").render_as_string(hide_password=False)
    create_database(superuser, name, prefix, app.config["REDIS_URL"])
    target = url.set(database=name, drivername="postgresql").render_as_string(hide_password=False)
    roles = ["--owner", OWNER, "--owner-password", OWNER_PASSWORD, "--app-role", APP_ROLE]
    command = [sys.executable, "-m", "bench.generate", "--database-url", target, "--scale", SCALE]
    command += [*roles, "--app-password", APP_PASSWORD, "--jobs", "2", "--redis-url", app.config["REDIS_URL"]]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=os.environ, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    with psycopg.connect(target, autocommit=True) as conn:
        yield done.stdout, conn
    with psycopg.connect(superuser, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scalar(conn, query: str, *params):
    return conn.execute(query, params).fetchone()[0]


def test_prints_rows_phases_the_large_territory_and_its_login(generated):
    out, conn = generated
    for table in TABLES:
        printed = re.search(rf"^  {table} +([\d ]+)$", out, re.M)
        assert printed, table
        assert int(printed.group(1).replace(" ", "")) == scalar(conn, f"SELECT count(*) FROM {table}")
    assert "ANALYZE" in out and f"Grand territoire : {LARGE_SLUG}" in out
    assert facilitator_email(LARGE_SLUG) in out and PASSWORD in out


def test_counts_keep_the_national_proportions(generated):
    _, conn = generated
    participants = scalar(conn, "SELECT count(*) FROM participants")
    missions = scalar(conn, "SELECT count(*) FROM missions")
    statements = scalar(conn, "SELECT count(*) FROM hour_statements")
    assert scalar(conn, "SELECT count(*) FROM tenants") >= 4
    assert participants >= 100
    # nationally 250 000 participants, 400 000 missions, 1.6 million monthly statements
    assert 1.2 <= missions / participants <= 2.2
    assert 3 <= statements / missions <= 7
    large = scalar(
        conn,
        "SELECT count(*) FROM hour_statements s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = %s",
        LARGE_SLUG,
    )
    large_missions = scalar(
        conn,
        "SELECT count(*) FROM missions m JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = %s",
        LARGE_SLUG,
    )
    assert large / large_missions > statements / missions  # longer missions in the large territory
    spread = conn.execute(
        "SELECT count(*) FILTER (WHERE status = 'rejected'), count(*) FILTER (WHERE supersedes_id IS NOT NULL),"
        " count(*) FILTER (WHERE status = 'declared') FROM hour_statements"
    ).fetchone()
    assert all(spread), "rejections, corrections and statements awaiting validation"
    assert scalar(conn, "SELECT count(DISTINCT agreement_id) FROM hour_allocations") >= 1  # mutualisation
    assert scalar(conn, "SELECT count(DISTINCT contract_type) FROM missions") >= 8
    assert scalar(conn, "SELECT count(DISTINCT modality) FROM missions") == 5


def test_the_ledger_holds_what_its_triggers_check(generated):
    _, conn = generated
    # every validated statement counted once; nothing counted that is not validated
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM hour_statements s WHERE (s.status = 'validated') <> EXISTS "
            "(SELECT 1 FROM hour_countings c WHERE c.tenant_id = s.tenant_id AND c.statement_id = s.id)",
        )
        == 0
    )
    # a counting is current exactly when its statement is validated and in force
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM hour_countings c JOIN hour_statements s ON s.tenant_id = c.tenant_id "
            "AND s.id = c.statement_id WHERE c.current <> (s.status = 'validated' AND s.superseded_at IS NULL)",
        )
        == 0
    )
    # the counted hours of a current counting are allocated exactly, those of a superseded one not at all
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM hour_countings c LEFT JOIN (SELECT tenant_id, counting_id, sum(hours) AS h "
            "FROM hour_allocations GROUP BY 1, 2) a ON a.tenant_id = c.tenant_id AND a.counting_id = c.id "
            "WHERE coalesce(a.h, 0) <> CASE WHEN c.current THEN c.counted_hours ELSE 0 END",
        )
        == 0
    )
    # the triggers were on
    assert (
        scalar(
            conn,
            "SELECT count(*) FROM pg_trigger WHERE tgname IN ('hour_allocations_check', "
            "'hour_countings_current_check') AND tgenabled = 'O'",
        )
        == 5
    )


def test_no_row_refers_to_another_tenant(generated):
    _, conn = generated
    # the composite foreign keys hold every (tenant_id, id) pair; the people who acted are members
    for table, column in (
        ("hour_statements", "declared_by"),
        ("hour_statements", "decided_by"),
        ("missions", "created_by"),
        ("hour_countings", "created_by"),
        ("eligibilities", "validated_by"),
    ):
        strays = scalar(
            conn,
            f"SELECT count(*) FROM {table} r WHERE r.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            f"tenant_memberships m WHERE m.tenant_id = r.tenant_id AND m.user_id = r.{column})",
        )
        assert strays == 0, (table, column)
    assert scalar(
        conn,
        "SELECT count(*) FROM hour_allocations a JOIN mutualisation_members m ON m.tenant_id = a.tenant_id "
        "AND m.agreement_id = a.agreement_id AND m.lot_id = a.lot_id",
    ) == scalar(conn, "SELECT count(*) FROM hour_allocations WHERE agreement_id IS NOT NULL")


def test_the_large_territory_counts_the_most_hours(generated):
    _, conn = generated
    hours = conn.execute(
        "SELECT t.slug, sum(a.hours) FROM hour_allocations a JOIN tenants t ON t.id = a.tenant_id "
        "GROUP BY t.slug ORDER BY 2 DESC"
    ).fetchall()
    assert hours[0][0] == LARGE_SLUG
    assert hours[0][1] > Decimal("1.5") * hours[1][1]


def test_statistics_are_there_and_the_sequences_go_on(generated):
    _, conn = generated
    for table in TABLES:
        analysed, tuples = conn.execute(
            "SELECT s.last_analyze, c.reltuples FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
            "WHERE s.relname = %s",
            (table,),
        ).fetchone()
        assert analysed is not None and tuples > 0, table
        after = scalar(conn, f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
        assert after > scalar(conn, f"SELECT max(id) FROM {table}"), table


def test_the_facilitator_of_the_large_territory_can_log_in(generated):
    _, conn = generated
    password_hash, role, mfa = conn.execute(
        "SELECT u.password_hash, m.role, t.mfa_required FROM users u JOIN tenant_memberships m "
        "ON m.user_id = u.id JOIN tenants t ON t.id = m.tenant_id WHERE u.email = %s AND t.slug = %s",
        (facilitator_email(LARGE_SLUG), LARGE_SLUG),
    ).fetchone()
    assert role == "facilitateur" and not mfa
    assert verify_password(password_hash, PASSWORD)


def test_the_large_territory_alone_is_the_one_generated_among_the_others():
    from bench.generate import chosen_territories

    every = chosen_territories(1.0, 2026)
    alone = chosen_territories(1.0, 2026, large_only=True)
    assert len(every) == 100 and alone == [every[0]] and alone[0].slug == LARGE_SLUG
