"""The JSON API is rate-limited per token (``API_RATE_LIMIT``): 429 in JSON with Retry-After."""

from __future__ import annotations

ORGANISATIONS = "/api/v1/organisations"


def test_a_token_past_its_budget_gets_a_429_json_with_retry_after(app, api, make_token, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    other = make_token("facilitateur")
    assert api("GET", ORGANISATIONS).status_code == 200
    assert api("POST", ORGANISATIONS, json={"name": "SIAE", "kind": "donneur_ordre"}).status_code == 201
    assert api("GET", "/api/v1/marches").status_code == 200  # one budget over every resource

    refused = api("GET", ORGANISATIONS)
    assert refused.status_code == 429
    assert refused.is_json and refused.json["code"] == 429
    assert "réessayez" in refused.json["message"]
    # the end of the one-minute window, rounded up to the second (never too early)
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert api("POST", ORGANISATIONS, json={"name": "Autre", "kind": "donneur_ordre"}).status_code == 429

    # another token of the same tenant has a budget of its own
    assert api("GET", ORGANISATIONS, token=other).status_code == 200
