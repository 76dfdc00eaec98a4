"""The funding of facilitator posts (seed 003 art. 3.2 and 6): 15 000 EUR per full-time post pro
rata, 40 % at the start, 60 % once the four pieces of the year are in; the pieces travel with the
reports, checked by their content; the Département records what it paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saas import clock
from saas.db import db
from saas.errors import ValidationError
from saas.federation import console, funding, outbox
from saas.federation.models import FacilitatorPost
from tenants import context
from tests.conventions.world import in_tenant
from tests.fixtures import login
from tests.web import post, text_of
from tests.world import ACTOR, PDF


def test_the_subsidy_is_pro_rata_of_the_time_and_of_the_year():
    assert funding.post_due({"etp": "1.00", "debut": "2020-01-01", "fin": None}, 2026) == Decimal("15000.00")
    assert funding.post_due({"etp": "0.50", "debut": "2026-07-01", "fin": None}, 2026) == Decimal("3780.82")
    assert funding.post_due({"etp": "1.00", "debut": "2024-01-01", "fin": "2025-12-31"}, 2026) == 0


def _funding(world):
    db.session.remove()
    with context.scoped(None, federation_id=world.federation_id):
        rows = funding.funding(world.federation_id, console.members(world.federation_id), clock.today().year)
        db.session.remove()
    return next(r for r in rows if r.slug == world.slug)


def test_the_balance_waits_for_the_four_pieces_and_payments_are_deducted(app, two_tenants):
    a, _ = two_tenants
    year = clock.today().year
    with app.app_context():
        row = _funding(a)  # the fixture's post: 0.8 FTE since 2025, its job description only
        assert (row.fte, row.due, row.advance, row.balance) == (
            Decimal("0.80"),
            Decimal("12000.00"),
            Decimal("4800.00"),
            Decimal("7200.00"),
        )
        assert not row.balance_payable and row.payable == Decimal("4800.00")
        assert len(row.missing) == 3 and all("Chargé de mission clauses" in m for m in row.missing)
        with in_tenant(a.tenant_id):
            (post,) = db.session.query(FacilitatorPost).all()
            post_id = post.id
            for kind in ("bilan_activite", "bilan_financier", "bulletins_salaire"):
                funding.add_piece(ACTOR, post, year, kind, f"{kind}.pdf", PDF)
            report = outbox.prepare(outbox.membership(a.federation_id), "annee", date(year, 1, 1))
            db.session.info.pop("on_commit", None)
            report_id = report.id
            db.session.commit()
            assert outbox.push(report_id)["envoye"]
        row = _funding(a)
        assert row.balance_payable and row.missing == [] and row.payable == Decimal("12000.00")
        db.session.remove()
        with context.scoped(None, federation_id=a.federation_id):
            members = console.members(a.federation_id)
            funding.record_payment(a.federation_id, members, a.slug, year, "avance", "4800", date(year, 2, 1))
            with pytest.raises(ValidationError) as refused:
                funding.record_payment(
                    a.federation_id, members, "ailleurs", year, "avance", "1", date(year, 2, 1)
                )
            assert refused.value.field == "territoire"
            db.session.commit()
        assert _funding(a).payable == Decimal("7200.00")
        with context.scoped(None, federation_id=a.federation_id):
            found = funding.piece(a.federation_id, a.slug, year, post_id, "bilan_financier")
            db.session.remove()
        assert found == ("application/pdf", PDF)


def test_a_piece_is_checked_by_its_content_and_its_size(app, two_tenants):
    a, _ = two_tenants
    with app.app_context(), in_tenant(a.tenant_id):
        (post,) = db.session.query(FacilitatorPost).all()
        with pytest.raises(ValidationError) as renamed:
            funding.add_piece(ACTOR, post, 2026, "fiche_poste", "fiche.pdf", b"MZ not a pdf at all")
        assert renamed.value.field == "file"
        with pytest.raises(ValidationError) as large:
            funding.add_piece(ACTOR, post, 2026, "fiche_poste", "fiche.pdf", PDF + b"0" * (2 * 1024 * 1024))
        assert "2 Mo" in large.value.message
        with pytest.raises(ValidationError):
            funding.add_post(
                ACTOR, a.federation_id, "Poste", "1.5", date(2026, 1, 1), None
            )  # more than full time
        db.session.rollback()


def test_a_report_carries_the_posts_of_its_year_only(app, two_tenants):
    a, _ = two_tenants
    year = clock.today().year
    with app.app_context(), in_tenant(a.tenant_id):
        funding.add_post(
            ACTOR, a.federation_id, "Poste fermé", "1", date(year - 3, 1, 1), date(year - 2, 12, 31)
        )
        titles = [p["intitule"] for p in funding.evidence(a.federation_id, year)["postes"]]
        assert titles == ["Chargé de mission clauses"]  # the closed post would block the balance
        db.session.rollback()


def test_a_recorded_meeting_is_listed_with_the_territories_present(app, two_tenants, client):
    """Before: the list of meetings asked Jinja for a filter it does not have (``extract``), so the
    funding page answered 500 as soon as a meeting was recorded."""
    a, _ = two_tenants
    login(client, a.coordinator_email)
    page = f"/departements/{a.federation_code}/financement"
    answer = post(
        client, f"/departements/{a.federation_code}/reunions",
        {"held_on": clock.today().isoformat(), "kind": "operationnelle", "subject": "Réseau des facilitateurs", "attendees": [a.slug]},
        page=page,
    )  # fmt: skip
    assert answer.status_code == 302
    listed = text_of(client.get(page), collapse=True)
    assert "Réseau des facilitateurs" in listed and "Territoire A" in listed
