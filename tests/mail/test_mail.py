"""The mail service: the mailbox backend and its page, SMTP delivery by the job (a real local SMTP
server), the notification preference and the link that stops reminders without logging in."""

from __future__ import annotations

import email
import email.policy

import pytest
from rq import Queue
from sqlalchemy import text

from saas.accounts import api as accounts
from saas.db import db
from saas.errors import ValidationError
from saas.jobs.models import JobRun
from saas.mail import api as mail
from saas.mail.models import NotificationPreference, OutgoingMail
from tenants import context
from tests.fixtures import ACTOR, csrf_token, login
from tests.mail.smtp import free_port, smtp_backend, work
from tests.web import text_of
from workers.decorator import job_id
from workers.jobs.mail_delivery import deliver_mail

TO = "elodie.martin@exemple.fr"
SUBJECT = "Échéance du livrable « Bilan d'étape » — convention n° 2025-014"
BODY = (
    "Bonjour Élodie,\n\n"
    "Le bilan d'étape de la convention « Insertion des jeunes » est attendu le 15/03/2026.\n"
    "Merci de le déposer dès que possible.\n\n"
    "L'équipe du guichet — Territoire A"
)


# --- helpers ---------------------------------------------------------------------------------------


def send_in(app, world, **overrides) -> int:
    values = {"to_address": TO, "subject": SUBJECT, "body": BODY, "category": "reminder", **overrides}
    with app.app_context(), context.scoped(world.tenant_id):
        message = mail.send(**values)
        mail_id = message.id
        db.session.commit()
    return mail_id


def load_mail(app, world, mail_id: int) -> OutgoingMail:
    with app.app_context(), context.scoped(world.tenant_id):
        message = db.session.get(OutgoingMail, (world.tenant_id, mail_id))
        db.session.expunge(message)
    return message


def mail_runs(app, world) -> list[JobRun]:
    with app.app_context(), context.scoped(world.tenant_id):
        runs = list(db.session.scalars(db.select(JobRun).where(JobRun.kind == "mail_delivery")))
        for run in runs:
            db.session.expunge(run)
    return runs


def user_id(app, email_address: str) -> int:
    with app.app_context(), context.scoped(platform=True):
        return accounts.user_by_email(email_address).id


# --- mailbox backend -------------------------------------------------------------------------------


def test_mailbox_backend_keeps_the_message_and_asks_for_no_delivery(app, two_tenants, redis):
    a, _ = two_tenants
    assert app.config["MAIL_BACKEND"] == "mailbox"  # the embedded default
    mail_id = send_in(app, a)
    message = load_mail(app, a, mail_id)
    assert (message.status, message.backend, message.attempts) == ("mailbox", "mailbox", 0)
    assert (message.to_address, message.subject, message.body, message.category) == (
        TO,
        SUBJECT,
        BODY,
        "reminder",
    )
    assert mail_runs(app, a) == []
    assert Queue("default", connection=redis).job_ids == []


def test_admin_reads_the_mailbox_with_filters_export_and_detail(app, two_tenants, client):
    a, _ = two_tenants
    mail_id = send_in(app, a)
    send_in(
        app, a, to_address="jean.dupont@exemple.fr", subject="Invitation au comité", category="invitation"
    )
    login(client, a.admin_email)
    base = f"/t/{a.slug}/admin/boite-d-envoi/"

    listing = text_of(client.get(base))
    assert "Boîte d'envoi" in listing
    assert SUBJECT in listing and TO in listing and "Invitation au comité" in listing
    assert "Conservé dans la boîte (mode intégré)" in listing and "Rappel d'échéance" in listing

    searched = text_of(client.get(base, query_string={"q": "elodie"}))
    assert SUBJECT in searched and "Invitation au comité" not in searched
    by_category = text_of(client.get(base, query_string={"categorie": "invitation"}))
    assert "Invitation au comité" in by_category and SUBJECT not in by_category
    assert SUBJECT not in text_of(client.get(base, query_string={"statut": "sent"}))
    assert SUBJECT in text_of(client.get(base, query_string={"statut": "mailbox"}))

    export = client.get(base, query_string={"export": "csv", "q": "elodie"})
    assert export.status_code == 200
    lines = export.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == "Date;Destinataire;Objet;Catégorie;Statut;Tentatives;Envoyé le"
    assert len(lines) == 2 and TO in lines[1] and "Conservé dans la boîte (mode intégré)" in lines[1]

    assert load_mail(app, a, mail_id).read_at is None
    detail = client.get(f"{base}{mail_id}")
    assert detail.status_code == 200
    body = text_of(detail)
    assert "<pre" in body and BODY in body  # the whole message, line breaks kept
    assert load_mail(app, a, mail_id).read_at is not None


def test_mailbox_is_for_the_tenant_admin_only(app, two_tenants, client):
    a, _ = two_tenants
    mail_id = send_in(app, a)
    login(client, a.facilitateur_email)
    assert client.get(f"/t/{a.slug}/admin/boite-d-envoi/").status_code == 404
    assert client.get(f"/t/{a.slug}/admin/boite-d-envoi/{mail_id}").status_code == 404


def test_another_tenants_admin_does_not_see_the_message(app, two_tenants, client):
    a, b = two_tenants
    mail_id = send_in(app, a)
    login(client, b.admin_email)
    listing = client.get(f"/t/{b.slug}/admin/boite-d-envoi/")
    assert listing.status_code == 200
    assert SUBJECT not in text_of(listing) and "Relance B" in text_of(listing)
    assert client.get(f"/t/{b.slug}/admin/boite-d-envoi/{mail_id}").status_code == 404
    assert client.get(f"/t/{a.slug}/admin/boite-d-envoi/{mail_id}").status_code == 404


def test_send_refuses_a_bad_address_and_keeps_subjects_on_one_line(app, two_tenants):
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        with pytest.raises(ValidationError) as refused:
            mail.send("pas-une-adresse", SUBJECT, BODY, "reminder")
        assert refused.value.field == "to_address"
        db.session.rollback()
        message = mail.send(TO, "Objet\r\nBcc: intrus@exemple.fr", BODY, "reminder")
        assert message.subject == "Objet Bcc: intrus@exemple.fr"
        db.session.rollback()


# --- SMTP backend ----------------------------------------------------------------------------------


def test_smtp_backend_delivers_through_the_job_once(app, two_tenants, redis, smtp_server):
    a, _ = two_tenants
    port, server = smtp_server
    with smtp_backend(app, port):
        mail_id = send_in(app, a)
        message = load_mail(app, a, mail_id)
        assert (message.status, message.backend) == ("pending", "smtp")
        [run] = mail_runs(app, a)
        assert run.params == {"mail_id": mail_id}
        assert Queue("default", connection=redis).job_ids == [job_id(a.tenant_id, run.id)]  # after commit

        work(redis)

        assert len(server.envelopes) == 1
        envelope = server.envelopes[0]
        assert envelope.rcpt_tos == [TO]
        assert envelope.mail_from == "ne-pas-repondre@guichet-clauses.fr"
        received = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert received["To"] == TO
        assert received["Subject"] == SUBJECT
        assert received["From"] == "Guichet Clauses <ne-pas-repondre@guichet-clauses.fr>"
        assert received.get_content_charset() == "utf-8"
        assert received.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == BODY
        message = load_mail(app, a, mail_id)
        assert (message.status, message.attempts, message.error) == ("sent", 1, None)
        assert message.sent_at is not None
        assert mail_runs(app, a)[0].status == "finished"

        with app.app_context(), context.scoped(a.tenant_id):
            mail.deliver(mail_id)  # a second delivery of the same message
        assert len(server.envelopes) == 1
        assert load_mail(app, a, mail_id).attempts == 1


def test_refused_connection_records_the_error_retries_then_fails(app, two_tenants, redis):
    a, _ = two_tenants
    with smtp_backend(app, free_port()):  # nobody listens there
        mail_id = send_in(app, a)
        [run] = mail_runs(app, a)

        work(redis)  # first attempt: refused, a retry is planned

        message = load_mail(app, a, mail_id)
        assert (message.status, message.attempts) == ("pending", 1)
        assert "ConnectionRefusedError" in message.error
        assert mail_runs(app, a)[0].status == "pending"

        with pytest.raises(ConnectionRefusedError):  # the last attempt, outside RQ: no retry left
            deliver_mail(a.tenant_id, run.id)

        message = load_mail(app, a, mail_id)
        assert (message.status, message.attempts) == ("failed", 2)
        assert "ConnectionRefusedError" in message.error
        assert mail_runs(app, a)[0].status == "failed"


# --- notification preference -----------------------------------------------------------------------


def test_no_choice_means_reminders_on(app, two_tenants):
    a, _ = two_tenants
    partner = user_id(app, a.partner_email)
    with app.app_context(), context.scoped(a.tenant_id):
        assert mail.reminders_enabled(partner) is True
        assert (
            db.session.scalars(
                db.select(NotificationPreference).where(NotificationPreference.user_id == partner)
            ).all()
            == []
        )


@pytest.mark.parametrize("who", ["partner_email", "facilitateur_email", "admin_email"])
def test_every_member_turns_reminders_off_for_themselves(app, two_tenants, client, superuser_engine, who):
    a, b = two_tenants
    email_address = getattr(a, who)
    member = user_id(app, email_address)
    login(client, email_address)
    url = f"/t/{a.slug}/compte/notifications"
    page = client.get(url)
    assert page.status_code == 200
    assert "Mes notifications" in text_of(page) and "checked" in page.get_data(as_text=True)

    response = client.post(url, data={"csrf_token": csrf_token(client, url)})  # box unticked
    assert response.status_code == 302

    with app.app_context(), context.scoped(a.tenant_id):
        assert mail.reminders_enabled(member) is False
        stored = db.session.scalars(
            db.select(NotificationPreference).where(NotificationPreference.user_id == member)
        ).one()
        assert stored.reminders_enabled is False
    with app.app_context(), context.scoped(b.tenant_id):
        assert mail.reminders_enabled(member) is True  # per tenant
    assert "checked" not in client.get(url).get_data(as_text=True)
    with superuser_engine.connect() as conn:
        entry = conn.execute(
            text(
                "SELECT tenant_id, actor_user_id, target_id, details FROM audit_log "
                "WHERE action = 'mail.preference_updated' AND actor_user_id = :u"
            ),
            {"u": member},
        ).one()
    assert (entry.tenant_id, entry.target_id, entry.details) == (
        a.tenant_id,
        str(member),
        {"rappels_par_courriel": False},
    )

    client.post(url, data={"csrf_token": csrf_token(client, url), "reminders": "y"})
    with app.app_context(), context.scoped(a.tenant_id):
        assert mail.reminders_enabled(member) is True  # and back on; the row is kept


def test_my_notifications_needs_a_membership_of_the_tenant(app, two_tenants, client):
    a, b = two_tenants
    login(client, a.partner_email)
    assert client.get(f"/t/{b.slug}/compte/notifications").status_code == 404


def test_unsubscribe_link_stops_reminders_without_login(app, two_tenants, client, superuser_engine):
    a, _ = two_tenants
    partner = user_id(app, a.partner_email)
    with app.app_context(), context.scoped(a.tenant_id):
        url = mail.unsubscribe_url(partner, a.slug)
    public = app.config["PUBLIC_URL"].rstrip("/")
    assert url.startswith(f"{public}/t/{a.slug}/notifications/arret/")
    path = url.removeprefix(public)

    confirm = client.get(path)  # anonymous
    assert confirm.status_code == 200
    assert "Arrêter les relances par courriel" in text_of(confirm)
    with app.app_context(), context.scoped(a.tenant_id):
        assert mail.reminders_enabled(partner) is True  # a GET changes nothing

    done = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert done.status_code == 200
    assert "Vous ne recevrez plus les relances par courriel" in text_of(done)
    with app.app_context(), context.scoped(a.tenant_id):
        assert mail.reminders_enabled(partner) is False
    with superuser_engine.connect() as conn:
        entry = conn.execute(
            text(
                "SELECT tenant_id, actor_user_id FROM audit_log WHERE action = 'mail.preference_updated' "
                "AND target_id = :u"
            ),
            {"u": str(partner)},
        ).one()
    assert (entry.tenant_id, entry.actor_user_id) == (a.tenant_id, partner)
    assert "déjà arrêtées" in text_of(client.get(path))


def test_unsubscribe_link_refuses_tampered_foreign_and_expired_tokens(app, two_tenants, client):
    a, b = two_tenants
    partner_a, partner_b = user_id(app, a.partner_email), user_id(app, b.partner_email)
    with app.app_context(), context.scoped(a.tenant_id):
        token_a = mail.unsubscribe_token(partner_a)
    with app.app_context(), context.scoped(b.tenant_id):
        token_b = mail.unsubscribe_token(partner_b)
    with app.app_context():
        assert mail.read_unsubscribe_token(token_a) == mail.UnsubscribeClaim(a.tenant_id, partner_a)
        assert mail.read_unsubscribe_token(token_a, max_age=-1) is None  # expired
        # the payload of A's token with B's tenant id, A's signature kept: the salt differs.
        payload_b, _, _ = token_b.partition(".")
        _, _, signature_a = token_a.partition(".")
        assert mail.read_unsubscribe_token(f"{payload_b}.{signature_a}") is None

    tampered = token_a[:-2] + ("AA" if token_a[-2:] != "AA" else "BB")
    assert client.get(f"/t/{a.slug}/notifications/arret/{tampered}").status_code == 404
    assert client.get(f"/t/{a.slug}/notifications/arret/pas-un-jeton").status_code == 404
    assert client.get(f"/t/{a.slug}/notifications/arret/{token_b}").status_code == 404  # B's under A
    assert client.get(f"/t/{b.slug}/notifications/arret/{token_a}").status_code == 404
    forged = client.post(
        f"/t/{a.slug}/notifications/arret/{tampered}", data={"csrf_token": csrf_token(client)}
    )
    assert forged.status_code == 404
    with app.app_context(), context.scoped(b.tenant_id):
        assert mail.reminders_enabled(partner_b) is True
    with app.app_context(), context.scoped(a.tenant_id):
        assert mail.reminders_enabled(partner_a) is True


def test_set_reminders_keeps_one_row_per_user(app, two_tenants):
    a, _ = two_tenants
    partner = user_id(app, a.partner_email)
    with app.app_context(), context.scoped(a.tenant_id):
        mail.set_reminders(ACTOR, partner, False)
        mail.set_reminders(ACTOR, partner, False)
        preference = mail.set_reminders(ACTOR, partner, True)
        db.session.commit()
        assert preference.reminders_enabled is True
        rows = db.session.scalars(
            db.select(NotificationPreference).where(NotificationPreference.user_id == partner)
        ).all()
        assert len(rows) == 1 and rows[0].reminders_enabled is True
