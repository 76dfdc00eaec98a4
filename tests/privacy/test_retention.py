"""The retention job: a person due is erased from every table while every aggregate stays exact;
the proofs, documents, access logs and files follow their own durations; a simulation waits for
the admin, and a person back in between is kept; the audit log changes in no other way."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from saas import clock
from saas import settings as rule_settings
from saas.audit.models import AuditEntry
from saas.bilans import api as bilans
from saas.bilans.models import Bilan
from saas.bilans.periods import Period
from saas.db import db
from saas.errors import ConflictError
from saas.federation import keys
from saas.heures.models import Allocation, ReleveJustificatif
from saas.participants import api as participants
from saas.participants.models import Identity, Participant
from saas.privacy import retention
from saas.privacy.models import RetentionRun, RunTrigger
from tests.builders import built_world, in_world, place
from tests.privacy.people import BIRTH_DATE, LAST_NAME, WRITTEN, followed_person, hits_of
from tests.world import ACTOR

YEAR = Period.of("annee", 2025)
#: four years on: every date of the 2025 missions is past every default duration
LATER = date(2029, 6, 1)


@pytest.fixture
def scope(app):
    with in_world(app, built_world(app, "conservation")) as world:
        world.ids = followed_person(world)  # type: ignore[attr-defined]
        db.session.flush()
        yield world


def _figures() -> dict:
    return bilans.compute("annuel", bilans.resolve_scope("territoire"), YEAR)


def _ledger() -> Decimal:
    return db.session.scalar(select(func.sum(Allocation.hours)))


def _facts() -> list:
    return list(db.session.execute(text("SELECT to_jsonb(f) FROM mission_facts f ORDER BY mission_id")))


def test_a_person_due_is_erased_everywhere_and_every_aggregate_stays_exact(scope, monkeypatch):
    saved = bilans.produce("annuel", "territoire", None, YEAR, ACTOR)
    saved_figures = json.loads(json.dumps(saved.figures))  # a copy: the row is read again after
    figures, facts, ledger = _figures(), _facts(), _ledger()
    identity = db.session.scalars(select(Identity).where(Identity.participant_id == scope.ids["due"])).one()
    secret = b"s" * 32
    sent_key = keys.person_key(
        secret, identity.last_name_folded.lower(), identity.first_name_folded.lower(), BIRTH_DATE
    )
    before = hits_of(LAST_NAME, BIRTH_DATE)
    assert before >= WRITTEN, WRITTEN - before  # the search finds each place she was written

    monkeypatch.setattr(clock, "today", lambda: LATER)
    simulated = retention.simulate(ACTOR, RunTrigger.administrateur)
    run = retention.apply(ACTOR, RunTrigger.administrateur, simulated)
    db.session.flush()

    assert run.counts == simulated.counts  # the simulation said what would go
    assert run.participant_ids == [scope.ids["due"]]  # the person at work is not due
    assert run.counts["personnes"] == 1 and run.rule["retention_months_after_contact"] == 24
    assert hits_of(LAST_NAME, BIRTH_DATE) == set()
    assert _figures() == figures and _facts() == facts and _ledger() == ledger
    assert Decimal(figures["totaux"]["heures"]) == ledger  # the ledger still reconciles with the bilan
    stored = db.session.execute(select(Bilan.figures).where(Bilan.id == saved.id)).scalar_one()
    assert stored == saved_figures  # the saved bilan reads the same
    again = bilans.produce("annuel", "territoire", None, YEAR, ACTOR)  # and produced again, the same
    assert json.loads(json.dumps(again.figures)) == saved_figures
    remaining = db.session.execute(
        text("SELECT last_name_folded, first_name_folded, birth_date FROM participant_identities")
    ).all()
    assert sent_key not in {
        keys.person_key(secret, last.lower(), first.lower(), born) for last, first, born in remaining if born
    }
    assert retention.kept_until(scope.ids["at_work"]) is None  # at work: kept while the mission runs
    kept = db.session.get(Participant, (scope.tenant_id, scope.ids["at_work"]))
    assert kept.anonymised_at is None and participants.identity_of(kept.id).birth_date is not None


def _read_long_ago(tenant_id: int, months: int, count: int) -> None:
    """Reads of the file ``months`` ago (the log is append-only: written with their date)."""
    for _ in range(count):
        db.session.execute(
            text(
                "INSERT INTO audit_log (tenant_id, action, target_type, target_id, occurred_at) "
                f"VALUES (:t, 'participant.file_read', 'participant', '1', now() - interval '{months} months')"
            ),
            {"t": tenant_id},
        )


def _actions() -> list[str]:
    return list(db.session.execute(select(AuditEntry.action)).scalars())


def test_proofs_access_logs_and_files_follow_their_own_durations(scope, monkeypatch):
    _read_long_ago(scope.tenant_id, 13, 3)
    before = _actions()
    fresh_reads = sum(action in retention.ACCESS_ACTIONS for action in before) - 3
    assert fresh_reads > 0
    rule_settings.set_values(ACTOR, retention_months_after_contact=60, proof_retention_months=12)
    monkeypatch.setattr(clock, "today", lambda: date(2028, 1, 1))

    people, _, counts = retention.survey(retention.rule(), clock.today())
    # the reads of 13 months ago go; those of today never: younger than the shortest duration
    assert people == [] and counts["justificatifs"] == 2 and counts["journaux"] == 3
    run = retention.apply(ACTOR, RunTrigger.administrateur)
    db.session.flush()

    assert run.counts == counts | {"personnes": 0}
    assert db.session.scalar(select(func.count()).select_from(ReleveJustificatif)) == 0
    after = _actions()
    assert sum(action in retention.ACCESS_ACTIONS for action in after) == fresh_reads
    # the rest of the log is kept, and two entries more say what was done
    assert len(after) == len(before) - 3 + 2  # the settings changed, the run applied
    assert db.session.execute(text("SELECT current_setting('guichet.retention', true)")).scalar() == "off"


def test_a_simulation_waits_for_the_admin_and_keeps_a_person_back_in_between(scope, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: LATER)
    proposal = retention.simulate(ACTOR, RunTrigger.planification)
    assert proposal.participant_ids == [scope.ids["due"]] and proposal.status == "proposee"
    assert participants.identity_of(scope.ids["due"]).last_name == LAST_NAME  # nothing erased yet

    person = db.session.get(Participant, (scope.tenant_id, scope.ids["due"]))
    participants.update(ACTOR, person, phone="06 00 00 00 01")  # the person came back: a contact today
    applied = retention.apply(ACTOR, RunTrigger.administrateur, proposal)
    assert applied.counts["personnes"] == 0 and applied.proposal_id == proposal.id
    assert participants.identity_of(scope.ids["due"]).last_name == LAST_NAME
    with pytest.raises(ConflictError):
        retention.apply(ACTOR, RunTrigger.administrateur, proposal)  # applied once only


def test_in_automatic_mode_the_monthly_run_applies_and_otherwise_it_proposes(scope, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: LATER)
    assert retention.run_scheduled(ACTOR).status == "proposee"
    rule_settings.set_values(ACTOR, retention_mode="automatique")
    applied = retention.run_scheduled(ACTOR)
    assert applied.status == "appliquee" and applied.participant_ids == [scope.ids["due"]]


def test_the_audit_log_stays_append_only_outside_the_retention_and_for_other_actions(scope):
    _read_long_ago(scope.tenant_id, 13, 1)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.created").limit(1)
    ).one()
    young = db.session.scalars(
        select(AuditEntry.id)
        .where(AuditEntry.action == "participant.file_read")
        .order_by(AuditEntry.occurred_at.desc())
    ).first()
    old = db.session.scalars(
        select(AuditEntry.id)
        .where(AuditEntry.action == "participant.file_read")
        .order_by(AuditEntry.occurred_at)
    ).first()
    refused = {
        "DELETE FROM audit_log WHERE id = :id": entry.id,  # no flag
        "UPDATE audit_log SET details = '{}'::jsonb WHERE id = :id": entry.id,
    }
    for statement, row_id in refused.items():
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement), {"id": row_id})
    db.session.execute(text("SELECT set_config('guichet.retention', 'on', true)"))
    refused = {
        "DELETE FROM audit_log WHERE id = :id": entry.id,  # not an access log
        "DELETE FROM audit_log WHERE id = :id ": young,  # an access log of today
        "UPDATE audit_log SET action = 'x' WHERE id = :id": entry.id,
        "UPDATE audit_log SET details = details || '{\"faux\": 1}'::jsonb WHERE id = :id": entry.id,
    }
    for statement, row_id in refused.items():
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement), {"id": row_id})
    # what the retention does: a key taken out, an old access log deleted
    db.session.execute(
        text("UPDATE audit_log SET details = details - 'reference' WHERE id = :id"), {"id": entry.id}
    )
    assert db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": old}).rowcount == 1
    # only the migration's list of access actions may go: the same as the code's
    guard = db.session.execute(
        text("SELECT prosrc FROM pg_proc WHERE proname = 'audit_log_append_only'")
    ).scalar()
    assert str(retention.ACCESS_ACTIONS) in guard


def test_a_person_placed_again_later_is_not_due(scope, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: LATER)
    place(
        scope, scope.ids["due"], scope.lots[0], start_date=date(2029, 5, 1), end_date=date(2029, 9, 30),
        override_reason="Éligibilité revue à l'entretien",
    )  # fmt: skip
    assert retention.due_people(retention.limits(retention.rule(), LATER)["personnes"]) == []
    assert retention.kept_until(scope.ids["due"]) == date(2031, 9, 30)  # 24 months after the new mission


def test_the_file_says_until_when_its_data_is_kept(scope):
    # her last contact: the file created today (after her 2025 mission), kept 24 months
    assert retention.kept_until(scope.ids["due"]) == clock.today() + relativedelta(months=24)


def test_a_confirmation_delivered_twice_applies_once(scope, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: LATER)
    proposal = retention.simulate(ACTOR, RunTrigger.administrateur)
    first = retention.perform("appliquer", proposal.id, ACTOR)
    again = retention.perform("appliquer", proposal.id, ACTOR)  # a duplicate delivery of the job
    assert again.id == first.id and first.counts["personnes"] == 1
    assert (
        db.session.scalar(select(func.count()).select_from(RetentionRun)) == 2
    )  # the simulation, one application


def test_a_simulation_left_a_month_is_applied_by_the_next_monthly_run(scope, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: LATER)
    waiting = retention.run_scheduled(ACTOR)
    assert waiting.status == "proposee" and participants.identity_of(scope.ids["due"]).last_name == LAST_NAME
    assert retention.run_scheduled(ACTOR).status == "proposee"  # a week later: it still waits (replaced)
    left = retention.waiting_proposal()
    now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(days=retention.UNREVIEWED_DAYS + 1))
    newer = retention.run_scheduled(ACTOR)
    db.session.flush()
    assert db.session.get(RetentionRun, (scope.tenant_id, left.id)).status == "appliquee"
    assert newer.status == "proposee" and newer.participant_ids == []  # she is gone: nothing left to list
    assert participants.identity_of(scope.ids["due"]).last_name == "Anonyme"


def test_new_durations_replace_the_simulation_made_under_the_old_ones(scope, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: LATER)
    proposal = retention.simulate(ACTOR, RunTrigger.administrateur)
    retention.set_durations(ACTOR, retention_months_after_contact=60)
    db.session.flush()
    db.session.refresh(proposal)
    assert proposal.status == "remplacee"
    again = retention.perform("appliquer", proposal.id, ACTOR)  # its confirmation, sent before: nothing done
    assert again.id == proposal.id and participants.identity_of(scope.ids["due"]).last_name == LAST_NAME
