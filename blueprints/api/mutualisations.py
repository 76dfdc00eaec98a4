"""API resources: mutualisation agreements between lots of several donneurs d'ordre, and the
versions of the tenant's counting rules (read only here: they are set in the admin console)."""

from __future__ import annotations

from blueprints.api.auth import token_blueprint
from blueprints.api.resource import creation, listing, reading, route
from blueprints.api.support import body_fields
from saas.audit import api as audit
from saas.heures import api as heures
from saas.heures.models import MutualisationAgreement
from saas.heures.schemas import CountingRuleFilterSchema, CountingRuleSchema, MutualisationAgreementSchema
from saas.schemas import Prepared

blp = token_blueprint(
    "api_mutualisations",
    __name__,
    "Mutualisations entre donneurs d'ordre et règles de comptage",
    ids={"agreement_id": MutualisationAgreement},
)

#: the api names the member lots ``lots`` and their shares ``shares``; the body says ``member_lots``.
MEMBER_FIELDS = {"lots": "member_lots", "shares": "member_lots"}


def present_agreement(agreement: MutualisationAgreement) -> Prepared:
    """What ``MutualisationAgreementSchema`` dumps: the agreement and its member lots."""
    members = [{"lot_id": m.lot_id, "share": m.share} for m in heures.members(agreement.id)]
    return Prepared(agreement, member_lots=members)


def _create_agreement(actor: audit.Actor, **data) -> MutualisationAgreement:
    with body_fields(MEMBER_FIELDS):
        return heures.create_agreement(actor, **data)


route(
    blp,
    "/mutualisations",
    "Agreements",
    get=listing(
        MutualisationAgreementSchema,
        "Conventions de mutualisation, la plus récente en premier, avec leurs lots.",
        lambda _: heures.agreements(),
        present=present_agreement,
    ),
    post=creation(
        MutualisationAgreementSchema,
        """Mutualiser des lots d'au moins deux donneurs d'ordre.

        Les heures comptées d'une mission sur un lot membre sont réparties entre les lots (au
        prorata des obligations, ou selon des parts explicites qui totalisent 1), sans jamais
        compter une heure deux fois. S'applique aux relevés validés ensuite.
        """,
        _create_agreement,
        spread=True,
        present=present_agreement,
    ),
)
route(
    blp,
    "/mutualisations/<int:agreement_id>",
    "AgreementItem",
    MutualisationAgreement,
    get=reading(
        MutualisationAgreementSchema, "Une convention de mutualisation et ses lots.", present_agreement
    ),
)
route(
    blp,
    "/regles-comptage",
    "CountingRules",
    get=listing(
        CountingRuleSchema,
        """Versions des règles de comptage, celle en vigueur en premier.

        Celles du territoire, ou celles propres à un marché (`marche_id`).
        """,
        lambda args: heures.rules(args.get("marche_id")),
        CountingRuleFilterSchema,
    ),
)
