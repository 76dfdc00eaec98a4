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
from saas.conventions.models import Convention, FinancialCommitment, Payment, ScheduleLine
from saas.db import db
from saas.errors import DomainError, ValidationError


def commitment_amount(commitment: FinancialCommitment) -> Decimal:
    """The amount of one period: fixed, or rate x full-time posts worked on the function."""
    if commitment.basis == "fixed":
        return commitment.amount
    return (commitment.rate_per_post * commitment.posts_fte).quantize(CENT, ROUND_HALF_UP)


def split(amount: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Instalment amounts to the cent; the last one takes the remainder so they add up exactly."""
    parts = [(amount * p / 100).quantize(CENT, ROUND_HALF_UP) for p in percents[:-1]]
    return [*parts, amount - sum(parts, Decimal(0))]


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
        return enums.INSTALMENT_STATUSES[self.status]


def instalments(day: date | None = None, convention_id: int | None = None) -> list[Instalment]:
    """What is due, payable, paid and late across the conventions of the tenant (or one)."""
    day = day or clock.today()
    delay = tenant_settings.get("payment_delay_days")
    result: list[Instalment] = []
    payments = repository.payments_by_instalment()
    for convention in repository.conventions():
        if convention.signed_on is None or (convention_id is not None and convention.id != convention_id):
            continue
        windows = timeline.windows(convention.id)
        received = repository.received_categories(convention.id)
        all_periods = [
            p for p in timeline.periods_of(convention, until=day) if p.number == 1 or p.start <= day
        ]
        for commitment in repository.all_commitments(convention.id):
            start = windows[commitment.from_terms][0]
            until = windows[commitment.until_terms][0] if commitment.until_terms in windows else None
            lines = repository.schedule_lines_of(commitment.id)
            # a commitment applies to the periods that start under the terms that carry it
            applicable = [p for p in all_periods if start <= p.start and (until is None or p.start < until)]
            if commitment.recurrence == "once":
                applicable = applicable[:1]
            amount = commitment_amount(commitment)
            for period in applicable:
                amounts = split(amount, [line.percent for line in lines])
                for line, part in zip(lines, amounts, strict=True):
                    if line.trigger == "end":
                        due_on = period.end
                    elif line.trigger == "signature" and period.number == 1:
                        due_on = convention.signed_on
                    else:  # at start, and "at signature" of a period renewed tacitly
                        due_on = period.start
                    due_on = due_on + timedelta(days=line.offset_days)
                    missing, last_received = [], None
                    for category in line.required_deliverables or []:
                        got = received.get((category, period.number))
                        if got is None:
                            missing.append(enums.DELIVERABLE_CATEGORIES[category])
                        else:
                            last_received = max(last_received or got, got)
                    payment = payments.get((line.id, period.number))
                    if payment is None and convention.terminated_on and due_on >= convention.terminated_on:
                        continue  # terminated before it fell due: nothing more is owed
                    payable_since = max(due_on, last_received) if last_received else due_on
                    if payment is not None:
                        status = "paid"
                    elif missing:
                        status = "waiting"
                    elif due_on > day:
                        status = "not_due"
                    elif (day - payable_since).days > delay:
                        status = "late"
                    else:
                        status = "payable"
                    result.append(
                        Instalment(
                            convention,
                            commitment,
                            line,
                            period,
                            part,
                            due_on,
                            status,
                            missing,
                            None if missing else payable_since,
                            payment,
                        )
                    )
    result.sort(key=lambda i: (i.due_on, i.convention.reference, i.line.seq))
    return result


def record_payment(
    actor, line: ScheduleLine, period_no: int, paid_on: date, amount=None, reference=None
) -> Payment:
    """Record an instalment as paid; it must be payable (its deliverables received) and paid in full."""
    commitment = db.session.get(FinancialCommitment, (line.tenant_id, line.commitment_id))
    convention = db.session.get(Convention, (line.tenant_id, commitment.convention_id))
    if paid_on is None:
        raise ValidationError("paid_on", "Indiquez la date du paiement.")
    if paid_on > clock.today():
        raise ValidationError("paid_on", "La date de paiement ne peut pas être dans le futur.")
    instalment = next(
        (
            i
            for i in instalments(convention_id=convention.id)
            if i.line.id == line.id and i.period.number == period_no
        ),
        None,
    )
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
            f"Le montant payé ({checks.fr_amount(paid)} €) diffère du montant de l'échéance ({checks.fr_amount(instalment.amount)} €).",
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
    db.session.add(payment)
    db.session.flush()
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
