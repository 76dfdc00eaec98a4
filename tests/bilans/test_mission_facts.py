"""``mission_facts`` (migration ``b8e4f1a6d2c7``) follows every change of the keys a bilan groups a
mission by: after each kind of change made through the service, the table holds what
``mission_facts_refresh`` computes from the tables over every mission, and the key changed.

The keys themselves are stated against counts made by hand in ``test_bilans``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from saas.db import db
from saas.marches import api as marches
from saas.marches.models import Lot, Marche
from saas.parcours import api as parcours
from saas.parcours.models import Mission
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.participants.models import Eligibility, Participant
from tests.builders import built_world, in_world, place
from tests.fixtures import ACTOR

#: as JSON: a mission without an end runs until ``infinity``, a date Python does not hold
_FACTS = text("SELECT to_jsonb(f) - 'id' FROM mission_facts f ORDER BY mission_id")
_REFRESH_ALL = text("SELECT mission_facts_refresh(array_agg(tenant_id), array_agg(id)) FROM missions")


def _rows() -> list[dict]:
    return list(db.session.scalars(_FACTS))


def _facts(mission_id: int) -> dict:
    db.session.flush()
    kept = _rows()
    with db.session.begin_nested() as savepoint:  # the refresh is undone: it must not mend the table
        db.session.execute(_REFRESH_ALL)
        assert _rows() == kept, "mission_facts is stale"
        savepoint.rollback()
    return next(row for row in kept if row["mission_id"] == mission_id)


@pytest.fixture
def world(app):
    world = built_world(app, "faits")
    with in_world(app, world):
        person = participants.create(ACTOR, "Martin", "Camille", birth_date=date(1990, 5, 4), sex="F")
        participants.validate_eligibility(
            ACTOR, person, [("beneficiaire_rsa", "attestation_caf")], date(2025, 1, 2)
        )
        world.participants = [person.id]
        world.missions = [place(world, person.id, world.lots[0], "cdd")]
        db.session.commit()
    with in_world(app, world):
        yield world


def _person(world) -> Participant:
    return db.session.get(Participant, (world.tenant_id, world.participants[0]))


def _mission(world) -> Mission:
    return db.session.get(Mission, (world.tenant_id, world.missions[0]))


def test_a_placement_brings_its_keys_and_an_earlier_one_moves_the_age_at_entry(world):
    facts = _facts(world.missions[0])
    assert (facts["age_band"], facts["sex"], facts["contract_type"], facts["criteria"]) == (
        "26_49",
        "F",
        "cdd",
        ["beneficiaire_rsa"],
    )
    assert facts["until_date"] == "2025-12-31"
    place(
        world,
        _person(world).id,
        world.lots[1],
        "cdd",
        start_date=date(2015, 3, 2),
        end_date=date(2015, 9, 30),
        override_reason="Placée avant la validation",
    )
    assert _facts(world.missions[0])["age_band"] == "moins_26"  # 24 at the first mission
    # the eligibility of 2025 came after the first mission of 2015: still the one at entry
    assert _facts(world.missions[0])["criteria"] == ["beneficiaire_rsa"]


def test_the_identity_the_level_and_the_prescription_follow(world):
    person = _person(world)
    participants.update(ACTOR, person, sex="M", birth_date=date(1970, 1, 1))
    assert (_facts(world.missions[0])["sex"], _facts(world.missions[0])["age_band"]) == ("M", "50_plus")
    participants.update(ACTOR, person, qualification_level="niveau_3")
    assert _facts(world.missions[0])["level"] == "niveau_3"
    assert _facts(world.missions[0])["prescripteur_id"] == 0
    prescriber = partenaires.create(ACTOR, "Mission Locale", "prescripteur", prescriber_kind="mission_locale")
    participants.add_prescription(ACTOR, person, prescriber.id, date(2025, 1, 3), None)
    facts = _facts(world.missions[0])
    assert (facts["prescripteur_id"], facts["prescriber_kind"]) == (prescriber.id, "mission_locale")
    partenaires.update(ACTOR, prescriber, prescriber_kind="france_travail")
    assert _facts(world.missions[0])["prescriber_kind"] == "france_travail"


def test_the_eligibility_at_entry_follows_a_validation_and_a_revocation(world):
    person = _person(world)
    later = participants.validate_eligibility(
        ACTOR, person, [("jeune_moins_26_ans", "piece_identite")], date(2025, 1, 5)
    )
    assert _facts(world.missions[0])["criteria"] == ["jeune_moins_26_ans"]  # the last before the start
    participants.revoke_eligibility(ACTOR, later, "Erreur de saisie")
    assert _facts(world.missions[0])["criteria"] == ["beneficiaire_rsa"]
    first = db.session.scalars(select(Eligibility).where(Eligibility.revoked_at.is_(None))).one()
    participants.revoke_eligibility(ACTOR, first, "Erreur de saisie")
    assert _facts(world.missions[0])["criteria"] == []


def test_the_employer_the_sector_and_the_exit_follow(world):
    employer = partenaires.get(world.employer_id)
    partenaires.update(ACTOR, employer, kind="siae_ei")
    assert _facts(world.missions[0])["employer_kind"] == "siae_ei"
    marche = db.session.get(Marche, (world.tenant_id, world.marches[0]))
    marches.update_marche(ACTOR, marche, {"sector": "batiment_gros_oeuvre"})
    assert _facts(world.missions[0])["sector"] == "batiment_gros_oeuvre"
    # no page moves a lot to another marché; the database still follows it
    lot = db.session.get(Lot, (world.tenant_id, world.lots[0]))
    lot.marche_id, lot.number = world.marches[1], 99
    assert _facts(world.missions[0])["sector"] == ""
    parcours.record_exit(ACTOR, _mission(world), date(2025, 9, 30), "cdi_non_aide")
    facts = _facts(world.missions[0])
    assert (facts["exit_date"], facts["until_date"], facts["exit_category"]) == (
        "2025-09-30",
        "2025-09-30",
        "emploi_durable",
    )


def test_a_mission_without_an_end_runs_until_infinity_and_a_deleted_one_leaves(world):
    cdi = place(world, _person(world).id, world.lots[1], "cdi", weekly_hours=Decimal(20))
    facts = _facts(cdi)
    assert (facts["duration"], facts["until_date"]) == ("sans_terme", "infinity")
    db.session.delete(db.session.get(Mission, (world.tenant_id, cdi)))
    db.session.flush()
    assert cdi not in {row["mission_id"] for row in _rows()}
    _facts(world.missions[0])
