"""Two instances of the service on the loopback (two processes, two databases): a territory of
this one pushes its report to a Département that runs its own instance, over HTTP, signed; the
same receiver takes it once, refuses a retired key with its reason, and a Département that does
not answer leaves the report waiting in the outbox."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from saas import clock
from saas.db import db
from saas.federation import outbox
from saas.federation.models import HandedLot, OutgoingReport
from saas.marches.models import Lot
from tests.conventions.world import in_tenant
from tests.federation.instance import link, received

# committed data: the Département's instance is another process with a database of its own
pytestmark = pytest.mark.committed


def _year() -> date:
    return date(clock.today().year, 1, 1)


def _prepare(app, world) -> int:
    with app.app_context(), in_tenant(world.tenant_id):
        member = outbox.membership(world.federation_id)
        assert member is not None and member.endpoint_url, "the membership sends over HTTP"
        report = outbox.prepare(member, "annee", _year())
        db.session.info.pop("on_commit", None)  # pushed by the test, not by a worker
        report_id = report.id
        db.session.commit()
        db.session.remove()
    return report_id


def _push(app, world, report_id: int, again: bool = False) -> OutgoingReport:
    with app.app_context(), in_tenant(world.tenant_id):
        if again:
            report = db.session.get(OutgoingReport, (world.tenant_id, report_id))
            report.status = "a_envoyer"
            db.session.commit()
        outbox.push(report_id)
        report = db.session.get(OutgoingReport, (world.tenant_id, report_id))
        db.session.expunge(report)
        db.session.remove()
    return report


def test_a_territory_pushes_to_a_departement_on_another_instance(app, two_tenants, departement):
    a, _ = two_tenants
    link(departement, app, a, a.federation_code)
    report_id = _prepare(app, a)
    sent = _push(app, a, report_id)
    assert sent.status == "envoye" and sent.receipt["doublon"] is False, sent.last_error
    assert received(departement) == [(a.slug, "annee", _year(), 1, "http")]
    again = _push(app, a, report_id, again=True)  # the receipt lost: sent again, stored once
    assert again.status == "envoye" and again.receipt["doublon"] is True
    assert len(received(departement)) == 1
    payload = departement.sql("SELECT payload FROM received_reports")[0][0]
    # the SIAE's employee and the rival ETTI's (tests/factories.py, step ``rival``)
    assert payload["indicateurs"]["totaux"]["contrats"] == 2 and len(payload["personnes"]["cles"]) == 2

    (marche_id,) = departement.sql(  # a lot of the Département handed to the territory, over there
        "INSERT INTO federation_marches (federation_id, reference, object) SELECT id, 'CD-1', 'Collège' "
        "FROM federations RETURNING id"
    )[0]
    departement.sql(
        "INSERT INTO federation_lots (id, federation_id, marche_id, number, object, hours, communes_insee, "
        "assigned_slug) SELECT 5000, federation_id, id, '1', 'Gros œuvre', 420, '{79191}', %s "
        "FROM federation_marches WHERE id = %s",
        (a.slug, marche_id),
    )
    with app.app_context(), in_tenant(a.tenant_id):
        member = outbox.membership(a.federation_id)
        assert outbox.pull_lots(member) == 1  # asked over HTTP, signed
        db.session.commit()
        (handed,) = db.session.scalars(select(HandedLot).where(HandedLot.federation_lot_id == 5000)).all()
        assert db.session.get(Lot, (a.tenant_id, handed.lot_id)).fixed_hours == 420
        db.session.remove()

    departement.sql("UPDATE federation_signing_keys SET retired_at = now()")  # rotated over there
    refused = _push(app, a, report_id, again=True)
    assert refused.status == "refuse" and refused.last_error.startswith("Signature invalide"), (
        refused.last_error
    )

    departement.stop()  # the Département does not answer: the report waits, to be sent again later
    waiting = _push(app, a, report_id, again=True)
    assert waiting.status == "a_envoyer" and "injoignable" in waiting.last_error
    assert waiting.next_attempt_at > clock.now()
