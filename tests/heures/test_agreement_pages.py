"""Mutualisation pages: an agreement between lots of two donneurs d'ordre shares the counted hours
of a mission on one lot between both lots, per the key, never counting an hour twice."""

from __future__ import annotations

from decimal import Decimal

from saas.heures import api as heures
from tests.clause_pages import (
    counted,
    declare_through_page,
    in_scope,
    new_participant,
    place_through_page,
    validate_through_page,
)
from tests.fixtures import csrf_token


def _agreement(client, site, key: str, shares=("", ""), lots=None) -> object:
    url = site.url("/mutualisations/")
    lots = site.world.lots if lots is None else lots
    data = {
        "csrf_token": csrf_token(client, url),
        "name": "Mutualisation Ville et Département",
        "valid_from": "2025-01-01",
        "valid_to": "",
        "allocation_key": key,
        "notes": "",
    }
    for index, lot_id in enumerate(lots):
        data[f"members-{index}-lot_id"] = str(lot_id)
        data[f"members-{index}-share"] = shares[index]
    return client.post(url, data=data)


def test_validating_a_statement_allocates_to_both_lots_per_the_explicit_key(app, client, site):
    created = _agreement(client, site, "explicit", ("40", "60"))
    assert created.status_code == 302
    agreement_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    mission_id = place_through_page(client, site, new_participant(app, site, "Mutualisé"))
    statement_id = declare_through_page(client, site, mission_id, "2025-03", "151,67")
    validate_through_page(client, site, statement_id)

    first, second = site.world.lots
    with in_scope(app, site):
        counting = heures.current_counting(statement_id)
        allocations = {a.lot_id: (a.hours, a.agreement_id) for a in heures.allocations_of(counting.id)}
        assert allocations == {
            first: (Decimal("60.67"), agreement_id),
            second: (Decimal("91.00"), agreement_id),
        }
        assert counted(first) + counted(second) == counting.counted_hours == Decimal("151.67")

    page = client.get(site.url(f"/mutualisations/{agreement_id}")).get_data(as_text=True)
    assert "Donneur 0" in page and "Donneur 1" in page
    assert "60,67" in page and "91,00" in page and "151,67" in page
    statement_page = client.get(site.url(f"/heures/{statement_id}")).get_data(as_text=True)
    assert "Mutualisation Ville et Département" in statement_page


def test_pro_rata_key_follows_the_obligations(app, client, site):
    assert _agreement(client, site, "pro_rata").status_code == 302
    mission_id = place_through_page(client, site, new_participant(app, site, "Prorata"))
    validate_through_page(client, site, declare_through_page(client, site, mission_id, "2025-03", "100"))
    first, second = site.world.lots  # obligations 1 000 h and 3 000 h
    with in_scope(app, site):
        assert (counted(first), counted(second)) == (Decimal("25.00"), Decimal("75.00"))


def test_an_agreement_needs_two_donneurs_and_shares_adding_up_to_100(app, client, site):
    one_lot = _agreement(client, site, "pro_rata", lots=[site.world.lots[0]])
    assert one_lot.status_code == 400
    assert "au moins deux lots" in one_lot.get_data(as_text=True)
    bad_shares = _agreement(client, site, "explicit", ("40", "50"))
    assert bad_shares.status_code == 400
    assert "totaliser 100 %" in bad_shares.get_data(as_text=True)
    with in_scope(app, site):
        assert heures.agreements() == []
