"""Mutualisation agreements between donneurs d'ordre: the hours of a mission on one member lot
count toward all of them, pro rata of the lots' obligations or by explicit shares."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from saas.audit import api as audit
from saas.db import db
from saas.errors import ValidationError
from saas.heures import repository
from saas.heures.enums import AllocationKey
from saas.heures.models import MutualisationAgreement, MutualisationMember
from saas.marches.models import Lot, Marche
from tenants.context import require_tenant_id


def _lot(lot_id: int) -> Lot | None:
    return db.session.get(Lot, (require_tenant_id(), lot_id))


def create_agreement(
    actor: audit.Actor,
    name: str,
    valid_from: date,
    valid_to: date | None,
    allocation_key: str,
    member_lots: list[tuple[int, object]],
    notes: str | None = None,
) -> MutualisationAgreement:
    """An agreement between donneurs d'ordre: hours of a mission on one member lot count toward all."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", "Nommez la convention de mutualisation.")
    if valid_from is None:
        raise ValidationError("valid_from", "Indiquez la date de début.")
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError("valid_to", "La date de fin précède la date de début.")
    try:
        key = AllocationKey(allocation_key)
    except ValueError:
        raise ValidationError("allocation_key", "Choisissez la clé de répartition.") from None
    lot_ids = [int(lot_id) for lot_id, _ in member_lots]
    if len(set(lot_ids)) < 2 or len(set(lot_ids)) != len(lot_ids):
        raise ValidationError("lots", "Choisissez au moins deux lots, chacun une fois.")
    found = [_lot(lot_id) for lot_id in lot_ids]
    lots = [lot for lot in found if lot is not None]
    if len(lots) != len(found):
        raise ValidationError("lots", "Lot inconnu.")
    buyers = {db.session.get_one(Marche, (lot.tenant_id, lot.marche_id)).donneur_ordre_id for lot in lots}
    if len(buyers) < 2:
        raise ValidationError("lots", "Une mutualisation réunit des lots d'au moins deux donneurs d'ordre.")
    shares: list[Decimal | None] = []
    for _, share in member_lots:
        if key is AllocationKey.explicit:
            try:
                value = Decimal(str(share))
            except (InvalidOperation, TypeError):
                raise ValidationError("shares", "Indiquez la part de chaque lot.") from None
            if not Decimal(0) < value <= 1:
                raise ValidationError("shares", "Chaque part est comprise entre 0 et 100 %.")
            shares.append(value)
        else:
            shares.append(None)
    if key is AllocationKey.explicit and sum(share for share in shares if share is not None) != 1:
        raise ValidationError("shares", "Les parts doivent totaliser 100 %.")
    if key is AllocationKey.pro_rata and not any(lot.obligation_hours for lot in lots):
        raise ValidationError(
            "lots", "Aucun de ces lots n'a d'obligation : la clé au prorata est impossible."
        )
    taken = repository.overlapping_membership(lot_ids, valid_from, valid_to)
    if taken:
        raise ValidationError(
            "lots", "Un de ces lots appartient déjà à une mutualisation sur la même période."
        )
    agreement = MutualisationAgreement(
        tenant_id=require_tenant_id(),
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        allocation_key=key.value,
        notes=(notes or "").strip() or None,
    )
    db.session.add(agreement)
    db.session.flush()
    for lot_id, share in zip(lot_ids, shares, strict=True):
        db.session.add(
            MutualisationMember(
                tenant_id=agreement.tenant_id, agreement_id=agreement.id, lot_id=lot_id, share=share
            )
        )
    db.session.flush()
    audit.record(
        "mutualisation.created", actor, "mutualisation", agreement.id, {"lots": lot_ids, "cle": key.value}
    )
    return agreement
