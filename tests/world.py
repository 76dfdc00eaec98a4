"""What the tests' data is made of: the tenant's ids, the tests' password and actor."""

from __future__ import annotations

from dataclasses import dataclass, field

from saas.audit import api as audit

PASSWORD = "Mot-de-passe-Test-1"
ACTOR = audit.Actor(email="tests")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
#: the smallest file the type sniffer reads as a PDF
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class World:
    """Ids of what each tenant holds; the cross-tenant tests use them."""

    tenant_id: int
    slug: str
    federation_code: str
    federation_id: int
    admin_email: str
    facilitateur_email: str
    partner_email: str
    coordinator_email: str
    #: the user of the tenant's donneur d'ordre (role ``donneur_ordre``)
    buyer_email: str = ""
    #: the user of another structure of the same tenant (``rival`` step of tests/factories.py)
    rival_email: str = ""
    #: the user of the Mission Locale that sent and follows the participant (``participant`` step)
    prescriber_email: str = ""
    ids: dict[str, int] = field(default_factory=dict)
    #: the clear API token (facilitateur) of the tenant, for the API tests.
    api_token: str = ""
    #: the clear API token of the SIAE (role partenaire), for the partner API
    partner_api_token: str = ""
