"""The Département's own marchés (seed 003 art. 3.3), handed to the territories that execute them.

On the Département's side (its scope): the coordinator records a marché and its lots with their
execution communes. A lot goes to the member territory whose communes cover all of them; where two
territories cover them, the coordinator chooses; where none does, the lot stays unassigned and the
console shows it.

On the territory's side: each day the territory asks its Département for the lots handed to it
(through the same transport as its reports) and records each new one in its own workspace as a
marché of the Département (its donneur d'ordre) with a lot of the same hours: the facilitateur
executes it like its own. Its progress goes back in the reports (``progress``).
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from saas import cleaning
from saas.audit import api as audit
from saas.bilans import api as bilans
from saas.db import db, insert
from saas.errors import ValidationError
from saas.federation import members
from saas.federation.models import FederationLot, FederationMarche, HandedLot
from saas.logging import get_logger
from saas.marches import api as marches
from saas.marches import repository as marches_repository
from saas.partenaires import api as partenaires
from saas.referentiels import api as referentiels
from tenants.context import require_tenant_id

log = get_logger("saas.federation.handover")
CENT = Decimal("0.01")
audit.ACTION_LABELS["federation.lot_received"] = "Lot confié par le Département"


def candidates(federation_id: int, communes: list[str]) -> list[members.Member]:
    """The member territories whose communes cover every commune of a lot."""
    wanted = set(communes)
    return [m for m in members.members(federation_id) if wanted and wanted <= set(m.communes)]


def create_marche(federation_id: int, reference, object_, start_date, end_date) -> FederationMarche:
    """A marché of the Département; ``ValidationError`` on the field at fault."""
    reference = cleaning.required_text(reference, "reference", "Indiquez la référence du marché.", 60)
    exists = select(FederationMarche.id).where(
        FederationMarche.federation_id == federation_id, FederationMarche.reference == reference
    )
    if db.session.scalar(exists) is not None:
        raise ValidationError("reference", "Un marché du Département porte déjà cette référence.")
    start = cleaning.a_date(start_date, "start_date")
    end = cleaning.a_date(end_date, "end_date")
    if start and end and end < start:
        raise ValidationError("end_date", "La fin du marché précède son début.")
    return insert(
        FederationMarche(
            federation_id=federation_id,
            reference=reference,
            object=cleaning.text(object_, "object", 500, "Indiquez l'objet du marché."),
            start_date=start,
            end_date=end,
        )
    )


def _communes(value) -> list[str]:
    codes = cleaning.insee_codes(value, "communes")
    if not codes:
        raise ValidationError("communes", "Indiquez les communes où le lot s'exécute (codes INSEE).")
    unknown = [code for code in codes if referentiels.commune(code) is None]
    if unknown:
        raise ValidationError(
            "communes", "Communes inconnues du référentiel INSEE : " + ", ".join(unknown) + "."
        )
    return codes


def add_lot(marche: FederationMarche, number, object_, hours, communes) -> FederationLot:
    """A lot of the marché, handed at once when one member territory covers its communes."""
    number = cleaning.required_text(number, "number", "Indiquez le numéro du lot (ex. 1, 2A).", 20)
    exists = select(FederationLot.id).where(
        FederationLot.marche_id == marche.id, FederationLot.number == number
    )
    if db.session.scalar(exists) is not None:
        raise ValidationError("number", "Ce marché a déjà un lot portant ce numéro.")
    required = cleaning.amount(hours, "hours", "Indiquez les heures d'insertion exigées du lot.")
    assert required is not None, "the hours are required"
    codes = _communes(communes)
    found = candidates(marche.federation_id, codes)
    return insert(
        FederationLot(
            federation_id=marche.federation_id,
            marche_id=marche.id,
            number=number,
            object=cleaning.text(object_, "object", 500, "Indiquez l'objet du lot."),
            hours=required.quantize(CENT),
            communes_insee=codes,
            assigned_slug=found[0].slug if len(found) == 1 else None,
        )
    )


def assign(lot: FederationLot, slug: str) -> None:
    """The coordinator's choice between the territories that cover the lot's communes; a lot
    handed already stays with its territory (it may have received it)."""
    if lot.assigned_slug is not None:
        raise ValidationError("territoire", "Ce lot est déjà confié à un territoire.")
    if slug not in {c.slug for c in candidates(lot.federation_id, lot.communes_insee)}:
        raise ValidationError(
            "territoire", "Choisissez un territoire dont les communes couvrent celles du lot."
        )
    lot.assigned_slug = slug


def marche_of(federation_id: int, marche_id: int) -> FederationMarche | None:
    found = db.session.get(FederationMarche, marche_id)
    return found if found is not None and found.federation_id == federation_id else None


def lot_of(federation_id: int, lot_id: int) -> FederationLot | None:
    found = db.session.get(FederationLot, lot_id)
    return found if found is not None and found.federation_id == federation_id else None


def marches_of(federation_id: int) -> list[tuple[FederationMarche, list[FederationLot]]]:
    found = db.session.scalars(
        select(FederationMarche)
        .where(FederationMarche.federation_id == federation_id)
        .order_by(FederationMarche.reference)
    )
    result = []
    for marche in found:
        lots = (
            select(FederationLot).where(FederationLot.marche_id == marche.id).order_by(FederationLot.number)
        )
        result.append((marche, list(db.session.scalars(lots))))
    return result


def lots_for(federation_id: int, slug: str) -> list[dict]:
    """The lots handed to a territory, as it receives them."""
    query = (
        select(FederationLot, FederationMarche)
        .join(FederationMarche, FederationMarche.id == FederationLot.marche_id)
        .where(FederationLot.federation_id == federation_id, FederationLot.assigned_slug == slug)
        .order_by(FederationLot.id)
    )
    return [
        {
            "id": lot.id,
            "marche": {
                "reference": marche.reference,
                "objet": marche.object,
                "debut": marche.start_date.isoformat() if marche.start_date else None,
                "fin": marche.end_date.isoformat() if marche.end_date else None,
            },
            "numero": lot.number,
            "objet": lot.object,
            "heures": format(lot.hours, "f"),
            "communes": list(lot.communes_insee),
        }
        for lot, marche in db.session.execute(query)
    ]


# --- the territory's side -------------------------------------------------------------------------


def _buyer(name: str, actor: audit.Actor) -> int:
    """The Département as a donneur d'ordre of the territory (made the first time)."""
    found = next((o for o in partenaires.list_all() if o.kind == "donneur_ordre" and o.name == name), None)
    return (
        found.id if found else partenaires.create(actor, name, "donneur_ordre", buyer_kind="departement").id
    )


def _marche(item: dict, code: str, buyer_id: int, actor: audit.Actor):
    reference = f"{code}-{item['marche']['reference']}"[:60]
    found = marches_repository.marche_by_reference(reference)
    if found is not None:
        return found
    data = {
        "donneur_ordre_id": buyer_id,
        "reference": reference,
        "object": item["marche"]["objet"],
        "start_date": item["marche"].get("debut"),
        "end_date": item["marche"].get("fin"),
        "execution_communes": item.get("communes", []),
    }
    return marches.create_marche(actor, data)


def receive_lots(federation_id: int, code: str, name: str, lots: list[dict], actor: audit.Actor) -> int:
    """Record each lot handed by the Département not received yet, as a marché of the Département
    with a lot of the same hours; how many were new. One that does not validate is left out (and
    comes again the next day)."""
    query = select(HandedLot.federation_lot_id).where(HandedLot.federation_id == federation_id)
    known = set(db.session.scalars(query))
    made = 0
    for item in (
        lot
        for lot in lots
        if isinstance(lot, dict) and isinstance(lot.get("id"), int) and lot["id"] not in known
    ):
        try:
            with db.session.begin_nested():
                marche = _marche(item, code, _buyer(name, actor), actor)
                data = {"number": item["numero"], "object": item["objet"], "obligation_mode": "fixed"}
                lot = marches.create_lot(actor, marche, {**data, "fixed_hours": item["heures"]})
                insert(
                    HandedLot(
                        tenant_id=require_tenant_id(),
                        federation_id=federation_id,
                        federation_lot_id=item["id"],
                        lot_id=lot.id,
                    )
                )
                details = {"departement": name, "marché": marche.reference, "lot": lot.number}
                audit.record("federation.lot_received", actor, "lot", lot.id, details)
            made += 1
        except (ValidationError, KeyError, TypeError, AttributeError, SQLAlchemyError):
            log.warning(
                "federation.lot_refused",
                federation=code,
                lot=str(item.get("id") if isinstance(item, dict) else "?")[:20],
            )
            continue
    return made


def progress(federation_id: int, period: bilans.Period) -> list[dict]:
    """What the reports say of each lot received: obligation, hours of the period and since the
    start, completion, people and contracts."""
    query = select(HandedLot.federation_lot_id, HandedLot.lot_id).where(
        HandedLot.federation_id == federation_id
    )
    found = []
    for federation_lot_id, lot_id in db.session.execute(query.order_by(HandedLot.federation_lot_id)):
        totals = bilans.compute("execution", bilans.resolve_scope("lot", lot_id), period)["totaux"]
        keep = ("obligation", "heures", "heures_cumulees", "taux", "personnes", "contrats")
        found.append({"lot": federation_lot_id, **{key: totals.get(key) for key in keep}})
    return found
