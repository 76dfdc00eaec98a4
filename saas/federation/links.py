"""What the operator sets between a territory and a Département that run on two instances of the
service (on one service, the membership of ``tenant_federations`` is all there is):

- on the territory's instance, the address of the Département's receiver (``endpoint_url``);
- on the Département's instance, the territory as a remote member;
- on both, the same signing key of the membership (``keys.add_key`` with the key given), and, on
  the territory's instance, the federation's person secret (the same for all its members).

Platform writes: the caller runs them in the platform's scope and commits.
"""

from __future__ import annotations

from sqlalchemy import text

from saas.db import db, insert, rows_written
from saas.errors import ValidationError
from saas.federation.models import RemoteMember

_FEDERATION = text("SELECT id FROM federations WHERE code = :code")
_ENDPOINT = text(
    "UPDATE tenant_federations tf SET endpoint_url = :url FROM tenants t "
    "WHERE t.id = tf.tenant_id AND t.slug = :slug AND tf.federation_id = :f"
)


def federation_id(code: str) -> int:
    found = db.session.execute(_FEDERATION, {"code": code}).scalar()
    if found is None:
        raise ValidationError("departement", f"Aucun Département « {code} » sur ce service.")
    return found


def set_endpoint(code: str, slug: str, url: str | None) -> None:
    """Send the territory's reports to ``url`` (the Département's instance), or locally (None)."""
    if url is not None and not url.startswith(("http://", "https://")):
        raise ValidationError("url", "Indiquez une adresse http:// ou https://.")
    updated = rows_written(_ENDPOINT.bindparams(url=url, slug=slug, f=federation_id(code)))
    if not updated:
        raise ValidationError("territoire", f"Le territoire « {slug} » n'est pas membre de ce Département.")


def add_remote_member(code: str, slug: str, name: str) -> RemoteMember:
    """A territory that pushes from its own instance, as the Département's instance knows it."""
    return insert(RemoteMember(federation_id=federation_id(code), slug=slug, name=name))
