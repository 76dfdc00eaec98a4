"""The Département's console: consolidated from the received reports only (never a territory
table), people counted once across territories, the versions of a report with what changed, the
territories behind schedule, and the exports."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import sqlglot
from sqlalchemy import text
from sqlglot import exp

from saas import clock
from saas.db import db
from saas.distribution import layout
from saas.federation import building, console, keys, reception
from tenants import context
from tests.fixtures import login
from tests.sql_count import recorded_sql

#: the tenant-keyed tables a console request may read: the membership rows of the platform (which
#: territories belong to the Département) and the user's own memberships (the spaces menu, under
#: row-level security): no territory data.
PLUMBING = {"tenant_federations", "tenant_memberships"}


def _tables(statement: str) -> set[str]:
    return {table.name for table in sqlglot.parse_one(statement, read="postgres").find_all(exp.Table)}


def test_the_console_reads_no_territory_table(app, two_tenants, client, superuser_engine):
    a, _ = two_tenants
    with superuser_engine.connect() as connection:
        tenant_tables = layout(connection).tenant_tables
    login(client, a.coordinator_email)
    month = f"mois:{clock.today().replace(day=1).isoformat()}"
    pages = ["/", f"/territoires/{a.slug}", "/export.xlsx", "/export.pdf"]
    with recorded_sql(app) as statements:
        for page in pages:
            assert (
                client.get(f"/departements/{a.federation_code}{page}?periode={month}").status_code == 200
            ), page
    read = set().union(*(_tables(s) for s in statements))
    assert "received_reports" in read
    assert read & tenant_tables - PLUMBING == set()


def _store(world, payload: dict) -> None:
    """A report received from ``world``'s territory, as the local transport delivers it."""
    db.session.remove()
    with context.scoped(None, federation_id=world.federation_id):
        body = building.encode(payload)
        signed = keys.sign(world.federation_id, payload["territoire"]["code"], body)
        reception.receive(
            world.federation_id, world.federation_code, body, signed.key_id, signed.signature, "local"
        )
        db.session.commit()
        db.session.remove()


def _report(world, slug: str, version: int, cles: list[str], heures: str, attendu: str) -> dict:
    start = date(2026, 3, 1)
    figures = {
        "totaux": {"personnes": len(cles), "contrats": len(cles), "heures": heures, "obligation": "1000.00"},
        "tables": {
            "type_contrat": [
                {"key": "cdi", "label": "CDI", "personnes": len(cles), "contrats": 1, "heures": heures}
            ],
            "mois": [{"key": "2026-03-01", "label": "mars 2026", "heures": heures, "attendu": attendu}],
        },
    }
    return {
        "format": "guichet-rapport/1",
        "federation": world.federation_code,
        "territoire": {"code": slug, "nom": slug.title(), "communes": []},
        "periode": {"type": "mois", "debut": start.isoformat(), "fin": "2026-03-31"},
        "version": version,
        "produit_le": "2026-04-10T08:00:00+00:00",
        "indicateurs": figures,
        "personnes": {"generation": 1, "empreinte": "0" * 16, "cles": cles, "sans_cle": 0},
        "financement": {"annee": 2026, "postes": [], "pieces": []},
    }


def test_people_of_two_territories_count_once_and_versions_say_what_changed(
    app, two_tenants, superuser_engine
):
    a, _ = two_tenants
    with superuser_engine.begin() as connection:  # a second territory of A's Département, elsewhere
        connection.exec_driver_sql(
            "INSERT INTO federation_remote_members (federation_id, slug, name) VALUES (%s, 'distant', 'Distant')",
            (a.federation_id,),
        )
    shared, own_a, own_b = "a" * 64, "b" * 64, "c" * 64
    with app.app_context():
        _store(a, _report(a, a.slug, 1, [shared, own_a], "100.00", "100.00"))
        _store(a, _report(a, "distant", 1, [shared, own_b], "50.00", "100.00"))
        _store(a, _report(a, "distant", 2, [shared, own_b], "60.00", "100.00"))  # a correction
        with context.scoped(None, federation_id=a.federation_id):
            found = console.consolidate(a.federation_id, "mois", date(2026, 3, 1))
            history = console.history(a.federation_id, "distant", "mois", date(2026, 3, 1))
            db.session.remove()
    assert found.distinct_people == 3  # not 4: the shared person once
    hours = next(row for row in found.key_figures.rows if row[0] == "Heures comptées")
    assert hours[1] == 160 and hours[2][[m.slug for m in found.members].index("distant")] == "60.00"
    assert [b.member.slug for b in found.behind] == ["distant"]  # 60 of 100 expected: under 80 %
    assert [v.version for v in history] == [2, 1]
    assert "Totaux : heures comptées 50 h → 60 h" in history[0].changes, history[0].changes
    cdi = next(m for m in found.matrices if m.code == "type_contrat-heures").rows[0]
    assert cdi[0] == "CDI" and cdi[1] == 160


def test_the_workbook_has_a_consolidated_sheet_and_one_per_territory(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.coordinator_email)
    month = f"mois:{clock.today().replace(day=1).isoformat()}"
    answer = client.get(f"/departements/{a.federation_code}/export.xlsx?periode={month}")
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames[0] == "Consolidé" and len(book.sheetnames) == 2
    rows = list(book["Consolidé"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Tableau", "Ligne", "Consolidé")
    assert any(row[1] == "Contrats" and row[2] == 1 for row in rows)


def test_keys_made_with_two_secrets_are_not_compared(app, two_tenants, superuser_engine):
    a, _ = two_tenants
    with superuser_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO federation_remote_members (federation_id, slug, name) VALUES (:f, 'autre', 'Autre')"
            ),
            {"f": a.federation_id},
        )
    with app.app_context():
        _store(a, _report(a, a.slug, 1, ["a" * 64], "10.00", "10.00"))
        other = _report(a, "autre", 1, ["a" * 64], "10.00", "10.00")
        other["personnes"]["empreinte"] = "f" * 16  # an instance that made its own secret: same generation
        _store(a, other)
        with context.scoped(None, federation_id=a.federation_id):
            found = console.consolidate(a.federation_id, "mois", date(2026, 3, 1))
            db.session.remove()
    assert found.distinct_people is None  # « non comparable », never a wrong count


def test_the_departement_never_reads_the_person_secret(app, two_tenants):
    a, _ = two_tenants
    with app.app_context():
        db.session.remove()
        with context.scoped(None, federation_id=a.federation_id):
            assert (
                db.session.execute(text("SELECT count(*) FROM federation_person_secrets")).scalar_one() == 0
            )
            db.session.remove()
        with context.scoped(platform=True):
            assert (
                db.session.execute(text("SELECT count(*) FROM federation_person_secrets")).scalar_one() >= 1
            )
            db.session.remove()
