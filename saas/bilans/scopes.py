"""The scope of a bilan: the whole territory, a donneur d'ordre, a marché or a lot (the lots it
covers), or an employer or placement structure, a prescripteur, a commune, a QPV or an
accompaniment partner (the missions it covers: of the people the partner follows).

A scope is resolved in the tenant in scope: a key that names nothing there is refused with
``ScopeNotFound``, as a foreign key would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import auto

from sqlalchemy import text

from saas.choices import Choices
from saas.db import db
from tenants.context import require_tenant_id


class ScopeKind(Choices):
    territoire = auto(), "Territoire"
    donneur_ordre = auto(), "Donneur d'ordre"
    marche = auto(), "Marché"
    lot = auto(), "Lot"
    employeur = auto(), "Employeur ou structure"
    prescripteur = auto(), "Prescripteur"
    commune = auto(), "Commune de résidence"
    qpv = auto(), "Quartier prioritaire (QPV)"
    accompagnement = auto(), "Partenaire d'accompagnement"


#: scopes made of lots: the lots they cover, and the label of the object
_LOTS = {
    ScopeKind.donneur_ordre: (
        "SELECT l.id FROM lots l JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id "
        "WHERE l.tenant_id = :t AND mk.donneur_ordre_id = :key",
        "SELECT name FROM organisations WHERE tenant_id = :t AND id = :key AND kind = 'donneur_ordre'",
    ),
    ScopeKind.marche: (
        "SELECT id FROM lots WHERE tenant_id = :t AND marche_id = :key",
        "SELECT reference || ' — ' || object FROM marches WHERE tenant_id = :t AND id = :key",
    ),
    ScopeKind.lot: (
        "SELECT id FROM lots WHERE tenant_id = :t AND id = :key",
        "SELECT 'Lot ' || l.number || ' — ' || mk.reference FROM lots l "
        "JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id "
        "WHERE l.tenant_id = :t AND l.id = :key",
    ),
}

#: scopes made of missions: the condition on a mission ``m``, and the label of the object
_MISSIONS = {
    ScopeKind.employeur: (
        "m.employer_id = :scope_key",
        "SELECT name FROM organisations WHERE tenant_id = :t AND id = :key",
    ),
    ScopeKind.prescripteur: (
        "EXISTS (SELECT 1 FROM prescriptions p WHERE p.tenant_id = m.tenant_id "
        "AND p.participant_id = m.participant_id AND p.prescripteur_id = :scope_key)",
        "SELECT name FROM organisations WHERE tenant_id = :t AND id = :key AND kind = 'prescripteur'",
    ),
    ScopeKind.commune: (
        "EXISTS (SELECT 1 FROM participant_identities i WHERE i.tenant_id = m.tenant_id "
        "AND i.participant_id = m.participant_id AND i.commune_insee = :scope_key)",
        "SELECT name FROM ref_communes WHERE insee = :key",
    ),
    ScopeKind.qpv: (
        "EXISTS (SELECT 1 FROM participant_identities i WHERE i.tenant_id = m.tenant_id "
        "AND i.participant_id = m.participant_id AND i.qpv_code = :scope_key)",
        "SELECT name FROM ref_qpv WHERE code = :key",
    ),
    ScopeKind.accompagnement: (
        "EXISTS (SELECT 1 FROM participants pa WHERE pa.tenant_id = m.tenant_id "
        "AND pa.id = m.participant_id AND pa.referent_organisation_id = :scope_key)",
        "SELECT name FROM organisations WHERE tenant_id = :t AND id = :key",
    ),
}

#: the scopes whose key is a row id (the others are codes of the reference data)
_BY_ID = {
    ScopeKind.donneur_ordre,
    ScopeKind.marche,
    ScopeKind.lot,
    ScopeKind.employeur,
    ScopeKind.prescripteur,
    ScopeKind.accompagnement,
}


class ScopeNotFound(LookupError):
    """The key names nothing of that kind in the tenant."""


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    key: str | None
    label: str
    #: the lots covered (None: every lot of the territory); empty for a scope of missions
    lots: tuple[int, ...] | None = None
    #: the condition on a mission ``m`` for a scope of missions (``:scope_key`` is ``key``)
    missions: str | None = None

    @property
    def by_lots(self) -> bool:
        return self.missions is None

    def params(self) -> dict:
        if self.missions is not None:
            return {"scope_key": int(self.key or 0) if self.kind in _BY_ID else self.key}
        return {"scope_lots": list(self.lots)} if self.lots is not None else {}


def _key(kind: ScopeKind, key: str | int | None):
    if kind in _BY_ID:
        try:
            return int(key)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ScopeNotFound(f"{kind.label} : identifiant invalide") from None
    if not key or len(str(key)) > 12:
        raise ScopeNotFound(f"{kind.label} : code invalide")
    return str(key)


def resolve(kind: str, key: str | int | None = None) -> Scope:
    """The scope of ``kind`` and ``key`` in the tenant in scope."""
    kind = ScopeKind(kind)
    tenant_id = require_tenant_id()
    if kind == ScopeKind.territoire:
        name = db.session.execute(text("SELECT name FROM tenants WHERE id = :t"), {"t": tenant_id}).scalar()
        return Scope(kind, None, name or "")
    value = _key(kind, key)
    label_sql = (_LOTS.get(kind) or _MISSIONS[kind])[1]
    label = db.session.execute(text(label_sql), {"t": tenant_id, "key": value}).scalar()
    if label is None:
        raise ScopeNotFound(f"{kind.label} introuvable dans ce territoire")
    if kind in _MISSIONS:
        return Scope(kind, str(value), label, missions=_MISSIONS[kind][0])
    lots = db.session.execute(text(_LOTS[kind][0]), {"t": tenant_id, "key": value}).scalars()
    return Scope(kind, str(value), label, lots=tuple(sorted(lots)))
