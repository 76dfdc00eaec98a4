"""The OpenAPI document is valid, and says what the API answers (decimals, nulls)."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate


def test_the_openapi_document_is_valid(client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises OpenAPIValidationError on the first fault


def test_decimals_are_declared_and_answered_as_strings(client, api, two_tenants):
    document = client.get("/api/openapi.json").json
    lot = document["components"]["schemas"]["Lot"]["properties"]
    assert lot["obligation_hours"]["type"] == ["string", "null"]
    assert lot["obligation_hours"]["format"] == "decimal"
    a, _ = two_tenants
    answer = api("GET", f"/api/v1/lots/{a.ids['lot_id']}").json
    assert answer["obligation_hours"] == "833.00"
    assert answer["labour_share"] == "0.5000"
    for name in ("amount_ht", "obligation_hours", "labour_share", "insertion_rate"):
        assert re.fullmatch(lot[name]["pattern"], answer[name]), (name, answer[name])


#: each group of resources: the paths and the schemas the document lists for it.
RESOURCE_GROUPS = {
    "clause": (
        {
            "/api/v1/marches",
            "/api/v1/marches/{marche_id}",
            "/api/v1/marches/{marche_id}/lots",
            "/api/v1/marches/{marche_id}/avancement",
            "/api/v1/lots/{lot_id}",
            "/api/v1/lots/{lot_id}/releves-activite",
            "/api/v1/lots/{lot_id}/avancement",
            "/api/v1/donneurs-ordre/{donneur_ordre_id}/avancement",
            "/api/v1/participants",
            "/api/v1/participants/{participant_id}",
            "/api/v1/participants/{participant_id}/prescriptions",
            "/api/v1/participants/{participant_id}/eligibilites",
            "/api/v1/participants/{participant_id}/cv",
            "/api/v1/missions",
            "/api/v1/missions/{mission_id}",
            "/api/v1/missions/{mission_id}/suivis",
            "/api/v1/missions/{mission_id}/sortie",
            "/api/v1/suivis/{follow_up_id}",
            "/api/v1/releves",
            "/api/v1/releves/{statement_id}",
            "/api/v1/releves/{statement_id}/validation",
            "/api/v1/releves/{statement_id}/rejet",
            "/api/v1/releves/{statement_id}/correction",
            "/api/v1/releves/lot",
            "/api/v1/mutualisations",
            "/api/v1/mutualisations/{agreement_id}",
            "/api/v1/regles-comptage",
        },
        {"ParticipantSummary", "ReleveLot", "ReleveLotResult"},
    ),
    "conventions": (
        {
            "/api/v1/conventions",
            "/api/v1/conventions/{convention_id}",
            "/api/v1/conventions/{convention_id}/avenants",
            "/api/v1/conventions/{convention_id}/documents/{document_id}",
            "/api/v1/echeances",
            "/api/v1/echeances/{occurrence_id}/reception",
            "/api/v1/conformite",
            "/api/v1/versements",
            "/api/v1/versements/{line_id}/paiement",
        },
        {"ConventionDetail", "InstalmentPage", "OccurrencePage"},
    ),
    "organisations": (
        {
            "/api/v1/organisations",
            "/api/v1/organisations/{organisation_id}",
            "/api/v1/organisations/{organisation_id}/contacts",
        },
        {"OrganisationPage"},
    ),
}


@pytest.mark.parametrize("group", RESOURCE_GROUPS)
def test_the_openapi_document_lists_the_paths_and_schemas_of_each_group(client, group):
    paths, schemas = RESOURCE_GROUPS[group]
    document = client.get("/api/openapi.json").json
    assert paths <= set(document["paths"])
    assert schemas <= set(document["components"]["schemas"])
