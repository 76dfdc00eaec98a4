"""The JSON shapes of the ledger take the api's parameter names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from inspect import signature

import marshmallow
import pytest

from saas.heures.schemas import CountingRuleSchema, MutualisationAgreementSchema, ReleveSchema
from saas.parcours.api import place
from saas.parcours.schemas import MissionSchema


def test_an_agreement_loads_its_member_lots_as_the_pairs_create_agreement_takes():
    data = MutualisationAgreementSchema().load(
        {
            "name": "Ville et Département",
            "valid_from": "2025-01-01",
            "allocation_key": "explicit",
            "member_lots": [{"lot_id": 3, "share": "0.4"}, {"lot_id": 5, "share": "0.6"}],
        }
    )
    assert data["member_lots"] == [(3, Decimal("0.4")), (5, Decimal("0.6"))]
    assert data["valid_from"] == date(2025, 1, 1)


def test_unknown_values_are_refused_in_french():
    with pytest.raises(marshmallow.ValidationError) as error:
        ReleveSchema().load({"mission_id": 1, "month": "2025-01-01", "worked_hours": "x"})
    assert error.value.messages == {"worked_hours": ["Un nombre décimal est attendu."]}
    with pytest.raises(marshmallow.ValidationError) as error:
        CountingRuleSchema().load({"rounding": "sideways"})
    assert "rounding" in error.value.messages


def test_a_mission_loads_the_keywords_of_place():
    data = MissionSchema().load(
        {
            "participant_id": 1,
            "employer_id": 2,
            "lot_id": 3,
            "modality": "embauche_directe",
            "contract_type": "cdd",
            "start_date": "2025-01-06",
            "end_date": "2025-07-05",
            "weekly_hours": "35",
        }
    )
    assert set(data) <= set(signature(place).parameters)
