"""API resources: partner organisations of the token's tenant and their contacts."""

from __future__ import annotations

from flask.views import MethodView

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.common import PageArgs, page_schema, paginate
from saas.db import db
from saas.partenaires import api as partenaires
from saas.partenaires.models import Organisation
from saas.partenaires.schemas import (
    ContactSchema,
    OrganisationFilterSchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
)
from tenants.web import load_scoped

blp = token_blueprint(
    "api_organisations",
    __name__,
    "Organisations partenaires du territoire et contacts",
    ids={"organisation_id": Organisation},
)


class OrganisationQueryArgs(OrganisationFilterSchema, PageArgs):
    pass


@blp.route("/organisations")
class Organisations(MethodView):
    @blp.arguments(OrganisationQueryArgs, location="query")
    @blp.response(200, page_schema(OrganisationSchema))
    def get(self, args):
        """Organisations, par nom ; filtres : type, état, texte (nom ou début du SIRET)."""
        filters = partenaires.OrganisationFilters(
            kind=args.get("kind"), active=args.get("active"), text=args.get("q")
        )
        return paginate(partenaires.search(filters).order_by(Organisation.name, Organisation.id), args)

    @blp.arguments(OrganisationSchema)
    @blp.response(201, OrganisationSchema)
    def post(self, data):
        """Créer une organisation (le SIRET est vérifié : 14 chiffres, clé de Luhn)."""
        organisation = partenaires.create(api_actor(), **data)
        db.session.commit()
        return organisation


@blp.route("/organisations/<int:organisation_id>")
class OrganisationItem(MethodView):
    @blp.response(200, OrganisationSchema)
    def get(self, organisation_id: int):
        """Une organisation."""
        return load_scoped(Organisation, organisation_id)

    @blp.arguments(OrganisationUpdateSchema)
    @blp.response(200, OrganisationSchema)
    def patch(self, data, organisation_id: int):
        """Modifier les champs envoyés ; les autres restent inchangés."""
        organisation = load_scoped(Organisation, organisation_id)
        partenaires.update(api_actor(), organisation, **data)
        db.session.commit()
        return organisation


@blp.route("/organisations/<int:organisation_id>/contacts")
class OrganisationContacts(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(ContactSchema))
    def get(self, args, organisation_id: int):
        """Les contacts d'une organisation, le contact principal en premier."""
        organisation = load_scoped(Organisation, organisation_id)
        return paginate(partenaires.contacts_query(organisation.id), args)

    @blp.arguments(ContactSchema)
    @blp.response(201, ContactSchema)
    def post(self, data, organisation_id: int):
        """Ajouter un contact ; un nouveau contact principal remplace le précédent."""
        organisation = load_scoped(Organisation, organisation_id)
        contact = partenaires.add_contact(api_actor(), organisation, **data)
        db.session.commit()
        return contact
