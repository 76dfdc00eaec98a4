"""Reports to a Département through the local transport: built under the territory's scope,
signed, received once per (territory, period, version), a new version only when a figure changed,
refused with a reason the sender records."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from saas import clock
from saas.db import db
from saas.federation import building, keys, outbox, reception
from saas.federation.models import OutgoingReport, ReceivedReport
from saas.participants.models import Identity
from tenants import context
from tests.conventions.world import in_tenant


def _year() -> date:
    """A period of its own: the fixture sent this month's report already."""
    return date(clock.today().year, 1, 1)


def _member(world) -> outbox.Membership:
    found = outbox.membership(world.federation_id)
    assert found is not None, "the fixture's tenant belongs to its federation"
    return found


def _received(federation_id: int) -> list[ReceivedReport]:
    db.session.remove()  # the scope applies from the next transaction
    with context.scoped(None, federation_id=federation_id):
        query = select(ReceivedReport).options(
            undefer(ReceivedReport.payload), undefer(ReceivedReport.person_keys)
        )
        found = list(db.session.scalars(query.order_by(ReceivedReport.version)))
        db.session.remove()
    return found


def test_a_report_goes_once_and_a_correction_makes_a_new_version(two_tenants, app):
    a, b = two_tenants
    with app.app_context():
        with in_tenant(a.tenant_id):
            report = outbox.prepare(_member(a), "annee", _year())
            assert report is not None and report.version == 1
            report_id = report.id
            db.session.commit()
            assert outbox.push(report_id)["envoye"] is True
            assert outbox.prepare(_member(a), "annee", _year()) is None  # nothing changed: no version
            sent = db.session.get(OutgoingReport, (a.tenant_id, report_id))
            assert sent.status == "envoye" and sent.receipt["doublon"] is False
            sent.status = "a_envoyer"  # as if the receipt had been lost: the push goes again
            db.session.commit()
            assert outbox.push(report_id)["envoye"] is True
            assert db.session.get(OutgoingReport, (a.tenant_id, report_id)).receipt["doublon"] is True
        (stored,) = [r for r in _received(a.federation_id) if r.period_kind == "annee"]
        assert (stored.territory_slug, stored.version, stored.period_start) == (a.slug, 1, _year())
        # the SIAE's employee and the rival ETTI's (tests/factories.py, step ``rival``)
        assert stored.payload["indicateurs"]["totaux"]["contrats"] == 2
        assert len(stored.payload["personnes"]["cles"]) == 2 == len(stored.person_keys)
        assert stored.summary["personnes"]["nombre"] == 2 and "cles" not in stored.summary["personnes"]
        assert {r.territory_slug for r in _received(b.federation_id)} == {b.slug}  # nothing of A
        with in_tenant(a.tenant_id):  # a correction: the person's identity was wrong
            identity = db.session.scalars(select(Identity)).first()
            identity.birth_date = date(1990, 5, 17)
            db.session.commit()
            second = outbox.prepare(_member(a), "annee", _year())
            assert second is not None and second.version == 2
            second_id = second.id
            db.session.commit()
            outbox.push(second_id)
        versions = [r for r in _received(a.federation_id) if r.period_kind == "annee"]
        assert [r.version for r in versions] == [1, 2]
        assert versions[0].payload["personnes"]["cles"] != versions[1].payload["personnes"]["cles"]


def _signed_body(world, payload: dict) -> tuple[bytes, keys.Signed]:
    """Signed as the territory signs (its scope reads only its own keys)."""
    body = building.encode(payload)
    db.session.remove()
    with in_tenant(world.tenant_id):
        signed = keys.sign(world.federation_id, world.slug, body)
        db.session.commit()  # a key made on first use is kept
    return body, signed


def _platform_sign(federation_id: int, slug: str, body: bytes) -> keys.Signed:
    db.session.remove()
    with context.scoped(platform=True):
        signed = keys.sign(federation_id, slug, body)
        db.session.commit()
        db.session.remove()
    return signed


def _receive(world, body: bytes, signed: keys.Signed, code: str | None = None) -> dict:
    db.session.remove()
    with context.scoped(None, federation_id=world.federation_id):
        try:
            return reception.receive(
                world.federation_id,
                code or world.federation_code,
                body,
                signed.key_id,
                signed.signature,
                "local",
            )
        finally:
            db.session.rollback()
            db.session.remove()


def _payload(app, world) -> dict:
    with in_tenant(world.tenant_id):
        payload = outbox.preview(_member(world), "annee", _year())
        db.session.commit()
    return payload


def test_the_receiver_refuses_a_forged_a_retired_or_a_malformed_report(two_tenants, app):
    a, b = two_tenants
    with app.app_context():
        payload = _payload(app, a)
        body, signed = _signed_body(a, payload)
        tampered = body.replace(b'"version":1', b'"version":7')
        with pytest.raises(reception.Refused) as forged:
            _receive(a, tampered, signed)
        assert forged.value.status == 401
        with pytest.raises(reception.Refused) as elsewhere:  # A is no member of B's federation
            _receive(b, body, _platform_sign(b.federation_id, a.slug, body), b.federation_code)
        assert elsewhere.value.status == 403
        broken = {**payload, "personnes": {**payload["personnes"], "cles": ["pas une clé"]}}
        body, signed = _signed_body(a, broken)
        with pytest.raises(reception.Refused) as malformed:
            _receive(a, body, signed)
        assert malformed.value.status == 422 and "personnes" in malformed.value.fields
        with context.scoped(platform=True):  # rotation: a new key, the old one retired
            keys.add_key(a.federation_id, a.slug)
            assert keys.retire_older(a.federation_id, a.slug) == 1
            db.session.commit()
        body = building.encode(payload)
        with pytest.raises(reception.Refused) as retired:
            _receive(a, body, signed)
        assert retired.value.status == 401
        assert _receive(a, *_signed_body(a, payload))["doublon"] is False


def test_a_refusal_is_recorded_with_its_reason_and_not_sent_again(two_tenants, app):
    a, _ = two_tenants
    with app.app_context(), in_tenant(a.tenant_id):
        report = outbox.prepare(_member(a), "annee", _year())
        report.payload = {**report.payload, "format": "autre/9"}  # a sender of another format
        report_id = report.id
        db.session.commit()
        assert outbox.push(report_id) == {"envoye": False, "statut": "refuse"}
        refused = db.session.get(OutgoingReport, (a.tenant_id, report_id))
        assert refused.status == "refuse" and "format" in refused.last_error
        assert outbox.due_pushes() == []
        assert db.session.scalar(select(func.count()).select_from(OutgoingReport)) == 2  # and the fixture's
    with app.app_context():
        assert [r.period_kind for r in _received(a.federation_id)] == ["mois"]  # the fixture's only


def test_a_person_key_is_the_same_in_two_territories_and_reveals_nothing():
    secret = b"s" * 32
    first = keys.person_key(secret, "dupont", "marie", date(1990, 1, 2))
    assert first == keys.person_key(secret, "dupont ", "marie", date(1990, 1, 2))
    assert first != keys.person_key(secret, "dupont", "marie", date(1990, 1, 3))
    assert first != keys.person_key(b"t" * 32, "dupont", "marie", date(1990, 1, 2))
    assert "dupont" not in first and "1990" not in first and len(first) == 64
    assert json.dumps(first).count("marie") == 0


def test_a_territory_reads_only_its_own_signing_keys(two_tenants, app):
    _, b = two_tenants  # the fixture signed A's report (A's key) and B's (B's key)
    with app.app_context():
        db.session.remove()
        with in_tenant(b.tenant_id):
            seen = db.session.execute(select(keys.SigningKey.territory_slug)).scalars().all()
            db.session.rollback()
    assert seen == [b.slug]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"[" * 5000 + b"]" * 5000, {}, 400),  # nested deeper than the parser goes
        (b'{"territoire": {"code": "a\\u0000b"}}', {}, 400),  # a NUL
        (b'{"territoire": {"code": "\\ud800"}}', {}, 400),  # a lone surrogate
        (b'{"territoire": ["liste"]}', {}, 422),
        (b'{"territoire": {"code": "Territoire A"}}', {}, 422),
        (b"pas du json", {}, 400),
        (
            b'{"territoire": {"code": "territoire-a"}}',
            {"X-Guichet-Cle": "k", "X-Guichet-Signature": "é" * 64},
            401,
        ),
    ],
)
def test_the_receiver_answers_hostile_input_with_a_reason(client, two_tenants, body, headers, status):
    a, _ = two_tenants
    answer = client.post(
        f"/federation/v1/departements/{a.federation_code}/rapports",
        data=body,
        headers={"Content-Type": "application/json", **headers},
    )
    assert answer.status_code == status, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["refus"]


def test_a_report_of_a_period_to_come_is_refused(two_tenants, app):
    a, _ = two_tenants
    with app.app_context():
        payload = _payload(app, a)
        future = clock.today().replace(day=1).replace(year=clock.today().year + 1)
        payload["periode"] = {
            "type": "mois",
            "debut": future.isoformat(),
            "fin": building.period_of("mois", future).end.isoformat(),
        }
        with pytest.raises(reception.Refused) as refused:
            _receive(a, *_signed_body(a, payload))
        assert refused.value.status == 422 and "periode" in refused.value.fields


def test_a_report_received_is_never_set_back_by_a_later_failed_push(two_tenants, app):
    a, _ = two_tenants
    with app.app_context(), in_tenant(a.tenant_id):
        report_id = a.ids["report_id"]  # the fixture's, received
        answer = outbox._record(report_id, outbox.ReportStatus.a_envoyer, error="Département injoignable")
        assert answer == {"envoye": True, "statut": "envoye"}
        kept = db.session.get(OutgoingReport, (a.tenant_id, report_id))
        assert kept.status == "envoye" and kept.last_error is None


def test_figures_the_console_could_not_read_are_refused(two_tenants, app):
    a, _ = two_tenants
    with app.app_context():
        payload = _payload(app, a)
        for broken in (
            {**payload["indicateurs"], "totaux": {"personnes": "n/a"}},
            {**payload["indicateurs"], "tables": {"sexe": [{"label": "sans clé", "personnes": 1}]}},
            {**payload["indicateurs"], "tables": {"inconnu": []}},
        ):
            with pytest.raises(reception.Refused) as refused:
                _receive(a, *_signed_body(a, {**payload, "indicateurs": broken}))
            assert refused.value.status == 422 and "indicateurs" in refused.value.fields
