"""The OpenAPI document is valid, and says what the API answers (decimals, nulls)."""

from __future__ import annotations

import re

from openapi_spec_validator import validate


def test_the_openapi_document_is_valid(client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises OpenAPIValidationError on the first fault


def test_decimals_are_declared_and_answered_as_strings(client, api, two_tenants):
    document = client.get("/api/openapi.json").json
    lot = document["components"]["schemas"]["Lot"]["properties"]
    assert lot["obligation_hours"]["type"] == ["string", "null"]
    assert lot["obligation_hours"]["format"] == "decimal"
    a, _ = two_tenants
    answer = api("GET", f"/api/v1/lots/{a.ids['lot_id']}").json
    assert answer["obligation_hours"] == "833.00"
    assert answer["labour_share"] == "0.5000"
    for name in ("amount_ht", "obligation_hours", "labour_share", "insertion_rate"):
        assert re.fullmatch(lot[name]["pattern"], answer[name]), (name, answer[name])
