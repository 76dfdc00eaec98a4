"""The hours ledger: declare, correct, validate or reject monthly statements; count them under
the counting rules in force; allocate counted hours to lots, across lots when a mutualisation
agreement applies; recount on request after a rule change, showing the difference first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, select
from sqlalchemy import insert as sql_insert
from sqlalchemy.orm.exc import StaleDataError

from saas import cleaning, clock, formats, uploads
from saas.audit import api as audit
from saas.db import db, insert
from saas.errors import Checks, ConflictError, DomainError, ValidationError
from saas.heures import counting as arithmetic
from saas.heures import repository, validation
from saas.heures.enums import AllocationKey, ReleveStatus, Source
from saas.heures.models import (
    Allocation,
    Counting,
    CountingRule,
    Releve,
    ReleveJustificatif,
)
from saas.heures.mutualisation import create_agreement
from saas.heures.rules import DEFAULT_RULE, new_rule_version, rule_in_force
from saas.marches.models import Lot
from saas.parcours import api as parcours
from saas.parcours.models import Mission
from saas.participants import api as participants
from tenants.context import require_tenant_id

statement = repository.statement
open_statements = repository.open_statements
latest_open = repository.latest_open
statements_of_mission = repository.statements_of_mission
history = repository.history
current_counting = repository.current_counting
current_countings = repository.current_countings
latest_counting = repository.latest_counting
countings_of = repository.countings_of
allocations_of = repository.allocations_of
latest_countings = repository.latest_countings
allocations_by_counting = repository.allocations_by_counting
proofs_of = repository.proofs_of
agreements = repository.agreements
agreement = repository.agreement
members = repository.members
list_query = repository.list_query
rules = repository.rules
awaiting_validation_count = repository.awaiting_validation_count
counted_between = repository.counted_between
superseding = repository.superseding
statement_rows = repository.statement_rows
statement_sorts = repository.statement_sorts
ReleveFilters = repository.ReleveFilters
allocated_through = repository.allocated_through
override_marche_ids = repository.override_marche_ids
member_rows = repository.member_rows
agreement_rows = repository.agreement_rows
marche_options = repository.marche_options
latest_rule = repository.latest_rule
month_bounds = validation.month_bounds

_hours = validation.parse_hours
__all__ = ["DEFAULT_RULE", "create_agreement", "new_rule_version", "rule_in_force"]


def _figures(worked, training, absence) -> tuple[Decimal, Decimal, Decimal]:
    """The three figures of a statement, every error of each reported at once."""
    checks = Checks()
    figures = tuple(
        checks.run(_hours, value, field)
        for value, field in (
            (worked, "worked_hours"),
            (training, "training_hours"),
            (absence, "absence_hours"),
        )
    )
    checks.raise_errors()
    if figures[0] + figures[1] > validation.MONTH_MAX_HOURS:
        raise ValidationError("worked_hours", validation.MONTH_MAX_MESSAGE)
    return figures


def _mission(mission_id: int) -> Mission:
    # by its key: a mission read before in the unit of work (declared, then validated) is not read again
    mission = (
        _looked_up(
            ("mission", mission_id), lambda: db.session.get(Mission, (require_tenant_id(), mission_id))
        )
        if mission_id
        else None
    )
    if mission is None:
        raise ValidationError("mission_id", "Mission inconnue.")
    return mission


def _mission_end(mission: Mission) -> date:
    return min(d for d in (mission.end_date, mission.exit_date, date(9999, 12, 31)) if d is not None)


def declarable_months(mission: Mission) -> list[date]:
    """The months whose hours may be declared: those of the mission, up to this month."""
    month, last = mission.start_date.replace(day=1), min(_mission_end(mission), clock.today())
    months = []
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months


def _check_month(mission: Mission, month: date | None) -> date:
    if month is None:
        raise ValidationError("month", "Indiquez le mois.")
    month = month.replace(day=1)
    next_month = month + relativedelta(months=1)
    end = _mission_end(mission)
    if next_month <= mission.start_date or month > end:
        raise ValidationError("month", "Ce mois est en dehors des dates de la mission.")
    if month > clock.today():
        raise ValidationError("month", "On ne déclare pas les heures d'un mois à venir.")
    return month


# --- statements ----------------------------------------------------------------------------------


def declare(
    actor: audit.Actor,
    mission_id: int,
    month: date,
    worked_hours,
    training_hours=0,
    absence_hours=0,
    source: str = Source.facilitateur,
    comment: str | None = None,
    confirm_over_contract: bool = False,
) -> Releve:
    """A first statement for the month. Hours above the contract need ``confirm_over_contract``
    (audited), hours above the legal maximum are refused (``saas.heures.validation``)."""
    mission = _mission(mission_id)
    checks = Checks()
    month = checks.run(_check_month, mission, month)
    checks.run(_figures, worked_hours, training_hours, absence_hours)
    checks.raise_errors()
    if repository.open_statements(mission.id, month):
        raise ValidationError("month", "Un relevé existe déjà pour ce mois : corrigez-le plutôt.")
    statement = _new_statement(
        mission,
        month,
        worked_hours,
        training_hours,
        absence_hours,
        source,
        comment,
        actor,
        confirm_over_contract=confirm_over_contract,
    )
    audit_declared(actor, statement.id, mission.id, month, statement.worked_hours)
    return statement


def audit_declared(
    actor: audit.Actor, statement_id: int, mission_id: int, month: date, worked: Decimal
) -> None:
    """The audit entry of a first statement, on screen, by the API or imported."""
    details = {"mission": mission_id, "mois": month.isoformat(), "heures": str(worked)}
    audit.record("hours.declared", actor, "hour_statement", statement_id, details)


def _new_statement(
    mission,
    month,
    worked,
    training,
    absence,
    source,
    comment,
    actor,
    supersedes_id=None,
    confirm_over_contract=False,
):
    source = cleaning.member(Source, source, "source", "Source inconnue.")
    worked, training, absence = _figures(worked, training, absence)
    over = validation.check_hours(mission, month, worked, training, bool(confirm_over_contract))
    statement = Releve(
        tenant_id=require_tenant_id(),
        mission_id=mission.id,
        month=month,
        worked_hours=worked,
        training_hours=training,
        absence_hours=absence,
        source=source.value,
        comment=cleaning.optional(comment),
        status=ReleveStatus.declared.value,
        supersedes_id=supersedes_id,
        declared_by=actor.user_id,
    )
    insert(statement)
    if over is not None:
        audit.record(
            "hours.over_contract_confirmed",
            actor,
            "hour_statement",
            statement.id,
            {
                "mission": mission.id,
                "mois": validation.month_label(month),
                "heures déclarées": f"{formats.decimal(worked + training)} h",
                "heures du contrat": f"{formats.decimal(over.contract_hours)} h",
            },
        )
    return statement


def _check_version(statement: Releve, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != statement.row_version:
        raise ConflictError("Ce relevé a été modifié entre-temps : rechargez la page.")


def _flush_or_conflict() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError("Ce relevé a été modifié entre-temps : rechargez la page.") from None


def correct(
    actor: audit.Actor,
    statement: Releve,
    worked_hours,
    training_hours=0,
    absence_hours=0,
    source: str = Source.facilitateur,
    comment: str | None = None,
    expected_version: int | None = None,
    confirm_over_contract: bool = False,
) -> Releve:
    """A correction is a new statement that ``supersedes`` this one; the figures of both are kept.

    Correcting a validated statement: it stays in force (and counted) until the correction is
    validated; a rejected correction leaves it as it was. Correcting a statement still awaiting a
    decision replaces it at once.
    """
    _check_version(statement, expected_version)
    if statement.superseded_at is not None:
        raise DomainError("Ce relevé a déjà été corrigé : corrigez la dernière version.")
    if statement.status == ReleveStatus.rejected:
        raise DomainError("Un relevé rejeté ne se corrige pas : déclarez à nouveau le mois.")
    if statement.status == ReleveStatus.validated and any(
        other.id != statement.id
        for other in repository.open_statements(statement.mission_id, statement.month)
    ):
        raise DomainError("Une correction de ce relevé attend déjà sa validation : corrigez-la.")
    mission = _mission(statement.mission_id)
    if statement.status == ReleveStatus.declared:
        statement.superseded_at = clock.now()  # nothing counted yet: replaced at once
        _flush_or_conflict()
    new = _new_statement(
        mission,
        statement.month,
        worked_hours,
        training_hours,
        absence_hours,
        source,
        comment,
        actor,
        statement.id,
        confirm_over_contract,
    )
    audit.record(
        "hours.corrected",
        actor,
        "hour_statement",
        new.id,
        {
            "remplace": statement.id,
            "avant": str(statement.worked_hours),
            "apres": str(new.worked_hours),
            "mois": statement.month.isoformat(),
        },
    )
    return new


def _replaced_in_force(statement: Releve) -> Releve | None:
    """The validated statement in force that a correction chain ending at ``statement`` replaces."""
    current = repository.statement(statement.supersedes_id) if statement.supersedes_id else None
    while current is not None:
        if current.status == ReleveStatus.validated and current.superseded_at is None:
            return current
        current = repository.statement(current.supersedes_id) if current.supersedes_id else None
    return None


def validate(actor: audit.Actor, statement: Releve, expected_version: int | None = None) -> Counting:
    """Validate and count; a validated correction takes the place of the statement it corrects."""
    _check_version(statement, expected_version)
    if statement.superseded_at is not None or statement.status != ReleveStatus.declared:
        raise DomainError("Seul un relevé déclaré et en vigueur peut être validé.")
    replaced = _replaced_in_force(statement)
    if replaced is not None:
        _supersede(replaced)
    statement.status = ReleveStatus.validated.value
    statement.decided_by, statement.decided_at = actor.user_id, clock.now()
    _flush_or_conflict()
    counting = _count_and_allocate(statement, actor)
    audit.record(
        "hours.validated",
        actor,
        "hour_statement",
        statement.id,
        {
            "comptees": str(counting.counted_hours),
            "regle": counting.rule_id,
            **({"remplace": replaced.id} if replaced is not None else {}),
        },
    )
    return counting


def _supersede(statement: Releve) -> None:
    """A validated statement leaves the ledger in force: its allocations go, its counting stops being
    current (it is kept, with its figures), so that no total counts it any more."""
    _retire_allocations(statement.id)
    counting = repository.current_counting(statement.id)
    if counting is not None:
        counting.current = False
    statement.superseded_at = clock.now()
    _flush_or_conflict()


def reject(actor: audit.Actor, statement: Releve, reason: str, expected_version: int | None = None) -> None:
    reason = cleaning.required_text(reason, "rejection_reason", "Indiquez le motif du rejet.")
    _check_version(statement, expected_version)
    if statement.superseded_at is not None or statement.status != ReleveStatus.declared:
        raise DomainError("Seul un relevé déclaré et en vigueur peut être rejeté.")
    statement.status = ReleveStatus.rejected.value
    statement.rejection_reason = reason[:500]
    statement.decided_by, statement.decided_at = actor.user_id, clock.now()
    _flush_or_conflict()
    audit.record("hours.rejected", actor, "hour_statement", statement.id, {"motif": reason})


def attach_proof(actor: audit.Actor, statement: Releve, filename: str, mimetype: str, content: bytes):
    mimetype = uploads.PROOF.check(content)
    proof = ReleveJustificatif(
        tenant_id=require_tenant_id(),
        statement_id=statement.id,
        filename=uploads.filename_of(filename, "justificatif"),
        mimetype=mimetype,
        content=content,
        uploaded_by=actor.user_id,
    )
    insert(proof)
    audit.record("hours.proof_attached", actor, "hour_statement", statement.id, {"fichier": proof.filename})
    return proof


def read_proof(actor: audit.Actor, proof: ReleveJustificatif) -> ReleveJustificatif:
    """A proof to download; the read is audited (the proof may carry personal data)."""
    audit.record("hours.proof_read", actor, "hour_statement", proof.statement_id, {"fichier": proof.filename})
    return proof


# --- counting and allocation ---------------------------------------------------------------------

#: what a batch of statements reads once, not once a statement: the missions, lots, rules and
#: mutualisation agreements, which nothing in the batch changes (the session's identity map holds
#: its rows weakly: a mission read for one statement is gone by the next). Empty outside a batch;
#: never kept past it.
_batch_lookups: ContextVar[dict | None] = ContextVar("heures_batch_lookups", default=None)


@contextmanager
def batch_lookups() -> Iterator[None]:
    """Within the block (one batch, one tenant), a rule or an agreement is read once."""
    token = _batch_lookups.set({})
    try:
        yield
    finally:
        _batch_lookups.reset(token)


def _looked_up(key: tuple, read: Callable):
    memo = _batch_lookups.get()
    if memo is None:
        return read()
    key = (require_tenant_id(), *key)
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _lot(lot_id: int) -> Lot:
    return _looked_up(("lot", lot_id), lambda: db.session.get_one(Lot, (require_tenant_id(), lot_id)))


def eligible_days(mission: Mission, month: date, windows: list | None = None) -> arithmetic.EligibleDays:
    """The days of the mission in the month, and those covered by a valid eligibility (among the
    participant's ``windows`` when the caller read them: ``eligibility_windows_by_participant``)."""
    period = validation.mission_month(mission, month)
    if windows is None and _batch_lookups.get() is not None:
        # in a batch, every window of the participant read once (eligibility does not change there)
        windows = _looked_up(
            ("windows", mission.participant_id),
            lambda: participants.eligibility_windows_by_participant([mission.participant_id])[
                mission.participant_id
            ],
        )
    if windows is None:
        windows = participants.eligibility_windows(mission.participant_id, period.first_day, period.last_day)
    else:
        windows = participants.windows_within(windows, period.first_day, period.last_day)
    return arithmetic.EligibleDays.of(period.first_day, period.last_day, windows)


def _evaluate(
    statement: Releve, mission: Mission, rule: CountingRule, before: Decimal, windows: list | None = None
):
    return arithmetic.count(
        arithmetic.Rule.from_model(rule),
        statement.worked_hours,
        statement.training_hours,
        mission.contract_type,
        eligible_days(mission, statement.month, windows),
        mission.contract_type in parcours.CDI_TYPES,
        before,
    )


def _counted_before(statement: Releve, mission: Mission, rule: CountingRule) -> Decimal:
    """The mission's hours counted by its other statements, which only the CDI cap reads: not read
    for another contract, or under a rule without that cap."""
    if mission.contract_type not in parcours.CDI_TYPES or rule.cdi_cap_hours is None:
        return Decimal(0)
    return repository.counted_for_mission(mission.id, except_statement_id=statement.id)


def _count_and_allocate(statement: Releve, actor: audit.Actor, rule=None, before=None) -> Counting:
    mission = _mission(statement.mission_id)
    lot = _lot(mission.lot_id)
    rule = rule or _looked_up(("rule", lot.marche_id), lambda: rule_in_force(lot.marche_id))
    if before is None:
        before = _counted_before(statement, mission, rule)
    counted, detail = _evaluate(statement, mission, rule, before)
    counting = Counting(
        tenant_id=statement.tenant_id,
        statement_id=statement.id,
        rule_id=rule.id,
        raw_hours=statement.worked_hours + statement.training_hours,
        counted_hours=counted,
        detail={**detail, "rule_version": rule.version, "rule_marche": rule.marche_id},
        current=True,
        created_by=actor.user_id,
    )
    insert(counting)
    allocations = [
        {
            "tenant_id": statement.tenant_id,
            "counting_id": counting.id,
            "lot_id": lot_id,
            "hours": hours,
            "agreement_id": agreement_id,
        }
        for lot_id, hours, agreement_id in allocation_plan(mission, statement.month, counted)
    ]
    if allocations:  # one INSERT of every lot's share (the rows are read back by allocations_of)
        db.session.execute(sql_insert(Allocation), allocations)
    return counting


def allocation_plan(mission: Mission, month: date, counted: Decimal) -> list[tuple[int, Decimal, int | None]]:
    """Where the counted hours of one month of ``mission`` go: its lot, or the agreement's lots."""
    if counted <= 0:
        return []
    agreement = _looked_up(
        ("agreement", mission.lot_id, month), lambda: repository.agreement_for(mission.lot_id, month)
    )
    if agreement is None:
        return [(mission.lot_id, counted, None)]
    member_rows = _looked_up(("members", agreement.id), lambda: repository.members(agreement.id))
    if agreement.allocation_key == AllocationKey.explicit:
        weights = [(m.lot_id, Decimal(m.share or 0)) for m in member_rows]
    else:
        weights = [(m.lot_id, Decimal(_lot(m.lot_id).obligation_hours or 0)) for m in member_rows]
    parts = arithmetic.split(counted, weights)
    if not parts:
        return [(mission.lot_id, counted, None)]
    return [(lot_id, hours, agreement.id) for lot_id, hours in parts]


def _retire_allocations(statement_id: int) -> None:
    """Allocations follow the counting in force: remove them before superseding or recounting."""
    counting = repository.current_counting(statement_id)
    if counting is not None:
        db.session.execute(
            delete(Allocation).where(
                Allocation.tenant_id == counting.tenant_id, Allocation.counting_id == counting.id
            )
        )


@dataclass(frozen=True)
class RecountLine:
    statement_id: int
    mission_id: int
    month: date
    before: Decimal
    after: Decimal
    old_rule_id: int | None
    new_rule_id: int

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


def _recount(actor: audit.Actor | None, marche_id: int | None, apply: bool) -> list[RecountLine]:
    """The statements whose counting the rules in force would change; what they stand on (lots,
    rules, countings in force, eligibilities) is read for them all at once, not per statement."""
    lines: list[RecountLine] = []
    running: dict[int, Decimal] = defaultdict(Decimal)
    found = repository.validated_in_force(marche_id)
    if not found:
        return lines
    overrides = repository.latest_rules_of_marches()
    default_rule = rule_in_force(None)
    lots = {
        lot.id: lot for lot in db.session.scalars(select(Lot).where(Lot.id.in_({m.lot_id for _, m in found})))
    }
    currents = repository.current_countings([statement.id for statement, _ in found])
    windows = participants.eligibility_windows_by_participant(list({m.participant_id for _, m in found}))
    for statement, mission in found:
        lot = lots[mission.lot_id]
        if marche_id is None and lot.marche_id in overrides:
            continue  # those follow their marché's own rules
        rule = overrides.get(lot.marche_id, default_rule)
        current = currents.get(statement.id)
        counted, _ = _evaluate(statement, mission, rule, running[mission.id], windows[mission.participant_id])
        running[mission.id] += counted
        before = current.counted_hours if current else Decimal(0)
        if current is not None and current.rule_id == rule.id and current.counted_hours == counted:
            continue
        lines.append(
            RecountLine(
                statement.id,
                mission.id,
                statement.month,
                before,
                counted,
                current.rule_id if current else None,
                rule.id,
            )
        )
        if apply:
            assert actor is not None, "a recount applied has an actor (the preview has none)"
            _retire_allocations(statement.id)
            if current is not None:
                current.current = False
                db.session.flush()
            _count_and_allocate(statement, actor, rule=rule, before=running[mission.id] - counted)
    return lines


def preview_recount(marche_id: int | None = None) -> list[RecountLine]:
    """What a recount under the rules in force would change, changing nothing."""
    lines = _recount(None, marche_id, apply=False)
    return lines


def apply_recount(actor: audit.Actor, marche_id: int | None = None) -> list[RecountLine]:
    lines = _recount(actor, marche_id, apply=True)
    audit.record(
        "hours.recounted",
        actor,
        "counting_rule",
        None,
        {
            "marche": marche_id,
            "releves": len(lines),
            "ecart": str(sum((line.difference for line in lines), Decimal(0))),
        },
    )
    return lines
