"""What a partner organisation reaches of its territory, and nothing else.

Every function takes the organisation of the user (``organisation_id``) and returns only what
belongs to it: an employer's missions (those the guichet placed with it) and their people, hours
and follow-up plans; a prescriber's own candidates (``saas.portail.prescription``); the people an
accompaniment partner follows (``saas.portail.accompaniment``). An object of another organisation
is None, as if it did not exist (the pages answer 404).

Which parts of the portal an organisation has follows from its kind (``audiences``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, select

from saas import clock, uploads
from saas.audit import api as audit
from saas.conventions import api as conventions
from saas.db import db, same_tenant
from saas.errors import ValidationError
from saas.heures import api as heures
from saas.heures import planning, validation
from saas.heures.enums import Source
from saas.heures.models import Releve
from saas.parcours import api as parcours
from saas.parcours.models import Mission
from saas.partenaires import api as partenaires
from saas.partenaires.enums import COMPANY_KINDS, OrganisationKind
from saas.partenaires.models import Organisation
from saas.participants import api as participants
from saas.participants.models import Participant

EMPLOYER = "employeur"
PRESCRIBER = "prescripteur"
ACCOMPANIMENT = "accompagnement"
#: the organisations that accompany people besides prescribing (seed 000: the Mission Locale)
ACCOMPANYING_KINDS = frozenset({OrganisationKind.prescripteur, OrganisationKind.organisme_formation})


def audiences(organisation: Organisation | None) -> frozenset[str]:
    """The parts of the portal of ``organisation``: employer (companies and placing structures),
    prescriber, accompaniment (prescribers and training bodies, and any organisation the guichet
    made the referent of a participant)."""
    if organisation is None:
        return frozenset()
    found = set()
    if organisation.kind in COMPANY_KINDS:
        found.add(EMPLOYER)
    if organisation.kind == OrganisationKind.prescripteur:
        found.add(PRESCRIBER)
    if organisation.kind in ACCOMPANYING_KINDS or db.session.scalar(
        select(exists().where(Participant.referent_organisation_id == organisation.id))
    ):
        found.add(ACCOMPANIMENT)
    return frozenset(found)


organisation = partenaires.get


# --- employers --------------------------------------------------------------------------------------


def missions_query(organisation_id: int, today: date | None = None):
    """The rows of ``parcours.rows_query`` of the organisation's missions (for a listing)."""
    filters = parcours.MissionFilters(employer_id=organisation_id)
    return parcours.rows_query(filters, today or clock.today())


mission_sorts = parcours.row_sorts


def mission(organisation_id: int, mission_id: int) -> Mission | None:
    found = parcours.get(mission_id)
    return found if found is not None and found.employer_id == organisation_id else None


def person_of(organisation_id: int, participant_id: int) -> Participant | None:
    """A participant the organisation employs (or employed), else None."""
    employs = db.session.scalar(
        select(
            exists().where(Mission.participant_id == participant_id, Mission.employer_id == organisation_id)
        )
    )
    return participants.get(participant_id) if employs else None


names_of = participants.names_of
running_between = planning.running_between


@dataclass(frozen=True)
class MonthLine:
    """A mission of the monthly declaration and the statement of the month, if any."""

    mission: Mission
    reference: str
    last_name: str
    first_name: str
    lot_label: str
    statement: Releve | None


def declaration(organisation_id: int, month: date) -> list[MonthLine]:
    """The organisation's missions running in ``month``, each with its statement of the month (the
    latest neither superseded nor rejected: what the partner would correct)."""
    running = planning.running(month, organisation_id)
    statements = heures.latest_open([candidate.mission.id for candidate, _, _ in running], [month])
    return [
        MonthLine(c.mission, c.reference, last, first, c.lot_label, statements.get((c.mission.id, month)))
        for c, last, first in running
    ]


def declaration_months(today: date | None = None, count: int = 12) -> list[date]:
    """The months a partner may declare from the screen: this one and the ``count - 1`` before."""
    first = (today or clock.today()).replace(day=1)
    return [first - relativedelta(months=n) for n in range(count)]


class DeclarationError(ValidationError):
    """Lines of a monthly declaration at fault: ``lines[mission_id]`` lists the messages."""

    def __init__(self, lines: Mapping[int, list[str]]):
        super().__init__("lines", f"{len(lines)} ligne(s) en erreur : rien n'a été enregistré.")
        self.lines = dict(lines)


@dataclass(frozen=True)
class Entry:
    mission_id: int
    worked: object
    training: object = None
    absence: object = None
    comment: str | None = None
    #: payslip, relevé ETTI... of this line: (filename, content)
    proof: tuple[str, bytes] | None = None


def _lines(entries: Sequence[Entry], month: date) -> list[planning.Line]:
    return [
        planning.Line(index, month, e.worked, e.training, e.absence, e.comment, mission_id=e.mission_id)
        for index, e in enumerate(entries)
        if any(str(value).strip() for value in (e.worked, e.training, e.absence) if value is not None)
    ]


def declare_month(
    actor: audit.Actor,
    organisation_id: int,
    month: date,
    entries: Sequence[Entry],
    shared_proof: tuple[str, bytes] | None = None,
) -> dict[str, int]:
    """The month's statements of the organisation's missions, all or none: each line new, a
    correction or unchanged (``saas.heures.planning``), declared by the partner; each proof checked
    by its content and size before anything is written, then attached to its line's statement
    (the shared proof, a relevé of the whole month, to every statement of the month). A proof
    with no statement to go with (no figures, none sent before) is refused, never dropped."""
    lines = _lines(entries, month)
    result = planning.plan(lines, organisation_id)
    errors: dict[int, list[str]] = {}
    for problem in result.problems:
        errors.setdefault(entries[problem.line].mission_id, []).append(problem.reason)
    _check_proofs(organisation_id, month, entries, {line.line for line in lines}, shared_proof, errors)
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise DeclarationError(errors)
    planning.write(actor, result, Source.partenaire.value)
    _attach(actor, organisation_id, month, entries, shared_proof)
    return result.counts()


NO_STATEMENT = "Indiquez les heures de cette ligne : un justificatif accompagne un relevé."


def _check_proofs(organisation_id, month, entries, filled: set[int], shared_proof, errors) -> None:
    sent = {line.mission.id for line in declaration(organisation_id, month) if line.statement is not None}
    for index, entry in enumerate(entries):
        if entry.proof:
            _check_proof(entry.proof, errors.setdefault(entry.mission_id, []))
            if index not in filled and entry.mission_id not in sent:
                errors.setdefault(entry.mission_id, []).append(NO_STATEMENT)
    if shared_proof:
        _check_proof(shared_proof, errors.setdefault(0, []))
        if not filled and not sent:
            errors.setdefault(0, []).append(
                "Aucun relevé de ce mois auquel le joindre : indiquez des heures."
            )


def _check_proof(proof: tuple[str, bytes], messages: list[str]) -> None:
    try:
        uploads.PROOF.check(proof[1])
    except ValidationError as error:
        messages.append(error.message)


def _attach(actor, organisation_id: int, month: date, entries: Sequence[Entry], shared_proof) -> None:
    """Each proof to its mission's statement of the month as it now stands (just written, or sent
    before); the shared proof to every statement of the month."""
    current = {
        line.mission.id: line.statement for line in declaration(organisation_id, month) if line.statement
    }
    own = {entry.mission_id: entry.proof for entry in entries if entry.proof}
    for mission_id, statement in current.items():
        for filename, content in [p for p in (own.get(mission_id), shared_proof) if p]:
            heures.attach_proof(actor, statement, filename, "", content)


def hours_of_missions(mission_ids: Sequence[int], first: date, last: date) -> dict[int, Decimal]:
    """Worked and training hours of each mission from ``first`` to ``last``: of each month's latest
    statement neither superseded nor rejected (validated, or awaiting validation: a correction
    waiting for its validation stands for the validated one it will replace), as the monthly
    declaration shows them."""
    if not mission_ids:
        return {}
    latest = (
        select(Releve.mission_id, (Releve.worked_hours + Releve.training_hours).label("hours"))
        .where(
            Releve.mission_id.in_(mission_ids),
            Releve.month >= first,
            Releve.month <= last,
            Releve.superseded_at.is_(None),
            Releve.status != "rejected",
        )
        .distinct(Releve.mission_id, Releve.month)
        .order_by(Releve.mission_id, Releve.month, Releve.id.desc())
        .subquery()
    )
    query = select(latest.c.mission_id, db.func.sum(latest.c.hours)).group_by(latest.c.mission_id)
    return {mission_id: Decimal(total) for mission_id, total in db.session.execute(query)}


# --- every partner ----------------------------------------------------------------------------------


def obligations(organisation_id: int, date_from: date | None, date_to: date | None, limit: int | None = None):
    """The due dates of the conventions where the organisation is responsible or recipient, by due
    date, with their status (``saas.conventions``; its reminders are sent by the daily job)."""
    filters = conventions.CalendarFilters(
        date_from=date_from, date_to=date_to, organisation_id=organisation_id
    )
    query = conventions.calendar_rows(filters).order_by("due_on", "id")
    return list(db.session.execute(query.limit(limit) if limit else query))


def summary(organisation_id: int, parts: frozenset[str], today: date) -> dict[str, int]:
    """The figures of the portal's home page, for the parts the organisation has."""
    found: dict[str, int] = {}
    if EMPLOYER in parts:
        running = planning.running(today.replace(day=1), organisation_id)
        found["missions"] = len(running)
        last_month = today.replace(day=1) - relativedelta(months=1)
        lines = declaration(organisation_id, last_month)
        found["to_declare"] = sum(1 for line in lines if line.statement is None)
        found["awaiting"] = (
            db.session.scalar(
                select(db.func.count())
                .select_from(Releve)
                .join(Mission, same_tenant(Mission.id, Releve.mission_id))
                .where(
                    Mission.employer_id == organisation_id,
                    Releve.status == "declared",
                    Releve.superseded_at.is_(None),
                )
            )
            or 0
        )
    return found


@dataclass(frozen=True)
class SemesterLine:
    mission: Mission
    reference: str
    last_name: str
    first_name: str
    lot_label: str
    hours: Decimal


def semester_bounds(year: int, half: int) -> tuple[date, date]:
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def semester_table(organisation_id: int, year: int, half: int) -> list[SemesterLine]:
    """The organisation's people in parcours during the semester (seed 002 art. 2: « le tableau des
    salariés en parcours clauses »): each mission that ran in it, with its hours of the semester."""
    first, last = semester_bounds(year, half)
    running = planning.running_between(first, last, organisation_id)
    hours = hours_of_missions([c.mission.id for c, _, _ in running], first, last)
    return [
        SemesterLine(
            c.mission, c.reference, last_name, first_name, c.lot_label, hours.get(c.mission.id, Decimal(0))
        )
        for c, last_name, first_name in running
    ]


#: the JSON field of each column a problem of the planning names (the fields of ``declare``)
API_FIELDS = {
    column: field for field, column in planning.FIELD_COLUMNS.items() if field != validation.CONFIRM_FIELD
}


class BatchRefused(ValidationError):
    """A partner's batch with lines at fault: ``lines[index][field]`` lists the messages."""

    def __init__(self, lines: Mapping[int, dict[str, list[str]]]):
        super().__init__("releves", f"{len(lines)} relevé(s) du lot en erreur : rien n'a été enregistré.")
        self.lines = dict(lines)


def declare_batch(actor: audit.Actor, organisation_id: int, items: Sequence[Mapping]) -> tuple[dict, list]:
    """A batch of statements of the organisation's missions (its payroll software's), all or none,
    as the monthly declaration: new, corrections or unchanged. (counts, [(index, statement id)])."""
    lines = [
        planning.Line(
            index, item.get("month"), item.get("worked_hours"), item.get("training_hours"),
            item.get("absence_hours"), item.get("comment"), mission_id=item.get("mission_id"),
        )
        for index, item in enumerate(items)
    ]  # fmt: skip
    result = planning.plan(lines, organisation_id)
    if result.problems:
        refused: dict[int, dict[str, list[str]]] = {}
        for problem in result.problems:
            field = API_FIELDS.get(
                problem.column, "mission_id" if problem.column == planning.WHOLE_LINE else "_schema"
            )
            refused.setdefault(problem.line, {}).setdefault(field, []).append(problem.reason)
        raise BatchRefused(refused)
    written = planning.write(actor, result, Source.api.value)
    return result.counts(), sorted((planned.line, statement_id) for planned, statement_id in written)
