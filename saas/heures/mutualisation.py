"""Mutualisation agreements between donneurs d'ordre: the hours of a mission on one member lot
count toward all of them, pro rata of the lots' obligations or by explicit shares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from saas import cleaning
from saas.audit import api as audit
from saas.db import db, insert
from saas.errors import ValidationError
from saas.heures import repository
from saas.heures.enums import AllocationKey
from saas.heures.models import MutualisationAgreement, MutualisationMember
from saas.marches.models import Lot, Marche
from tenants.context import require_tenant_id


def _lot(lot_id: int) -> Lot | None:
    return db.session.get(Lot, (require_tenant_id(), lot_id))


def _check_period(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is None:
        raise ValidationError("valid_from", "Indiquez la date de début.")
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError("valid_to", "La date de fin précède la date de début.")


def _member_lots(lot_ids: list[int]) -> list[Lot]:
    """The lots of the agreement: two at least, each once, known, of two donneurs d'ordre at least."""
    if len(set(lot_ids)) < 2 or len(set(lot_ids)) != len(lot_ids):
        raise ValidationError("lots", "Choisissez au moins deux lots, chacun une fois.")
    found = [_lot(lot_id) for lot_id in lot_ids]
    lots = [lot for lot in found if lot is not None]
    if len(lots) != len(found):
        raise ValidationError("lots", "Lot inconnu.")
    buyers = {db.session.get_one(Marche, (lot.tenant_id, lot.marche_id)).donneur_ordre_id for lot in lots}
    if len(buyers) < 2:
        raise ValidationError("lots", "Une mutualisation réunit des lots d'au moins deux donneurs d'ordre.")
    return lots


def _share(value) -> Decimal:
    message = "Indiquez la part de chaque lot."
    share = cleaning.decimal(value, "shares", message, required=message)
    if not Decimal(0) < share <= 1:
        raise cleaning.OutOfRange("shares", "Chaque part est comprise entre 0 et 100 %.")
    return share


def _shares(key: AllocationKey, given: list) -> Sequence[Decimal | None]:
    """The share of each lot under an explicit key (more than 0, at most 1, 100 % in all); None each
    under another key."""
    if key is not AllocationKey.explicit:
        return [None] * len(given)
    shares = [_share(share) for share in given]
    if sum(shares) != 1:
        raise ValidationError("shares", "Les parts doivent totaliser 100 %.")
    return shares


def _check_key_applies(key: AllocationKey, lots: list[Lot]) -> None:
    if key is AllocationKey.pro_rata and not any(lot.obligation_hours for lot in lots):
        raise ValidationError(
            "lots", "Aucun de ces lots n'a d'obligation : la clé au prorata est impossible."
        )


def _check_lots_free(lot_ids: list[int], valid_from: date, valid_to: date | None) -> None:
    if repository.overlapping_membership(lot_ids, valid_from, valid_to):
        raise ValidationError(
            "lots", "Un de ces lots appartient déjà à une mutualisation sur la même période."
        )


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
    name = cleaning.required_text(name, "name", "Nommez la convention de mutualisation.")
    _check_period(valid_from, valid_to)
    key = cleaning.member(
        AllocationKey, allocation_key, "allocation_key", "Choisissez la clé de répartition."
    )
    lot_ids = [int(lot_id) for lot_id, _ in member_lots]
    lots = _member_lots(lot_ids)
    shares = _shares(key, [share for _, share in member_lots])
    _check_key_applies(key, lots)
    _check_lots_free(lot_ids, valid_from, valid_to)
    agreement = MutualisationAgreement(
        tenant_id=require_tenant_id(),
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        allocation_key=key.value,
        notes=cleaning.optional(notes),
    )
    insert(agreement)
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
