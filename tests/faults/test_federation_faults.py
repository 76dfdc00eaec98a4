"""Reports to a Département under faults: the worker killed in the middle of a push (its request
waiting on the Département's instance), then the receiver stopped; each report still arrives
exactly once, and the outbox sends what waited once the receiver is back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from saas import clock
from saas.db import db
from saas.federation import outbox
from tests.conventions.world import in_tenant
from tests.faults.conftest import FIGURES, wait_for
from tests.federation.instance import link, received

# committed data: workers and the Département's instance are other processes
pytestmark = pytest.mark.committed

PERIODS = [("annee", date(clock.today().year - back, 1, 1)) for back in range(3)] + [
    ("mois", date(clock.today().year - 1, month, 1)) for month in (1, 2, 3)
]


def _prepare_all(app, world) -> None:
    with app.app_context(), in_tenant(world.tenant_id):
        member = outbox.membership(world.federation_id)
        for kind, start in PERIODS:
            outbox.prepare(member, kind, start)
            db.session.commit()  # each push enqueued at its commit
        db.session.remove()


def _pushes(superuser_engine, status: str) -> int:
    with superuser_engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM job_runs WHERE kind = 'federation_push' AND status = :s"),
            {"s": status},
        ).scalar_one()


def _waiting(superuser_engine, after: int) -> list[tuple]:
    """A's reports made in the test (those of its daily run too) that have no receipt yet."""
    with superuser_engine.connect() as conn:
        return conn.execute(
            text("SELECT id, attempts FROM outgoing_reports WHERE id > :after AND receipt = '{}'::jsonb"),
            {"after": after},
        ).all()


def _made(superuser_engine, after: int) -> set[tuple]:
    with superuser_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.slug, r.period_kind, r.period_start, r.version, 'http' FROM outgoing_reports r "
                "JOIN tenants t ON t.id = r.tenant_id WHERE r.id > :after AND t.slug = 'territoire-a'"
            ),
            {"after": after},
        )
        return {tuple(row) for row in rows}


def _last_id(superuser_engine) -> int:
    with superuser_engine.connect() as conn:
        return conn.execute(text("SELECT max(id) FROM outgoing_reports")).scalar_one()


def test_a_worker_killed_mid_push_and_a_receiver_stopped(
    two_tenants, app, use_own_redis, start_worker, departement, superuser_engine
):
    a, _ = two_tenants
    link(departement, app, a, a.federation_code)
    departement.pause()  # it accepts the connection and answers nothing: the push waits on it
    first = start_worker()
    before = _last_id(superuser_engine)  # the fixture's reports went to the Départements of this service
    _prepare_all(app, a)
    wait_for(lambda: _pushes(superuser_engine, "started") >= 1, 60, what="a push to be under way")
    first.kill()  # in the middle of the push
    departement.resume()  # it may still store what it had read: the receipt never reached the sender
    departement.stop()  # and then the receiver is down
    start_worker()  # its sweep finds the push abandoned and sends again: the receiver does not answer
    wait_for(
        lambda: (
            len(_waiting(superuser_engine, before)) >= len(PERIODS)
            and all(attempts >= 1 for _id, attempts in _waiting(superuser_engine, before))
            and _pushes(superuser_engine, "pending") + _pushes(superuser_engine, "started") == 0
        ),
        90,
        what="every push to have failed on the stopped receiver",
    )
    departement.start()
    with superuser_engine.begin() as conn:  # the backoff's time has come (a minute, not waited here)
        conn.execute(text("UPDATE outgoing_reports SET next_attempt_at = now()"))
    wait_for(lambda: not _waiting(superuser_engine, before), 90, what="the outbox to send every report")
    arrived, made = received(departement), _made(superuser_engine, before)
    FIGURES["reports pushed through faults"] = len(made)
    FIGURES["reports received twice"] = len(arrived) - len(set(arrived))
    assert {(a.slug, kind, start, 1, "http") for kind, start in PERIODS} <= made  # the daily run may add one
    assert sorted(arrived) == sorted(made)  # each exactly once
    with superuser_engine.connect() as conn:
        statuses = conn.execute(text("SELECT DISTINCT status FROM outgoing_reports")).scalars().all()
    assert statuses == ["envoye"]
