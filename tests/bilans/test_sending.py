"""Scheduled bilans: the period each sending covers, one sending per schedule and period through
the worker, a schedule stopped by its recipient, a donneur d'ordre that receives only the bilans of
its own marchés, and the guichet's page."""

from __future__ import annotations

import html
import io
from datetime import date

import openpyxl
import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from saas import clock
from saas.accounts import memberships
from saas.bilans import sending
from saas.bilans.models import BilanSchedule, BilanSending
from saas.db import db
from saas.errors import ValidationError
from saas.jobs.models import JobRun
from saas.mail import api as mail
from saas.mail.models import OutgoingMail
from tenants.models import TenantMembership
from tests.conventions.world import in_tenant
from tests.fixtures import ACTOR, csrf_token, login
from workers.daily import plan_daily_runs


@pytest.mark.parametrize(
    ("cadence", "day", "label"),
    [
        ("mensuel", date(2026, 12, 1), "novembre 2026"),
        ("mensuel", date(2026, 1, 15), "décembre 2025"),
        ("semestriel", date(2026, 7, 1), "1er semestre 2026"),
        ("semestriel", date(2026, 3, 10), "2e semestre 2025"),
        ("annuel", date(2026, 1, 2), "Année 2025"),
    ],
)
def test_each_sending_covers_the_period_just_ended(cadence, day, label):
    assert sending.period_before(cadence, day).label == label


def _sent(app, tenant_id: int) -> list[BilanSending]:
    with app.app_context(), in_tenant(tenant_id):
        return list(db.session.scalars(select(BilanSending)))


def test_the_worker_sends_each_scheduled_bilan_once_per_period(two_tenants, app, redis):
    a, _ = two_tenants
    with app.app_context(), in_tenant(a.tenant_id):  # a yearly one beside the fixture's monthly one
        monthly = db.session.get(BilanSchedule, (a.tenant_id, a.ids["schedule_id"]))
        yearly = sending.create_schedule(
            ACTOR, "consolidation", "marche", a.ids["marche_id"], "annuel", monthly.recipient_id
        )
        yearly_id = yearly.id
        db.session.commit()
    assert plan_daily_runs() >= 2  # each tenant's day
    assert plan_daily_runs() == 0  # the same day: nothing more is asked
    SimpleWorker([Queue("default", connection=redis)], connection=redis).work(burst=True)
    with app.app_context(), in_tenant(a.tenant_id):
        run = db.session.scalars(select(JobRun).where(JobRun.kind == "bilans_envois")).one()
        assert run.status == "finished"
        assert run.result == {
            "bilans envoyés": 1,
            "déjà envoyés": 1,
            "impossibles": 0,
        }  # last month's went with the fixture
        (sent,) = db.session.scalars(select(BilanSending).where(BilanSending.schedule_id == yearly_id)).all()
        message = db.session.get(OutgoingMail, (a.tenant_id, sent.mail_id))
        assert message.to_address == a.buyer_email
        assert message.subject.startswith("Bilan : Tableau de consolidation des heures")
        assert f"/t/{a.slug}/acheteur/bilans/{sent.bilan_id}" in message.body  # in the buyer's space
        assert sent.period_start == date(clock.today().year - 1, 1, 1)
        assert sending.run_due(clock.today(), a.slug, "Territoire A") == {
            "bilans envoyés": 0,
            "déjà envoyés": 2,
            "impossibles": 0,
        }
        bilan_mails = select(func.count()).select_from(OutgoingMail).where(OutgoingMail.category == "bilan")
        assert db.session.scalar(bilan_mails) == 2
        db.session.rollback()


def test_the_recipient_stops_a_schedule_and_nothing_more_is_sent(two_tenants, app, client):
    a, _ = two_tenants
    login(client, a.buyer_email)
    page = client.get(f"/t/{a.slug}/acheteur/bilans/").get_data(as_text=True)
    assert "Ne plus recevoir" in page
    url = f"/t/{a.slug}/acheteur/envois/{a.ids['schedule_id']}/arret"
    token = csrf_token(client, f"/t/{a.slug}/acheteur/bilans/")
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert "arrêté le" in html.unescape(client.get(f"/t/{a.slug}/acheteur/bilans/").get_data(as_text=True))
    with app.app_context(), in_tenant(a.tenant_id):
        assert sending.run_due(clock.today(), a.slug, "Territoire A") == {
            "bilans envoyés": 0,
            "déjà envoyés": 0,
            "impossibles": 0,
        }
        db.session.rollback()
    assert len(_sent(app, a.tenant_id)) == 1  # the fixture's, before the stop


def test_a_buyer_receives_only_the_bilans_of_its_own_marches(two_tenants, app):
    a, _ = two_tenants
    with app.app_context(), in_tenant(a.tenant_id):
        schedule = db.session.get(BilanSchedule, (a.tenant_id, a.ids["schedule_id"]))
        for kind, scope_kind, key in (
            ("execution", "marche", a.ids["other_marche_id"]),  # the Département's marché
            ("annuel", "territoire", None),  # people counted by criterion: not for a buyer
        ):
            with pytest.raises(ValidationError) as refused:
                sending.create_schedule(ACTOR, kind, scope_kind, key, "mensuel", schedule.recipient_id)
            assert refused.value.field == "recipient_id"
        own = sending.create_schedule(
            ACTOR, "consolidation", "marche", a.ids["marche_id"], "annuel", schedule.recipient_id
        )
        assert own.scope_label.startswith("M-A")
        db.session.rollback()


def test_the_guichet_programs_a_sending_and_sees_the_archive(two_tenants, app, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/bilans/envois"
    page = html.unescape(client.get(url).get_data(as_text=True))
    assert "Bilans programmés" in page and "Chaque mois (le mois écoulé)" in page
    assert f'value="marche:{a.ids["marche_id"]}"' in page  # every marché is offered
    with app.app_context(), in_tenant(a.tenant_id):
        recipient = db.session.get(BilanSchedule, (a.tenant_id, a.ids["schedule_id"])).recipient_id
    fields = {
        "csrf_token": csrf_token(client, url),
        "kind": "execution",
        "scope": f"marche:{a.ids['marche_id']}",
        "cadence": "semestriel",
        "recipient_id": str(recipient),
    }
    assert client.post(url, data=fields).status_code == 302
    refused = client.post(url, data={**fields, "scope": f"marche:{a.ids['other_marche_id']}"})
    assert refused.status_code == 422
    assert "ses propres marchés" in html.unescape(refused.get_data(as_text=True))
    with app.app_context(), in_tenant(a.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(BilanSchedule)) == 2
        db.session.rollback()


def test_a_schedule_whose_scope_is_gone_spoils_no_other(two_tenants, app):
    a, _ = two_tenants
    with app.app_context(), in_tenant(a.tenant_id):
        monthly = db.session.get(BilanSchedule, (a.tenant_id, a.ids["schedule_id"]))
        gone = sending.create_schedule(
            ACTOR, "execution", "marche", a.ids["marche_id"], "annuel", monthly.recipient_id
        )
        kept = sending.create_schedule(
            ACTOR, "consolidation", "marche", a.ids["marche_id"], "annuel", monthly.recipient_id
        )
        gone.scope_key = "999999999"  # as if the marché had been removed since
        db.session.flush()
        result = sending.run_due(clock.today(), a.slug, "Territoire A")
        assert result == {"bilans envoyés": 1, "déjà envoyés": 1, "impossibles": 1}
        sent = {e.schedule_id for e in db.session.scalars(select(BilanSending))}
        assert kept.id in sent and gone.id not in sent
        db.session.rollback()


def test_a_partner_structure_receives_the_bilan_of_its_own_people_as_an_attached_workbook(
    two_tenants, app, client
):
    a, _ = two_tenants
    siae = a.ids["organisation_id"]
    with app.app_context(), in_tenant(a.tenant_id):
        partner = next(m for m in memberships.memberships_in_scope() if m.user.email == a.partner_email)
        for kind, scope_kind, key in (
            ("parcours", "employeur", a.ids["donneur_ordre_id"]),  # another structure's people
            (
                "execution",
                "marche",
                a.ids["marche_id"],
            ),  # a marché's execution: the guichet's and its buyer's
            ("annuel", "employeur", siae),  # criteria per person: not for a structure
        ):
            with pytest.raises(ValidationError) as refused:
                sending.create_schedule(ACTOR, kind, scope_kind, key, "semestriel", partner.user_id)
            assert refused.value.field == "recipient_id"
        schedule = sending.create_schedule(
            ACTOR, "parcours", "employeur", siae, "semestriel", partner.user_id
        )
        assert sending.run_due(clock.today(), a.slug, "Territoire A")["bilans envoyés"] == 1
        sent = db.session.scalars(select(BilanSending).where(BilanSending.schedule_id == schedule.id)).one()
        message = db.session.get(OutgoingMail, (a.tenant_id, sent.mail_id))
        assert message.to_address == a.partner_email
        assert "joint à ce message" in message.body and "/t/" not in message.body  # no space to link to
        (attached,) = mail.attachments_of(message.id)
        assert attached.filename.endswith(".xlsx") and attached.size == len(attached.content)
        workbook = openpyxl.load_workbook(io.BytesIO(attached.content))
        assert "Personnes en parcours" in workbook.sheetnames
        smtp = mail._message(message)  # what the SMTP backend sends
        assert [part.filename for part in smtp.attachments] == [attached.filename]
        mail_id, attachment_id, filename = message.id, attached.id, attached.filename
        db.session.commit()
    login(client, a.admin_email)  # the tenant's mailbox shows the file and gives it back
    page = client.get(f"/t/{a.slug}/admin/boite-d-envoi/{mail_id}").get_data(as_text=True)
    assert "Pièces jointes" in page and filename in page
    download = client.get(f"/t/{a.slug}/admin/boite-d-envoi/{mail_id}/pieces-jointes/{attachment_id}")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert client.get(f"/t/{a.slug}/admin/boite-d-envoi/{mail_id}/pieces-jointes/999999").status_code == 404


def test_a_recipient_moved_to_another_organisation_receives_nothing_more(two_tenants, app):
    a, _ = two_tenants
    siae = a.ids["organisation_id"]
    with app.app_context(), in_tenant(a.tenant_id):
        partner = next(m for m in memberships.memberships_in_scope() if m.user.email == a.partner_email)
        sending.create_schedule(ACTOR, "consolidation", "employeur", siae, "annuel", partner.user_id)
        membership = db.session.get(TenantMembership, (a.tenant_id, a.ids["membership_partenaire"]))
        membership.organisation_id = a.ids["donneur_ordre_id"]  # now a referent of the buyer
        db.session.flush()
        done = sending.run_due(clock.today(), a.slug, "Territoire A")
        assert done["impossibles"] == 1  # checked again at the sending: the SIAE's people are not its
        to_partner = (
            select(func.count()).select_from(OutgoingMail).where(OutgoingMail.to_address == a.partner_email)
        )
        assert db.session.scalar(to_partner) == 0
        db.session.rollback()
