"""A clause built through the JSON API only, for the API tests of marchés, missions and hours."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from saas import clock

API = "/api/v1"
RSA = [{"code": "beneficiaire_rsa", "proof_type": "attestation_caf"}]


def created(api, url: str, body: dict) -> dict:
    response = api("POST", f"{API}{url}", json=body)
    assert response.status_code == 201, (url, response.json)
    return response.json


def first_month() -> date:
    """The first of twelve whole months, all before the current one."""
    return clock.today().replace(day=1) - relativedelta(months=12)


def clause_setup(api) -> dict:
    """Two donneurs d'ordre, a company holding a formula lot (833 h) and a fixed lot (400 h), a
    mutualisation sharing counted hours 75 / 25 between them, an eligible participant placed for
    twelve months on the formula lot."""
    start = first_month()
    ville, cd79, company, prescripteur = _organisations(api)
    marche, lot = _marche_and_formula_lot(api, ville, company)
    roads_lot = _roads_lot_of_400_hours(api, cd79, company)
    agreement = _mutualisation_75_25(api, start, lot, roads_lot)
    participant, eligibility = _eligible_participant(api, start, prescripteur)
    mission = _mission_of_twelve_months(api, start, participant, company, lot)
    return {
        "start": start,
        "ville": ville,
        "cd79": cd79,
        "company": company,
        "marche": marche,
        "lot": lot,
        "roads_lot": roads_lot,
        "agreement": agreement,
        "participant": participant,
        "eligibility": eligibility,
        "mission": mission,
    }


def _organisations(api) -> tuple[int, int, int, int]:
    """The Ville and the Département (donneurs d'ordre), the company, the prescripteur: their ids."""
    ville = created(api, "/organisations", {"name": "Ville de Niort", "kind": "donneur_ordre"})["id"]
    cd79 = created(api, "/organisations", {"name": "Département des Deux-Sèvres", "kind": "donneur_ordre"})[
        "id"
    ]
    company = created(
        api,
        "/organisations",
        {"name": "Bâtiments du Marais", "kind": "entreprise", "siret": "73282932000074"},
    )["id"]
    prescripteur = created(
        api,
        "/organisations",
        {"name": "Mission Locale du Niortais", "kind": "prescripteur", "prescriber_kind": "mission_locale"},
    )["id"]
    return ville, cd79, company, prescripteur


def _marche_and_formula_lot(api, ville: int, company: int) -> tuple[dict, dict]:
    """The Ville's marché and its formula lot held by the company."""
    marche = created(
        api,
        "/marches",
        {
            "donneur_ordre_id": ville,
            "reference": "2025-NIORT-GYM",
            "object": "Construction d'un gymnase",
            "notification_date": "2025-03-03",
            "considerations": ["clause_execution"],
        },
    )
    lot = created(
        api,
        f"/marches/{marche['id']}/lots",
        {
            "number": "1",
            "object": "Gros œuvre",
            "amount_ht": "1000000",
            "attributaire_id": company,
            "obligation_mode": "formula",
            "labour_share": "0.5",
            "insertion_rate": "0.05",
        },
    )
    return marche, lot


def _roads_lot_of_400_hours(api, cd79: int, company: int) -> dict:
    """The Département's marché of roads and its lot with a fixed obligation of 400 h."""
    roads = created(
        api,
        "/marches",
        {"donneur_ordre_id": cd79, "reference": "2025-CD79-ROUTES", "object": "Entretien des routes"},
    )
    return created(
        api,
        f"/marches/{roads['id']}/lots",
        {
            "number": "1",
            "object": "Voirie",
            "attributaire_id": company,
            "obligation_mode": "fixed",
            "fixed_hours": "400",
        },
    )


def _mutualisation_75_25(api, start: date, lot: dict, roads_lot: dict) -> dict:
    """The two lots mutualised: 75 % of the counted hours to the formula lot, 25 % to the roads."""
    return created(
        api,
        "/mutualisations",
        {
            "name": "Ville et Département",
            "valid_from": start.isoformat(),
            "allocation_key": "explicit",
            "member_lots": [
                {"lot_id": lot["id"], "share": "0.75"},
                {"lot_id": roads_lot["id"], "share": "0.25"},
            ],
        },
    )


def _eligible_participant(api, start: date, prescripteur: int) -> tuple[dict, dict]:
    """A participant prescribed by the mission locale, eligible (RSA) from the first month."""
    participant = created(
        api,
        "/participants",
        {"last_name": "Martin", "first_name": "Léa", "birth_date": "1998-06-12", "sex": "F"},
    )
    created(
        api,
        f"/participants/{participant['id']}/prescriptions",
        {"prescripteur_id": prescripteur, "prescribed_on": start.isoformat(), "content": "Fiche de liaison"},
    )
    eligibility = created(
        api,
        f"/participants/{participant['id']}/eligibilites",
        {"criteria": RSA, "validated_on": start.isoformat()},
    )
    return participant, eligibility


def _mission_of_twelve_months(api, start: date, participant: dict, company: int, lot: dict) -> dict:
    """The participant hired by the company on the formula lot for twelve months."""
    return created(
        api,
        "/missions",
        {
            "participant_id": participant["id"],
            "employer_id": company,
            "lot_id": lot["id"],
            "modality": "embauche_directe",
            "contract_type": "cdd",
            "start_date": start.isoformat(),
            "end_date": (start + relativedelta(months=12) - timedelta(days=1)).isoformat(),
            "weekly_hours": "35",
        },
    )
