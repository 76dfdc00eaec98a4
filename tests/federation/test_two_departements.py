"""A territory that belongs to two Départements sends each only what it is owed: that Département's
marchés, the posts it funds, and person keys that link to nothing in the other's reports."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from saas import clock
from saas.db import db
from saas.federation import funding, handover, outbox
from tenants import context
from tests.conventions.world import in_tenant
from tests.world import ACTOR


def test_each_departement_receives_only_its_own(app, two_tenants, superuser_engine):
    a, b = two_tenants  # A becomes a member of B's Département too
    with superuser_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO tenant_federations (tenant_id, federation_id) VALUES (:t, :f)"),
            {"t": a.tenant_id, "f": b.federation_id},
        )
        conn.execute(text("UPDATE tenants SET communes_insee = '{93048}' WHERE id = :t"), {"t": a.tenant_id})
    with app.app_context():
        db.session.remove()
        with context.scoped(None, federation_id=b.federation_id):
            marche = handover.create_marche(b.federation_id, "CD93-7", "Collège", None, None)
            lot_id = handover.add_lot(marche, "1", "Voirie", "200", "93048").id  # covered by A only
            db.session.commit()
            db.session.remove()
        year = date(clock.today().year, 1, 1)
        with in_tenant(a.tenant_id):
            funding.add_post(ACTOR, b.federation_id, "Facilitatrice financée par le 93", "0.5", year, None)
            for member in outbox.memberships():
                outbox.pull_lots(member, ACTOR)
            payloads = {m.federation_id: outbox.preview(m, "annee", year) for m in outbox.memberships()}
            db.session.rollback()
    own, other = payloads[a.federation_id], payloads[b.federation_id]
    assert [row["lot"] for row in other["marches_departement"]] == [lot_id]
    assert [row["lot"] for row in own["marches_departement"]] == [a.ids["federation_lot_id"]]  # its own only
    assert [p["intitule"] for p in own["financement"]["postes"]] == ["Chargé de mission clauses"]
    assert [p["intitule"] for p in other["financement"]["postes"]] == ["Facilitatrice financée par le 93"]
    assert own["personnes"]["cles"] and set(own["personnes"]["cles"]).isdisjoint(other["personnes"]["cles"])
    assert own["indicateurs"] == other["indicateurs"]  # the territory's figures go to each
