"""The member territories of a federation, as the platform lists them: the active tenants of this
service inscribed in it, and the territories of other instances. The one list the receiver, the
console and the hand-over of lots read (platform rows, no territory data)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from saas.db import db

_MEMBERS = text(
    "SELECT t.slug, t.name, t.communes_insee FROM tenant_federations tf JOIN tenants t ON t.id = tf.tenant_id "
    "WHERE tf.federation_id = :f AND t.active UNION ALL SELECT slug, name, communes_insee "
    "FROM federation_remote_members WHERE federation_id = :f ORDER BY 2, 1"
)


@dataclass(frozen=True)
class Member:
    slug: str
    name: str
    communes: tuple[str, ...] = ()


def members(federation_id: int) -> list[Member]:
    rows = db.session.execute(_MEMBERS, {"f": federation_id})
    return [Member(r.slug, r.name, tuple(r.communes_insee or ())) for r in rows]


def is_member(federation_id: int, slug: str) -> bool:
    return any(member.slug == slug for member in members(federation_id))
