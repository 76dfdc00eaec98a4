"""The partner API (``/api/v1/partenaire/``): a partner organisation's payroll software reads its
missions and statements and sends a month's statements, with a token bound to that organisation
(created by the tenant admin, role « partenaire »). Only such a token opens these resources, and
such a token opens nothing else (``blueprints.api.auth``). Every answer holds the organisation's
own missions only; a line naming another structure's mission is refused (422), as if it did not
exist."""

from __future__ import annotations

from flask import g
from flask_smorest import abort

from blueprints.api.auth import API_PREFIX, PARTNER_BLUEPRINT, token_blueprint
from blueprints.api.resource import creation, listing, route
from saas.audit import api as audit
from saas.heures import api as heures
from saas.heures.models import Releve
from saas.parcours.models import Mission
from saas.portail import api as portail
from saas.portail.schemas import (
    PartnerBatchResultSchema,
    PartnerBatchSchema,
    PartnerMissionSchema,
    PartnerStatementFilterSchema,
    PartnerStatementSchema,
)

blp = token_blueprint(
    PARTNER_BLUEPRINT,
    __name__,
    "Espace partenaire : missions et relevés d'une organisation",
    url_prefix=f"{API_PREFIX}/partenaire",
)


def _organisation_id() -> int:
    """The token's organisation; a deactivated one answers 403 (its token acts for no one)."""
    organisation = portail.organisation(g.api_token.organisation_id)
    if organisation is None or not organisation.active:
        abort(403, message="L'organisation de ce jeton est désactivée : il ne donne plus accès.")
    return organisation.id


def _missions(args: dict):
    return (
        portail.missions_query(_organisation_id())
        .order_by(None)
        .order_by(Mission.start_date.desc(), Mission.id.desc())
    )


def _named(rows: list) -> list[dict]:
    names = portail.names_of([row.participant_id for row in rows])
    return [
        {
            **row._mapping,
            "last_name": names.get(row.participant_id, ("", ""))[0],
            "first_name": names.get(row.participant_id, ("", ""))[1],
        }
        for row in rows
    ]


def _statements(args: dict):
    filters = heures.ReleveFilters(month=args.get("month"), employer_id=_organisation_id())
    return heures.statement_rows(filters).order_by(Releve.month.desc(), Releve.id.desc())


def _declare(actor: audit.Actor, data: dict) -> dict:
    try:
        counts, written = portail.declare_batch(actor, _organisation_id(), data["releves"])
    except portail.BatchRefused as error:
        abort(422, message=error.message, errors={"json": {"releves": error.lines}})
    return {**counts, "items": [{"index": index, "id": statement_id} for index, statement_id in written]}


route(
    blp,
    "/missions",
    "PartnerMissions",
    get=listing(
        PartnerMissionSchema,
        """Les missions de votre organisation, la plus récente en premier, avec le nom de la personne.""",
        _missions,
        rows=True,
        present_page=_named,
    ),
)
route(
    blp,
    "/releves",
    "PartnerStatements",
    get=listing(
        PartnerStatementSchema,
        """Les relevés en vigueur de vos missions (filtre : mois).""",
        _statements,
        PartnerStatementFilterSchema,
        rows=True,
    ),
    post=creation(
        PartnerBatchResultSchema,
        """Déclarer les relevés d'un mois (jusqu'au nombre maximal d'un lot), tout ou rien.

        Chaque ligne est un relevé nouveau, une correction (d'autres chiffres que le relevé transmis) ou
        déjà enregistrée (les mêmes chiffres : rien n'est écrit deux fois). Une ligne refusée fait
        répondre 422 sans rien enregistrer, en nommant la ligne par son rang et le champ en cause
        (`errors.json.releves.<rang>.<champ>`). Les relevés attendent la validation du guichet.
        """,
        _declare,
        body=PartnerBatchSchema,
    ),
)
