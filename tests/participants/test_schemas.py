"""The JSON shapes load into the api's keyword arguments and dump what the pages show."""

from __future__ import annotations

from datetime import date

import marshmallow
import pytest

from blueprints.api.participants import present_eligibility
from saas.participants import api as participants
from saas.participants.schemas import CvProfileSchema, EligibilitySchema, ParticipantSchema
from tests.fixtures import ACTOR

RSA = [("beneficiaire_rsa", "attestation_caf")]


def test_eligibility_loads_as_criterion_and_proof_pairs_and_dumps_its_criteria(scope):
    loaded = EligibilitySchema().load(
        {
            "criteria": [{"code": "beneficiaire_rsa", "proof_type": "attestation_caf"}],
            "validated_on": "2025-01-10",
        }
    )
    assert loaded == {"criteria": RSA, "validated_on": date(2025, 1, 10)}
    participant = participants.create(ACTOR, "Martin", "Alex")
    eligibility = participants.validate_eligibility(ACTOR, participant, **loaded)
    dumped = EligibilitySchema().dump(present_eligibility(eligibility))
    assert dumped["criteria"] == [{"code": "beneficiaire_rsa", "proof_type": "attestation_caf"}]
    assert dumped["valid_until"] == "2027-01-09"


def test_participant_dumps_its_identity_only_when_given_it(scope):
    participant = participants.create(ACTOR, "Martin", "Alex", birth_date=date(1990, 5, 4))
    without = ParticipantSchema().dump(participant)
    assert without["reference"] == participant.reference and "last_name" not in without
    with_identity = ParticipantSchema().dump((participant, participants.read_file(ACTOR, participant)))
    assert with_identity["last_name"] == "Martin" and with_identity["birth_date"] == "1990-05-04"


def test_schemas_answer_in_french():
    with pytest.raises(marshmallow.ValidationError) as refused:
        ParticipantSchema().load({"first_name": "Alex", "sex": "Z"})
    assert refused.value.messages["last_name"] == ["Ce champ est obligatoire."]
    assert CvProfileSchema().load({"rome_codes": ["F1703"], "mobility_radius_km": 20}) == {
        "rome_codes": ["F1703"],
        "mobility_radius_km": 20,
    }
