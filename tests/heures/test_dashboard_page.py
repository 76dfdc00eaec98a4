"""The dashboard: hours counted against the obligations, lots behind schedule, follow-ups overdue,
statements awaiting validation."""

from __future__ import annotations

import re

from tests.clause_pages import (
    declare_through_page,
    new_participant,
    place_through_page,
    validate_through_page,
)


def test_dashboard_shows_what_awaits_and_what_is_late(app, client, site):
    mission_id = place_through_page(client, site, new_participant(app, site, "Tableau"))
    validate_through_page(client, site, declare_through_page(client, site, mission_id, "2025-01", "100"))
    declare_through_page(client, site, mission_id, "2025-02", "90")
    declare_through_page(client, site, mission_id, "2025-03", "80")

    html = client.get(site.url("/")).get_data(as_text=True)
    assert re.search(r"<strong>2</strong> relevé\(s\) d'heures en attente de validation", html)
    assert site.url("/heures/") in html
    # the marchés run from 2025-01-01 to 2026-12-31: both lots are far behind their schedule.
    assert "Lots en retard (2)" in html and "Lot 1 — M-0" in html
    assert "Obligations des lots (total)" in html and "4 000,00" in html.replace("\u202f", " ").replace(
        "\xa0", " "
    )
    # the follow-ups of a mission of 2025 are all overdue today.
    assert re.search(r"<strong>[1-9]\d*</strong> suivi\(s\) prévu\(s\) non réalisé\(s\)", html)
    assert site.url(f"/missions/{mission_id}") in html
