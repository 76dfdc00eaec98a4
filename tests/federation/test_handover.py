"""The Département's own marchés (seed 003 art. 3.3): a lot goes to the member territory whose
communes cover its own, the coordinator chooses where two do, a lot no member covers stays
unassigned; the territory receives it as a marché of the Département, once, executes it, and its
progress comes back in the report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from saas import clock
from saas.db import db
from saas.errors import ValidationError
from saas.federation import handover, keys, outbox, reception
from saas.federation.models import FederationLot, FederationMarche, HandedLot
from saas.marches.models import Lot, Marche
from saas.partenaires.models import Organisation
from tenants import context
from tests.conventions.world import in_tenant


def _communes(superuser_engine, slug: str, communes: list[str]) -> None:
    with superuser_engine.begin() as conn:
        conn.execute(
            text("UPDATE tenants SET communes_insee = :c WHERE slug = :s"), {"c": communes, "s": slug}
        )


def _in_federation(world):
    db.session.remove()
    return context.scoped(None, federation_id=world.federation_id)


def test_each_lot_goes_to_the_territory_that_covers_its_communes(app, two_tenants, superuser_engine):
    a, _ = two_tenants
    _communes(superuser_engine, a.slug, ["79191", "79081"])
    with superuser_engine.begin() as conn:  # a member on another instance shares Chauray (79081)
        conn.execute(
            text(
                "INSERT INTO federation_remote_members (federation_id, slug, name, communes_insee) "
                "VALUES (:f, 'voisin', 'Territoire voisin', '{79081}')"
            ),
            {"f": a.federation_id},
        )
    with app.app_context(), _in_federation(a):
        marche = handover.create_marche(
            a.federation_id, "CD-2026-01", "Collège Jean Macé", date(2026, 1, 1), None
        )
        own = handover.add_lot(marche, "1", "Gros œuvre", "1200", "79191")
        shared = handover.add_lot(marche, "2", "Voirie", "300", "79081")
        nobody = handover.add_lot(marche, "3", "Espaces verts", "80", "93048")
        assert own.assigned_slug == a.slug  # Niort: only A covers it
        assert shared.assigned_slug is None and {
            c.slug for c in handover.candidates(a.federation_id, ["79081"])
        } == {a.slug, "voisin"}
        assert nobody.assigned_slug is None and handover.candidates(a.federation_id, ["93048"]) == []
        with pytest.raises(ValidationError) as refused:
            handover.assign(nobody, a.slug)
        assert refused.value.field == "territoire"
        handover.assign(shared, "voisin")  # the coordinator's choice
        with pytest.raises(ValidationError):
            handover.add_lot(marche, "4", "Peinture", "10", "99999")  # no such commune
        db.session.commit()
        mine = [
            lot["numero"]
            for lot in handover.lots_for(a.federation_id, a.slug)
            if lot["marche"]["reference"] == "CD-2026-01"
        ]
        assert mine == ["1"]
        assert [lot["numero"] for lot in handover.lots_for(a.federation_id, "voisin")] == ["2"]
        db.session.remove()


def test_the_territory_receives_its_lot_once_and_reports_its_progress(app, two_tenants, superuser_engine):
    a, _ = two_tenants
    _communes(superuser_engine, a.slug, ["79191"])
    with app.app_context():
        with _in_federation(a):
            marche = handover.create_marche(a.federation_id, "CD-2026-02", "Gymnase", None, None)
            lot_id = handover.add_lot(marche, "1", "Charpente", "500", "79191").id
            db.session.commit()
            db.session.remove()
        with in_tenant(a.tenant_id):
            member = outbox.membership(a.federation_id)
            assert outbox.pull_lots(member) == 1
            db.session.commit()
            assert outbox.pull_lots(member) == 0  # asked again the next day: nothing twice
            handed = db.session.scalars(select(HandedLot).where(HandedLot.federation_lot_id == lot_id)).one()
            lot = db.session.get(Lot, (a.tenant_id, handed.lot_id))
            marche_here = db.session.get(Marche, (a.tenant_id, lot.marche_id))
            assert handed.federation_lot_id == lot_id
            assert marche_here.reference == f"{a.federation_code}-CD-2026-02"
            buyer = db.session.get(Organisation, (a.tenant_id, marche_here.donneur_ordre_id))
            assert (buyer.name, buyer.kind) == (member.name, "donneur_ordre")  # the Département, as a buyer
            assert lot.obligation_hours == Decimal("500.00") and lot.fixed_hours == Decimal("500.00")
            report = outbox.prepare(member, "annee", date(clock.today().year, 1, 1))
            progress = next(row for row in report.payload["marches_departement"] if row["lot"] == lot_id)
            assert progress["obligation"] == "500.00" and Decimal(progress["heures_cumulees"]) == 0
            db.session.rollback()


def test_a_request_for_lots_must_be_signed_and_recent(app, two_tenants):
    a, b = two_tenants
    with app.app_context(), _in_federation(a):
        now = int(clock.now().timestamp())
        signed = keys.sign(a.federation_id, a.slug, keys.request_material(a.federation_code, a.slug, now))
        answered = reception.lots_request(
            a.federation_id, a.federation_code, a.slug, signed.key_id, signed.signature, str(now)
        )
        assert [lot["id"] for lot in answered] == [a.ids["federation_lot_id"]]  # the fixture's lot
        with pytest.raises(reception.Refused) as old:
            reception.lots_request(
                a.federation_id, a.federation_code, a.slug, signed.key_id, signed.signature, str(now - 900)
            )
        assert old.value.status == 401
        with pytest.raises(reception.Refused) as other:  # B's territory asks A's Département
            reception.lots_request(
                a.federation_id, a.federation_code, b.slug, signed.key_id, signed.signature, str(now)
            )
        assert other.value.status == 403
        db.session.rollback()
        db.session.remove()


def test_a_lot_handed_stays_with_its_territory_and_hours_are_bounded(app, two_tenants):
    a, _ = two_tenants
    with app.app_context(), _in_federation(a):
        marche = db.session.get(FederationMarche, a.ids["federation_marche_id"])
        lot = db.session.get(FederationLot, a.ids["federation_lot_id"])
        assert lot.assigned_slug == a.slug  # handed, and received by the fixture
        with pytest.raises(ValidationError) as moved:
            handover.assign(lot, a.slug)
        assert moved.value.field == "territoire"
        with pytest.raises(ValidationError) as huge:
            handover.add_lot(marche, "9", "Démesuré", "100000000000", "79191")
        assert huge.value.field == "hours"
        db.session.rollback()
        db.session.remove()
