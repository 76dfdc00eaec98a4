"""Rules of saas.participants against PostgreSQL: validity of prescriptions and eligibility
(including the per-tenant anchor on the first mission), proof types, the CV library, settings."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from saas import settings
from saas.audit.models import AuditEntry
from saas.db import db
from saas.errors import ValidationError
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.participants.enums import PrescriptionState
from tests.builders import place
from tests.fixtures import ACTOR

RSA = [("beneficiaire_rsa", "attestation_caf")]


def _participant(name: str = "Martin"):
    return participants.create(ACTOR, name, "Alex", date(1990, 5, 4), "M")


def _prescripteur():
    return partenaires.create(ACTOR, "France Travail Niort", "prescripteur", None, "france_travail")


def test_prescription_is_valid_two_months_minus_one_day_by_default(scope):
    prescription = participants.add_prescription(
        ACTOR, _participant(), _prescripteur().id, date(2025, 3, 15), "Fiche"
    )
    assert prescription.valid_until == date(2025, 5, 14)
    assert participants.prescription_state(prescription, date(2025, 5, 14)) == PrescriptionState.expiring
    assert participants.prescription_state(prescription, date(2025, 5, 15)) == PrescriptionState.expired
    assert participants.prescription_state(prescription, date(2025, 3, 20)) == PrescriptionState.valid


def test_prescription_validity_follows_the_tenant_setting(scope):
    settings.set_values(ACTOR, prescription_validity_months=3)
    prescription = participants.add_prescription(
        ACTOR, _participant(), _prescripteur().id, date(2025, 3, 15), None
    )
    assert prescription.valid_until == date(2025, 6, 14)


def test_prescription_needs_an_organisation_of_kind_prescripteur(scope):
    with pytest.raises(ValidationError) as refused:
        participants.add_prescription(ACTOR, _participant(), scope.employer_id, date(2025, 3, 15), None)
    assert refused.value.field == "prescripteur_id"


def test_eligibility_is_valid_24_months_from_the_validation(scope):
    participant = _participant()
    eligibility = participants.validate_eligibility(ACTOR, participant, RSA, date(2025, 1, 10))
    assert (eligibility.valid_from, eligibility.valid_until) == (date(2025, 1, 10), date(2027, 1, 9))
    assert participants.is_eligible_on(participant.id, date(2027, 1, 9))
    assert not participants.is_eligible_on(participant.id, date(2027, 1, 10))
    assert not participants.is_eligible_on(participant.id, date(2025, 1, 9))


def test_with_the_first_mission_anchor_the_window_opens_at_the_first_mission(scope):
    settings.set_values(ACTOR, eligibility_anchor="first_mission")
    participant = _participant()
    eligibility = participants.validate_eligibility(ACTOR, participant, RSA, date(2025, 1, 2))
    assert eligibility.valid_until is None  # open-ended until a mission starts
    assert participants.is_eligible_on(participant.id, date(2029, 6, 1))

    place(scope, participant.id, scope.lots[0], start_date=date(2025, 3, 3), end_date=date(2025, 9, 30))
    db.session.refresh(eligibility)
    assert eligibility.valid_until == date(2027, 3, 2)  # 24 months from the mission start
    assert participants.is_eligible_on(participant.id, date(2027, 3, 2))
    assert not participants.is_eligible_on(participant.id, date(2027, 3, 3))


def test_a_new_validation_counts_from_the_next_mission_not_an_earlier_one(scope):
    settings.set_values(ACTOR, eligibility_anchor="first_mission", eligibility_validity_months=12)
    participant = _participant()
    participants.validate_eligibility(ACTOR, participant, RSA, date(2025, 1, 2))
    place(scope, participant.id, scope.lots[0], start_date=date(2025, 2, 3), end_date=date(2025, 5, 30))
    again = participants.validate_eligibility(ACTOR, participant, RSA, date(2025, 6, 2))
    assert again.valid_until is None  # the February mission does not start its window
    place(scope, participant.id, scope.lots[0], start_date=date(2025, 10, 1), end_date=date(2025, 12, 19))
    db.session.refresh(again)
    assert (again.valid_from, again.valid_until) == (date(2025, 6, 2), date(2026, 9, 30))


def test_hours_before_the_validation_never_count_as_eligible(scope):
    settings.set_values(ACTOR, eligibility_anchor="first_mission")
    participant = _participant()
    eligibility = participants.validate_eligibility(ACTOR, participant, RSA, date(2025, 3, 10))
    place(
        scope,
        participant.id,
        scope.lots[0],
        start_date=date(2025, 3, 3),
        end_date=date(2025, 9, 30),
        override_reason="Démarrage avant la validation",
    )
    db.session.refresh(eligibility)
    assert eligibility.valid_from == date(2025, 3, 10) and eligibility.valid_until is None
    assert not participants.is_eligible_on(participant.id, date(2025, 3, 5))


def test_a_proof_type_the_criterion_does_not_accept_is_refused_in_french(scope):
    with pytest.raises(ValidationError) as refused:
        participants.validate_eligibility(ACTOR, _participant(), [("beneficiaire_rsa", "piece_identite")])
    assert refused.value.field == "criteria"
    assert (
        refused.value.message == "Indiquez un justificatif accepté pour le critère « Bénéficiaire du RSA »."
    )


def test_a_revoked_validation_no_longer_makes_the_person_eligible(scope):
    participant = _participant()
    eligibility = participants.validate_eligibility(ACTOR, participant, RSA, date(2025, 1, 10))
    participants.revoke_eligibility(ACTOR, eligibility, "Justificatif frauduleux")
    assert not participants.is_eligible_on(participant.id, date(2025, 2, 1))
    with pytest.raises(ValidationError):
        participants.revoke_eligibility(
            ACTOR, participants.validate_eligibility(ACTOR, participant, RSA), " "
        )


def test_a_profile_enters_the_library_only_once_validated_and_leaves_it_when_changed(scope):
    participant = _participant()

    def listed() -> bool:
        return participant.id in {
            row.participant_id for row in db.session.execute(participants.cv_library_query())
        }

    participants.save_profile(ACTOR, participant, ["f1703"])
    assert not listed()
    participants.validate_profile(ACTOR, participant)
    assert listed()
    profile = participants.save_profile(ACTOR, participant, ["F1703", "N1103"], skills="Coffrage")
    assert profile.rome_codes == ["F1703", "N1103"] and profile.validated_at is None
    assert not listed()


def test_an_unknown_rome_code_or_a_cv_of_another_type_is_refused(scope):
    participant = _participant()
    with pytest.raises(ValidationError) as refused:
        participants.save_profile(ACTOR, participant, ["Z9999"])
    assert refused.value.message == "Code ROME inconnu : Z9999."
    with pytest.raises(ValidationError) as refused:
        participants.save_profile(
            ACTOR, participant, ["F1703"], cv=("cv.exe", "application/x-msdownload", b"MZ")
        )
    assert refused.value.field == "cv"
    assert participants.profile_of(participant.id) is None


def test_the_identity_can_be_edited_with_empty_optional_fields(scope):
    participant = _participant()
    participants.update(ACTOR, participant, sex="", commune_insee=" 79191 ", qualification_level="")
    db.session.flush()
    identity = participants.identity_of(participant.id)
    assert identity.sex is None and identity.commune_insee == "79191"
    assert participant.qualification_level is None


def test_settings_are_checked_and_their_change_audited(scope):
    with pytest.raises(ValidationError) as refused:
        settings.set_values(ACTOR, prescription_validity_months=13)
    assert (
        refused.value.message
        == "La durée de validité d'une prescription doit être comprise entre 1 et 12 mois."
    )
    with pytest.raises(ValidationError):
        settings.set_values(ACTOR, eligibility_anchor="signature")
    settings.set_values(ACTOR, eligibility_validity_months=36)
    assert settings.get("eligibility_validity_months") == 36
    assert settings.get("prescription_validity_months") == 2  # the others keep their value
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "tenant.rule_settings_updated")
    ).one()
    assert entry.details["changements"]["eligibility_validity_months"] == {"avant": 24, "après": 36}
