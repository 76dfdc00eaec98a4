"""The demo: four territories modelled on the seeds, every role, idempotent."""

from __future__ import annotations

from sqlalchemy import text

from tenants.demo import DEMO_PASSWORD, TERRITORIES, load_demo
from tests.fixtures import login


def test_demo_loads_four_territories_with_every_role_and_is_idempotent(app, client_factory, superuser_engine):
    with app.app_context():
        logins = load_demo()
        again = load_demo()
    assert sorted(logins) == sorted(again)
    roles = {role for _, role, _ in logins}
    assert roles == {
        "tenant_admin",
        "facilitateur",
        "partenaire",
        "donneur_ordre",
        "coordinateur",
        "operateur",
    }
    with superuser_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tenants")).scalar_one() == len(TERRITORIES) == 4
        members_93 = (
            conn.execute(
                text(
                    "SELECT t.slug FROM tenant_federations tf JOIN tenants t ON t.id = tf.tenant_id "
                    "JOIN federations f ON f.id = tf.federation_id WHERE f.code = '93'"
                )
            )
            .scalars()
            .all()
        )
    assert members_93 == ["rosny-sous-bois"]
    for space, role, email in logins:
        assert login(client_factory(), email, DEMO_PASSWORD).status_code == 302, (space, role)
