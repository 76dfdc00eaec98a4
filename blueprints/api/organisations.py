"""API resources: partner organisations of the token's tenant and their contacts."""

from __future__ import annotations

from blueprints.api.auth import token_blueprint
from blueprints.api.resource import change, creation, filters_of, listing, reading, route
from saas.partenaires import api as partenaires
from saas.partenaires.models import Organisation
from saas.partenaires.schemas import (
    ContactSchema,
    OrganisationFilterSchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
)

blp = token_blueprint(
    "api_organisations",
    __name__,
    "Organisations partenaires du territoire et contacts",
    ids={"organisation_id": Organisation},
)


def _organisations(args: dict):
    filters = filters_of(partenaires.OrganisationFilters, args, text="q")
    return partenaires.search(filters).order_by(Organisation.name, Organisation.id)


route(
    blp,
    "/organisations",
    "Organisations",
    get=listing(
        OrganisationSchema,
        "Organisations, par nom ; filtres : type, état, texte (nom ou début du SIRET).",
        _organisations,
        OrganisationFilterSchema,
    ),
    post=creation(
        OrganisationSchema,
        "Créer une organisation (le SIRET est vérifié : 14 chiffres, clé de Luhn).",
        partenaires.create,
        spread=True,
    ),
)
route(
    blp,
    "/organisations/<int:organisation_id>",
    "OrganisationItem",
    Organisation,
    get=reading(OrganisationSchema, "Une organisation."),
    patch=change(
        OrganisationUpdateSchema,
        OrganisationSchema,
        "Modifier les champs envoyés ; les autres restent inchangés.",
        partenaires.update,
        spread=True,
    ),
)
route(
    blp,
    "/organisations/<int:organisation_id>/contacts",
    "OrganisationContacts",
    Organisation,
    get=listing(
        ContactSchema,
        "Les contacts d'une organisation, le contact principal en premier.",
        lambda organisation, _: partenaires.contacts_query(organisation.id),
    ),
    post=creation(
        ContactSchema,
        "Ajouter un contact ; un nouveau contact principal remplace le précédent.",
        partenaires.add_contact,
        spread=True,
    ),
)
