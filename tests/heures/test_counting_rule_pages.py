"""Counting rules in the admin console: a new version changes nothing until the recount shown in
preview is applied."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saas.heures import api as heures
from tests.clause_pages import (
    clause_site,
    counted,
    declare_through_page,
    in_scope,
    new_participant,
    place_through_page,
    validate_through_page,
)
from tests.fixtures import csrf_token, login


@pytest.fixture
def site(app, client):
    built = clause_site(app)
    login(client, built.admin)
    return built


def _rule_data(client, site, **changes) -> dict:
    url = site.url("/admin/regles-de-comptage")
    data = {
        "csrf_token": csrf_token(client, url),
        "marche_id": "",
        "count_training": "y",
        "training_cap_hours": "",
        "cdi_cap_hours": "",
        "require_eligibility": "y",
        "partial_eligibility": "pro_rata",
        "rounding_step": "0.01",
        "rounding": "nearest",
        "note": "",
    }
    data.update(changes)
    return data


def test_recount_preview_shows_the_difference_and_changes_nothing_until_applied(app, client, site):
    cdi = place_through_page(
        client, site, new_participant(app, site, "Cdi"), contract_type="cdi", end_date=""
    )
    cdd = place_through_page(client, site, new_participant(app, site, "Cdd"))
    cdi_statement = declare_through_page(client, site, cdi, "2025-02", "100")
    validate_through_page(client, site, cdi_statement)
    validate_through_page(client, site, declare_through_page(client, site, cdd, "2025-02", "50"))
    lot = site.world.lots[0]
    with in_scope(app, site):
        assert counted(lot) == Decimal("150.00")

    saved = client.post(
        site.url("/admin/regles-de-comptage"),
        data=_rule_data(client, site, multiplier_cdi="2", note="CDI valorisé double"),
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(
        "/admin/regles-de-comptage/recalcul"
    )
    rules_page = client.get(site.url("/admin/regles-de-comptage")).get_data(as_text=True)
    assert "Version 2" in rules_page and "× 2" in rules_page and "CDI valorisé double" in rules_page

    preview = client.get(site.url("/admin/regles-de-comptage/recalcul")).get_data(as_text=True)
    assert f"relevé n° {cdi_statement}" in preview
    assert "100,00" in preview and "200,00" in preview  # before, after; the difference is 100 too
    assert "Relevés dont les heures comptées changent" in preview
    with in_scope(app, site):
        assert counted(lot) == Decimal("150.00")  # the preview changed nothing
        assert heures.current_counting(cdi_statement).detail["rule_version"] == 1

    applied = client.post(
        site.url("/admin/regles-de-comptage/recalcul"),
        data={"csrf_token": csrf_token(client, site.url("/admin/regles-de-comptage/recalcul"))},
    )
    assert applied.status_code == 302
    with in_scope(app, site):
        assert counted(lot) == Decimal("250.00")
        counting = heures.current_counting(cdi_statement)
        assert (counting.counted_hours, counting.detail["rule_version"]) == (Decimal("200.00"), 2)
    after = client.get(site.url("/admin/regles-de-comptage/recalcul")).get_data(as_text=True)
    assert "Aucun changement" in after


def test_a_marche_gets_its_own_rules(app, client, site):
    marche_id = site.world.marches[1]
    saved = client.post(
        site.url("/admin/regles-de-comptage"),
        data=_rule_data(client, site, marche_id=str(marche_id), rounding_step="1", rounding="down"),
    )
    assert saved.status_code == 302
    with in_scope(app, site):
        rule = heures.rule_in_force(marche_id)
        assert (rule.marche_id, rule.version, rule.rounding_step, rule.rounding) == (
            marche_id,
            1,
            Decimal("1.00"),
            "down",
        )
        assert heures.rule_in_force(site.world.marches[0]).marche_id is None
    page = client.get(site.url("/admin/regles-de-comptage")).get_data(as_text=True)
    assert "Règles propres au marché M-1" in page


def test_an_invalid_rule_is_refused_with_a_french_message(client, site):
    refused = client.post(
        site.url("/admin/regles-de-comptage"), data=_rule_data(client, site, multiplier_cdi="12")
    )
    assert refused.status_code == 400
    assert "Le coefficient est compris entre 0 et 10." in refused.get_data(as_text=True)


def test_the_facilitateur_has_no_access_to_the_rules(app, client_factory, site):
    facilitateur = client_factory()
    login(facilitateur, site.facilitateur)
    assert facilitateur.get(site.url("/admin/regles-de-comptage")).status_code == 404


def test_the_admin_chooses_what_a_month_partly_covered_by_eligibility_counts(app, client, site):
    page = client.get(site.url("/admin/regles-de-comptage")).get_data(as_text=True)
    assert "Mois où l&#39;éligibilité ne couvre qu&#39;une partie des jours" in page
    assert '<option selected value="pro_rata">' in page  # the default
    saved = client.post(
        site.url("/admin/regles-de-comptage"), data=_rule_data(client, site, partial_eligibility="month")
    )
    assert saved.status_code == 302
    rules_page = client.get(site.url("/admin/regles-de-comptage")).get_data(as_text=True)
    assert "exigée ; mois partiel : compter tout le mois" in rules_page
    refused = client.post(
        site.url("/admin/regles-de-comptage"), data=_rule_data(client, site, partial_eligibility="moitie")
    )
    assert refused.status_code == 400
    with in_scope(app, site):
        assert heures.latest_rule(None).partial_eligibility == "month"
