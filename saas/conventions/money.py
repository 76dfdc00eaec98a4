"""The money of the conventions: the amount of a commitment, its instalments period by period
(due, waiting for their deliverables, payable, late, paid) and the record of a payment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from saas import clock
from saas import settings as tenant_settings
from saas.audit import api as audit
from saas.conventions import calendar as cal
from saas.conventions import checks, enums, repository, timeline
from saas.conventions.checks import CENT
from saas.conventions.models import (
    Convention,
    ConventionObjection,
    FinancialCommitment,
    Payment,
    ScheduleLine,
)
from saas.db import db, insert
from saas.errors import DomainError, ValidationError


def commitment_amount(commitment: FinancialCommitment) -> Decimal:
    """The amount of one period: fixed, or rate x full-time posts worked on the function."""
    if commitment.basis == "fixed":
        assert commitment.amount is not None, "a fixed commitment has an amount"
        return commitment.amount
    assert commitment.rate_per_post is not None and commitment.posts_fte is not None, "per post: both set"
    return (commitment.rate_per_post * commitment.posts_fte).quantize(CENT, ROUND_HALF_UP)


def split(amount: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Instalment amounts to the cent; the last one takes the remainder so they add up exactly."""
    parts = [(amount * p / 100).quantize(CENT, ROUND_HALF_UP) for p in percents[:-1]]
    return [*parts, amount - sum(parts, Decimal(0))]


#: the statuses of an instalment that can be paid now (its pieces received, its date passed).
PAYABLE = ("payable", "late")


@dataclass
class Instalment:
    convention: Convention
    commitment: FinancialCommitment
    line: ScheduleLine
    period: cal.Period
    amount: Decimal
    due_on: date
    status: str
    missing: list[str] = field(default_factory=list)
    payable_since: date | None = None
    payment: Payment | None = None

    @property
    def status_label(self) -> str:
        return enums.InstalmentStatus(self.status).label

    @property
    def payable(self) -> bool:
        """A payment may be recorded for it now."""
        return self.status in PAYABLE


def instalments(day: date | None = None, convention_id: int | None = None) -> list[Instalment]:
    """What is due, payable, paid and late across the conventions of the tenant (or one); what
    they stand on is read for all the conventions at once (a query per kind, not per convention)."""
    day = day or clock.today()
    delay = tenant_settings.get("payment_delay_days")
    payments = repository.payments_by_instalment()
    signed = [
        convention
        for convention in repository.conventions()
        if convention.signed_on is not None and convention_id in (None, convention.id)
    ]
    ledger = _Ledger.of([convention.id for convention in signed], payments)
    result: list[Instalment] = []
    for convention in signed:
        result += _instalments_of(convention, day, delay, ledger)
    result.sort(key=lambda i: (i.due_on, i.convention.reference, i.line.seq))
    return result


@dataclass
class _Ledger:
    """What the instalments of the conventions stand on, by convention (and lines by commitment)."""

    payments: dict
    versions: dict[int, list]
    objections: dict[int, ConventionObjection]
    received: dict[int, dict]
    commitments: dict[int, list[FinancialCommitment]]
    lines: dict[int, list[ScheduleLine]]

    @classmethod
    def of(cls, convention_ids: list[int], payments: dict) -> _Ledger:
        commitments = repository.commitments_by_convention(convention_ids)
        commitment_ids = [c.id for found in commitments.values() for c in found]
        return cls(
            payments,
            repository.versions_by_convention(convention_ids),
            repository.objections_by_convention(convention_ids),
            repository.received_categories_by_convention(convention_ids),
            commitments,
            repository.schedule_lines_by_commitment(commitment_ids),
        )


def _instalments_of(convention: Convention, day: date, delay: int, ledger: _Ledger) -> list[Instalment]:
    versions = ledger.versions[convention.id]
    windows = timeline.windows_from(versions)
    received = ledger.received[convention.id]
    periods = timeline.periods_from(convention, versions, ledger.objections.get(convention.id), until=day)
    all_periods = [p for p in periods if p.number == 1 or p.start <= day]
    found = []
    for commitment in ledger.commitments[convention.id]:
        lines = ledger.lines[commitment.id]
        amount = commitment_amount(commitment)
        for period in _applicable_periods(commitment, windows, all_periods):
            amounts = split(amount, [line.percent for line in lines])
            for line, part in zip(lines, amounts, strict=True):
                instalment = Instalment(
                    convention, commitment, line, period, part, _due_on(convention, line, period), ""
                )
                instalment.payment = ledger.payments.get((line.id, period.number))
                if (
                    instalment.payment is None
                    and convention.terminated_on
                    and instalment.due_on >= convention.terminated_on
                ):
                    continue  # terminated before it fell due: nothing more is owed
                _read_status(instalment, received, day, delay)
                found.append(instalment)
    return found


def _applicable_periods(
    commitment: FinancialCommitment, windows: dict, all_periods: list[cal.Period]
) -> list[cal.Period]:
    """A commitment applies to the periods that start under the terms that carry it (the first
    of them only, for a commitment paid once)."""
    start = windows[commitment.from_terms][0]
    until = windows[commitment.until_terms][0] if commitment.until_terms in windows else None
    applicable = [p for p in all_periods if start <= p.start and (until is None or p.start < until)]
    return applicable[:1] if commitment.recurrence == "once" else applicable


def _due_on(convention: Convention, line: ScheduleLine, period: cal.Period) -> date:
    if line.trigger == "end":
        due_on = period.end
    elif line.trigger == "signature" and period.number == 1:
        assert convention.signed_on is not None, "instalments are those of signed conventions"
        due_on = convention.signed_on
    else:  # at start, and "at signature" of a period renewed tacitly
        due_on = period.start
    return due_on + timedelta(days=line.offset_days)


def _read_status(instalment: Instalment, received: dict, day: date, delay: int) -> None:
    """Its status on ``day``: paid, waiting for its deliverables, not yet due, payable, or late
    when payable for longer than the payment delay."""
    last_received = None
    for category in instalment.line.required_deliverables or []:
        got = received.get((category, instalment.period.number))
        if got is None:
            instalment.missing.append(enums.DeliverableCategory(category).label)
        else:
            last_received = max(last_received or got, got)
    due_on = instalment.due_on
    payable_since = max(due_on, last_received) if last_received else due_on
    if instalment.payment is not None:
        instalment.status = "paid"
    elif instalment.missing:
        instalment.status = "waiting"
    elif due_on > day:
        instalment.status = "not_due"
    elif (day - payable_since).days > delay:
        instalment.status = "late"
    else:
        instalment.status = "payable"
    instalment.payable_since = None if instalment.missing else payable_since


@dataclass
class StatusTotal:
    status: str
    label: str
    count: int
    amount: Decimal


@dataclass
class MoneyTable:
    """The instalments read, and the totals by status of the selection before the status filter."""

    instalments: list[Instalment]
    totals: list[StatusTotal]


def money_table(
    day: date | None = None,
    convention_id: int | None = None,
    payer_id: int | None = None,
    status: str | None = None,
) -> MoneyTable:
    """The instalments of a convention (or all), of a payer (or all), of a status (or all)."""
    selected = [
        i for i in instalments(day, convention_id) if payer_id is None or i.commitment.payer_id == payer_id
    ]
    totals = [
        StatusTotal(
            key,
            label,
            sum(1 for i in selected if i.status == key),
            sum((i.amount for i in selected if i.status == key), Decimal(0)),
        )
        for key, label in enums.InstalmentStatus.choices()
    ]
    return MoneyTable([i for i in selected if not status or i.status == status], totals)


def instalment_of(line: ScheduleLine, period_no: int) -> Instalment | None:
    """The instalment of one schedule line in one period, as the money table reads it today."""
    commitment = db.session.get_one(FinancialCommitment, (line.tenant_id, line.commitment_id))
    return next(
        (
            i
            for i in instalments(convention_id=commitment.convention_id)
            if i.line.id == line.id and i.period.number == period_no
        ),
        None,
    )


def record_payment(
    actor, line: ScheduleLine, period_no: int, paid_on: date, amount=None, reference=None
) -> Payment:
    """Record an instalment as paid; it must be payable (its deliverables received) and paid in full."""
    commitment = db.session.get_one(FinancialCommitment, (line.tenant_id, line.commitment_id))
    convention = db.session.get_one(Convention, (line.tenant_id, commitment.convention_id))
    if paid_on is None:
        raise ValidationError("paid_on", "Indiquez la date du paiement.")
    if paid_on > clock.today():
        raise ValidationError("paid_on", "La date de paiement ne peut pas être dans le futur.")
    instalment = instalment_of(line, period_no)
    if instalment is None:
        raise ValidationError("period_no", "Cette échéance n'existe pas (encore) pour cette période.")
    if instalment.payment is not None:
        raise DomainError("Cette échéance est déjà payée.")
    if instalment.missing:
        raise DomainError("Échéance non exigible : pièces attendues — " + ", ".join(instalment.missing) + ".")
    paid = (
        checks.decimal({"amount": amount}, "amount", "Indiquez le montant payé.", required=False)
        or instalment.amount
    )
    if paid.quantize(CENT, ROUND_HALF_UP) != instalment.amount:
        raise ValidationError(
            "amount",
            f"Le montant payé ({checks.fr_amount(paid)} €) diffère du montant de l'échéance "
            f"({checks.fr_amount(instalment.amount)} €).",
        )
    payment = Payment(
        tenant_id=line.tenant_id,
        line_id=line.id,
        period_no=period_no,
        paid_on=paid_on,
        amount=instalment.amount,
        reference=(reference or "").strip()[:100] or None,
        recorded_by=actor.user_id,
    )
    insert(payment)
    audit.record(
        "payment.recorded",
        actor,
        "convention",
        convention.id,
        {
            "échéance": line.label,
            "période": period_no,
            "montant": str(instalment.amount),
            "payé le": str(paid_on),
        },
    )
    return payment
