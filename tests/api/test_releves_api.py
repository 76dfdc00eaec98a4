"""The hours ledger through the JSON API: a stale version answers 409, a correction is a new
statement, a read-only token cannot write."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from tests.api.clause_world import API, clause_setup, created


def test_a_stale_version_answers_409_and_changes_nothing(api):
    world = clause_setup(api)
    mission, start = world["mission"], world["start"]
    first = created(
        api, "/releves", {"mission_id": mission["id"], "month": start.isoformat(), "worked_hours": "70"}
    )
    # another client validates first: the version read by this one is now stale
    assert (
        api("POST", f"{API}/releves/{first['id']}/validation", json={"expected_version": 1}).status_code
        == 200
    )
    stale = api(
        "POST", f"{API}/releves/{first['id']}/rejet", json={"reason": "Doublon", "expected_version": 1}
    )
    assert stale.status_code == 409
    assert stale.json["code"] == 409
    assert stale.json["message"] == "Ce relevé a été modifié entre-temps : rechargez la page."
    assert api("GET", f"{API}/releves/{first['id']}").json["status"] == "validated"

    # a statement corrected in between: validating the version read is a conflict, not a 422
    second_month = (start + relativedelta(months=1)).isoformat()
    second = created(
        api, "/releves", {"mission_id": mission["id"], "month": second_month, "worked_hours": "70"}
    )
    correction = api(
        "POST",
        f"{API}/releves/{second['id']}/correction",
        json={"worked_hours": "72.5", "expected_version": 1},
    )
    assert correction.status_code == 201
    replaced = api("POST", f"{API}/releves/{second['id']}/validation", json={"expected_version": 1})
    assert replaced.status_code == 409 and "modifié entre-temps" in replaced.json["message"]
    without_version = api("POST", f"{API}/releves/{second['id']}/validation", json={})
    assert without_version.status_code == 422
    assert without_version.json["message"] == "Seul un relevé déclaré et en vigueur peut être validé."


def test_a_correction_is_a_new_statement_that_replaces_the_validated_one_once_validated(api):
    world = clause_setup(api)
    mission_id, lot_progress = world["mission"]["id"], f"{API}/lots/{world['lot']['id']}/avancement"
    statement = created(
        api, "/releves", {"mission_id": mission_id, "month": world["start"].isoformat(), "worked_hours": "70"}
    )
    assert api("POST", f"{API}/releves/{statement['id']}/validation", json={}).status_code == 200
    assert api("GET", lot_progress).json["counted"] == "52.50"  # 75 % of 70 h (mutualisation)

    corrected = api(
        "POST",
        f"{API}/releves/{statement['id']}/correction",
        json={"worked_hours": "84", "comment": "Avenant"},
    )
    assert corrected.status_code == 201
    new = corrected.json
    assert (new["supersedes_id"], new["status"], new["worked_hours"], new["source"]) == (
        statement["id"],
        "declared",
        "84.00",
        "api",
    )
    # until the correction is validated, the validated figure stays in force and counted
    old = api("GET", f"{API}/releves/{statement['id']}").json
    assert (old["superseded_at"], old["worked_hours"], old["status"]) == (None, "70.00", "validated")
    assert api("GET", lot_progress).json["counted"] == "52.50"

    assert api("POST", f"{API}/releves/{new['id']}/validation", json={}).status_code == 200
    old = api("GET", f"{API}/releves/{statement['id']}").json
    assert old["superseded_at"] is not None and old["worked_hours"] == "70.00"  # kept, not edited
    listed = api("GET", f"{API}/releves", query_string={"mission_id": mission_id}).json["items"]
    assert [s["id"] for s in listed] == [new["id"]]
    progress = api("GET", lot_progress).json
    assert (progress["counted"], progress["raw"]) == ("63.00", "84.00")  # never 70 + 84

    # the source of a statement declared through the API is "api", whatever the body says
    body = {"mission_id": mission_id, "month": "2025-01-01", "worked_hours": "1", "source": "import"}
    refused = api("POST", f"{API}/releves", json=body)
    assert refused.status_code == 422 and list(refused.json["errors"]["json"]) == ["source"]


def test_a_read_only_token_reads_but_cannot_write(two_tenants, api, make_token):
    a, _ = two_tenants
    reader = make_token("lecture")
    assert api("GET", f"{API}/releves/{a.ids['statement_id']}", token=reader).status_code == 200
    assert api("GET", f"{API}/lots/{a.ids['lot_id']}/avancement", token=reader).status_code == 200
    for url, body in (
        (f"{API}/releves/{a.ids['statement_id']}/rejet", {"reason": "Non"}),
        (f"{API}/missions", {}),
        (f"{API}/participants", {"last_name": "X", "first_name": "Y"}),
    ):
        response = api("POST", url, json=body, token=reader)
        assert response.status_code == 403, url
    assert api("GET", f"{API}/releves/{a.ids['statement_id']}").json["status"] == "validated"


def test_a_superseded_statement_no_longer_reports_a_current_counting(api):
    """Finding 9.2: once its correction is validated, the statement it replaced still answered
    ``counting.current: true`` with its counted hours, as if they still counted."""
    world = clause_setup(api)
    mission_id, lot_progress = world["mission"]["id"], f"{API}/lots/{world['lot']['id']}/avancement"
    first = created(
        api, "/releves", {"mission_id": mission_id, "month": world["start"].isoformat(), "worked_hours": "70"}
    )
    assert api("POST", f"{API}/releves/{first['id']}/validation", json={}).status_code == 200
    correction = created(api, f"/releves/{first['id']}/correction", {"worked_hours": "84"})
    assert api("POST", f"{API}/releves/{correction['id']}/validation", json={}).status_code == 200

    old = api("GET", f"{API}/releves/{first['id']}").json
    assert old["superseded_at"] is not None
    assert old["counting"]["current"] is False  # its last counting is kept, and says it no longer counts
    assert old["counting"]["allocations"] == []
    new = api("GET", f"{API}/releves/{correction['id']}").json
    assert (new["counting"]["current"], new["counting"]["counted_hours"]) == (True, "84.00")
    assert api("GET", lot_progress).json["counted"] == "63.00"  # 75 % of 84 h, never of 70 + 84


def test_hours_above_the_contract_need_confirm_over_contract_and_48_hours_a_week_are_refused(api):
    """Finding 9.1 through the API: the refusal names the field to send."""
    world = clause_setup(api)
    body = {"mission_id": world["mission"]["id"], "month": world["start"].isoformat(), "worked_hours": "700"}
    refused = api("POST", f"{API}/releves", json={**body, "confirm_over_contract": True})
    assert refused.status_code == 422 and list(refused.json["errors"]["json"]) == ["worked_hours"]
    assert "48 h par semaine" in refused.json["errors"]["json"]["worked_hours"][0]
    body["worked_hours"] = "180"
    unconfirmed = api("POST", f"{API}/releves", json=body)
    assert unconfirmed.status_code == 422
    assert list(unconfirmed.json["errors"]["json"]) == ["confirm_over_contract"]
    statement = created(api, "/releves", {**body, "confirm_over_contract": True})
    assert statement["worked_hours"] == "180.00" and "confirm_over_contract" not in statement
    # a correction goes through the same rule
    correction = api("POST", f"{API}/releves/{statement['id']}/correction", json={"worked_hours": "181"})
    assert list(correction.json["errors"]["json"]) == ["confirm_over_contract"]
