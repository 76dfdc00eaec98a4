"""``mission_facts`` (migration ``b8e4f1a6d2c7``) follows every change of the keys a bilan groups a
mission by: after each kind of change made through the service, the table holds what
``mission_facts_refresh`` computes from the tables over every mission, and the key changed.

The keys themselves are stated against counts made by hand in ``test_bilans``."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

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
    # a validation of 2016: the one of 2025 is still the last before the first mission
    participants.validate_eligibility(
        ACTOR, _person(world), [("jeune_moins_26_ans", "piece_identite")], date(2016, 5, 2)
    )
    assert _facts(world.missions[0])["criteria"] == ["beneficiaire_rsa"]  # the last before the start
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
    # none was validated before the first mission, of 2015: the first after it, of 2016, is at entry
    assert _facts(world.missions[0])["criteria"] == ["jeune_moins_26_ans"]


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
    # no page deletes a prescription or an identity; the database still follows them
    db.session.execute(text("DELETE FROM prescriptions WHERE participant_id = :p"), {"p": person.id})
    assert (_facts(world.missions[0])["prescripteur_id"], _facts(world.missions[0])["prescriber_kind"]) == (
        0,
        "",
    )
    db.session.execute(text("DELETE FROM participant_identities WHERE participant_id = :p"), {"p": person.id})
    assert (_facts(world.missions[0])["sex"], _facts(world.missions[0])["age_band"]) == ("", "inconnu")


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
    mission = _mission(world)
    mission.end_date = date(2025, 3, 31)  # a CDD of 6 January to 31 March: under 3 months
    assert (_facts(mission.id)["until_date"], _facts(mission.id)["duration"]) == ("2025-03-31", "1_3_mois")
    cdi = place(world, _person(world).id, world.lots[1], "cdi", weekly_hours=Decimal(20))
    facts = _facts(cdi)
    assert (facts["duration"], facts["until_date"]) == ("sans_terme", "infinity")
    db.session.delete(db.session.get(Mission, (world.tenant_id, cdi)))
    db.session.flush()
    assert cdi not in {row["mission_id"] for row in _rows()}
    _facts(world.missions[0])


def _in_tenant(connection, tenant_id: int) -> None:
    connection.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})


@pytest.mark.committed  # two connections of its own write at the same time
def test_a_refresh_waits_for_a_concurrent_write_of_the_same_person(world, app_role_engine):
    """The identity is changed in one transaction; before it commits, another adds a prescription
    for the same person, whose refresh reads the keys: it waits, then reads the new identity."""
    prescriber = partenaires.create(ACTOR, "Mission Locale", "prescripteur", prescriber_kind="mission_locale")
    db.session.commit()
    person, tenant_id, prescriber_id = world.participants[0], world.tenant_id, prescriber.id
    with app_role_engine.connect() as first, app_role_engine.connect() as second:
        first.begin()
        _in_tenant(first, tenant_id)
        first.execute(
            text("UPDATE participant_identities SET sex = 'M' WHERE participant_id = :p"), {"p": person}
        )

        def prescribe() -> None:
            with second.begin():
                _in_tenant(second, tenant_id)
                second.execute(
                    text(
                        "INSERT INTO prescriptions (tenant_id, participant_id, prescripteur_id, prescribed_on, "
                        "valid_until) VALUES (:t, :p, :o, DATE '2025-01-03', DATE '2025-03-02')"
                    ),
                    {"t": tenant_id, "p": person, "o": prescriber_id},
                )

        other = threading.Thread(target=prescribe)
        other.start()
        other.join(0.5)
        assert other.is_alive(), "the prescription's refresh did not wait for the identity's transaction"
        first.commit()
        other.join(10)
    db.session.rollback()
    facts = _facts(world.missions[0])
    assert (facts["sex"], facts["prescripteur_id"]) == ("M", prescriber_id)


def test_a_mission_never_moves_to_another_lot(world):
    """Its hours are counted under its own lot: moved, they would pass for mutualised hours."""
    with pytest.raises(DBAPIError, match="never changes lot"), db.session.begin_nested():
        db.session.execute(
            text("UPDATE missions SET lot_id = :lot WHERE id = :m"),
            {"lot": world.lots[1], "m": world.missions[0]},
        )
