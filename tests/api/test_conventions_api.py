"""The conventions resources of the JSON API: creation with the full body and the standing read
back, errors naming the field (nested ones by their path), terms read at a date around an avenant,
a late objection, the calendar, the money table, refusals, tenant isolation, read-only tokens."""

from __future__ import annotations

import json
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import text

from saas import clock
from saas.conventions import seeds
from tests.builders import monthly_deliverable

CONVENTIONS = "/api/v1/conventions"


def _json(data: dict) -> dict:
    """A seed's data as a JSON body (dates written ISO)."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def _ddets(api) -> int:
    created = api("POST", "/api/v1/organisations", json={"name": "DDETS-PP 79", "kind": "etat"})
    assert created.status_code == 201, created.json
    return created.json["id"]


def _seed_002(two_tenants, api, signed_on: date, label: str = "API") -> dict:
    a, _ = two_tenants
    body = _json(
        seeds.seed_002(a.ids["donneur_ordre_id"], a.ids["organisation_id"], _ddets(api), signed_on, label)
    )
    created = api("POST", CONVENTIONS, json=body)
    assert created.status_code == 201, created.json
    return created.json


def test_a_seed_002_convention_is_created_whole_and_read_back_with_its_standing(
    two_tenants, api, superuser_engine
):
    a, _ = two_tenants
    signed_on = clock.today() - relativedelta(months=2)
    created = _seed_002(two_tenants, api, signed_on)
    term = signed_on + relativedelta(months=12) - timedelta(days=1)
    assert created["reference"] == "MAD-API" and created["kind"] == "mise_a_disposition"
    assert created["statut"] == "active" and created["statut_libelle"] == "En cours"

    read = api("GET", f"{CONVENTIONS}/{created['id']}")
    assert read.status_code == 200
    convention = read.json
    assert convention["periode"] == {
        "numero": 1,
        "debut": signed_on.isoformat(),
        "fin": term.isoformat(),
        "dernier_jour_pour_denoncer": term.isoformat(),  # no notice: until the term itself
        "reconductible": True,
    }
    assert convention["prochaine_echeance"] == term.isoformat()
    assert convention["dernier_jour_pour_denoncer"] == term.isoformat()
    assert convention["reconductions_restantes"] is None  # renewed without limit
    assert convention["fin_prevue"] is None and convention["denonciation"] is None
    terms = convention["terms"]
    assert terms["number"] == 0 and terms["duration_kind"] == "tacit" and terms["notice_months"] == 0
    assert [article["numero"] for article in terms["articles"]] == ["3", "8", "9"]
    assert len(terms["obligations"]) == 7
    monthly = next(o for o in terms["obligations"] if o["cadence"] == "monthly")
    assert monthly["day_of_month"] == 10 and monthly["responsible"] == "SIAE a"
    assert [(p["organisation"], p["role"], p["is_guichet"]) for p in convention["parties"]] == [
        ("Ville a", "porteur", True),
        ("SIAE a", "partenaire", False),
        ("DDETS-PP 79", "etat", False),
    ]
    assert [v["number"] for v in convention["versions"]] == [0]
    assert convention["renewals"] == [] and convention["documents"] == []

    listed = api("GET", CONVENTIONS, query_string={"kind": "mise_a_disposition"}).json
    assert [(c["reference"], c["statut"]) for c in listed["items"]] == [("MAD-API", "active")]
    with superuser_engine.connect() as conn:
        actions = conn.execute(
            text("SELECT actor_email FROM audit_log WHERE action = 'convention.created'")
        ).all()
    assert f"api:{a.api_token[:11]}" in {row.actor_email for row in actions}


def test_a_body_missing_the_reference_is_a_422_naming_it(two_tenants, api):
    a, _ = two_tenants
    body = _json(
        seeds.seed_002(a.ids["donneur_ordre_id"], a.ids["organisation_id"], _ddets(api), clock.today(), "X")
    )
    del body["reference"]
    response = api("POST", CONVENTIONS, json=body)
    assert response.status_code == 422
    assert response.json["errors"]["json"]["reference"] == ["Ce champ est obligatoire."]


def test_nested_errors_are_named_by_their_path(two_tenants, api):
    a, _ = two_tenants
    body = _json(
        seeds.seed_002(a.ids["donneur_ordre_id"], a.ids["organisation_id"], _ddets(api), clock.today(), "N")
    )
    del body["parties"][1]["organisation_id"]
    body["obligations"][2]["cadence"] = "chaque_lune"
    response = api("POST", CONVENTIONS, json=body)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert set(errors) == {"parties.1.organisation_id", "obligations.2.cadence"}
    assert errors["parties.1.organisation_id"] == ["Ce champ est obligatoire."]
    # an organisation of the territory is the domain's rule: same naming
    body = _json(
        seeds.seed_002(a.ids["donneur_ordre_id"], a.ids["organisation_id"], 999999, clock.today(), "N")
    )
    response = api("POST", CONVENTIONS, json=body)
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["parties.2.organisation_id"]


def test_a_fixed_term_without_end_is_a_422_naming_end_on(two_tenants, api):
    a, _ = two_tenants
    body = _json(
        seeds.seed_002(a.ids["donneur_ordre_id"], a.ids["organisation_id"], _ddets(api), clock.today(), "F")
    )
    body["duration_kind"] = "fixed"
    response = api("POST", CONVENTIONS, json=body)
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"end_on": ["Indiquez la date de fin de la convention."]}
    assert api("GET", CONVENTIONS, query_string={"kind": "mise_a_disposition"}).json["total"] == 0


def test_an_avenant_changes_the_terms_read_after_its_date_only(two_tenants, api):
    a, _ = two_tenants
    signed_on = clock.today() - relativedelta(months=3)
    convention = _seed_002(two_tenants, api, signed_on)
    url = f"{CONVENTIONS}/{convention['id']}"
    weekly = next(o for o in convention["terms"]["obligations"] if o["cadence"] == "weekly")
    effective = clock.today() - timedelta(days=10)
    amended = api(
        "POST",
        f"{url}/avenants",
        json={
            "signed_on": (effective - timedelta(days=5)).isoformat(),
            "effective_from": effective.isoformat(),
            "summary": "Le point des contrats devient mensuel",
            "object": "Objet modifié par l'avenant 1",
            "close": {"obligations": [weekly["id"]]},
            "add": {
                "obligations": [monthly_deliverable(a, "etat_contrats", 5, "Point mensuel des contrats")]
            },
        },
    )
    assert amended.status_code == 201, amended.json
    assert amended.json["number"] == 1 and amended.json["object"] == "Objet modifié par l'avenant 1"

    before = api("GET", url, query_string={"date": (effective - timedelta(days=1)).isoformat()}).json
    after = api("GET", url, query_string={"date": effective.isoformat()}).json
    assert before["terms"]["number"] == 0 and after["terms"]["number"] == 1
    assert before["terms"]["object"].startswith("Définir les règles de coopération")
    assert after["terms"]["object"] == "Objet modifié par l'avenant 1"
    labels_before = {o["label"] for o in before["terms"]["obligations"]}
    labels_after = {o["label"] for o in after["terms"]["obligations"]}
    assert weekly["label"] in labels_before and weekly["label"] not in labels_after
    assert "Point mensuel des contrats" in labels_after - labels_before
    assert [(v["number"], v["summary"]) for v in after["versions"]] == [
        (0, None),
        (1, "Le point des contrats devient mensuel"),
    ]
    assert before["versions"] == after["versions"]

    # an avenant effective before the latest terms is refused, naming the field
    again = api(
        "POST",
        f"{url}/avenants",
        json={"signed_on": signed_on.isoformat(), "effective_from": signed_on.isoformat(), "summary": "x"},
    )
    assert again.status_code == 422 and list(again.json["errors"]["json"]) == ["effective_from"]


def test_an_objection_after_the_notice_deadline_ends_the_convention_at_the_next_term(two_tenants, api):
    a, _ = two_tenants
    signed_on = clock.today() - relativedelta(months=10)
    body = _json(seeds.seed_004(a.ids["donneur_ordre_id"], a.ids["organisation_id"], signed_on, "API"))
    convention = api("POST", CONVENTIONS, json=body).json
    first_term = signed_on + relativedelta(months=12) - timedelta(days=1)
    assert convention["dernier_jour_pour_denoncer"] < clock.today().isoformat()  # 3 months' notice

    objection = api(
        "POST",
        f"{CONVENTIONS}/{convention['id']}/denonciation",
        json={"party_id": a.ids["organisation_id"], "received_on": clock.today().isoformat()},
    )
    assert objection.status_code == 201, objection.json
    later_term = signed_on + relativedelta(months=24) - timedelta(days=1)
    assert objection.json["late"] is True
    assert objection.json["effective_term"] == later_term.isoformat() != first_term.isoformat()
    read = api("GET", f"{CONVENTIONS}/{convention['id']}").json
    assert read["statut"] == "ending" and read["fin_prevue"] == later_term.isoformat()
    assert read["denonciation"]["party"] == "SIAE a" and read["denonciation"]["late"] is True
    twice = api(
        "POST",
        f"{CONVENTIONS}/{convention['id']}/denonciation",
        json={"party_id": a.ids["organisation_id"], "received_on": clock.today().isoformat()},
    )
    assert twice.status_code == 422 and twice.json["message"] == "La convention a déjà été dénoncée."


def test_a_signed_convention_is_completed_only_by_avenant(two_tenants, api):
    a, _ = two_tenants
    response = api(
        "POST",
        f"{CONVENTIONS}/{a.ids['convention_id']}/moyens",
        json={"provider_id": a.ids["donneur_ordre_id"], "label": "Chargé de mission", "fte": "0.5"},
    )
    assert response.status_code == 422
    assert "avenant" in response.json["message"]


def test_a_draft_is_completed_then_signed(two_tenants, api):
    a, _ = two_tenants
    body = _json(seeds.seed_004(a.ids["donneur_ordre_id"], a.ids["organisation_id"], clock.today(), "D"))
    del body["signed_on"]
    body["obligations"] = []
    draft = api("POST", CONVENTIONS, json=body).json
    assert draft["statut"] == "draft"
    url = f"{CONVENTIONS}/{draft['id']}"

    def add_annual_report(cadence: str):
        obligation = {"responsible_id": a.ids["organisation_id"], "nature": "deliverable"}
        return api(
            "POST", f"{url}/obligations", json={**obligation, "category": "bilan_annuel", "cadence": cadence}
        )

    bad = add_annual_report("monthly")
    assert bad.status_code == 422 and list(bad.json["errors"]["json"]) == ["day_of_month"]
    added = add_annual_report("annual")
    assert added.status_code == 201 and added.json["category_label"] == "Bilan annuel"
    commitment = api(
        "POST",
        f"{url}/engagements",
        json={"payer_id": a.ids["donneur_ordre_id"], "payee_id": a.ids["organisation_id"],
              "label": "Participation", "basis": "fixed", "amount": "1000",
              "schedule": [{"label": "Solde", "percent": "50", "trigger": "end"}]},
    )  # fmt: skip
    assert commitment.status_code == 422
    assert list(commitment.json["errors"]["json"]) == ["schedule"]
    signed = api("POST", f"{url}/signature", json={"signed_on": clock.today().isoformat()})
    assert signed.status_code == 200 and signed.json["statut"] == "active"
    assert [o["label"] for o in signed.json["terms"]["obligations"]] == ["Bilan annuel"]


def test_reception_changes_the_status_in_the_calendar(two_tenants, api):
    a, _ = two_tenants
    occurrence_id = a.ids["occurrence_id"]
    query = {"convention": a.ids["convention_id"], "page_size": 100}

    def status() -> str:
        rows = api("GET", "/api/v1/echeances", query_string=query).json["items"]
        return next(r["status"] for r in rows if r["id"] == occurrence_id)

    assert status() == "received"  # on its due date, by the fixture
    cancelled = api("DELETE", f"/api/v1/echeances/{occurrence_id}/reception")
    assert cancelled.status_code == 200 and cancelled.json["received_on"] is None
    assert status() == "missing"  # due 18 months ago
    missing = api("GET", "/api/v1/echeances", query_string={**query, "statut": "missing"}).json
    assert occurrence_id in {r["id"] for r in missing["items"]}
    received = api(
        "POST",
        f"/api/v1/echeances/{occurrence_id}/reception",
        json={"received_on": clock.today().isoformat(), "note": "Reçu par courriel"},
    )
    assert received.status_code == 200, received.json
    assert received.json["status"] == "received_late" and received.json["status_label"] == "Reçu en retard"
    assert status() == "received_late"
    again = api("POST", f"/api/v1/echeances/{occurrence_id}/reception", json={})
    assert again.status_code == 422 and again.json["message"] == "Cette échéance est déjà marquée reçue."
    assert api("DELETE", f"/api/v1/echeances/{occurrence_id}/reception").status_code == 200
    future = api(
        "POST",
        f"/api/v1/echeances/{occurrence_id}/reception",
        json={"received_on": (clock.today() + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 422 and list(future.json["errors"]["json"]) == ["received_on"]
    event = api("POST", f"/api/v1/echeances/{occurrence_id}/evenement", json={"event_on": "2025-06-01"})
    assert event.status_code == 422 and "événement" in event.json["message"]


def test_compliance_by_partner_and_by_convention(two_tenants, api):
    a, _ = two_tenants
    by_convention = api("GET", "/api/v1/conformite", query_string={"par": "convention"}).json["items"]
    row = next(r for r in by_convention if r["id"] == a.ids["convention_id"])
    assert row["due"] >= 1 and row["on_time"] >= 1 and 0 < row["rate"] <= 1
    by_partner = api("GET", "/api/v1/conformite").json["items"]
    assert "Ville a" in {r["label"] for r in by_partner}
    bad = api("GET", "/api/v1/conformite", query_string={"par": "lune"})
    assert bad.status_code == 422 and "par" in bad.json["errors"]["query"]


def test_the_money_table_lists_the_instalments_of_the_fixture_convention(two_tenants, api):
    a, _ = two_tenants
    rows = api("GET", "/api/v1/versements", query_string={"convention": a.ids["convention_id"]}).json
    items = rows["items"]
    assert rows["total"] == 4  # 40 % at start and 60 % at the end, for each of the two periods
    first = items[0]
    assert (first["ligne_id"], first["periode"], first["montant"], first["statut"]) == (
        a.ids["line_id"],
        1,
        "4800.00",  # 40 % of 15 000 EUR x 0.8 post
        "paid",
    )
    assert first["paiement"]["amount"] == "4800.00" and first["convention_reference"] == "CD93-A"
    balance = next(i for i in items if i["periode"] == 1 and i["montant"] == "7200.00")
    assert balance["statut"] == "waiting" and balance["exigible_depuis"] is None
    assert balance["pieces_manquantes"] == [
        "Bilan d'activité",
        "Bilan financier",
        "Bulletins de salaire",
        "Fiche de poste",
    ]
    waiting = api("GET", "/api/v1/versements", query_string={"statut": "waiting"}).json["items"]
    assert {(i["ligne_id"], i["periode"]) for i in waiting} >= {(balance["ligne_id"], 1)}
    assert all(i["statut"] == "waiting" for i in waiting)

    refused = api(
        "POST",
        f"/api/v1/versements/{balance['ligne_id']}/paiement",
        json={"period_no": 1, "paid_on": clock.today().isoformat()},
    )
    assert refused.status_code == 422
    assert refused.json["message"] == (
        "Échéance non exigible : pièces attendues — Bilan d'activité, Bilan financier, "
        "Bulletins de salaire, Fiche de poste."
    )


def test_an_instalment_is_paid_in_full_once(two_tenants, api):
    a, _ = two_tenants
    url = f"/api/v1/versements/{a.ids['line_id']}/paiement"
    rows = api("GET", "/api/v1/versements", query_string={"convention": a.ids["convention_id"]}).json
    second = next(i for i in rows["items"] if i["ligne_id"] == a.ids["line_id"] and i["periode"] == 2)
    assert second["statut"] in ("payable", "late")
    wrong = api("POST", url, json={"period_no": 2, "paid_on": clock.today().isoformat(), "amount": "4000"})
    assert wrong.status_code == 422 and list(wrong.json["errors"]["json"]) == ["amount"]
    paid = api(
        "POST",
        url,
        json={"period_no": 2, "paid_on": clock.today().isoformat(), "amount": "4800", "reference": "M-42"},
    )
    assert paid.status_code == 201, paid.json
    assert paid.json["statut"] == "paid" and paid.json["paiement"]["reference"] == "M-42"
    twice = api("POST", url, json={"period_no": 2, "paid_on": clock.today().isoformat()})
    assert twice.status_code == 422 and twice.json["message"] == "Cette échéance est déjà payée."
    unknown = api("POST", url, json={"period_no": 9, "paid_on": clock.today().isoformat()})
    assert unknown.status_code == 422 and list(unknown.json["errors"]["json"]) == ["period_no"]


def test_the_fixture_convention_reads_its_history_and_its_document(two_tenants, api, superuser_engine):
    a, _ = two_tenants
    convention = api("GET", f"{CONVENTIONS}/{a.ids['convention_id']}").json
    assert [v["number"] for v in convention["versions"]] == [0, 1]
    assert [r["period_no"] for r in convention["renewals"]] == [2]
    assert convention["statut"] == "ending" and convention["reconductions_restantes"] == 0
    # the objection came in time for the term under way: it ends there
    assert convention["fin_prevue"] == convention["prochaine_echeance"] == convention["periode"]["fin"]
    document = convention["documents"][0]
    assert document["id"] == a.ids["document_id"] and "content" not in document
    response = api("GET", f"{CONVENTIONS}/{a.ids['convention_id']}/documents/{document['id']}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    with superuser_engine.connect() as conn:
        reads = conn.execute(
            text("SELECT actor_email FROM audit_log WHERE action = 'convention.document_read'")
        ).all()
    assert [r.actor_email for r in reads] == [f"api:{a.api_token[:11]}"]


def test_another_tenants_convention_is_a_404(two_tenants, api):
    _, b = two_tenants
    for method, url in (
        ("GET", f"{CONVENTIONS}/{b.ids['convention_id']}"),
        ("POST", f"{CONVENTIONS}/{b.ids['convention_id']}/resiliation"),
        ("GET", f"{CONVENTIONS}/{b.ids['convention_id']}/documents/{b.ids['document_id']}"),
        ("POST", f"/api/v1/echeances/{b.ids['occurrence_id']}/reception"),
        ("POST", f"/api/v1/versements/{b.ids['line_id']}/paiement"),
    ):
        response = api(method, url, json={} if method == "POST" else None)
        assert response.status_code == 404, (method, url)
    assert (
        api("GET", "/api/v1/versements", query_string={"convention": b.ids["convention_id"]}).json["total"]
        == 0
    )
    assert b.ids["convention_id"] not in {c["id"] for c in api("GET", CONVENTIONS).json["items"]}


def test_a_document_of_another_convention_is_a_404(two_tenants, api):
    a, _ = two_tenants
    body = _json(seeds.seed_004(a.ids["donneur_ordre_id"], a.ids["organisation_id"], clock.today(), "DOC"))
    other = api("POST", CONVENTIONS, json=body).json
    response = api("GET", f"{CONVENTIONS}/{other['id']}/documents/{a.ids['document_id']}")
    assert response.status_code == 404


def test_a_read_only_token_reads_but_cannot_write(two_tenants, api, make_token):
    a, _ = two_tenants
    reader = make_token("lecture")
    assert api("GET", f"{CONVENTIONS}/{a.ids['convention_id']}", token=reader).status_code == 200
    body = _json(seeds.seed_004(a.ids["donneur_ordre_id"], a.ids["organisation_id"], clock.today(), "RO"))
    for url, data in (
        (CONVENTIONS, body),
        (
            f"{CONVENTIONS}/{a.ids['convention_id']}/resiliation",
            {"terminated_on": "2025-01-01", "reason": "x"},
        ),
        (f"/api/v1/versements/{a.ids['line_id']}/paiement", {"period_no": 2, "paid_on": "2025-01-01"}),
    ):
        response = api("POST", url, json=data, token=reader)
        assert response.status_code == 403, url
    assert (
        api("DELETE", f"/api/v1/echeances/{a.ids['occurrence_id']}/reception", token=reader).status_code
        == 403
    )
    assert "COOP-RO" not in {c["reference"] for c in api("GET", CONVENTIONS).json["items"]}
