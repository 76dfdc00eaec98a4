"""Queries on missions and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select

from saas import formats
from saas.db import by_id, db, rows_of, same_tenant, text_matches
from saas.marches.models import Lot, Marche
from saas.marches.repository import lot_label
from saas.parcours.enums import MissionState
from saas.parcours.models import FollowUp, Mission
from saas.partenaires.models import Organisation
from saas.participants.models import Identity, Participant
from saas.participants.repository import matches as participant_matches
from saas.referentiels.models import ContractType


def get(mission_id: int) -> Mission | None:
    return by_id(Mission, mission_id)


def of_participant(participant_id: int) -> list[Mission]:
    return rows_of(Mission, participant_id=participant_id, order_by=Mission.start_date.desc())


def follow_ups_of(mission_id: int) -> list[FollowUp]:
    return rows_of(FollowUp, mission_id=mission_id, order_by=FollowUp.due_on)


def follow_up(follow_up_id: int) -> FollowUp | None:
    return by_id(FollowUp, follow_up_id)


def overdue_follow_ups(today: date) -> list[FollowUp]:
    return list(
        db.session.scalars(
            select(FollowUp)
            .join(Mission, same_tenant(Mission.id, FollowUp.mission_id))
            .where(
                FollowUp.done_on.is_(None),
                FollowUp.due_on < today,
                or_(Mission.exit_date.is_(None), FollowUp.due_on <= Mission.exit_date),
            )
            .order_by(FollowUp.due_on)
        )
    )


def list_query(active_on: date | None = None):
    query = select(Mission)
    if active_on is not None:
        query = query.where(active_condition(active_on))
    return query


def _overdue_condition(today: date):
    return and_(
        FollowUp.done_on.is_(None),
        FollowUp.due_on < today,
        or_(Mission.exit_date.is_(None), FollowUp.due_on <= Mission.exit_date),
    )


def _mission_join():
    return same_tenant(Mission.id, FollowUp.mission_id)


def overdue_count(today: date) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(FollowUp)
        .join(Mission, _mission_join())
        .where(_overdue_condition(today))
    ).scalar_one()


def overdue_first(today: date, limit: int = 10) -> list[tuple[FollowUp, str]]:
    """The ``limit`` oldest overdue follow-ups with the reference of their participant."""
    query = (
        select(FollowUp, Participant.reference)
        .join(Mission, _mission_join())
        .join(Participant, same_tenant(Participant.id, Mission.participant_id))
        .where(_overdue_condition(today))
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


# --- the list of missions ------------------------------------------------------------------------


@dataclass(frozen=True)
class MissionFilters:
    #: missions under way on that day (started, not ended, not exited).
    active_on: date | None = None
    lot_id: int | None = None
    employer_id: int | None = None
    contract_type: str | None = None
    participant_id: int | None = None
    #: missions NOT under way on that day (not started, ended or exited).
    inactive_on: date | None = None


def active_condition(day: date):
    return and_(
        Mission.start_date <= day,
        or_(Mission.end_date.is_(None), Mission.end_date >= day),
        or_(Mission.exit_date.is_(None), Mission.exit_date >= day),
    )


def _filtered(query: Select, filters: MissionFilters) -> Select:
    if filters.active_on is not None:
        query = query.where(active_condition(filters.active_on))
    if filters.inactive_on is not None:
        query = query.where(~active_condition(filters.inactive_on))
    for name in ("lot_id", "employer_id", "contract_type", "participant_id"):
        value = getattr(filters, name)
        if value is not None and value != "":
            query = query.where(getattr(Mission, name) == value)
    return query


def missions_query(filters: MissionFilters) -> Select:
    """Missions matching ``filters``, newest first (for the API)."""
    return _filtered(select(Mission), filters).order_by(Mission.start_date.desc(), Mission.id.desc())


def with_participant_and_employer(query: Select) -> Select:
    """``query`` over missions joined to their participant and their employer (same tenant)."""
    return query.join(Participant, same_tenant(Participant.id, Mission.participant_id)).join(
        Organisation, same_tenant(Organisation.id, Mission.employer_id)
    )


def state_expression(today: date):
    return case(
        (Mission.exit_date.is_not(None), literal(MissionState.sortie.value)),
        (and_(Mission.end_date.is_not(None), Mission.end_date < today), literal(MissionState.terminee.value)),
        else_=literal(MissionState.en_cours.value),
    )


def rows_query(filters: MissionFilters, today: date) -> Select:
    """Rows ``(id, reference, participant_id, employer, lot, lot_id, modality, contract, start_date,
    end_date, trial_end_date, weekly_hours, exit_date, state)`` of the missions matching ``filters``."""
    query = select(
        Mission.id,
        Participant.reference.label("reference"),
        Mission.participant_id,
        Organisation.name.label("employer"),
        lot_label().label("lot"),
        Mission.lot_id,
        Mission.modality,
        ContractType.label.label("contract"),
        Mission.start_date,
        Mission.end_date,
        Mission.trial_end_date,
        Mission.weekly_hours,
        Mission.exit_date,
        state_expression(today).label("state"),
    )
    query = (
        with_participant_and_employer(query)
        .join(Lot, same_tenant(Lot.id, Mission.lot_id))
        .join(Marche, same_tenant(Marche.id, Lot.marche_id))
        .join(ContractType, ContractType.code == Mission.contract_type)
    )
    query = _filtered(query, filters)
    return query


def row_sorts(today: date) -> dict:
    return {
        "participant": Participant.reference,
        "employeur": Organisation.name,
        "lot": lot_label(),
        "contrat": ContractType.label,
        "debut": Mission.start_date,
        "fin": Mission.end_date,
        "heures": Mission.weekly_hours,
        "etat": state_expression(today),
    }


def _every_word(text: str, *columns) -> ColumnElement[bool]:
    """Each word of ``text`` found in one of ``columns`` ("dupont cam" finds DUPONT Camille)."""
    return and_(*(text_matches(word, *columns) for word in text.split()))


def lot_options(
    text: str | None = None, limit: int | None = None, ids: list[int] | None = None
) -> list[tuple[int, str, str]]:
    """``(id, label, donneur d'ordre)`` of the lots whose label, marché or donneur d'ordre holds
    each word of ``text`` (every lot without), by marché reference then number, at most ``limit``;
    only ``ids`` when given."""
    label = lot_label()
    query = (
        select(Lot.id, label, Organisation.name)
        .join(Marche, same_tenant(Marche.id, Lot.marche_id))
        .join(Organisation, same_tenant(Organisation.id, Marche.donneur_ordre_id))
        .order_by(Marche.reference, func.lpad(Lot.number, 20, "0"), Lot.id)
        .limit(limit)
    )
    if text and text.strip():
        query = query.where(_every_word(text, label, Marche.object, Lot.object, Organisation.name))
    if ids is not None:
        query = query.where(Lot.id.in_(ids))
    return [tuple(row) for row in db.session.execute(query).all()]


def lot_choices(
    text: str | None = None, limit: int | None = None, ids: list[int] | None = None
) -> list[tuple[int, str]]:
    """``(id, "Lot 1 — M-2025-01 (Ville)")``: :func:`lot_options` as a search field shows them."""
    return [(i, f"{label} ({buyer})") for i, label, buyer in lot_options(text, limit, ids)]


def lot_labels(lot_ids) -> dict[int, str]:
    """``{lot id: "Lot 1 — M-2025-01"}`` for the given lots."""
    ids = set(lot_ids)
    if not ids:
        return {}
    query = (
        select(Lot.id, lot_label()).join(Marche, same_tenant(Marche.id, Lot.marche_id)).where(Lot.id.in_(ids))
    )
    return dict(db.session.execute(query).tuples().all())


def participant_options(
    text: str | None = None, limit: int | None = None, ids: list[int] | None = None
) -> list[tuple[int, str]]:
    """``(id, "P-2026-00042 — DUPONT Camille")`` of the participants whose name or reference holds
    each word of ``text`` (every one without), by name, at most ``limit``; only ``ids`` when given."""
    query = (
        select(Participant.id, Participant.reference, Identity.last_name, Identity.first_name)
        .join(Identity, same_tenant(Identity.participant_id, Participant.id))
        .order_by(Identity.last_name, Identity.first_name, Participant.reference, Participant.id)
        .limit(limit)
    )
    if text and text.strip():
        query = query.where(*(participant_matches(word) for word in text.split()))
    if ids is not None:
        query = query.where(Participant.id.in_(ids))
    return [(row[0], f"{row[1]} — {row[2].upper()} {row[3]}") for row in db.session.execute(query).all()]


def mission_options(
    text: str | None = None, limit: int | None = None, ids: list[int] | None = None
) -> list[tuple[int, str]]:
    """``(id, "P-2026-00042 DUPONT Camille — employer — Lot 1 — M-2025-01 — depuis le 06/01/2025")``
    of the missions whose participant (name, reference), employer or lot holds each word of ``text``
    (every one without), newest first, at most ``limit``; only ``ids`` when given."""
    lot = lot_label()
    query = (
        with_participant_and_employer(
            select(
                Mission.id,
                Participant.reference,
                Identity.last_name,
                Identity.first_name,
                Organisation.name,
                lot,
                Mission.start_date,
            )
        )
        .join(Identity, same_tenant(Identity.participant_id, Participant.id))
        .join(Lot, same_tenant(Lot.id, Mission.lot_id))
        .join(Marche, same_tenant(Marche.id, Lot.marche_id))
        .order_by(Mission.start_date.desc(), Mission.id.desc())
        .limit(limit)
    )
    if text and text.strip():
        # each word in the participant's name or reference, the employer or the lot
        query = query.where(*(participant_matches(word, Organisation.name, lot) for word in text.split()))
    if ids is not None:
        query = query.where(Mission.id.in_(ids))
    return [
        (
            row[0],
            f"{row[1]} {row[2].upper()} {row[3]} — {row[4]} — {row[5]} — depuis le {formats.date(row[6])}",
        )
        for row in db.session.execute(query).all()
    ]
