"""Queries on participants (scoped to the tenant in scope by the ORM hook and RLS)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, Text, and_, any_, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import undefer

from saas.db import Criterion, by_id, db, one_where, rows_of, same_tenant, text_matches
from saas.participants.models import (
    AccompanimentEntry,
    CvProfile,
    Eligibility,
    EligibilityCriterion,
    Identity,
    Participant,
    Prescription,
)
from saas.referentiels.models import Commune


def get(participant_id: int) -> Participant | None:
    return by_id(Participant, participant_id)


def identity_of(participant_id: int) -> Identity:
    """Created with the participant, never deleted."""
    return db.session.scalars(select(Identity).where(Identity.participant_id == participant_id)).one()


def next_number() -> int:
    return (db.session.scalar(select(db.func.count()).select_from(Participant)) or 0) + 1


def reference_taken(reference: str) -> bool:
    return db.session.execute(select(exists().where(Participant.reference == reference))).scalar_one()


def prescriptions_of(participant_id: int) -> list[Prescription]:
    return rows_of(Prescription, participant_id=participant_id, order_by=Prescription.prescribed_on.desc())


def eligibilities_of(participant_id: int) -> list[Eligibility]:
    return rows_of(
        Eligibility,
        participant_id=participant_id,
        order_by=(Eligibility.validated_on.desc(), Eligibility.id.desc()),
    )


def criteria_by_eligibility(eligibility_ids: list[int]) -> dict[int, list[EligibilityCriterion]]:
    """:func:`criteria_of` of each validation, in one query: by eligibility id (each id a key)."""
    found: dict[int, list[EligibilityCriterion]] = {eligibility_id: [] for eligibility_id in eligibility_ids}
    if eligibility_ids:
        query = EligibilityCriterion.eligibility_id.in_(eligibility_ids)
        for row in rows_of(EligibilityCriterion, query, order_by=EligibilityCriterion.criterion_code):
            found[row.eligibility_id].append(row)
    return found


def criteria_of(eligibility_id: int) -> list[EligibilityCriterion]:
    return rows_of(
        EligibilityCriterion, eligibility_id=eligibility_id, order_by=EligibilityCriterion.criterion_code
    )


def valid_eligibility_condition(on: date):
    """SQL condition: an eligibility not revoked and valid on ``on``."""
    return and_(
        Eligibility.revoked_at.is_(None),
        Eligibility.valid_from <= on,
        or_(Eligibility.valid_until.is_(None), Eligibility.valid_until >= on),
    )


def eligibility_at(participant_id: int, on: date) -> Eligibility | None:
    return db.session.scalars(
        select(Eligibility)
        .where(Eligibility.participant_id == participant_id, valid_eligibility_condition(on))
        .order_by(Eligibility.validated_on.desc())
        .limit(1)
    ).first()


def eligibility_windows(participant_id: int, first: date, last: date) -> list[tuple[date, date | None, date]]:
    query = (
        select(Eligibility.valid_from, Eligibility.valid_until, Eligibility.validated_on)
        .where(
            Eligibility.participant_id == participant_id,
            Eligibility.revoked_at.is_(None),
            Eligibility.valid_from <= last,
            or_(Eligibility.valid_until.is_(None), Eligibility.valid_until >= first),
        )
        .order_by(Eligibility.valid_from)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def eligibility_windows_by_participant(
    participant_ids: list[int],
) -> dict[int, list[tuple[date, date | None, date]]]:
    """Every validation (not revoked) of each participant as ``(valid_from, valid_until,
    validated_on)``, in one query: by participant id; :func:`windows_within` keeps those of a month."""
    found: dict[int, list[tuple[date, date | None, date]]] = {pid: [] for pid in participant_ids}
    if participant_ids:
        query = (
            select(
                Eligibility.participant_id,
                Eligibility.valid_from,
                Eligibility.valid_until,
                Eligibility.validated_on,
            )
            .where(Eligibility.participant_id.in_(participant_ids), Eligibility.revoked_at.is_(None))
            .order_by(Eligibility.valid_from)
        )
        for participant_id, valid_from, valid_until, validated_on in db.session.execute(query).tuples():
            found[participant_id].append((valid_from, valid_until, validated_on))
    return found


def windows_within(
    windows: list[tuple[date, date | None, date]], first: date, last: date
) -> list[tuple[date, date | None, date]]:
    """The windows valid on at least one day from ``first`` to ``last`` (as :func:`eligibility_windows`)."""
    return [w for w in windows if w[0] <= last and (w[1] is None or w[1] >= first)]


def profile_of(participant_id: int) -> CvProfile | None:
    return one_where(CvProfile, participant_id=participant_id)


def matches(text: str, *others) -> ColumnElement[bool]:
    """``text`` in a participant's name or reference (or in ``others``, columns of the query folded
    at the search): the names are compared in their folded columns, the reference is ASCII."""
    folded = (Identity.last_name_folded, Identity.first_name_folded, Participant.reference)
    return text_matches(text, *others, folded=folded)


def list_query(text_filter: str | None = None, eligible_on: date | None = None) -> Select:
    """Participants with their identity (for the workspace list)."""
    query = select(Participant, Identity).join(Identity, same_tenant(Identity.participant_id, Participant.id))
    if text_filter:
        query = query.where(matches(text_filter))
    if eligible_on is not None:
        query = query.where(
            exists().where(
                Eligibility.tenant_id == Participant.tenant_id,
                Eligibility.participant_id == Participant.id,
                valid_eligibility_condition(eligible_on),
            )
        )
    return query


def _in_library(rome: str | None, commune: str | None, available_by: date | None) -> list:
    """Conditions of the CV library: validated and published profiles (seed 000 art. 2), filtered."""
    conditions: list[Criterion] = [
        CvProfile.validated_at.is_not(None),
        CvProfile.published,
    ]
    if rome:
        conditions.append(any_(CvProfile.rome_codes) == rome)
    if commune:
        conditions.append(Identity.commune_insee == commune)
    if available_by:
        conditions.append(or_(CvProfile.available_from.is_(None), CvProfile.available_from <= available_by))
    return conditions


def _profile_joins(query: Select) -> Select:
    return query.join(Participant, same_tenant(Participant.id, CvProfile.participant_id)).join(
        Identity, same_tenant(Identity.participant_id, Participant.id)
    )


def cv_query(rome: str | None = None, commune: str | None = None, available_by: date | None = None) -> Select:
    """Validated, published profiles of the CV library."""
    return _profile_joins(select(CvProfile, Participant, Identity)).where(
        *_in_library(rome, commune, available_by)
    )


def cv_library_query(
    rome: str | None = None, commune: str | None = None, available_by: date | None = None
) -> Select:
    """The CV library as the workspace lists it: one row of plain columns per profile."""
    query = select(
        Participant.id.label("participant_id"),
        Participant.reference,
        Identity.first_name,
        Identity.last_name,
        CvProfile.rome_codes,
        Identity.commune_insee,
        Commune.name.label("commune_name"),
        CvProfile.available_from,
        CvProfile.availability,
        CvProfile.mobility,
        CvProfile.mobility_radius_km,
        CvProfile.validated_at,
    ).select_from(CvProfile)
    query = _profile_joins(query).outerjoin(Commune, Commune.insee == Identity.commune_insee)
    return query.where(*_in_library(rome, commune, available_by))


def profile_with_cv(participant_id: int) -> CvProfile | None:
    return db.session.scalars(
        select(CvProfile)
        .options(undefer(CvProfile.cv_content))
        .where(CvProfile.participant_id == participant_id)
    ).one_or_none()


def overview_query(on: date, text_filter: str | None = None, eligible: bool | None = None) -> Select:
    """One row per participant for the workspace list: reference, name, commune, eligibility on
    ``on`` (valid until / open-ended / none), validity of the last prescription, CV validated."""
    own_eligibility = same_tenant(Eligibility.participant_id, Participant.id)
    valid_on = and_(own_eligibility, valid_eligibility_condition(on))
    eligible_now = exists().where(valid_on)
    query = (
        list_query(text_filter)
        .with_only_columns(
            Participant.id,
            Participant.reference,
            Identity.last_name,
            Identity.first_name,
            Identity.commune_insee,
            Commune.name.label("commune_name"),
            eligible_now.label("eligible"),
            exists().where(valid_on, Eligibility.valid_until.is_(None)).label("eligible_open"),
            select(func.max(Eligibility.valid_until))
            .where(valid_on)
            .scalar_subquery()
            .label("eligible_until"),
            exists().where(own_eligibility, Eligibility.revoked_at.is_(None)).label("had_eligibility"),
            last_prescription_until().label("prescription_until"),
            exists()
            .where(
                CvProfile.tenant_id == Participant.tenant_id,
                CvProfile.participant_id == Participant.id,
                CvProfile.validated_at.is_not(None),
            )
            .label("cv_validated"),
        )
        .outerjoin(Commune, Commune.insee == Identity.commune_insee)
    )
    if eligible is True:
        query = query.where(eligible_now)
    elif eligible is False:
        query = query.where(~eligible_now)
    return query


def last_prescription_until():
    """Correlated scalar: the end of validity of the participant's latest prescription."""
    return (
        select(Prescription.valid_until)
        .where(Prescription.tenant_id == Participant.tenant_id, Prescription.participant_id == Participant.id)
        .order_by(Prescription.prescribed_on.desc(), Prescription.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def prescriptions_expiring(until: date, today: date) -> list[Prescription]:
    return rows_of(
        Prescription,
        Prescription.valid_until >= today,
        Prescription.valid_until <= until,
        order_by=Prescription.valid_until,
    )


def matching(
    references: list[str], names: list[tuple[str, str]]
) -> tuple[dict[str, int], dict[tuple[str, str], list[int]]]:
    """The participants a spreadsheet names: by reference (``P-2026-00042``, any case), and by last
    and first name as typed (accents and case aside, folded by the database as the names are), in
    two queries. Keys are as given; a name may match several people."""
    by_reference: dict[str, int] = {}
    if references:
        wanted = {reference.upper(): reference for reference in references}
        rows = db.session.execute(
            select(Participant.reference, Participant.id).where(Participant.reference.in_(list(wanted)))
        )
        by_reference = {wanted[reference]: participant_id for reference, participant_id in rows}
    by_name: dict[tuple[str, str], list[int]] = {}
    if names:
        given = (
            select(
                func.unnest(literal([n for n, _ in names], ARRAY(Text))).label("last"),
                func.unnest(literal([f for _, f in names], ARRAY(Text))).label("first"),
            )
        ).subquery()
        rows = db.session.execute(
            select(given.c.last, given.c.first, Identity.participant_id).join(
                Identity,
                and_(
                    func.lower(Identity.last_name_folded) == func.lower(func.f_unaccent(given.c.last)),
                    func.lower(Identity.first_name_folded) == func.lower(func.f_unaccent(given.c.first)),
                ),
            )
        )
        for last, first, participant_id in rows:
            by_name.setdefault((last, first), []).append(participant_id)
    return by_reference, by_name


def names_of(participant_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(last name, first name) of each participant, in one query (for a list their employer reads)."""
    if not participant_ids:
        return {}
    rows = db.session.execute(
        select(Identity.participant_id, Identity.last_name, Identity.first_name).where(
            Identity.participant_id.in_(set(participant_ids))
        )
    )
    return {participant_id: (last, first) for participant_id, last, first in rows}


def accompaniment_of(participant_id: int) -> list[AccompanimentEntry]:
    """Everything the person's referents recorded (saas.portail.accompaniment), the latest first."""
    return rows_of(
        AccompanimentEntry,
        participant_id=participant_id,
        order_by=(AccompanimentEntry.happened_on.desc(), AccompanimentEntry.id.desc()),
    )
