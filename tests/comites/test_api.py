"""The JSON API of the committees: planning, holding with decisions, the registry, closing, PATCH
to change and cancel; every refusal answers 422 naming the field; another tenant's meeting is 404."""

from __future__ import annotations

from saas.db import db
from tenants import api as tenants_api
from tenants import context
from tests.comites.world import TODAY, Calendar, build_calendar, days

API = "/api/v1"


def _api(client, token, method, url, json=None, **kwargs):
    return client.open(
        f"{API}{url}", method=method, headers={"Authorization": f"Bearer {token}"}, json=json, **kwargs
    )


def _meeting_body(calendar: Calendar) -> dict:
    return {
        "kind": "comite_suivi",
        "title": "Comité de suivi (API)",
        "meeting_on": days(-65).isoformat(),
        "starts_at": "09:30",
        "convention_ids": [calendar.convention_id],
        "invited_ids": [calendar.guichet_id, calendar.departement_id],
    }


def _planning_refusals_name_the_field(client, token: str, body: dict, foreign_organisation_id: int) -> None:
    missing = _api(client, token, "POST", "/comites", {k: v for k, v in body.items() if k != "meeting_on"})
    assert missing.status_code == 422
    assert missing.json["errors"]["json"] == {"meeting_on": ["Ce champ est obligatoire."]}
    foreign = _api(client, token, "POST", "/comites", {**body, "invited_ids": [foreign_organisation_id]})
    assert foreign.status_code == 422 and list(foreign.json["errors"]["json"]) == ["invited_ids"]


def _plan(client, token: str, body: dict, calendar: Calendar) -> dict:
    created = _api(client, token, "POST", "/comites", body)
    assert created.status_code == 201, created.json
    meeting = created.json
    assert (meeting["status"], meeting["starts_at"], meeting["convention_ids"]) == (
        "planned",
        "09:30:00",
        [calendar.convention_id],
    )
    return meeting


def _hold_with_a_decision(client, token: str, meeting: dict, calendar: Calendar) -> None:
    def hold(body: dict):
        return _api(client, token, "POST", f"/comites/{meeting['id']}/tenue", body)

    not_invited = hold({"present": [{"organisation_id": calendar.outsider_id}]})
    assert not_invited.status_code == 422 and list(not_invited.json["errors"]["json"]) == ["present"]
    holding = hold(
        {
            "minutes": "Compte rendu",
            "present": [{"organisation_id": calendar.departement_id, "represented_by": "Mme Petit"}],
            "decisions": [
                {
                    "text": "Relancer l'entreprise",
                    "owner_id": calendar.guichet_id,
                    "due_on": days(-1).isoformat(),
                }
            ],
        },
    )
    assert holding.status_code == 200, holding.json
    assert holding.json["status"] == "held"
    assert [o["id"] for o in holding.json["held_occurrences"]] == [calendar.occurrences["s1"]]
    present = {p["organisation_id"]: p["represented_by"] for p in holding.json["attendees"] if p["present"]}
    assert present == {calendar.departement_id: "Mme Petit"}


def _decide_and_close(client, token: str, meeting: dict, calendar: Calendar) -> dict:
    """A second decision, the registry of overdue ones, a closing refused then done; the second."""
    second = _api(client, token, "POST", f"/comites/{meeting['id']}/decisions", {"text": "Préparer le bilan"})
    assert second.status_code == 201 and second.json["number"] == 2
    no_text = _api(
        client, token, "POST", f"/comites/{meeting['id']}/decisions", {"owner_id": calendar.guichet_id}
    )
    assert no_text.status_code == 422 and list(no_text.json["errors"]["json"]) == ["text"]
    overdue = _api(client, token, "GET", "/decisions", query_string={"overdue": "true"}).json["items"]
    assert [(d["number"], d["text"], d["overdue"]) for d in overdue if d["meeting_id"] == meeting["id"]] == [
        (1, "Relancer l'entreprise", True)
    ]
    closing = _api(client, token, "POST", f"/decisions/{overdue[0]['id']}/cloture", {"status": "done"})
    assert closing.status_code == 422 and list(closing.json["errors"]["json"]) == ["done_on"]
    closing = _api(
        client,
        token,
        "POST",
        f"/decisions/{overdue[0]['id']}/cloture",
        {"status": "done", "done_on": TODAY.isoformat()},
    )
    assert closing.status_code == 200 and closing.json["status"] == "done"
    return second.json


def _plan_change_and_cancel_through_patch(client, token: str) -> None:
    planned = _api(
        client, token, "POST", "/comites", {"kind": "comite_pilotage", "meeting_on": days(20).isoformat()}
    )
    assert planned.status_code == 201 and planned.json["title"] == "Comité de pilotage"
    url = f"/comites/{planned.json['id']}"
    changed = _api(client, token, "PATCH", url, {"title": "Copil annuel", "place": "Préfecture"})
    assert (changed.status_code, changed.json["title"], changed.json["place"]) == (
        200,
        "Copil annuel",
        "Préfecture",
    )
    bad_kind = _api(client, token, "PATCH", url, {"kind": "assemblee"})
    assert bad_kind.status_code == 422 and list(bad_kind.json["errors"]["json"]) == ["kind"]
    cancelled = _api(client, token, "PATCH", url, {"status": "cancelled", "reason": "Reportée"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert _api(client, token, "PATCH", url, {"status": "planned"}).status_code == 422


def test_api_create_hold_decide_and_422_naming_the_field(app, client, two_tenants):
    a, b = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        tenants_api.enter_tenant(a.tenant_id, None)
        calendar = build_calendar(suivi_dues=(-60, 120))
        db.session.commit()
        db.session.remove()
    token = a.api_token
    body = _meeting_body(calendar)
    _planning_refusals_name_the_field(client, token, body, b.ids["organisation_id"])
    meeting = _plan(client, token, body, calendar)
    _hold_with_a_decision(client, token, meeting, calendar)
    second = _decide_and_close(client, token, meeting, calendar)

    cancelled = _api(client, token, "PATCH", f"/comites/{second['meeting_id']}", {"status": "cancelled"})
    assert cancelled.status_code == 422  # it has decisions
    listed = _api(
        client, token, "GET", "/comites", query_string={"convention_id": calendar.convention_id}
    ).json
    assert [m["id"] for m in listed["items"]] == [meeting["id"]]
    other = _api(client, b.api_token, "GET", f"/comites/{meeting['id']}")
    assert other.status_code == 404

    # a meeting planned, changed, then cancelled through PATCH
    _plan_change_and_cancel_through_patch(client, token)
