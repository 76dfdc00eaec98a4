"""The clause execution core through the JSON API only: a marché and its lots, a participant made
eligible and placed, twelve monthly statements declared and validated, a mutualisation between two
donneurs d'ordre, and the progress of each lot, marché and donneur d'ordre."""

from __future__ import annotations

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from saas import clock
from tests.api.clause_world import API, RSA, clause_setup, created


def test_a_clause_is_executed_end_to_end_through_the_api(api):
    world = clause_setup(api)
    _the_world_as_created(api, world)
    _twelve_statements_validated(api, world)
    _validated_statements_listed(api, world)
    _lot_progress_follows_the_mutualisation(api, world)
    _marche_and_donneur_ordre_progress(api, world)
    _the_ended_mission_in_the_listings(api, world)


def _the_world_as_created(api, world: dict) -> None:
    """The formula lot: 1 000 000 x 50 % x 5 % / 30 EUR (the tenant's dated cost) = 833.33 -> 833 h."""
    start, lot, roads_lot, mission = world["start"], world["lot"], world["roads_lot"], world["mission"]
    assert lot["obligation_hours"] == "833.00"
    assert lot["obligation_inputs"]["mode"] == "formula"
    assert lot["obligation_inputs"]["hourly_cost"]["source"] == "table"
    assert lot["obligation_inputs"]["hourly_cost"]["amount"] == "30.00"
    assert api("GET", f"{API}/lots/{lot['id']}").json["obligation_hours"] == "833.00"
    assert roads_lot["obligation_hours"] == "400.00"
    assert world["eligibility"]["criteria"] == RSA
    assert (
        world["eligibility"]["valid_until"]
        == (start + relativedelta(months=24) - timedelta(days=1)).isoformat()
    )
    assert mission["eligibility_override"] is False
    assert world["agreement"]["member_lots"] == [
        {"lot_id": lot["id"], "share": "0.7500"},
        {"lot_id": roads_lot["id"], "share": "0.2500"},
    ]


def _twelve_statements_validated(api, world: dict) -> None:
    """Twelve monthly statements of 100 h, each counted and shared 75 / 25 as it is validated."""
    start, lot, roads_lot, mission = world["start"], world["lot"], world["roads_lot"], world["mission"]
    for index in range(12):
        month = (start + relativedelta(months=index)).isoformat()
        statement = created(
            api, "/releves", {"mission_id": mission["id"], "month": month, "worked_hours": "100"}
        )
        assert (statement["status"], statement["source"], statement["counting"]) == ("declared", "api", None)
        validated = api(
            "POST",
            f"{API}/releves/{statement['id']}/validation",
            json={"expected_version": statement["row_version"]},
        )
        assert validated.status_code == 200, validated.json
        assert validated.json["status"] == "validated"
        assert validated.json["row_version"] == statement["row_version"] + 1
        counting = validated.json["counting"]
        assert (counting["raw_hours"], counting["counted_hours"]) == ("100.00", "100.00")
        assert sorted((a["lot_id"], a["hours"]) for a in counting["allocations"]) == [
            (lot["id"], "75.00"),
            (roads_lot["id"], "25.00"),
        ]


def _validated_statements_listed(api, world: dict) -> None:
    """The twelve validated statements, the latest month first, each with its current counting."""
    start, mission = world["start"], world["mission"]
    statements = api(
        "GET", f"{API}/releves", query_string={"mission_id": mission["id"], "status": "validated"}
    ).json
    assert statements["total"] == 12
    assert statements["items"][0]["month"] == (start + relativedelta(months=11)).isoformat()
    detail = api("GET", f"{API}/releves/{statements['items'][0]['id']}").json
    assert detail["counting"]["current"] is True and detail["counting"]["detail"]["eligible"] is True


def _lot_progress_follows_the_mutualisation(api, world: dict) -> None:
    """Counted hours follow the mutualisation (900 / 300); raw hours stay on the mission's lot."""
    lot, roads_lot = world["lot"], world["roads_lot"]
    lot_progress = api("GET", f"{API}/lots/{lot['id']}/avancement").json
    assert lot_progress == {
        "key": lot["id"],
        "label": "Lot 1 — 2025-NIORT-GYM",
        "obligation": "833.00",
        "counted": "900.00",
        "raw": "1200.00",
        "remaining": "0.00",
        "rate": "1.0804",
        "people": 1,
        "contracts": 1,
    }
    roads_progress = api("GET", f"{API}/lots/{roads_lot['id']}/avancement").json
    assert (roads_progress["obligation"], roads_progress["counted"], roads_progress["raw"]) == (
        "400.00",
        "300.00",
        "0.00",
    )
    assert (roads_progress["rate"], roads_progress["remaining"], roads_progress["people"]) == (
        "0.7500",
        "100.00",
        0,
    )


def _marche_and_donneur_ordre_progress(api, world: dict) -> None:
    """The marché's progress, and each donneur d'ordre's with the hours mutualised to it."""
    marche_progress = api("GET", f"{API}/marches/{world['marche']['id']}/avancement").json
    assert (marche_progress["label"], marche_progress["counted"], marche_progress["people"]) == (
        "2025-NIORT-GYM",
        "900.00",
        1,
    )
    for buyer, label, counted in (
        (world["ville"], "Ville de Niort", "900.00"),
        (world["cd79"], "Département des Deux-Sèvres", "300.00"),
    ):
        progress = api("GET", f"{API}/donneurs-ordre/{buyer}/avancement").json
        assert (progress["label"], progress["counted"]) == (label, counted)
        assert set(progress) == {
            "key",
            "label",
            "obligation",
            "counted",
            "raw",
            "remaining",
            "rate",
            "people",
            "contracts",
        }


def _the_ended_mission_in_the_listings(api, world: dict) -> None:
    """The mission ended last month: listed by participant and lot, not among the missions under way."""
    mission, roads_lot = world["mission"], world["roads_lot"]

    def mission_ids(**filters):
        return [m["id"] for m in api("GET", f"{API}/missions", query_string=filters).json["items"]]

    assert mission_ids(participant_id=world["participant"]["id"]) == [mission["id"]]
    assert mission_ids(lot_id=roads_lot["id"]) == []
    assert mission["id"] not in mission_ids(active="true")
    assert mission["id"] in mission_ids(active="false")


def test_progress_of_an_organisation_that_is_not_a_donneur_ordre_is_refused(two_tenants, api):
    a, _ = two_tenants
    response = api("GET", f"{API}/donneurs-ordre/{a.ids['organisation_id']}/avancement")
    assert response.status_code == 422
    assert "n'est pas un donneur d'ordre" in response.json["message"]


def test_domain_errors_name_the_field_of_the_body(api):
    world = clause_setup(api)
    missing_share = api(
        "POST",
        f"{API}/marches/{world['marche']['id']}/lots",
        json={"number": "2", "object": "Second œuvre", "amount_ht": "50000", "obligation_mode": "formula"},
    )
    assert missing_share.status_code == 422
    assert list(missing_share.json["errors"]["json"]) == ["labour_share"]
    assert "part de main-d'œuvre" in missing_share.json["errors"]["json"]["labour_share"][0]

    one_lot = api(
        "POST",
        f"{API}/mutualisations",
        json={
            "name": "Seule",
            "valid_from": "2025-01-01",
            "allocation_key": "pro_rata",
            "member_lots": [{"lot_id": world["lot"]["id"]}],
        },
    )
    assert one_lot.status_code == 422 and list(one_lot.json["errors"]["json"]) == ["member_lots"]

    statement = created(
        api,
        "/releves",
        {"mission_id": world["mission"]["id"], "month": world["start"].isoformat(), "worked_hours": "80"},
    )
    blank = api("POST", f"{API}/releves/{statement['id']}/rejet", json={"reason": "  "})
    assert blank.status_code == 422 and list(blank.json["errors"]["json"]) == ["reason"]

    exit_ = api(
        "POST",
        f"{API}/missions/{world['mission']['id']}/sortie",
        json={"exit_date": clock.today().isoformat(), "motif": "inconnu"},
    )
    assert exit_.status_code == 422 and list(exit_.json["errors"]["json"]) == ["motif"]


def test_placing_a_participant_without_eligibility_needs_an_override_reason(api):
    world = clause_setup(api)
    newcomer = created(api, "/participants", {"last_name": "Petit", "first_name": "Noé"})
    placement = {
        "participant_id": newcomer["id"],
        "employer_id": world["company"],
        "lot_id": world["lot"]["id"],
        "modality": "embauche_directe",
        "contract_type": "cdi",
        "start_date": clock.today().isoformat(),
        "weekly_hours": "35",
    }
    refused = api("POST", f"{API}/missions", json=placement)
    assert refused.status_code == 422
    assert "éligibilité" in refused.json["errors"]["json"]["override_reason"][0]
    assert api("GET", f"{API}/missions", query_string={"participant_id": newcomer["id"]}).json["total"] == 0

    placed = created(api, "/missions", {**placement, "override_reason": "Dérogation du facilitateur : DELD"})
    assert placed["eligibility_override"] is True
    follow_ups = api("GET", f"{API}/missions/{placed['id']}/suivis").json["items"]
    assert follow_ups and {f["state"] for f in follow_ups} <= {"planned", "overdue"}
    done = api(
        "POST",
        f"{API}/suivis/{follow_ups[0]['id']}",
        json={"done_on": clock.today().isoformat(), "kind": "visite", "notes": "Accueil sur le chantier"},
    )
    assert done.status_code == 200 and done.json["state"] == "done"


def test_openapi_document_describes_the_statement_conflicts_and_the_participant_summary(client):
    document = client.get("/api/openapi.json").json
    for action in ("validation", "rejet", "correction"):
        conflict = document["paths"][f"/api/v1/releves/{{statement_id}}/{action}"]["post"]["responses"]["409"]
        assert "expected_version" in conflict["description"]
    participants_page = document["components"]["schemas"]["ParticipantSummary"]["properties"]
    assert "last_name" not in participants_page and "reference" in participants_page
