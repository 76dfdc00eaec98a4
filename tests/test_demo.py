"""The demo: four territories modelled on the seeds, every role, idempotent."""

from __future__ import annotations

from sqlalchemy import text

from saas.demo.territories import DEMO_PASSWORD, TERRITORIES, load_demo
from saas.demo.year import YearSize
from saas.parcours.enums import Modality
from tests.fixtures import login

#: smaller than the command's default (a few hundred people per territory), same shape.
SIZE = YearSize(participants=40, marches=3)


def test_demo_loads_four_territories_with_every_role_and_is_idempotent(app, client_factory, superuser_engine):
    with app.app_context():
        logins = load_demo(YearSize(participants=0, marches=1))  # the year is tested below
        again = load_demo(SIZE)
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


YEAR_FIGURES = """
SELECT t.slug,
       (SELECT count(*) FROM marches m WHERE m.tenant_id = t.id) AS marches,
       (SELECT count(DISTINCT l.obligation_mode) FROM lots l WHERE l.tenant_id = t.id) AS modes,
       (SELECT count(*) FROM participants p WHERE p.tenant_id = t.id) AS participants,
       (SELECT count(DISTINCT m.modality) FROM missions m WHERE m.tenant_id = t.id) AS modalities,
       (SELECT count(DISTINCT s.month) FROM hour_statements s WHERE s.tenant_id = t.id) AS months,
       (SELECT count(*) FROM hour_statements s WHERE s.tenant_id = t.id AND s.supersedes_id IS NOT NULL)
           AS corrections,
       (SELECT count(*) FROM hour_statements s WHERE s.tenant_id = t.id AND s.status = 'rejected') AS rejections,
       (SELECT count(*) FROM hour_statements s WHERE s.tenant_id = t.id AND s.status = 'declared'
           AND s.superseded_at IS NULL) AS awaiting,
       (SELECT count(*) FROM mutualisation_agreements a WHERE a.tenant_id = t.id) AS agreements,
       (SELECT count(*) FROM hour_allocations a WHERE a.tenant_id = t.id AND a.agreement_id IS NOT NULL)
           AS mutualised,
       (SELECT count(*) FROM missions m WHERE m.tenant_id = t.id AND m.eligibility_override) AS overrides
  FROM tenants t ORDER BY t.slug
"""


def test_demo_fills_each_territory_with_a_year_of_clause_execution(app, superuser_engine):
    with app.app_context():
        load_demo(SIZE)
    with superuser_engine.connect() as conn:
        rows = conn.execute(text(YEAR_FIGURES)).mappings().all()
    assert len(rows) == 4
    for row in rows:
        assert row["marches"] == SIZE.marches, row
        assert row["modes"] >= 3, row
        assert row["participants"] == SIZE.participants, row
        assert row["modalities"] == len(Modality), row
        assert row["months"] == 12, row
        assert row["corrections"] >= 1 and row["rejections"] >= 1 and row["awaiting"] >= 1, row
        assert row["agreements"] == 1 and row["mutualised"] >= 1, row
        assert row["overrides"] >= 1, row
