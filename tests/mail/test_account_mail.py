"""Account messages (invitation, password reset) go to the person only: by SMTP through the job,
never as a tenant mailbox row, with a link minted at delivery and stored nowhere in clear."""

from __future__ import annotations

import email
import email.policy
import html

from rq import Queue
from sqlalchemy import text

from tests.fixtures import ACCOUNT_LINK, PASSWORD, issued_links, login
from tests.mail.smtp import smtp_backend, work
from tests.web import post
from workers.sweep import resend_pending

NEWCOMER = "nouvelle.recrue@exemple.fr"


def received_links(server) -> list[str]:
    paths = []
    for envelope in server.envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",)).get_content()
        paths.extend(path for path, _ in ACCOUNT_LINK.findall(body))
    return paths


def rows(superuser_engine, sql: str) -> list:
    with superuser_engine.connect() as conn:
        return conn.execute(text(sql)).all()


def test_an_invitation_is_delivered_by_smtp_through_the_job_and_never_kept(
    app, two_tenants, client, client_factory, redis, smtp_server, superuser_engine
):
    a, _ = two_tenants
    port, server = smtp_server
    login(client, a.admin_email)
    with smtp_backend(app, port):
        page = post(
            client,
            f"/t/{a.slug}/admin/utilisateurs",
            {"email": NEWCOMER, "display_name": "Nouvelle Recrue", "role": "facilitateur"},
        )
        assert page.status_code == 200
        [(mail_id, status, params)] = rows(
            superuser_engine, "SELECT id, status, params FROM account_mails WHERE purpose = 'invitation'"
        )
        assert status == "pending" and params == {"space": "Territoire A", "role": "Facilitateur"}
        assert f"account-mail-{mail_id}" in Queue("default", connection=redis).job_ids
        assert (
            rows(superuser_engine, "SELECT count(*) FROM password_tokens WHERE purpose = 'invitation'")[0][0]
            == 0
        )
        work(redis)
    [envelope] = server.envelopes
    assert envelope.rcpt_tos == [NEWCOMER]
    [link] = received_links(server)
    assert rows(superuser_engine, f"SELECT status, attempts FROM account_mails WHERE id = {mail_id}") == [
        ("sent", 1)
    ]
    # never a row of the tenant's mailbox (its admins read it), and the link appears on no admin page
    assert (
        rows(superuser_engine, f"SELECT count(*) FROM outgoing_mails WHERE to_address = '{NEWCOMER}'")[0][0]
        == 0
    )
    token = link.rsplit("/", 1)[1]
    for url in (
        f"/t/{a.slug}/admin/utilisateurs",
        f"/t/{a.slug}/admin/boite-d-envoi/",
        f"/t/{a.slug}/admin/journal",
    ):
        assert token not in client.get(url).get_data(as_text=True)
    newcomer = client_factory()
    assert (
        post(
            newcomer, link, {"password": "Chaton-Rouge-Velo-7", "confirmation": "Chaton-Rouge-Velo-7"}
        ).status_code
        == 302
    )
    assert login(newcomer, NEWCOMER, "Chaton-Rouge-Velo-7").status_code == 302


def test_forgot_password_says_the_same_either_way_and_the_link_works_once(
    app, two_tenants, client_factory, superuser_engine
):
    a, _ = two_tenants
    owner = client_factory()
    login(owner, a.facilitateur_email)
    assert owner.get(f"/t/{a.slug}/").status_code == 200
    asker = client_factory()
    assert "Mot de passe oublié" in asker.get("/connexion").get_data(as_text=True)
    with issued_links() as sent:
        known = post(asker, "/mot-de-passe-oublie", {"email": a.facilitateur_email})
        unknown = post(asker, "/mot-de-passe-oublie", {"email": "inconnue@exemple.fr"})
    assert known.status_code == unknown.status_code == 200

    def answer(response, address):
        return html.unescape(response.get_data(as_text=True)).replace(address, "ADRESSE")

    assert answer(known, a.facilitateur_email) == answer(unknown, "inconnue@exemple.fr")
    [link] = sent
    assert link.startswith("/mot-de-passe/nouveau/")
    assert (
        asker.get(link.replace("/mot-de-passe/nouveau/", "/invitation/")).status_code == 404
    )  # its own page only
    weak = post(asker, link, {"password": "Motdepasse2024!", "confirmation": "Motdepasse2024!"})
    assert "plus courants" in html.unescape(weak.get_data(as_text=True))
    assert (
        post(asker, link, {"password": "Nouveau-Secret-42", "confirmation": "Nouveau-Secret-42"}).status_code
        == 302
    )
    assert asker.get(link).status_code == 404  # single use
    assert owner.get(f"/t/{a.slug}/").status_code == 302  # every session of the account was closed
    assert login(client_factory(), a.facilitateur_email, PASSWORD).status_code == 200
    assert login(client_factory(), a.facilitateur_email, "Nouveau-Secret-42").status_code == 302


def test_a_reset_link_expires_and_a_new_one_retires_the_old(app, two_tenants, client_factory, monkeypatch):
    a, _ = two_tenants
    asker = client_factory()
    with issued_links() as sent:
        post(asker, "/mot-de-passe-oublie", {"email": a.facilitateur_email})
        post(asker, "/mot-de-passe-oublie", {"email": a.facilitateur_email})
    first, second = sent
    assert asker.get(first).status_code == 404 and asker.get(second).status_code == 200
    monkeypatch.setitem(app.config, "PASSWORD_RESET_VALIDITY_MINUTES", 0)
    with issued_links() as sent:
        post(asker, "/mot-de-passe-oublie", {"email": a.facilitateur_email})
    assert asker.get(sent[0]).status_code == 404  # expired at once


def test_reset_requests_are_rate_limited_per_address_asked_for(app, two_tenants, client_factory):
    a, _ = two_tenants
    asker = client_factory()
    with issued_links() as sent:
        answers = [
            post(asker, "/mot-de-passe-oublie", {"email": a.admin_email}).status_code for _ in range(4)
        ]
    assert answers == [200, 200, 200, 429] and len(sent) == 3


def test_an_account_mail_left_pending_is_sent_again_by_the_sweep(
    app, two_tenants, client_factory, redis, smtp_server, superuser_engine, monkeypatch
):
    a, _ = two_tenants
    port, server = smtp_server
    asker = client_factory()
    with smtp_backend(app, port):
        # the queue cannot be told at commit (as when Redis is down): the row stays pending
        monkeypatch.delitem(app.extensions, "guichet_account_mail_dispatcher")
        post(asker, "/mot-de-passe-oublie", {"email": a.facilitateur_email})
        assert Queue("default", connection=redis).job_ids == []
        monkeypatch.undo()
        with app.app_context():
            assert resend_pending(0) == 1
            assert resend_pending(0) == 0  # already in the queue: not twice
        work(redis)
    [link] = received_links(server)
    assert link.startswith("/mot-de-passe/nouveau/")
    assert rows(superuser_engine, "SELECT status FROM account_mails WHERE purpose = 'password_reset'") == [
        ("sent",)
    ]
