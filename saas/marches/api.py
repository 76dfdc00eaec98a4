"""Marchés, lots and the hour obligation of their clause, for the tenant in scope.

Every write takes an ``audit.Actor`` and records an audit entry in the same transaction; the caller
commits. The obligation of a lot is recomputed and stored (``obligation_hours`` with
``obligation_inputs``) on every change that may move it: the lot itself, its marché (hourly cost
override, dates that choose the dated hourly cost) and every figure recorded on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy import Select

from saas import cleaning, clock, formats
from saas.audit import api as audit
from saas.db import assign_changes, db, insert
from saas.errors import ValidationError
from saas.marches import obligation as obligations
from saas.marches import repository
from saas.marches.enums import Consideration, LotFigureKind, ObligationMode, Rounding
from saas.marches.models import HourlyCost, Lot, LotFigure, LotSubcontractor, Marche
from saas.marches.repository import MarcheFilters
from saas.partenaires import api as partenaires
from saas.partenaires.enums import COMPANY_KINDS, OrganisationKind
from saas.referentiels import api as referentiels
from saas.referentiels.enums import ItemList
from tenants.context import require_tenant_id

SUBCONTRACTOR_ROLES = {"sous_traitant": "Sous-traitant", "cotraitant": "Cotraitant"}

MARCHE_FIELDS = (
    "donneur_ordre_id",
    "reference",
    "object",
    "operation",
    "sector",
    "procedure",
    "notification_date",
    "start_date",
    "end_date",
    "amount_ht",
    "anru",
    "anru_project_id",
    "execution_communes",
    "considerations",
    "hourly_cost_override",
    "notes",
)

#: inputs of the obligation that belong to one mode only (cleared when another mode is chosen).
MODE_INPUTS = {
    ObligationMode.fixed: ("fixed_hours",),
    ObligationMode.formula: ("labour_share", "insertion_rate", "hourly_cost_override"),
    ObligationMode.percentage: ("hours_share",),
    ObligationMode.per_amount: ("per_amount_hours", "per_amount_base"),
}

LOT_FIELDS = (
    "number",
    "object",
    "amount_ht",
    "attributaire_id",
    "obligation_mode",
    "rounding",
    "fixed_hours",
    "labour_share",
    "insertion_rate",
    "hourly_cost_override",
    "hours_share",
    "per_amount_hours",
    "per_amount_base",
    "penalty_per_hour",
    "notes",
)


# --- the dated hourly cost -------------------------------------------------------------------------------


def hourly_costs() -> list[HourlyCost]:
    return repository.hourly_costs()


def hourly_cost_at(on: date) -> HourlyCost:
    """The tenant's hourly cost in force on ``on`` (the latest ``valid_from <= on``)."""
    cost = repository.hourly_cost_at(on)
    if cost is None:
        raise ValidationError(
            "hourly_cost",
            f"Aucun coût horaire n'est en vigueur le {formats.date(on)} : ajoutez-en un au barème "
            "du territoire (console d'administration, « Coûts horaires »).",
        )
    return cost


def add_hourly_cost(actor: audit.Actor, valid_from, amount, note: str | None = None) -> HourlyCost:
    valid_from = cleaning.a_date(
        valid_from, "valid_from", required="Indiquez la date à partir de laquelle ce coût s'applique."
    )
    amount = cleaning.positive(amount, "amount", required="Indiquez le coût horaire en euros (ex. 29,50).")
    if repository.hourly_cost_on(valid_from) is not None:
        raise ValidationError("valid_from", "Un coût horaire est déjà défini à cette date.")
    cost = HourlyCost(
        tenant_id=require_tenant_id(),
        valid_from=valid_from,
        amount=amount,
        note=cleaning.text(note, "note", 200),
    )
    insert(cost)
    audit.record(
        "hourly_cost.created",
        actor,
        "hourly_cost",
        cost.id,
        {"à partir du": valid_from.isoformat(), "montant": str(amount)},
    )
    return cost


# --- marchés -----------------------------------------------------------------------------------------------


def _donneur_ordre(value) -> int:
    organisation_id = cleaning.identifier(value, "donneur_ordre_id")
    organisation = partenaires.get(organisation_id) if organisation_id else None
    if organisation is None:
        raise ValidationError("donneur_ordre_id", "Choisissez le donneur d'ordre du marché.")
    if organisation.kind != OrganisationKind.donneur_ordre:
        raise ValidationError(
            "donneur_ordre_id",
            f"« {organisation.name} » n'est pas un donneur d'ordre ({OrganisationKind(organisation.kind).label}) : "
            "choisissez une organisation de type donneur d'ordre.",
        )
    return organisation.id


def _reference_item(list_name: ItemList, value, field: str, message: str) -> str | None:
    code = cleaning.text(value, field, 40)
    if code is not None and referentiels.item_label(list_name, code) is None:
        raise ValidationError(field, message)
    return code


def _communes(value) -> list[str]:
    codes = cleaning.insee_codes(value)
    unknown = [code for code in codes if referentiels.commune(code) is None]
    if unknown:
        raise ValidationError(
            "execution_communes", "Communes inconnues du référentiel INSEE : " + ", ".join(unknown) + "."
        )
    return codes


def _considerations(value) -> list[str]:
    values = [value] if isinstance(value, str) else list(value or [])
    known = {c.value for c in Consideration}
    wrong = [v for v in values if v not in known]
    if wrong:
        raise ValidationError("considerations", "Considération sociale inconnue : " + ", ".join(wrong) + ".")
    return [c.value for c in Consideration if c.value in values]


def _check_dates(values: dict) -> None:
    notified, start, end = values["notification_date"], values["start_date"], values["end_date"]
    if notified and start and start < notified:
        raise ValidationError(
            "start_date", "Le début d'exécution ne peut précéder la notification du marché."
        )
    if end and start and end < start:
        raise ValidationError("end_date", "La fin d'exécution ne peut précéder son début.")
    if end and notified and end < notified:
        raise ValidationError("end_date", "La fin d'exécution ne peut précéder la notification du marché.")


def _clean_marche(data: Mapping, current: Marche | None) -> dict:
    values = {name: data.get(name, getattr(current, name, None)) for name in MARCHE_FIELDS}
    reference = cleaning.required_text(
        values["reference"], "reference", "Indiquez la référence du marché.", 60
    )
    same = repository.marche_by_reference(reference)
    if same is not None and (current is None or same.id != current.id):
        raise ValidationError("reference", "Un marché de ce territoire porte déjà cette référence.")
    anru = bool(values["anru"])
    clean = {
        "donneur_ordre_id": _donneur_ordre(values["donneur_ordre_id"]),
        "reference": reference,
        "object": cleaning.text(values["object"], "object", 500, "Indiquez l'objet du marché."),
        "operation": cleaning.text(values["operation"], "operation", 200),
        "sector": _reference_item(
            ItemList.secteur, values["sector"], "sector", "Choisissez un secteur de la liste."
        ),
        "procedure": _reference_item(
            ItemList.procedure, values["procedure"], "procedure", "Choisissez une procédure de la liste."
        ),
        "notification_date": cleaning.a_date(values["notification_date"], "notification_date"),
        "start_date": cleaning.a_date(values["start_date"], "start_date"),
        "end_date": cleaning.a_date(values["end_date"], "end_date"),
        "amount_ht": cleaning.positive(values["amount_ht"], "amount_ht", allow_zero=True),
        "anru": anru,
        "anru_project_id": cleaning.text(values["anru_project_id"], "anru_project_id", 40) if anru else None,
        "execution_communes": _communes(values["execution_communes"]),
        "considerations": _considerations(values["considerations"]),
        "hourly_cost_override": cleaning.positive(values["hourly_cost_override"], "hourly_cost_override"),
        "notes": cleaning.text(values["notes"], "notes", 10000),
    }
    _check_dates(clean)
    return clean


def create_marche(actor: audit.Actor, data: Mapping) -> Marche:
    """A new marché; ``data`` holds the fields of :data:`MARCHE_FIELDS` (absent ones are empty)."""
    marche = Marche(tenant_id=require_tenant_id(), **_clean_marche(data, None))
    insert(marche)
    audit.record("marche.created", actor, "marche", marche.id, {"référence": marche.reference})
    return marche


def update_marche(actor: audit.Actor, marche: Marche, data: Mapping) -> Marche:
    """Change the fields given in ``data`` (the others are kept); the lots' obligations follow."""
    changed = assign_changes(marche, _clean_marche(data, marche))
    db.session.flush()
    for lot in repository.lots_of_marche(marche.id):
        try:
            _recompute(lot, marche)
        except ValidationError as error:
            raise ValidationError(error.field, f"Lot {lot.number} : {error.message}") from None
    audit.record(
        "marche.updated", actor, "marche", marche.id, {"référence": marche.reference, "champs": changed}
    )
    return marche


def search_marches(filters: MarcheFilters) -> Select:
    """The rows of the list of marchés (see ``repository.marches_query``), to sort and paginate."""
    return repository.marches_query(filters)


MARCHE_SORTS = repository.MARCHE_SORTS
marche_years = repository.marche_years
marche_sectors = repository.marche_sectors


def sector_choices() -> list[tuple[str, str]]:
    return [(item.code, item.label) for item in referentiels.items(ItemList.secteur)]


def procedure_choices() -> list[tuple[str, str]]:
    return [(item.code, item.label) for item in referentiels.items(ItemList.procedure)]


# --- lots ----------------------------------------------------------------------------------------------------


def lots_of_marche(marche_id: int) -> list[Lot]:
    return repository.lots_of_marche(marche_id)


marches_of_donneur_ordre = repository.marches_of_donneur_ordre
marches_by_reference = repository.marches_by_reference


def _attributaire(value) -> int | None:
    organisation_id = cleaning.identifier(value, "attributaire_id")
    if organisation_id is None:
        return None
    return _company(organisation_id, "attributaire_id").id


def _company(organisation_id: int | None, field: str):
    organisation = partenaires.get(organisation_id) if organisation_id else None
    if organisation is None:
        raise ValidationError(field, "Choisissez une entreprise de la liste.")
    if organisation.kind not in COMPANY_KINDS:
        raise ValidationError(
            field,
            f"« {organisation.name} » est de type {OrganisationKind(organisation.kind).label} : choisissez une "
            "entreprise, une SIAE, un GEIQ, une EA / un ESAT ou une ETT.",
        )
    return organisation


def _clean_lot(data: Mapping, marche: Marche, current: Lot | None) -> dict:
    values = {name: data.get(name, getattr(current, name, None)) for name in LOT_FIELDS}
    number = cleaning.required_text(values["number"], "number", "Indiquez le numéro du lot (ex. 1, 2A).", 20)
    same = repository.lot_by_number(marche.id, number)
    if same is not None and (current is None or same.id != current.id):
        raise ValidationError("number", "Ce marché a déjà un lot portant ce numéro.")
    mode = cleaning.member(
        ObligationMode,
        values["obligation_mode"],
        "obligation_mode",
        "Choisissez le mode de calcul des heures.",
    )
    clean = {
        "number": number,
        "object": cleaning.text(values["object"], "object", 500, "Indiquez l'objet du lot."),
        "amount_ht": cleaning.positive(values["amount_ht"], "amount_ht", allow_zero=True),
        "attributaire_id": _attributaire(values["attributaire_id"]),
        "obligation_mode": mode.value,
        "rounding": cleaning.member(
            Rounding, values["rounding"] or Rounding.nearest, "rounding", "Choisissez un arrondi."
        ).value,
        "fixed_hours": cleaning.positive(values["fixed_hours"], "fixed_hours", allow_zero=True),
        "labour_share": cleaning.fraction(values["labour_share"], "labour_share", "Part de main-d'œuvre"),
        "insertion_rate": cleaning.fraction(values["insertion_rate"], "insertion_rate", "Taux d'insertion"),
        "hourly_cost_override": cleaning.positive(values["hourly_cost_override"], "hourly_cost_override"),
        "hours_share": cleaning.fraction(values["hours_share"], "hours_share", "Part des heures travaillées"),
        "per_amount_hours": cleaning.positive(values["per_amount_hours"], "per_amount_hours"),
        "per_amount_base": cleaning.positive(values["per_amount_base"], "per_amount_base"),
        "penalty_per_hour": cleaning.positive(
            values["penalty_per_hour"], "penalty_per_hour", allow_zero=True
        ),
        "notes": cleaning.text(values["notes"], "notes", 10000),
    }
    for other_mode, names in MODE_INPUTS.items():
        if other_mode is not mode:
            clean.update(dict.fromkeys(names))
    return clean


def create_lot(actor: audit.Actor, marche: Marche, data: Mapping) -> Lot:
    """A new lot of ``marche`` with its obligation computed; ``data`` holds :data:`LOT_FIELDS`."""
    lot = Lot(tenant_id=require_tenant_id(), marche_id=marche.id, **_clean_lot(data, marche, None))
    _recompute(lot, marche)
    db.session.add(lot)
    db.session.flush()
    audit.record(
        "lot.created",
        actor,
        "lot",
        lot.id,
        {"marché": marche.reference, "lot": lot.number, "heures": str(lot.obligation_hours)},
    )
    return lot


def draft_new_lot(donneur_ordre_id: int, data: Mapping) -> tuple[Marche, Lot]:
    """A marché and a lot still to be launched, never saved, their obligation computed as for a
    real lot: what the clause-drafting aid of a donneur d'ordre drafts from. ``data`` holds
    ``marche_object``, ``considerations``, ``anru`` and :data:`LOT_FIELDS`; ``ValidationError``
    names the field at fault."""
    marche = Marche(
        tenant_id=require_tenant_id(),
        donneur_ordre_id=donneur_ordre_id,
        reference="(référence à venir)",
        object=cleaning.required_text(
            data.get("marche_object"), "marche_object", "Indiquez l'objet du marché.", 500
        ),
        considerations=_considerations(data.get("considerations") or []),
        anru=bool(data.get("anru")),
    )
    lot = Lot(tenant_id=marche.tenant_id, **_clean_lot(data, marche, None))
    _recompute(lot, marche)
    return marche, lot


def update_lot(actor: audit.Actor, lot: Lot, data: Mapping) -> Lot:
    """Change the fields given in ``data`` (the others are kept) and recompute the obligation."""
    marche = db.session.get_one(Marche, (lot.tenant_id, lot.marche_id))
    clean = _clean_lot(data, marche, lot)
    before = lot.obligation_hours
    changed = assign_changes(lot, clean)
    _recompute(lot, marche)
    db.session.flush()
    audit.record(
        "lot.updated",
        actor,
        "lot",
        lot.id,
        {"champs": changed, "heures avant": str(before), "heures après": str(lot.obligation_hours)},
    )
    return lot


def cost_date(marche: Marche) -> date:
    """The date the dated hourly cost is looked up at: notification, else start, else today."""
    return marche.notification_date or marche.start_date or clock.today()


def parameters(lot: Lot) -> obligations.LotParameters:
    return obligations.LotParameters(
        mode=ObligationMode(lot.obligation_mode),
        rounding=Rounding(lot.rounding or Rounding.nearest),
        amount_ht=lot.amount_ht,
        fixed_hours=lot.fixed_hours,
        labour_share=lot.labour_share,
        insertion_rate=lot.insertion_rate,
        hours_share=lot.hours_share,
        per_amount_hours=lot.per_amount_hours,
        per_amount_base=lot.per_amount_base,
    )


def compute_obligation(lot: Lot, marche: Marche) -> obligations.Obligation:
    """The obligation of ``lot`` from its parameters, its marché and the figures recorded on it."""
    params = parameters(lot)
    cost = None
    if params.mode is ObligationMode.formula:
        on = cost_date(marche)
        dated = repository.hourly_cost_at(on)
        cost = obligations.choose_hourly_cost(
            lot.hourly_cost_override,
            marche.hourly_cost_override,
            (dated.valid_from, dated.amount) if dated else None,
            on,
        )
    figures: dict[str, Iterable[Decimal]] = {"hours_worked": (), "invoiced": ()}
    if lot.id is not None:
        figures["hours_worked"] = repository.figure_values(lot.id, LotFigureKind.hours_worked)
        figures["invoiced"] = repository.figure_values(lot.id, LotFigureKind.invoiced_amount)
    return obligations.compute(params, cost, **figures)


def _recompute(lot: Lot, marche: Marche) -> obligations.Obligation:
    result = compute_obligation(lot, marche)
    lot.obligation_hours = result.hours
    lot.obligation_inputs = result.inputs
    return result


def recompute_obligation(actor: audit.Actor, lot: Lot) -> Lot:
    """Recompute and store the obligation (e.g. after the tenant's hourly costs changed)."""
    before = lot.obligation_hours
    _recompute(lot, db.session.get_one(Marche, (lot.tenant_id, lot.marche_id)))
    db.session.flush()
    if before != lot.obligation_hours:
        audit.record(
            "lot.obligation_recomputed",
            actor,
            "lot",
            lot.id,
            {"heures avant": str(before), "heures après": str(lot.obligation_hours)},
        )
    return lot


# --- subcontractors and figures ------------------------------------------------------------------------


def subcontractors(lot_id: int):
    """``(LotSubcontractor, Organisation)`` pairs of a lot, by organisation name."""
    return repository.subcontractors_of_lot(lot_id)


def add_subcontractor(
    actor: audit.Actor, lot: Lot, organisation_id, role: str = "sous_traitant"
) -> LotSubcontractor:
    organisation = _company(cleaning.identifier(organisation_id, "organisation_id"), "organisation_id")
    if role not in SUBCONTRACTOR_ROLES:
        raise ValidationError("role", "Choisissez sous-traitant ou cotraitant.")
    if organisation.id == lot.attributaire_id:
        raise ValidationError("organisation_id", "Cette organisation est déjà l'attributaire du lot.")
    if repository.subcontractor_of(lot.id, organisation.id) is not None:
        raise ValidationError(
            "organisation_id", "Cette organisation figure déjà parmi les sous-traitants du lot."
        )
    link = LotSubcontractor(
        tenant_id=lot.tenant_id, lot_id=lot.id, organisation_id=organisation.id, role=role
    )
    insert(link)
    audit.record(
        "lot.subcontractor_added", actor, "lot", lot.id, {"organisation": organisation.name, "rôle": role}
    )
    return link


def remove_subcontractor(actor: audit.Actor, lot: Lot, subcontractor_id) -> None:
    link = repository.subcontractor(lot.id, cleaning.identifier(subcontractor_id, "subcontractor_id") or 0)
    if link is None:
        raise ValidationError("subcontractor_id", "Ce sous-traitant ne figure pas sur ce lot.")
    db.session.delete(link)
    db.session.flush()
    audit.record("lot.subcontractor_removed", actor, "lot", lot.id, {"organisation_id": link.organisation_id})


def figures(lot_id: int) -> list[LotFigure]:
    return repository.figures_of_lot(lot_id)


def record_figure(
    actor: audit.Actor, lot: Lot, kind: str, recorded_on, value, note: str | None = None
) -> LotFigure:
    """Record an amount invoiced or hours worked on ``lot`` (for a period) and recompute its obligation."""
    kind = cleaning.member(
        LotFigureKind, kind, "kind", "Choisissez ce qui est relevé : montant facturé ou heures travaillées."
    )
    recorded_on = cleaning.a_date(recorded_on, "recorded_on", required="Indiquez la date du relevé.")
    value = cleaning.positive(
        value,
        "value",
        allow_zero=True,
        required="Indiquez le montant facturé ou le nombre d'heures de la période.",
    )
    figure = LotFigure(
        tenant_id=lot.tenant_id,
        lot_id=lot.id,
        kind=kind.value,
        recorded_on=recorded_on,
        value=value,
        note=cleaning.text(note, "note", 200),
        created_by=actor.user_id,
    )
    insert(figure)
    before = lot.obligation_hours
    _recompute(lot, db.session.get_one(Marche, (lot.tenant_id, lot.marche_id)))
    db.session.flush()
    audit.record(
        "lot.figure_recorded",
        actor,
        "lot",
        lot.id,
        {
            "relevé": kind.value,
            "date": recorded_on.isoformat(),
            "valeur": str(value),
            "heures avant": str(before),
            "heures après": str(lot.obligation_hours),
        },
    )
    return figure
