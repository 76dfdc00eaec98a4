"""The partner API: a token bound to one organisation reads that organisation's missions (with
the names its payroll software matches) and statements, sends a month all or nothing, and opens
nothing else; a line naming another structure's mission is refused and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from saas import clock
from saas.accounts import tokens
from saas.db import db
from saas.errors import ValidationError
from saas.heures.models import Releve
from tests.builders import in_scope
from tests.world import ACTOR

BASE = "/api/v1/partenaire"


def _call(client, method, url, token, body=None):
    return client.open(url, method=method, headers={"Authorization": f"Bearer {token}"}, json=body)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Releve))


def test_the_partner_reads_its_own_missions_with_names_and_statements(app, two_tenants, client):
    a, _ = two_tenants
    missions = _call(client, "GET", f"{BASE}/missions", a.partner_api_token).get_json()
    assert [(m["id"], m["last_name"]) for m in missions["items"]] == [(a.ids["mission_id"], "Durand-a")]
    statements = _call(client, "GET", f"{BASE}/releves", a.partner_api_token).get_json()
    assert {s["mission_id"] for s in statements["items"]} == {a.ids["mission_id"]}


def test_a_partner_token_opens_nothing_else_and_the_guichets_does_not_open_these(app, two_tenants, client):
    a, _ = two_tenants
    assert _call(client, "GET", "/api/v1/missions", a.partner_api_token).status_code == 403
    assert (
        _call(client, "GET", f"/api/v1/missions/{a.ids['mission_id']}", a.partner_api_token).status_code
        == 403
    )
    assert _call(client, "GET", f"{BASE}/missions", a.api_token).status_code == 403


def test_a_month_is_sent_all_or_nothing_and_a_second_sending_writes_nothing(app, two_tenants, client):
    a, _ = two_tenants
    month = clock.today().replace(day=1).isoformat()
    line = {"mission_id": a.ids["mission_id"], "month": month, "worked_hours": "6.50"}
    before = in_scope(app, a, _count)
    mixed = _call(
        client,
        "POST",
        f"{BASE}/releves",
        a.partner_api_token,
        {"releves": [line, {**line, "mission_id": a.ids["rival_mission_id"]}]},
    )
    assert mixed.status_code == 422
    assert list(mixed.get_json()["errors"]["json"]["releves"]["1"]) == ["mission_id"]
    assert in_scope(app, a, _count) == before
    sent = _call(client, "POST", f"{BASE}/releves", a.partner_api_token, {"releves": [line]})
    assert sent.status_code == 201 and sent.get_json()["corrected"] == 1  # the validated 7 h is corrected
    again = _call(client, "POST", f"{BASE}/releves", a.partner_api_token, {"releves": [line]}).get_json()
    assert (again["declared"], again["corrected"], again["unchanged"]) == (0, 0, 1)
    assert in_scope(app, a, _count) == before + 1
    source = in_scope(
        app, a, lambda: db.session.scalar(select(Releve.source).order_by(Releve.id.desc()).limit(1))
    )
    assert source == "api"


def test_hours_beyond_the_legal_week_are_refused_naming_the_field(app, two_tenants, client):
    a, _ = two_tenants
    line = {
        "mission_id": a.ids["mission_id"],
        "month": clock.today().replace(day=1).isoformat(),
        "worked_hours": "400",
    }
    answer = _call(client, "POST", f"{BASE}/releves", a.partner_api_token, {"releves": [line]})
    assert answer.status_code == 422 and "worked_hours" in answer.get_json()["errors"]["json"]["releves"]["0"]


def test_a_partner_token_needs_its_organisation(app, two_tenants):
    a, _ = two_tenants

    def create():
        with pytest.raises(ValidationError) as refused:
            tokens.create_token(ACTOR, "Paie", "partenaire")
        return refused.value.errors

    assert "organisation_id" in in_scope(app, a, create)
