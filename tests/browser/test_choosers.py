"""The search field that replaces a list of every row (blueprints/choosers.py), in a real browser:
a WAI-ARIA combobox driven by the keyboard alone (arrows, Enter, Escape), checked by axe."""

from __future__ import annotations

import pytest

from saas.db import db
from tests.browser.steps import login, search_and_choose
from tests.builders import eligible_participant, place
from tests.clause_pages import clause_site, in_scope

pytestmark = pytest.mark.committed


@pytest.fixture
def world(app):
    """A clause world (tests/clause_pages.py) with three missions whose names start alike."""
    site = clause_site(app, "choix")
    with in_scope(app, site):
        for name in ("Garnier", "Garnaud", "Gautier"):
            place(site.world, eligible_participant(name), site.world.lots[0])
        db.session.commit()
    return site


def test_the_hours_filter_chooses_a_mission_with_the_keyboard(app, page, audit_page, world):
    login(page, audit_page, app, world.facilitateur)
    page.goto(world.url("/heures/?statut=tous"))
    audit_page("Relevés d'heures, filtre de mission")
    search_and_choose(page, "Mission", "garn", "GARNIER")
    hidden = page.locator("input[type=hidden][name=mission]")
    assert hidden.input_value().isdigit()

    field = page.get_by_role("combobox", name="Mission")
    field.press("End")
    field.press_sequentially(" x", delay=30)  # the text no longer names the mission chosen
    assert hidden.input_value() == ""
    field.fill("")
    field.press_sequentially("ga", delay=30)
    page.locator("#filtre-mission-suggestions [role=option]").first.wait_for()
    field.press("Escape")  # closes the suggestions
    assert field.get_attribute("aria-expanded") == "false"
    assert field.input_value() == "ga"
    field.press("Escape")  # then clears the text
    assert field.input_value() == ""

    search_and_choose(page, "Mission", "gau", "GAUTIER")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Appliquer les filtres").click()
    assert "mission=" in page.url
    assert "GAUTIER" in page.get_by_role("combobox", name="Mission").input_value()
    audit_page("Relevés d'heures d'une mission")
