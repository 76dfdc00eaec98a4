"""Queries on marchés, lots, their figures and the dated hourly costs (tenant in scope)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, extract, func, literal, select

from saas.db import db, same_tenant, text_matches
from saas.marches.models import HourlyCost, Lot, LotFigure, LotSubcontractor, Marche
from saas.partenaires.models import Organisation


def lot_label():
    """``Lot 2 — M-2025-01``: how a lot is named in lists (a SQL expression over Lot and Marche)."""
    return literal("Lot ") + Lot.number + literal(" — ") + Marche.reference


# --- hourly costs --------------------------------------------------------------------------------------


def hourly_costs() -> list[HourlyCost]:
    return list(db.session.scalars(select(HourlyCost).order_by(HourlyCost.valid_from.desc())))


def hourly_cost_at(on: date) -> HourlyCost | None:
    """The dated cost in force on ``on``: the latest ``valid_from <= on``."""
    query = select(HourlyCost).where(HourlyCost.valid_from <= on).order_by(HourlyCost.valid_from.desc())
    return db.session.scalars(query.limit(1)).first()


def hourly_cost_on(valid_from: date) -> HourlyCost | None:
    return db.session.scalars(select(HourlyCost).where(HourlyCost.valid_from == valid_from)).first()


# --- marchés -----------------------------------------------------------------------------------------------


def marche_by_reference(reference: str) -> Marche | None:
    return db.session.scalars(select(Marche).where(func.lower(Marche.reference) == reference.lower())).first()


@dataclass(frozen=True)
class MarcheFilters:
    donneur_ordre_id: int | None = None
    sector: str | None = None
    anru: bool | None = None
    #: year of notification (of the start of execution when the marché is not notified yet).
    year: int | None = None
    text: str | None = None


def _donneur_join():
    return same_tenant(Organisation.id, Marche.donneur_ordre_id)


def marches_query(filters: MarcheFilters) -> Select:
    """Rows ``(id, reference, object, donneur_name, sector, anru, notification_date, start_date,
    amount_ht)`` of the marchés matching ``filters``, unordered (the list sorts them)."""
    query = select(
        Marche.id,
        Marche.reference,
        Marche.object,
        Organisation.name.label("donneur_name"),
        Marche.sector,
        Marche.anru,
        Marche.notification_date,
        Marche.start_date,
        Marche.amount_ht,
    ).join(Organisation, _donneur_join())
    if filters.donneur_ordre_id:
        query = query.where(Marche.donneur_ordre_id == filters.donneur_ordre_id)
    if filters.sector:
        query = query.where(Marche.sector == filters.sector)
    if filters.anru is not None:
        query = query.where(Marche.anru.is_(filters.anru))
    if filters.year:
        query = query.where(
            extract("year", func.coalesce(Marche.notification_date, Marche.start_date)) == filters.year
        )
    if filters.text:
        query = query.where(
            text_matches(
                filters.text, Marche.reference, Marche.object, Organisation.name, Marche.anru_project_id
            )
        )
    return query


#: what the list of marchés may sort on, by the key of the URL.
MARCHE_SORTS = {
    "reference": Marche.reference,
    "objet": Marche.object,
    "donneur": Organisation.name,
    "notification": Marche.notification_date,
    "montant": Marche.amount_ht,
}


def marche_years() -> list[int]:
    year = extract("year", func.coalesce(Marche.notification_date, Marche.start_date))
    rows = db.session.scalars(select(year).where(year.is_not(None)).distinct().order_by(year.desc()))
    return [int(value) for value in rows]


def marche_sectors() -> list[str]:
    query = select(Marche.sector).where(Marche.sector.is_not(None)).distinct().order_by(Marche.sector)
    return list(db.session.scalars(query))


# --- lots ----------------------------------------------------------------------------------------------------


def lots_of_marche(marche_id: int) -> list[Lot]:
    query = select(Lot).where(Lot.marche_id == marche_id).order_by(func.lpad(Lot.number, 20, "0"), Lot.id)
    return list(db.session.scalars(query))


def marches_of_donneur_ordre(organisation_id: int) -> list[Marche]:
    query = (
        select(Marche)
        .where(Marche.donneur_ordre_id == organisation_id)
        .order_by(Marche.start_date.desc().nulls_last(), Marche.reference, Marche.id)
    )
    return list(db.session.scalars(query))


def marches_by_reference(limit: int) -> list[tuple[int, str, str]]:
    """``(id, reference, object)`` of the tenant's first ``limit`` marchés by reference (a choice list)."""
    query = select(Marche.id, Marche.reference, Marche.object).order_by(Marche.reference, Marche.id)
    return [tuple(row) for row in db.session.execute(query.limit(limit))]


def lot_by_number(marche_id: int, number: str) -> Lot | None:
    query = select(Lot).where(Lot.marche_id == marche_id, func.lower(Lot.number) == number.lower())
    return db.session.scalars(query).first()


def figures_of_lot(lot_id: int) -> list[LotFigure]:
    query = select(LotFigure).where(LotFigure.lot_id == lot_id)
    return list(db.session.scalars(query.order_by(LotFigure.recorded_on.desc(), LotFigure.id.desc())))


def figure_values(lot_id: int, kind: str) -> list[Decimal]:
    query = select(LotFigure.value).where(LotFigure.lot_id == lot_id, LotFigure.kind == kind)
    return list(db.session.scalars(query.order_by(LotFigure.recorded_on, LotFigure.id)))


def subcontractors_of_lot(lot_id: int) -> list[tuple[LotSubcontractor, Organisation]]:
    query = (
        select(LotSubcontractor, Organisation)
        .join(Organisation, same_tenant(Organisation.id, LotSubcontractor.organisation_id))
        .where(LotSubcontractor.lot_id == lot_id)
        .order_by(Organisation.name)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def subcontractor(lot_id: int, subcontractor_id: int) -> LotSubcontractor | None:
    query = select(LotSubcontractor).where(
        LotSubcontractor.lot_id == lot_id, LotSubcontractor.id == subcontractor_id
    )
    return db.session.scalars(query).first()


def subcontractor_of(lot_id: int, organisation_id: int) -> LotSubcontractor | None:
    query = select(LotSubcontractor).where(
        LotSubcontractor.lot_id == lot_id, LotSubcontractor.organisation_id == organisation_id
    )
    return db.session.scalars(query).first()
