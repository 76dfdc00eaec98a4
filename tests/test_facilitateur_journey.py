"""The facilitateur's year, end to end, through the pages only (issue 3, "done means"): register a
marché and its lot and see the hours computed, create a participant, validate their eligibility,
place them on a mission, mutualise the lot with another donneur d'ordre's lot, record and
validate twelve monthly statements, and read each lot's progress."""

from __future__ import annotations

import re
from decimal import Decimal

from saas.heures.progress import progress
from tenants import api as tenants_api
from tenants import context
from tests.clause_pages import expected_version
from tests.fixtures import csrf_token, login
from tests.web import post, text_of


def option(client, url: str, label: str) -> str:
    return re.search(rf'<option value="(\d+)">{re.escape(label)}', text_of(client.get(url))).group(1)


def created_id(response) -> int:
    assert response.status_code == 302, text_of(response)[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1].split("?")[0].split("#")[0])


def test_a_year_of_clause_execution_through_the_pages(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    t = f"/t/{a.slug}"
    lot_ville = _ville_lot_of_833_hours(client, t)
    lot_dept = _departement_lot_of_400_hours(client, t)
    person = _participant_with_eligibility_validated(client, t)
    mission = _mission_on_the_lot(client, t, person, lot_ville)
    _mutualise_the_two_lots(client, t, lot_ville, lot_dept)
    _twelve_statements_declared_and_validated(client, t, mission)
    _each_lot_progress(app, a, client, t, lot_ville, lot_dept)


def _ville_lot_of_833_hours(client, t: str) -> int:
    """A marché of the Ville and a formula lot held by the SIAE: 833 h computed and explained."""
    new = f"{t}/marches/nouveau"
    ville = created_id(
        post(
            client,
            new,
            {
                "reference": "2025-ECOLE",
                "object": "Groupe scolaire",
                "donneur_ordre_id": option(client, new, "Ville a"),
                "notification_date": "2025-01-06",
                "considerations": "clause_execution",
            },
        )
    )
    lot_new = f"{t}/marches/{ville}/lots/nouveau"
    lot_ville = created_id(
        post(
            client,
            lot_new,
            {
                "number": "1",
                "object": "Gros œuvre",
                "amount_ht": "1 000 000",
                "attributaire_id": option(client, lot_new, "SIAE a"),
                "obligation_mode": "formula",
                "labour_share": "50",
                "insertion_rate": "5",
                "rounding": "nearest",
            },
        )
    )
    assert "833 h = 1 000 000 € × 50 % × 5 % ÷ 30 €" in text_of(client.get(f"{t}/lots/{lot_ville}"))
    return lot_ville


def _departement_lot_of_400_hours(client, t: str) -> int:
    """A marché of the Département with a fixed obligation of 400 h."""
    new = f"{t}/marches/nouveau"
    dept = created_id(
        post(
            client,
            new,
            {
                "reference": "2025-ROUTES",
                "object": "Routes départementales",
                "donneur_ordre_id": option(client, new, "Département a"),
                "considerations": "clause_execution",
            },
        )
    )
    lot_new = f"{t}/marches/{dept}/lots/nouveau"
    return created_id(
        post(
            client,
            lot_new,
            {
                "number": "1",
                "object": "Voirie",
                "obligation_mode": "fixed",
                "fixed_hours": "400",
                "rounding": "nearest",
            },
        )
    )


def _participant_with_eligibility_validated(client, t: str) -> int:
    """A participant, their eligibility validated by the guichet."""
    person = created_id(
        post(
            client,
            f"{t}/participants/nouveau",
            {
                "last_name": "Moreau",
                "first_name": "Inès",
                "birth_date": "1994-04-12",
                "sex": "F",
                "commune_insee": "79191",
            },
        )
    )
    validated = post(
        client,
        f"{t}/participants/{person}/eligibilite",
        {
            "criteria": "beneficiaire_rsa",
            "justificatif-beneficiaire_rsa": "attestation_caf",
            "validated_on": "2025-01-02",
        },
    )
    assert validated.status_code == 302, text_of(validated)[:2000]
    return person


def _mission_on_the_lot(client, t: str, person: int, lot_ville: int) -> int:
    """Placed on a mission on the Ville's lot, without any override."""
    mission_new = f"{t}/missions/nouvelle"
    return created_id(
        post(
            client,
            mission_new,
            {
                "participant_id": str(person),
                "lot_id": str(lot_ville),
                "employer_id": option(client, mission_new, "SIAE a"),
                "modality": "mise_a_disposition",
                "contract_type": "mise_a_disposition_ai",
                "start_date": "2025-01-06",
                "end_date": "2025-12-31",
                "trial_end_date": "",
                "weekly_hours": "35",
                "job_title": "Manœuvre",
                "rome_code": "",
                "override_reason": "",
            },
        )
    )


def _mutualise_the_two_lots(client, t: str, lot_ville: int, lot_dept: int) -> None:
    """The two donneurs d'ordre mutualise: half of the hours of each lot's missions go to the other."""
    url = f"{t}/mutualisations/"
    agreed = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "name": "Ville et Département",
            "valid_from": "2025-01-01",
            "valid_to": "2025-12-31",
            "allocation_key": "explicit",
            "notes": "",
            "members-0-lot_id": str(lot_ville),
            "members-0-share": "50",
            "members-1-lot_id": str(lot_dept),
            "members-1-share": "50",
        },
    )
    assert agreed.status_code == 302, text_of(agreed)[:2000]


def _twelve_statements_declared_and_validated(client, t: str, mission: int) -> None:
    """Twelve monthly statements of 100 h, each declared then validated."""
    for month in range(1, 13):
        declare = f"{t}/missions/{mission}/heures/nouveau"
        statement = created_id(
            post(
                client,
                declare,
                {
                    "month": f"2025-{month:02d}",
                    "worked_hours": "100",
                    "training_hours": "",
                    "absence_hours": "",
                    "comment": "",
                },
            )
        )
        page = f"{t}/heures/{statement}"
        validated = client.post(
            f"{page}/valider",
            data={
                "expected_version": expected_version(client, _Site(t), statement),
                "csrf_token": csrf_token(client, page),
            },
        )
        assert validated.status_code == 302, text_of(validated)[:2000]


def _each_lot_progress(app, a, client, t: str, lot_ville: int, lot_dept: int) -> None:
    """Each lot's progress: 600 counted hours each, 1 200 raw on the Ville's lot."""
    with app.app_context(), context.scoped(a.tenant_id):
        tenants_api.enter_tenant(a.tenant_id, None)
        lots = progress("lot", [lot_ville, lot_dept])
    assert (lots[lot_ville].obligation, lots[lot_ville].counted, lots[lot_ville].raw) == (
        Decimal(833),
        Decimal(600),
        Decimal(1200),
    )
    assert (lots[lot_dept].obligation, lots[lot_dept].counted, lots[lot_dept].raw) == (
        Decimal(400),
        Decimal(600),
        Decimal(0),
    )
    assert lots[lot_dept].rate == Decimal("1.5")
    ville_page = text_of(client.get(f"{t}/lots/{lot_ville}"))
    dept_page = text_of(client.get(f"{t}/lots/{lot_dept}"))
    assert "600" in ville_page and "1 200" in ville_page and "600" in dept_page
    dashboard = text_of(client.get(f"{t}/"))
    assert "Tableau de bord" in dashboard


class _Site:
    """What ``expected_version`` needs: the tenant's URL prefix."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def url(self, path: str) -> str:
        return self.prefix + path
