"""Scheduled bilans: the tenant chooses which bilan goes to whom and how often (donneurs d'ordre
monthly, structures every semester, funders yearly); the worker's daily run produces each one due
for the period just ended and mails its link to the person, in their own space (a partner
structure, which has no space yet, receives the workbook attached).

Never twice for the same period: a sending is one row per schedule and period, which the database
keeps unique, written in the same transaction as the bilan and the message. Stoppable per person:
the recipient (or the guichet) stops a schedule; what was sent stays archived in the tenant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, text

from saas import clock
from saas.accounts import memberships
from saas.audit import api as audit
from saas.bilans import api as bilans
from saas.bilans import presentation
from saas.bilans.models import BilanSchedule, BilanSending, Cadence
from saas.bilans.periods import Period
from saas.db import db, insert
from saas.errors import ValidationError
from saas.jobs import api as runs
from saas.logging import get_logger
from saas.mail import api as mail
from tenants.context import require_tenant_id

log = get_logger("saas.bilans.sending")

DAILY_KIND = "bilans_envois"
#: one run of the sendings at a time per tenant (an advisory lock of its own)
SENDING_LOCK = 0x6B11A500

audit.ACTION_LABELS["bilan.schedule_created"] = "Programmation de l'envoi d'un bilan"
audit.ACTION_LABELS["bilan.schedule_stopped"] = "Arrêt de l'envoi programmé d'un bilan"
audit.ACTION_LABELS["bilan.sent"] = "Envoi programmé d'un bilan"


def period_before(cadence: str, day: date) -> Period:
    """The last period of ``cadence`` that ended before ``day``: the month, the semester, the year."""
    if Cadence(cadence) == Cadence.mensuel:
        last = day.replace(day=1) - relativedelta(months=1)
        return Period.of("mois", last.year, last.month)
    if Cadence(cadence) == Cadence.semestriel:
        semester = 1 if day.month <= 6 else 2
        return Period.of("semestre", day.year - 1, 2) if semester == 1 else Period.of("semestre", day.year, 1)
    return Period.of("annee", day.year - 1)


def _recipient(user_id):
    found = next((m for m in memberships.memberships_in_scope() if m.user_id == user_id and m.active), None)
    if found is None:
        raise ValidationError("recipient_id", "Choisissez une personne qui a accès au territoire.")
    return found


def _check_recipient(member, kind: str, scope) -> None:
    """``ValidationError`` on ``recipient_id`` unless the member may receive a bilan of ``kind`` on
    ``scope``: a donneur d'ordre those of its own marchés, a partner structure those of its own
    people. Checked when the schedule is made and again at each sending (a role or an organisation
    may have changed since)."""
    if member.role == memberships.BUYER_ROLE and not bilans.buyer_reads(member.organisation_id, kind, scope):
        raise ValidationError(
            "recipient_id", "Un donneur d'ordre ne reçoit que les bilans d'exécution de ses propres marchés."
        )
    if member.role == memberships.PARTNER_ROLE and not bilans.partner_reads(
        member.organisation_id, kind, scope
    ):
        raise ValidationError(
            "recipient_id",
            "Une structure partenaire ne reçoit que les bilans de ses propres salariés ou des personnes "
            "qu'elle suit (personnes en parcours, consolidation des heures, évaluation), sur elle-même.",
        )


def create_schedule(
    actor: audit.Actor, kind: str, scope_kind: str, scope_key, cadence: str, recipient_id: int
) -> BilanSchedule:
    """A bilan sent to one member of the tenant on ``cadence``; ``ValidationError`` on the field at
    fault. A donneur d'ordre receives only the bilans of its own marchés (those of its space)."""
    if cadence not in set(Cadence):
        raise ValidationError("cadence", "Choisissez une fréquence de la liste.")
    scope = bilans.check_scope(kind, scope_kind, scope_key)
    member = _recipient(recipient_id)
    _check_recipient(member, kind, scope)
    schedule = insert(
        BilanSchedule(
            tenant_id=require_tenant_id(),
            kind=kind,
            scope_kind=scope.kind.value,
            scope_key=scope.key,
            scope_label=scope.label[:300],
            cadence=cadence,
            recipient_id=member.user_id,
            created_by=actor.user_id,
        )
    )
    details = {
        "bilan": bilans.BilanKind(kind).label,
        "perimetre": scope.label,
        "destinataire": member.user.email,
    }
    audit.record("bilan.schedule_created", actor, "bilan", None, details)
    return schedule


def stop(actor: audit.Actor, schedule: BilanSchedule) -> None:
    """No more sendings of ``schedule`` (those sent stay archived)."""
    if schedule.stopped_at is None:
        schedule.stopped_at, schedule.stopped_by = clock.now(), actor.user_id
        audit.record("bilan.schedule_stopped", actor, "bilan", None, {"perimetre": schedule.scope_label})


def schedules(recipient_id: int | None = None) -> list[BilanSchedule]:
    query = select(BilanSchedule).order_by(BilanSchedule.stopped_at.is_not(None), BilanSchedule.id.desc())
    if recipient_id is not None:
        query = query.where(BilanSchedule.recipient_id == recipient_id)
    return list(db.session.scalars(query))


def sendings(schedule_ids: Sequence[int]) -> list[BilanSending]:
    """What was sent for these schedules, the latest first: the archive."""
    query = select(BilanSending).where(BilanSending.schedule_id.in_(list(schedule_ids)))
    return list(db.session.scalars(query.order_by(BilanSending.sent_at.desc(), BilanSending.id.desc())))


def _link(member, bilan: bilans.Bilan, slug: str) -> str:
    endpoint = "acheteur.bilan" if member.role == memberships.BUYER_ROLE else "guichet.bilan"
    return mail.public_url(endpoint, tenant_slug=slug, bilan_id=bilan.id)


def _where(member, bilan: bilans.Bilan, slug: str) -> tuple[str, str]:
    """How the recipient reads the bilan, and how they stop receiving it: a buyer or the guichet in
    its space; a partner structure (no space of its own yet) in the workbook attached."""
    if member.role == memberships.PARTNER_ROLE:
        return (
            "Le bilan est joint à ce message (classeur XLSX, une feuille par tableau).",
            "Pour ne plus le recevoir, demandez l'arrêt de cet envoi au guichet.",
        )
    return (
        f"Lisez-le et téléchargez-le (classeur XLSX, PDF) dans votre espace :\n{_link(member, bilan, slug)}",
        "Pour ne plus le recevoir, utilisez « Ne plus recevoir » dans votre espace.",
    )


def _send(schedule: BilanSchedule, member, period: Period, slug: str, tenant_name: str) -> None:
    """Produce the bilan of ``period``, mail it, record the sending (one transaction)."""
    actor = audit.Actor(email="envoi-programme")
    _check_recipient(
        member, schedule.kind, bilans.check_scope(schedule.kind, schedule.scope_kind, schedule.scope_key)
    )
    bilan = bilans.produce(schedule.kind, schedule.scope_kind, schedule.scope_key, period, actor)
    title = f"{bilans.BilanKind(schedule.kind).label} — {schedule.scope_label} — {period.label}"
    read, stop_it = _where(member, bilan, slug)
    body = (
        f"Bonjour,\n\nLe guichet des clauses sociales de {tenant_name} vous adresse le bilan suivant :\n"
        f"{title}.\n\n{read}\n\nVous recevez ce bilan {Cadence(schedule.cadence).label.lower()}. "
        f"{stop_it}\n\nL'équipe du guichet {tenant_name}\n(message automatique, merci de ne pas y répondre)"
    )
    attached = (
        [presentation.workbook(bilan, "Envoi programmé")] if member.role == memberships.PARTNER_ROLE else []
    )
    message = mail.send(member.user.email, f"Bilan : {title}", body, "bilan", member.user_id, attached)
    insert(
        BilanSending(
            tenant_id=schedule.tenant_id,
            schedule_id=schedule.id,
            period_start=period.start,
            bilan_id=bilan.id,
            mail_id=message.id,
        )
    )
    audit.record(
        "bilan.sent", actor, "bilan", bilan.id, {"destinataire": member.user.email, "periode": period.label}
    )


def run_due(day: date, slug: str, tenant_name: str) -> dict[str, int]:
    """Send each active schedule's bilan of the period ended before ``day``, unless it was sent;
    a schedule whose recipient lost their access is left alone. Safe to run twice."""
    db.session.execute(
        text("SELECT pg_advisory_xact_lock(:key)"), {"key": SENDING_LOCK + require_tenant_id()}
    )
    members = {m.user_id: m for m in memberships.memberships_in_scope() if m.active}
    sent = skipped = failed = 0
    for schedule in schedules():
        member = members.get(schedule.recipient_id)
        if schedule.stopped_at is not None or member is None:
            continue
        period = period_before(schedule.cadence, day)
        done = db.session.scalar(
            select(BilanSending.id).where(
                BilanSending.schedule_id == schedule.id, BilanSending.period_start == period.start
            )
        )
        if done is not None:
            skipped += 1
            continue
        try:
            with db.session.begin_nested():  # a scope gone since (a marché removed) spoils no other
                _send(schedule, member, period, slug, tenant_name)
        except ValidationError as refused:
            log.warning("bilan.schedule_refused", schedule=schedule.id, reason=refused.message)
            failed += 1
            continue
        sent += 1
    return {"bilans envoyés": sent, "déjà envoyés": skipped, "impossibles": failed}


def request_daily(day: date | None = None) -> bool:
    """Ask for today's sendings in the tenant in scope, unless they were asked for today."""
    return runs.request_daily(DAILY_KIND, day or clock.today())
