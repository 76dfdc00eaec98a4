"""Reminders: e-mail to the responsible party before a due date and when late, sent by the daily
job, never twice for the same occurrence, stoppable per user with the preference kept."""

from __future__ import annotations

from datetime import date

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from saas import clock
from saas.accounts import api as accounts
from saas.accounts import memberships
from saas.conventions import api as conventions
from saas.conventions import reminders, repository, seeds
from saas.conventions.models import Reminder
from saas.db import db
from saas.jobs.models import JobRun
from saas.mail import api as mail
from saas.mail.models import OutgoingMail
from tests.conventions.world import in_tenant, seed_world
from tests.fixtures import ACTOR, make_user
from workers.daily import plan_daily_runs


@pytest.fixture
def world(app):
    with app.app_context():
        built = seed_world()
        with in_tenant(built.tenant_id):
            o = built.orgs
            for email, role, org in (
                ("yanis@gip.fr", "partenaire", o["gip"]),
                ("ines@gip.fr", "partenaire", o["gip"]),
                ("sophie@agglo.fr", "facilitateur", None),
                ("claire@siae.fr", "partenaire", o["siae"]),
            ):
                make_user(email, email.split("@")[0].capitalize())
                memberships.invite_member(ACTOR, email, email.split("@")[0].capitalize(), role, org)
            db.session.commit()
        db.session.remove()
    with app.app_context():
        yield built


def mails(to: str | None = None) -> list[OutgoingMail]:
    query = select(OutgoingMail).order_by(OutgoingMail.id)
    if to:
        query = query.where(OutgoingMail.to_address == to)
    return list(db.session.scalars(query))


def convention_000(o: dict[str, int]):
    """Seed 000 signed for 2021, starting on 4 January 2021."""
    return conventions.create(
        ACTOR, seeds.seed_000(o["agglo"], o["gip"], o["region"], o["cd52"], 2021, date(2021, 1, 4))
    )


def test_a_reminder_before_the_due_date_goes_once_to_each_person_of_the_party(world, today):
    o = world.orgs
    today.set(date(2021, 3, 25))
    with in_tenant(world.tenant_id):
        convention_000(o)
        first = reminders.run_daily(date(2021, 3, 25))
        # the quarterly review of 31 March is within 7 days: both GIP people are reminded
        assert first["rappels avant échéance"] == 2
        (to_yanis,) = mails("yanis@gip.fr")
        assert to_yanis.subject.startswith("Rappel : Réunion trimestrielle")
        assert "31/03/2021" in to_yanis.body and "ACC-2021" in to_yanis.body
        assert "/notifications/arret/" in to_yanis.body
        assert mails("sophie@agglo.fr") == []  # the guichet is not the responsible party here
        again = reminders.run_daily(date(2021, 3, 26))
        assert again["rappels avant échéance"] == 0
        assert len(mails("yanis@gip.fr")) == 1
        db.session.commit()


def test_a_late_reminder_goes_once_and_not_for_what_was_received(world, today):
    o = world.orgs
    today.set(date(2021, 4, 2))
    with in_tenant(world.tenant_id):
        convention = convention_000(o)
        sent = reminders.run_daily(date(2021, 4, 2))
        assert sent["rappels de retard"] == 2  # the review of 31 March was not held
        today.set(date(2021, 4, 9))
        assert reminders.run_daily(date(2021, 4, 9))["rappels de retard"] == 0
        assert (
            db.session.scalar(select(func.count()).select_from(Reminder).where(Reminder.kind == "late")) == 2
        )
        # a comité de suivi received before its reminder window gets no reminder at all
        june = [
            row
            for row in repository.occurrences_of(convention.id)
            if row.due_on == date(2021, 6, 30) and row.received_on is None
        ]
        for row in june:
            conventions.record_receipt(ACTOR, row, date(2021, 4, 9))
        today.set(date(2021, 6, 28))
        reminders.run_daily(date(2021, 6, 28))
        assert not [m for m in mails() if "30/06/2021" in m.subject]
        db.session.commit()


def test_a_person_who_stops_reminders_gets_none_and_the_choice_is_kept(world, today):
    o = world.orgs
    today.set(date(2021, 3, 25))
    with in_tenant(world.tenant_id):
        convention_000(o)
        ines = accounts.user_by_email("ines@gip.fr")
        mail.set_reminders(ACTOR, ines.id, False)
        db.session.commit()
        reminders.run_daily(date(2021, 3, 25))
        assert mails("ines@gip.fr") == []
        assert len(mails("yanis@gip.fr")) == 1
        assert mail.reminders_enabled(ines.id) is False  # kept for the next days
        reminders.run_daily(date(2021, 4, 2))
        assert mails("ines@gip.fr") == []
        db.session.commit()


def test_the_guichets_own_obligations_go_to_the_facilitateurs(world, today):
    """Seed 002: the CAN (the guichet) sends the table of people in parcours every semester."""
    o = world.orgs
    today.set(date(2023, 9, 10))
    with in_tenant(world.tenant_id):
        conventions.create(ACTOR, seeds.seed_002(o["can"], o["siae"], o["ddets"], date(2023, 3, 15), "2023"))
        reminders.run_daily(date(2023, 9, 10))
        subjects = [m.subject for m in mails("sophie@agglo.fr")]
        assert any("Tableau des salariés en parcours" in s and "14/09/2023" in s for s in subjects)
        # and the statements of the 10th go to the placement structure, not to the guichet
        assert any("le 10 de chaque mois" in m.subject for m in mails("claire@siae.fr"))
        assert not any("le 10 de chaque mois" in s for s in subjects)
        db.session.commit()


def test_the_daily_run_is_asked_once_a_day_and_the_worker_renews_and_reminds(world, app, redis):
    o = world.orgs
    today = clock.today()
    with in_tenant(world.tenant_id):
        convention = conventions.create(
            ACTOR,
            seeds.seed_002(o["can"], o["siae"], o["ddets"], today.replace(year=today.year - 2), "J"),
        )
        convention_id = convention.id
        db.session.commit()
    assert plan_daily_runs() >= 1
    assert plan_daily_runs() == 0  # the same day: nothing more is asked
    SimpleWorker([Queue("default", connection=redis)], connection=redis).work(burst=True)
    with in_tenant(world.tenant_id):
        (run,) = db.session.scalars(select(JobRun).where(JobRun.kind == "conventions_daily")).all()
        assert run.status == "finished"
        assert run.result["reconductions"] == 2
        assert [r.period_no for r in conventions.renewals_of(convention_id)] == [2, 3]
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) > 0


def test_the_daily_command_does_the_day_of_every_tenant_once(world, app):
    o = world.orgs
    with in_tenant(world.tenant_id):
        conventions.create(ACTOR, seeds.seed_002(o["can"], o["siae"], o["ddets"], date(2023, 3, 15), "2023"))
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["conventions", "quotidien", "--date", "2023-09-10"])
    assert first.exit_code == 0, first.output
    assert "conventions : " in first.output and "rappels avant échéance" in first.output
    with in_tenant(world.tenant_id):
        sent = db.session.scalar(select(func.count()).select_from(OutgoingMail))
        assert sent > 0
    again = runner.invoke(args=["conventions", "quotidien", "--date", "2023-09-10"])
    assert again.exit_code == 0
    with in_tenant(world.tenant_id):
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == sent


def test_admins_hear_of_the_last_day_to_object_once(world, today):
    """004: the renewal is tacit unless a party objects 3 months before the annual term."""
    o = world.orgs
    today.set(date(2026, 9, 10))
    with in_tenant(world.tenant_id):
        make_user("admin@accm.fr", "Admin")
        memberships.invite_member(ACTOR, "admin@accm.fr", "Admin", "tenant_admin")
        conventions.create(ACTOR, seeds.seed_004(o["accm"], o["ccvba"], date(2026, 1, 1), "A"))
        assert reminders.run_daily(date(2026, 8, 20))["alertes de dénonciation"] == 0  # 41 days ahead
        assert reminders.run_daily(date(2026, 9, 10))["alertes de dénonciation"] == 1
        assert reminders.run_daily(date(2026, 9, 11))["alertes de dénonciation"] == 0
        (sent,) = mails("admin@accm.fr")
        assert "30/09/2026" in sent.subject and "31/12/2026" in sent.body
