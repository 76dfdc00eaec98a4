"""Statements from lines: the lines of an imported spreadsheet (``saas.heures.imports``) and the
lines of a partner's monthly declaration screen go through the same two steps.

1. :func:`plan` finds the mission of each line (given, or by the person's reference or name, the
   month and, when the person has several missions, the lot), checks its figures by the very rules
   of ``saas.heures.api.declare`` and compares them with the month's statement: a line is a new
   statement, a correction (other figures than the statement in force or awaiting a decision), a
   line already written (the same figures: nothing to do, so a file imported twice writes nothing
   twice) or a problem (line, column, reason). Nothing is written.
2. :func:`write` writes the new statements in one INSERT (sorted by mission and month, as every
   writer of the ledger locks them) and the corrections one by one, each audited as one statement
   declared or corrected on screen.

With ``organisation_id``, only the missions that organisation employs are found: a partner's line
naming someone else's employee is a problem, as if the person did not exist.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, or_, select
from sqlalchemy import insert as sql_insert
from sqlalchemy.exc import IntegrityError

from saas import bounds, cleaning
from saas.audit import api as audit
from saas.db import db, same_tenant
from saas.errors import ConflictError, DomainError, ValidationError
from saas.heures import api as heures
from saas.heures import validation
from saas.heures.api import _check_month, _figures
from saas.heures.enums import ReleveStatus
from saas.heures.models import Releve
from saas.marches.models import Lot, Marche
from saas.marches.repository import lot_label
from saas.parcours.models import Mission
from saas.participants import api as participants
from saas.participants.models import Participant
from tenants.context import require_tenant_id

CONFLICT = "Des relevés de ces mois ont été déclarés ou corrigés entre-temps : recommencez."
#: what a problem names when it is about no one column
WHOLE_LINE = "ligne"
FIELD_COLUMNS = {
    "month": "month",
    "worked_hours": "worked",
    "training_hours": "training",
    "absence_hours": "absence",
    validation.CONFIRM_FIELD: "worked",
    "comment": "comment",
}


@dataclass
class Line:
    """One line to plan: its number (in the file, or on the screen), its typed values, and either
    its mission or what names it (reference, or last and first name; lot when needed)."""

    line: int
    month: date | None
    worked: object = None
    training: object = None
    absence: object = None
    comment: str | None = None
    mission_id: int | None = None
    reference: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    lot: str | None = None


@dataclass(frozen=True)
class Problem:
    line: int
    #: a key of ``COLUMNS`` of the caller (``month``, ``worked``...) or ``WHOLE_LINE``
    column: str
    reason: str


@dataclass
class Planned:
    line: int
    mission: Mission
    reference: str
    lot_label: str
    month: date
    figures: tuple[Decimal, Decimal, Decimal]
    comment: str | None
    replaces: Releve | None = None


@dataclass
class Plan:
    declared: list[Planned] = field(default_factory=list)
    corrected: list[Planned] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "declared": len(self.declared),
            "corrected": len(self.corrected),
            "unchanged": len(self.unchanged),
            "refused": len({problem.line for problem in self.problems}),
        }


@dataclass(frozen=True)
class Candidate:
    mission: Mission
    reference: str
    lot_label: str
    lot_keys: frozenset[str]


def squeezed(text: str | None) -> str:
    """Letters and digits only, lower case, without accents: how a lot or a header is compared."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _candidate(
    mission: Mission, reference: str, label: str, lot_number: str, lot_object: str, marche_ref: str
) -> Candidate:
    keys = {
        squeezed(label),
        squeezed(f"{marche_ref} lot {lot_number}"),
        squeezed(f"{marche_ref}{lot_number}"),
        squeezed(marche_ref),
        squeezed(lot_object),
    }
    return Candidate(mission, reference, label, frozenset(k for k in keys if k))


def _missions(where, organisation_id: int | None) -> list[Candidate]:
    query = (
        select(Mission, Participant.reference, lot_label(), Lot.number, Lot.object, Marche.reference)
        .join(Participant, same_tenant(Participant.id, Mission.participant_id))
        .join(Lot, same_tenant(Lot.id, Mission.lot_id))
        .join(Marche, same_tenant(Marche.id, Lot.marche_id))
        .where(where)
    )
    if organisation_id is not None:
        query = query.where(Mission.employer_id == organisation_id)
    return [_candidate(*row) for row in db.session.execute(query)]


def running(month: date, organisation_id: int | None) -> list[tuple[Candidate, str, str]]:
    """The missions that run in ``month`` (of the organisation, or of the territory), each with
    the person's last and first name, by reference."""
    return running_between(month, month + relativedelta(months=1, days=-1), organisation_id)


def running_between(first: date, last: date, organisation_id: int | None) -> list[tuple[Candidate, str, str]]:
    """The missions that run on a day from ``first`` to ``last``, as :func:`running`."""
    where = and_(
        Mission.start_date <= last,
        or_(Mission.end_date.is_(None), Mission.end_date >= first),
        or_(Mission.exit_date.is_(None), Mission.exit_date >= first),
    )
    found = _missions(where, organisation_id)
    names = participants.names_of([c.mission.participant_id for c in found])
    return sorted(
        ((c, *names.get(c.mission.participant_id, ("", ""))) for c in found),
        key=lambda item: (item[0].reference, item[0].lot_label),
    )


def _candidates(lines: list[Line], organisation_id: int | None) -> tuple[dict, dict, dict]:
    """The missions the lines may mean: by mission id, by participant id, and the participants of
    each reference and name."""
    references = sorted({line.reference for line in lines if line.reference})
    names = sorted(
        {(line.last_name, line.first_name) for line in lines if line.last_name and line.first_name}
    )
    by_reference, by_name = participants.matching(references, names)
    people = set(by_reference.values()) | {pid for ids in by_name.values() for pid in ids}
    given = {line.mission_id for line in lines if line.mission_id}
    found = _missions(Mission.participant_id.in_(people), organisation_id) if people else []
    if given:
        found += _missions(Mission.id.in_(given), organisation_id)
    by_mission = {candidate.mission.id: candidate for candidate in found}
    by_person: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in by_mission.values():
        by_person[candidate.mission.participant_id].append(candidate)
    return by_mission, by_person, {"reference": by_reference, "name": by_name}


def _covers(candidate: Candidate, month: date) -> bool:
    try:
        _check_month(candidate.mission, month)
    except ValidationError:
        return False
    return True


def _people_of(line: Line, named: dict) -> list[int]:
    if line.reference:
        found = named["reference"].get(line.reference)
        return [found] if found else []
    return named["name"].get((line.last_name, line.first_name), [])


def _resolve(line: Line, by_mission: dict, by_person: dict, named: dict, scoped: bool) -> Candidate:
    """The one mission of the line, or a ``Problem`` raised as ``DomainError`` (column, reason)."""
    if line.mission_id:
        if line.mission_id not in by_mission:
            raise _Refused(WHOLE_LINE, "Mission inconnue.")
        return by_mission[line.mission_id]
    if not line.reference and not (line.last_name and line.first_name):
        raise _Refused("reference", "Indiquez la référence de la personne, ou son nom et son prénom.")
    people = _people_of(line, named)
    missions = [c for pid in people for c in by_person.get(pid, [])]
    if not missions:
        reason = (
            "Aucune mission de cette personne chez vous." if scoped else "Aucune mission de cette personne."
        )
        raise _Refused("reference" if line.reference else "last_name", reason)
    if line.month is not None:
        missions = [c for c in missions if _covers(c, line.month)] or missions
    if line.lot:
        wanted = squeezed(line.lot)
        missions = [c for c in missions if wanted in c.lot_keys]
        if not missions:
            raise _Refused("lot", "Aucune mission de cette personne sur ce lot.")
    if len(missions) > 1:
        raise _Refused("lot", "Cette personne a plusieurs missions ce mois-ci : indiquez le lot.")
    return missions[0]


class _Refused(DomainError):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column


def typed_hours(value):
    """A figure of hours as people type or store it (« 12,5 », « 12.5 h », 1 500, a number of a
    spreadsheet's cell) as the ledger's checks read it."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        return (
            value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".").rstrip("hH")
            or None
        )
    return value


def _checked(line: Line, candidate: Candidate) -> Planned:
    mission = candidate.mission
    month = _check_month(mission, line.month)
    figures = _figures(*(typed_hours(value) for value in (line.worked, line.training, line.absence)))
    comment = cleaning.text(line.comment, "comment", bounds.LONG_TEXT)
    if not any(figures):
        raise ValidationError("worked_hours", "Aucune heure sur cette ligne.")
    validation.check_hours(mission, month, figures[0], figures[1])
    return Planned(line.line, mission, candidate.reference, candidate.lot_label, month, figures, comment)


def _problems_of(line: int, error: ValidationError) -> list[Problem]:
    return [
        Problem(line, FIELD_COLUMNS.get(name, WHOLE_LINE), message)
        for name, messages in error.errors.items()
        for message in messages
    ]


def _place(planned: Planned, existing: Releve | None, result: Plan) -> None:
    if existing is None:
        result.declared.append(planned)
        return
    same = (existing.worked_hours, existing.training_hours, existing.absence_hours) == planned.figures
    if same:
        result.unchanged.append(planned.line)
        return
    planned.replaces = existing
    result.corrected.append(planned)


def plan(lines: list[Line], organisation_id: int | None = None) -> Plan:
    """What writing ``lines`` would do, line by line (see the module docstring); nothing written."""
    result = Plan()
    by_mission, by_person, named = _candidates(lines, organisation_id)
    checked: list[Planned] = []
    for line in lines:
        try:
            candidate = _resolve(line, by_mission, by_person, named, organisation_id is not None)
            checked.append(_checked(line, candidate))
        except _Refused as refused:
            result.problems.append(Problem(line.line, refused.column, refused.message))
        except ValidationError as error:
            result.problems.extend(_problems_of(line.line, error))
    existing = heures.latest_open({p.mission.id for p in checked}, {p.month for p in checked})
    seen: dict[tuple[int, date], int] = {}
    for planned in checked:
        key = (planned.mission.id, planned.month)
        if key in seen:
            result.problems.append(
                Problem(
                    planned.line, "month", f"La ligne {seen[key]} déclare déjà ce mois pour cette mission."
                )
            )
            continue
        seen[key] = planned.line
        _place(planned, existing.get(key), result)
    result.problems.sort(key=lambda problem: problem.line)
    return result


def _insert(actor: audit.Actor, declared: list[Planned], source: str) -> list[tuple[Planned, int]]:
    ordered = sorted(declared, key=lambda p: (p.mission.id, p.month))
    tenant_id = require_tenant_id()
    values = [
        {
            "tenant_id": tenant_id,
            "mission_id": p.mission.id,
            "month": p.month,
            "worked_hours": p.figures[0],
            "training_hours": p.figures[1],
            "absence_hours": p.figures[2],
            "source": source,
            "comment": p.comment,
            "status": ReleveStatus.declared.value,
            "declared_by": actor.user_id,
            "row_version": 1,
        }
        for p in ordered
    ]
    try:
        ids = db.session.scalars(
            sql_insert(Releve).returning(Releve.id, sort_by_parameter_order=True), values
        ).all()
    except IntegrityError:
        db.session.rollback()
        raise ConflictError(CONFLICT) from None
    return list(zip(ordered, ids, strict=True))


def write(actor: audit.Actor, planned: Plan, source: str) -> list[tuple[Planned, int]]:
    """Write the new statements and the corrections of ``planned``; each (line, statement id)."""
    written: list[tuple[Planned, int]] = []
    with heures.batch_lookups(), audit.written_together():
        for line, statement_id in _insert(actor, planned.declared, source) if planned.declared else []:
            heures.audit_declared(actor, statement_id, line.mission.id, line.month, line.figures[0])
            written.append((line, statement_id))
        try:
            for line in planned.corrected:
                assert line.replaces is not None
                new = heures.correct(actor, line.replaces, *line.figures, source=source, comment=line.comment)
                written.append((line, new.id))
        except IntegrityError:  # another correction of the same statement came in between
            db.session.rollback()
            raise ConflictError(CONFLICT) from None
    return written
