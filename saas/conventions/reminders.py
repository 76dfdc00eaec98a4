"""The daily work of the conventions: tacit renewals, the calendar brought up to date, reminders.

A reminder goes by e-mail to the people of the responsible party: the facilitateurs when the
party is the guichet itself, otherwise the members bound to that organisation. One reminder
``before`` the due date (``reminder_days_before``) and one when ``late``; the unique key of
``obligation_reminders`` (occurrence, person, kind) makes a second sending impossible, even when
two workers run the same day at once. A person who stopped reminders gets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert

from saas import clock
from saas import settings as tenant_settings
from saas.accounts.models import User
from saas.audit import api as audit
from saas.conventions import api as conventions
from saas.conventions.models import Convention, ConventionParty, Obligation, Occurrence, Reminder
from saas.db import db
from saas.mail import api as mail
from tenants.context import require_tenant_id
from tenants.models import Tenant, TenantMembership

SYSTEM = audit.Actor(email="rappels automatiques")


@dataclass
class Recipient:
    user_id: int
    email: str
    name: str


def recipients_for(obligation: Obligation, guichet_ids: set[int]) -> list[Recipient]:
    """Who answers for an obligation: facilitateurs for the guichet's own, else the party's members."""
    query = (
        select(User.id, User.email, User.display_name)
        .join(TenantMembership, TenantMembership.user_id == User.id)
        .where(TenantMembership.active.is_(True), User.active.is_(True))
    )
    if obligation.responsible_id in guichet_ids:
        query = query.where(TenantMembership.role == "facilitateur")
    else:
        query = query.where(TenantMembership.organisation_id == obligation.responsible_id)
    return [Recipient(*row) for row in db.session.execute(query.order_by(User.id)).all()]


def _guichet_ids(convention_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(ConventionParty.organisation_id).where(
                ConventionParty.convention_id == convention_id, ConventionParty.is_guichet.is_(True)
            )
        )
    )


def _body(
    recipient: Recipient, kind: str, obligation: Obligation, row: Occurrence, convention: Convention, tenant
) -> str:
    due = row.due_on.strftime("%d/%m/%Y")
    what = "réunion" if obligation.nature == "meeting" else "livrable"
    if kind == "before":
        opening = f"L'échéance suivante arrive le {due} :"
    else:
        opening = f"L'échéance suivante était attendue le {due} et n'a pas encore été enregistrée :"
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    stop = f"{base}/t/{tenant.slug}/notifications/arret/{mail.unsubscribe_token(recipient.user_id)}"
    lines = [
        f"Bonjour {recipient.name},",
        "",
        opening,
        "",
        f"  {obligation.label} ({what})",
        f"  Convention {convention.reference} — {convention.title}",
    ]
    if obligation.article:
        lines.append(f"  Article {obligation.article}")
    if row.provisional:
        lines.append(
            f"  Date prévisionnelle : à confirmer avec la date de l'événement ({obligation.event_label})."
        )
    lines += [
        "",
        f"Le guichet clauses de {tenant.name} vous remercie de le transmettre ou de le signaler à votre facilitateur.",
        "",
        "—",
        "Vous recevez ce message parce que votre organisation est responsable de cette échéance.",
        f"Pour ne plus recevoir de rappels : {stop}",
    ]
    return "\n".join(lines)


def send_reminders(day: date | None = None) -> dict[str, int]:
    """Send today's reminders in the tenant in scope; returns how many of each kind went out."""
    day = day or clock.today()
    before = int(tenant_settings.get("reminder_days_before"))
    tenant = db.session.get(Tenant, require_tenant_id())
    rows = db.session.execute(
        select(Occurrence, Obligation, Convention)
        .join(
            Obligation,
            and_(Obligation.tenant_id == Occurrence.tenant_id, Obligation.id == Occurrence.obligation_id),
        )
        .join(
            Convention,
            and_(Convention.tenant_id == Occurrence.tenant_id, Convention.id == Occurrence.convention_id),
        )
        .where(
            Occurrence.received_on.is_(None),
            Occurrence.due_on <= day + timedelta(days=before),
            Occurrence.due_on >= day - timedelta(days=conventions.LATE_REMINDER_WINDOW_DAYS),
            Convention.terminated_on.is_(None) | (Convention.terminated_on >= day),
        )
        .order_by(Occurrence.due_on, Occurrence.id)
    ).all()
    sent = {"before": 0, "late": 0}
    guichets: dict[int, set[int]] = {}
    for row, obligation, convention in rows:
        kind = "before" if row.due_on >= day else "late"
        if convention.id not in guichets:
            guichets[convention.id] = _guichet_ids(convention.id)
        for recipient in recipients_for(obligation, guichets[convention.id]):
            if not mail.reminders_enabled(recipient.user_id):
                continue
            inserted = db.session.execute(
                insert(Reminder)
                .values(tenant_id=row.tenant_id, occurrence_id=row.id, user_id=recipient.user_id, kind=kind)
                .on_conflict_do_nothing(constraint="uq_obligation_reminders_once")
                .returning(Reminder.id)
            ).scalar()
            if inserted is None:
                continue  # already reminded (this run or an earlier one, or another worker)
            subject = (
                "Rappel : " if kind == "before" else "Retard : "
            ) + f"{obligation.label} — échéance du {row.due_on:%d/%m/%Y}"
            message = mail.send(
                recipient.email,
                subject[:300],
                _body(recipient, kind, obligation, row, convention, tenant),
                "reminder",
                to_user_id=recipient.user_id,
            )
            db.session.execute(
                Reminder.__table__.update()
                .where(Reminder.__table__.c.tenant_id == row.tenant_id, Reminder.__table__.c.id == inserted)
                .values(mail_id=message.id)
            )
            sent[kind] += 1
    return sent


def notify_renewals(renewals) -> int:
    """Tell the tenant admins that a convention was renewed tacitly (one mail per renewal)."""
    admins = db.session.execute(
        select(User.id, User.email, User.display_name)
        .join(TenantMembership, TenantMembership.user_id == User.id)
        .where(
            TenantMembership.role == "tenant_admin", TenantMembership.active.is_(True), User.active.is_(True)
        )
    ).all()
    count = 0
    for renewal in renewals:
        convention = db.session.get(Convention, (renewal.tenant_id, renewal.convention_id))
        for user_id, email, name in admins:
            mail.send(
                email,
                f"Convention {convention.reference} reconduite tacitement",
                "\n".join(
                    [
                        f"Bonjour {name},",
                        "",
                        f"Faute de dénonciation dans le délai de préavis, la convention {convention.reference} "
                        f"— {convention.title} — est reconduite tacitement pour la période "
                        f"{renewal.period_no} (du {renewal.starts_on:%d/%m/%Y} au {renewal.ends_on:%d/%m/%Y}).",
                        "Son calendrier d'obligations et ses échéances financières ont été prolongés.",
                    ]
                ),
                "renewal",
                to_user_id=user_id,
            )
            count += 1
    return count


def run_daily(day: date | None = None) -> dict[str, int]:
    """Everything a day brings to the conventions of the tenant in scope. Safe to run twice."""
    day = day or clock.today()
    renewals = conventions.renew_due(SYSTEM, day)
    notified = notify_renewals(renewals)
    added = 0
    for convention in conventions.conventions():
        added += conventions.sync_occurrences(convention, day)["ajoutées"]
    sent = send_reminders(day)
    return {
        "reconductions": len(renewals),
        "courriels de reconduction": notified,
        "échéances ajoutées": added,
        "rappels avant échéance": sent["before"],
        "rappels de retard": sent["late"],
    }


DAILY_KIND = "conventions_daily"


def request_daily(day: date | None = None) -> bool:
    """Ask for today's run in the tenant in scope, unless it was already asked for today."""
    from saas.jobs import api as runs
    from saas.jobs.models import JobRun

    day = day or clock.today()
    exists = db.session.scalar(
        select(JobRun.id)
        .where(JobRun.kind == DAILY_KIND, JobRun.params["day"].astext == day.isoformat())
        .limit(1)
    )
    if exists:
        return False
    runs.request_run(DAILY_KIND, {"day": day.isoformat()})
    return True
