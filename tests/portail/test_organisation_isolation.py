"""Isolation, layer 2: inside one tenant, a partner structure never reaches another structure's
people, missions, hours or imports. Every rule of the portal is walked as the SIAE's user: with
its own ids it answers (positive control), with the ids of the rival ETTI of the same tenant it
answers 404, and no page it can open names the rival's person. A portal rule this test does not
know fails it."""

from __future__ import annotations

from sqlalchemy import func, select

from saas import sheets, tabular
from saas.db import db
from saas.heures.models import Releve
from saas.participants import api as participants
from tests.builders import in_scope
from tests.fixtures import csrf_token, login
from tests.tenants.test_isolation_routes import audience

#: which objects each URL variable of the portal names: the partner's own, the rival's
PORTAL_OBJECTS = {
    "mission_id": ("mission_id", "rival_mission_id"),
    "import_id": ("import_id", "rival_import_id"),
    "participant_id": ("participant_id", "rival_candidate_id"),
}


def _portal_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint.startswith("portail.")), key=lambda r: r.rule
    )


def _url(app, rule, world, which: int) -> str:
    values = {"tenant_slug": world.slug}
    for arg in rule.arguments - {"tenant_slug"}:
        assert arg in PORTAL_OBJECTS, f"{rule.endpoint}: say which object <{arg}> names"
        values[arg] = world.ids[PORTAL_OBJECTS[arg][which]]
    with app.test_request_context(base_url="https://localhost"):
        return app.url_for(rule.endpoint, **values)


def _call(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client, "/espaces")})


def _text_of(answer) -> str:
    """What a page or a downloaded spreadsheet says."""
    if answer.mimetype == tabular.XLSX_MIMETYPE:
        sheet = sheets.read(answer.get_data())
        return " ".join(str(value) for _, row in sheet.rows for value in row)
    return answer.get_data(as_text=True)


def _rival_reference(app, world) -> str:
    return in_scope(app, world, lambda: participants.get(world.ids["rival_participant_id"]).reference)


def test_every_portal_route_answers_404_with_another_structures_ids(app, two_tenants, client):
    a, _ = two_tenants
    rival_reference = _rival_reference(app, a)
    checked = 0
    for who in ("partner_email", "prescriber_email"):
        checked += _walk(app, a, who, rival_reference)
    assert checked >= 12


def _walk(app, a, who: str, rival_reference: str) -> int:
    """Every portal rule of ``who``'s part of the portal (the ones every partner has, for both)."""
    client = app.test_client()
    login(client, getattr(a, who))
    checked = 0
    for rule in _portal_rules(app):
        prescriber_only = audience(rule.endpoint) == "prescriber_email"
        if (who == "partner_email" and prescriber_only) or (
            who == "prescriber_email" and _employer_only(rule)
        ):
            continue
        own = _call(client, rule, _url(app, rule, a, 0))
        assert own.status_code not in (404, 500), (
            f"positive control failed: {rule.endpoint} ({own.status_code})"
        )
        if rule.arguments - {"tenant_slug"}:
            other = _call(client, rule, _url(app, rule, a, 1))
            assert other.status_code == 404, (
                f"{rule.endpoint} with the rival's ids answered {other.status_code}"
            )
        if "GET" in rule.methods:
            body = _text_of(own)
            assert "Rivalin" not in body and rival_reference not in body, (
                f"{rule.endpoint} names the rival's person"
            )
        checked += 1
    return checked


#: the parts of the portal only employers have (walked as the SIAE's user, not the prescriber's)
EMPLOYER_ONLY = (
    "portail.mission",
    "portail.declaration",
    "portail.import",
    "portail.weekly",
    "portail.semester",
    "portail.evaluation",
)


def _employer_only(rule) -> bool:
    return rule.endpoint.startswith(EMPLOYER_ONLY)


def test_a_declaration_naming_the_rivals_mission_writes_nothing_on_it(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    rival_mission = a.ids["rival_mission_id"]
    before = in_scope(app, a, lambda: _statements_of(rival_mission))
    answer = client.post(
        f"/t/{a.slug}/portail/declaration",
        data={
            "csrf_token": csrf_token(client, f"/t/{a.slug}/portail/declaration"),
            f"travaillees-{rival_mission}": "10",
        },
    )
    assert answer.status_code in (200, 302)
    assert in_scope(app, a, lambda: _statements_of(rival_mission)) == before


def _statements_of(mission_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Releve).where(Releve.mission_id == mission_id))


def test_the_rivals_user_does_not_reach_the_siae_either(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.rival_email)
    assert client.get(f"/t/{a.slug}/portail/missions/{a.ids['mission_id']}").status_code == 404
    assert client.get(f"/t/{a.slug}/portail/imports/{a.ids['import_id']}").status_code == 404
    assert client.get(f"/t/{a.slug}/portail/missions/{a.ids['rival_mission_id']}").status_code == 200
