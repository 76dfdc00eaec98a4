"""The bilans in the JSON API: produced and saved, read back as they were, their changes; bad input
answers 422 naming the field; the figures reconcile with the progress the API gives."""

from __future__ import annotations

from rq import Queue, SimpleWorker

from saas import clock

API = "/api/v1"


def _request(two_tenants, **fields) -> dict:
    a, _ = two_tenants
    return {
        "kind": "execution",
        "scope_kind": "donneur_ordre",
        "scope_key": str(a.ids["donneur_ordre_id"]),
        "period_kind": "annee",
        "year": clock.today().year,
        **fields,
    }


def test_a_bilan_is_produced_saved_and_read_back_through_the_api(two_tenants, api):
    a, _ = two_tenants
    made = api("POST", f"{API}/bilans", json=_request(two_tenants))
    assert made.status_code == 201, made.json
    bilan = made.json
    assert (bilan["kind"], bilan["kind_label"]) == ("execution", "Bilan d'exécution de la clause")
    assert bilan["scope_label"] == "Ville a" and bilan["period_start"] == f"{clock.today().year}-01-01"
    totals = bilan["figures"]["totaux"]
    progress = api("GET", f"{API}/donneurs-ordre/{a.ids['donneur_ordre_id']}/avancement").json
    # the year holds every statement of the buyer's lots: the bilan's counted hours since the
    # start and the obligation are the progress's
    assert (totals["heures_cumulees"], totals["obligation"]) == (progress["counted"], progress["obligation"])
    assert "lot" in bilan["figures"]["tables"] and bilan["rule_versions"]
    again = api("GET", f"{API}/bilans/{bilan['id']}").json
    assert again["figures"] == bilan["figures"]
    listed = api("GET", f"{API}/bilans").json
    assert listed["items"][0]["id"] == bilan["id"] and "figures" not in listed["items"][0]
    changes = api("GET", f"{API}/bilans/{bilan['id']}/ecarts").json
    assert changes["items"] == []


def test_bad_requests_name_their_field(two_tenants, api):
    a, _ = two_tenants
    cases = [
        ({"kind": "inconnu"}, "kind"),
        ({"scope_kind": "employeur", "scope_key": str(a.ids["organisation_id"])}, "scope"),
        ({"scope_key": "999999999"}, "scope"),
        ({"year": 1850}, "year"),
        ({"period_kind": "dates", "year": None, "start": "2026-05-01", "end": None}, "end"),
        ({"year": "deux mille"}, "year"),
    ]
    before = api("GET", f"{API}/bilans").json["total"]
    for fields, field in cases:
        answer = api("POST", f"{API}/bilans", json=_request(two_tenants, **fields))
        assert answer.status_code == 422, fields
        assert list(answer.json["errors"]["json"]) == [field], (fields, answer.json)
    assert api("GET", f"{API}/bilans").json["total"] == before  # nothing written


def test_a_bilan_of_several_years_is_produced_by_a_worker_and_followed_through_the_api(
    two_tenants, api, redis
):
    _, b = two_tenants
    several = _request(two_tenants, period_kind="dates", year=None, start="2020-01-01", end="2025-12-31")
    refused = api("POST", f"{API}/bilans", json=several)
    assert refused.status_code == 422 and list(refused.json["errors"]["json"]) == ["end"]
    asked = api("POST", f"{API}/bilans/productions", json=several)
    assert asked.status_code == 202, asked.json
    production = asked.json
    assert (production["status"], production["bilan_id"]) == ("pending", None)
    assert production["status_label"] == "En attente"
    SimpleWorker([Queue("exports", connection=redis)], connection=redis).work(burst=True)
    done = api("GET", f"{API}/bilans/productions/{production['id']}").json
    assert (done["status"], done["progress"]) == ("finished", 100)
    bilan = api("GET", f"{API}/bilans/{done['bilan_id']}").json
    assert (bilan["period_start"], bilan["period_end"]) == ("2020-01-01", "2025-12-31")
    # another tenant's token does not see the production; a bad scope is refused before any run
    assert api("GET", f"{API}/bilans/productions/{production['id']}", token=b.api_token).status_code == 404
    wrong = api("POST", f"{API}/bilans/productions", json={**several, "scope_key": "999999999"})
    assert wrong.status_code == 422 and list(wrong.json["errors"]["json"]) == ["scope"]
