"""The demo: six territories modelled on the seeds (three of them members of the Seine-Saint-Denis
federation), every role, idempotent."""

from __future__ import annotations

from datetime import date

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import text

from saas import clock
from saas.audit import api as audit
from saas.db import db
from saas.demo import batches
from saas.demo import privacy as demo_privacy
from saas.demo import year as demo_year
from saas.demo.territories import DEMO_PASSWORD, TERRITORIES, load_demo
from saas.demo.year import YearSize
from saas.federation import api as federation
from saas.parcours.enums import Modality
from saas.privacy import retention
from tenants import api as tenants_api
from tenants import context
from tests.fixtures import login
from workers.daily import plan_daily_runs

#: smaller than the command's default (a few hundred people per territory), same shape.
SIZE = YearSize(participants=40, marches=3)


def test_demo_loads_six_territories_with_every_role_and_is_idempotent(app, client_factory, superuser_engine):
    with app.app_context():
        logins = load_demo(YearSize(participants=0, marches=1))  # the year is tested below
        again = load_demo(SIZE)
    assert sorted(logins) == sorted(again)
    roles = {role for _, role, _ in logins}
    assert roles == {
        "tenant_admin",
        "facilitateur",
        "partenaire",
        "donneur_ordre",
        "coordinateur",
        "operateur",
    }
    with superuser_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tenants")).scalar_one() == len(TERRITORIES) == 6
        members_93 = (
            conn.execute(
                text(
                    "SELECT t.slug FROM tenant_federations tf JOIN tenants t ON t.id = tf.tenant_id "
                    "JOIN federations f ON f.id = tf.federation_id WHERE f.code = '93'"
                )
            )
            .scalars()
            .all()
        )
    assert sorted(members_93) == ["est-ensemble", "plaine-commune", "rosny-sous-bois"]
    for space, role, email in logins:
        assert login(client_factory(), email, DEMO_PASSWORD).status_code == 302, (space, role)


YEAR_FIGURES = """
SELECT t.slug,
       (SELECT count(*) FROM marches m WHERE m.tenant_id = t.id AND NOT EXISTS (SELECT 1 FROM lots l
           JOIN handed_lots h ON h.tenant_id = l.tenant_id AND h.lot_id = l.id
           WHERE l.tenant_id = m.tenant_id AND l.marche_id = m.id)) AS marches,
       (SELECT count(DISTINCT l.obligation_mode) FROM lots l WHERE l.tenant_id = t.id) AS modes,
       (SELECT count(*) FROM participants p WHERE p.tenant_id = t.id) AS participants,
       (SELECT count(DISTINCT m.modality) FROM missions m WHERE m.tenant_id = t.id) AS modalities,
       (SELECT count(DISTINCT s.month) FROM hour_statements s WHERE s.tenant_id = t.id) AS months,
       (SELECT count(*) FROM hour_statements s WHERE s.tenant_id = t.id AND s.supersedes_id IS NOT NULL)
           AS corrections,
       (SELECT count(*) FROM hour_statements s WHERE s.tenant_id = t.id AND s.status = 'rejected') AS rejections,
       (SELECT count(*) FROM hour_statements s WHERE s.tenant_id = t.id AND s.status = 'declared'
           AND s.superseded_at IS NULL) AS awaiting,
       (SELECT count(*) FROM mutualisation_agreements a WHERE a.tenant_id = t.id) AS agreements,
       (SELECT count(*) FROM hour_allocations a WHERE a.tenant_id = t.id AND a.agreement_id IS NOT NULL)
           AS mutualised,
       (SELECT count(*) FROM missions m WHERE m.tenant_id = t.id AND m.eligibility_override) AS overrides
  FROM tenants t ORDER BY t.slug
"""


def test_demo_fills_each_territory_with_a_year_of_clause_execution(app, superuser_engine):
    with app.app_context():
        load_demo(SIZE)
    with superuser_engine.connect() as conn:
        rows = conn.execute(text(YEAR_FIGURES)).mappings().all()
    assert len(rows) == len(TERRITORIES)
    for row in rows:
        assert row["marches"] == SIZE.marches, row
        assert row["modes"] >= 3, row
        assert row["participants"] == SIZE.participants + demo_privacy.OLD_CANDIDATES, row
        assert row["modalities"] == len(Modality), row
        assert row["months"] == 12, row
        assert row["corrections"] >= 1 and row["rejections"] >= 1 and row["awaiting"] >= 1, row
        assert row["agreements"] == 1 and row["mutualised"] >= 1, row
        assert row["overrides"] >= 1, row


class Interrupted(Exception):
    """What stops a load halfway (Ctrl+C, a killed process): nothing after it is committed."""


LOAD_STATE = """
SELECT t.slug,
       (SELECT count(*) FROM participants p WHERE p.tenant_id = t.id) AS participants,
       (SELECT count(*) FROM lots l WHERE l.tenant_id = t.id) AS lots,
       (SELECT count(*) FROM organisations o WHERE o.tenant_id = t.id) AS organisations,
       (SELECT count(*) FROM audit_log a WHERE a.tenant_id = t.id AND a.action = 'demo.loaded') AS loaded
  FROM tenants t ORDER BY t.slug
"""


def _load_state(superuser_engine) -> dict[str, dict]:
    with superuser_engine.connect() as conn:
        return {row["slug"]: dict(row) for row in conn.execute(text(LOAD_STATE)).mappings()}


def test_the_demo_commits_in_batches_and_the_next_load_finishes_an_interrupted_one(
    app, superuser_engine, monkeypatch
):
    monkeypatch.setattr(batches, "BATCH", 10)
    place_one = demo_year._participant_year

    def interrupted_at_the_26th(actor, rng, orgs, lots, communes, index, *args):
        if index == 25:
            raise Interrupted
        place_one(actor, rng, orgs, lots, communes, index, *args)

    monkeypatch.setattr(demo_year, "_participant_year", interrupted_at_the_26th)
    with app.app_context():
        with pytest.raises(Interrupted):
            load_demo(SIZE)
        db.session.rollback()
        db.session.remove()  # the process is gone; a new one starts
    first = "saint-dizier"
    state = _load_state(superuser_engine)
    assert len(state) == len(TERRITORIES) and all(row["organisations"] > 0 for row in state.values()), (
        state
    )  # accounts first
    assert state[first]["participants"] == 20, state  # the first territory halfway: two batches stayed
    assert state[first]["lots"] >= SIZE.marches and state[first]["loaded"] == 0, state
    assert all(row["participants"] == row["loaded"] == 0 for slug, row in state.items() if slug != first), (
        state
    )

    monkeypatch.setattr(demo_year, "_participant_year", place_one)
    with app.app_context():
        load_demo(SIZE)
        lots = _load_state(superuser_engine)[first]["lots"]
        load_demo(SIZE)  # loaded to the end: left alone
    state = _load_state(superuser_engine)
    assert len(state) == len(TERRITORIES)
    for slug, row in state.items():
        assert (
            row["participants"] == SIZE.participants + demo_privacy.OLD_CANDIDATES and row["loaded"] == 1
        ), (slug, row)
    assert state[first]["lots"] == lots, state  # the marchés were not created twice
    with superuser_engine.connect() as conn:
        rows = conn.execute(text(YEAR_FIGURES)).mappings().all()
    resumed = next(row for row in rows if row["slug"] == first)
    assert resumed["months"] == 12 and resumed["corrections"] >= 1 and resumed["awaiting"] >= 1, resumed
    assert resumed["agreements"] == 1 and resumed["mutualised"] >= 1, resumed


def test_the_accounts_load_first_and_alone(app, client_factory, superuser_engine):
    with app.app_context():
        logins = load_demo(SIZE, years=False)
    state = _load_state(superuser_engine)
    assert len(state) == len(TERRITORIES) and len(logins) == len(TERRITORIES) * 4 + 2, (state, logins)
    assert all(row["participants"] == row["lots"] == row["loaded"] == 0 for row in state.values()), state
    for space, role, email in logins:
        assert login(client_factory(), email, DEMO_PASSWORD).status_code == 302, (space, role)


def test_an_interruption_before_the_first_batch_is_redone_cleanly(app, superuser_engine, monkeypatch):
    def interrupted(*args, **kwargs):
        raise Interrupted

    monkeypatch.setattr(demo_year, "_agreement_and_rules", interrupted)  # the last step of the set-up
    with app.app_context():
        with pytest.raises(Interrupted):
            load_demo(SIZE)
        db.session.rollback()
        db.session.remove()
    state = _load_state(superuser_engine)["saint-dizier"]
    assert state["lots"] == 0 and state["participants"] == 0 and state["organisations"] > 0, state
    monkeypatch.undo()
    with app.app_context():
        load_demo(SIZE)
    for slug, row in _load_state(superuser_engine).items():
        assert (
            row["participants"] == SIZE.participants + demo_privacy.OLD_CANDIDATES and row["loaded"] == 1
        ), (slug, row)


def test_the_demo_federation_receives_its_members_reports_through_the_worker(app, redis, superuser_engine):
    with app.app_context():
        load_demo(SIZE)
    with superuser_engine.connect() as conn:
        waiting = conn.execute(
            text("SELECT count(*) FROM outgoing_reports WHERE status = 'a_envoyer'")
        ).scalar_one()
    assert waiting == 3 * 13  # each member: twelve months and last year
    with superuser_engine.connect() as conn:  # the Département's lots, by commune
        handed = conn.execute(text("SELECT count(*) FROM handed_lots")).scalar_one()
        unassigned = conn.execute(
            text("SELECT count(*) FROM federation_lots WHERE assigned_slug IS NULL")
        ).scalar_one()
        posts = conn.execute(text("SELECT count(*) FROM facilitator_posts")).scalar_one()
    assert (handed, unassigned, posts) == (3, 1, 3)
    SimpleWorker([Queue("default", connection=redis)], connection=redis).work(burst=True)
    with app.app_context():
        federation_id = tenants_api.federation_by_code("93").id
        db.session.remove()  # the federation's scope applies from the next transaction
        with context.scoped(None, federation_id=federation_id):
            found = federation.consolidate(federation_id, "annee", date(clock.today().year - 1, 1, 1))
            db.session.remove()
    assert sorted(found.reports) == ["est-ensemble", "plaine-commune", "rosny-sous-bois"]
    people = sum(r.summary["personnes"]["nombre"] for r in found.reports.values())
    assert found.distinct_people is not None and 0 < found.distinct_people < people  # the shared ones once
    with app.app_context():
        load_demo(SIZE)  # again: nothing changed, no new version
    with superuser_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outgoing_reports")).scalar_one() == 3 * 13


PORTAL_FIGURES = """
SELECT t.slug,
       (SELECT count(*) FROM participants p JOIN organisations o ON o.tenant_id = p.tenant_id
           AND o.id = p.referent_organisation_id WHERE p.tenant_id = t.id) AS followed,
       (SELECT count(*) FROM accompaniment_entries e WHERE e.tenant_id = t.id) AS interviews,
       (SELECT count(*) FROM weekly_reports w WHERE w.tenant_id = t.id) AS weekly,
       (SELECT bool_and(m.organisation_admin) FROM tenant_memberships m WHERE m.tenant_id = t.id
           AND m.role = 'partenaire') AS partners_invite
  FROM tenants t ORDER BY t.slug
"""


def test_the_demo_partners_find_their_portal_filled(app, client_factory, superuser_engine):
    """The Mission Locales accompany people (an interview noted), the employers with a user sent
    their weekly word, every partner user may invite colleagues; the SIAE's user of Niort finds
    the missions of the month to declare."""
    with app.app_context():
        load_demo(SIZE)
    with superuser_engine.connect() as conn:
        rows = {row["slug"]: row for row in conn.execute(text(PORTAL_FIGURES)).mappings()}
    for slug in ("saint-dizier", "est-ensemble"):
        assert rows[slug]["followed"] >= 10 and rows[slug]["interviews"] >= 1, rows[slug]
    assert rows["niortais"]["weekly"] >= 1
    assert all(row["partners_invite"] for row in rows.values())
    siae = client_factory()
    assert login(siae, "partenaire.niortais@guichet-demo.fr", DEMO_PASSWORD).status_code == 302
    page = siae.get("/t/niortais/portail/declaration").get_data(as_text=True)
    assert "Transmettre la déclaration au guichet" in page


RETENTION_FIGURES = """
SELECT t.slug,
       (SELECT count(*) FROM participants p WHERE p.tenant_id = t.id AND p.anonymised_at IS NOT NULL) AS anonymised,
       (SELECT count(*) FROM participant_identities i JOIN participants p ON p.tenant_id = i.tenant_id
           AND p.id = i.participant_id WHERE i.tenant_id = t.id AND p.anonymised_at IS NOT NULL
           AND (i.birth_date IS NOT NULL OR i.phone IS NOT NULL OR i.last_name <> 'Anonyme')) AS left_over,
       (SELECT count(*) FROM privacy_requests r WHERE r.tenant_id = t.id AND r.status = 'ouverte') AS waiting
  FROM tenants t ORDER BY t.slug
"""


def test_the_demo_retention_runs_through_the_worker_and_anonymises_the_old_files(
    app, redis, superuser_engine
):
    """The monthly run of each territory lists its old candidates (mode « confirmation »); the admin
    confirms one territory's list, and the worker anonymises them."""
    with app.app_context():
        load_demo(SIZE)
        asked = plan_daily_runs()
    assert asked > 0
    SimpleWorker([Queue("default", connection=redis)], connection=redis).work(burst=True)
    with app.app_context():
        tenant = tenants_api.tenant_by_slug("niortais")
        db.session.remove()  # the tenant's scope applies from the next transaction
        with context.scoped(tenant.id):
            proposal = next(run for run in retention.recent() if run.status == "proposee")
            assert proposal.counts["personnes"] == demo_privacy.OLD_CANDIDATES
            retention.request("appliquer", audit.Actor(email="admin"), proposal.id)
            db.session.commit()
    SimpleWorker([Queue("default", connection=redis)], connection=redis).work(burst=True)
    with superuser_engine.connect() as conn:
        rows = {row["slug"]: row for row in conn.execute(text(RETENTION_FIGURES)).mappings()}
    assert (
        rows["niortais"]["anonymised"] == demo_privacy.OLD_CANDIDATES and rows["niortais"]["left_over"] == 0
    )
    assert rows["saint-dizier"]["anonymised"] == 0  # its list waits for its admin
    assert all(row["waiting"] == 1 for row in rows.values())  # an access request in each territory
