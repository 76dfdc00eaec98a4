"""The daily work of the conventions: tacit renewals, the calendar brought up to date, reminders.

A reminder goes by e-mail to the people of the responsible party: the facilitateurs when the
party is the guichet itself, otherwise the members bound to that organisation. One reminder
``before`` the due date (``reminder_days_before``) and one when ``late``; the unique key of
``obligation_reminders`` (occurrence, person, kind) makes a second sending impossible, even when
two workers run the same day at once. A person who stopped reminders gets none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Row, bindparam, select, text
from sqlalchemy.dialects.postgresql import insert

from saas import clock, formats
from saas import settings as tenant_settings
from saas.audit import api as audit
from saas.conventions import api as conventions
from saas.conventions import repository
from saas.conventions.models import Convention, ConventionParty, Obligation, Occurrence, Reminder
from saas.db import db
from saas.errors import ValidationError
from saas.jobs import api as runs
from saas.logging import get_logger
from saas.mail import api as mail
from saas.mail.models import OutgoingMail
from tenants.context import require_tenant_id

SYSTEM = audit.Actor(email="rappels automatiques")
#: advisory lock key space of the daily run (plus the tenant id).
DAILY_LOCK = 7_300_000_000
log = get_logger(__name__)


@dataclass
class Recipient:
    user_id: int
    email: str
    name: str


#: members of the tenant in scope (``tenant_memberships`` is read through SQL: the domain does
#: not import the security boundary's models; row-level security keeps it to the tenant in scope).
MEMBERS_SQL = """
SELECT u.id, u.email, u.display_name
FROM tenant_memberships m JOIN users u ON u.id = m.user_id
WHERE m.tenant_id = :tenant_id AND m.active AND u.active AND {condition}
ORDER BY u.id
"""


def _members(condition: str, **params) -> list[Recipient]:
    rows = db.session.execute(
        text(MEMBERS_SQL.format(condition=condition)).bindparams(
            *(bindparam(key) for key in params), bindparam("tenant_id")
        ),
        {"tenant_id": require_tenant_id(), **params},
    ).all()
    return [Recipient(*row) for row in rows]


def recipients_for(obligation: Obligation, guichet_ids: set[int]) -> list[Recipient]:
    """Who answers for an obligation: facilitateurs for the guichet's own, else the party's members."""
    if obligation.responsible_id in guichet_ids:
        return _members("m.role = 'facilitateur'")
    return _members("m.organisation_id = :organisation_id", organisation_id=obligation.responsible_id)


@dataclass
class TenantInfo:
    slug: str
    name: str


def _tenant() -> TenantInfo:
    slug, name = db.session.execute(
        text("SELECT slug, name FROM tenants WHERE id = :id"), {"id": require_tenant_id()}
    ).one()
    return TenantInfo(slug, name)


def _guichet_ids(convention_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(ConventionParty.organisation_id).where(
                ConventionParty.convention_id == convention_id, ConventionParty.is_guichet
            )
        )
    )


def _body(
    recipient: Recipient, kind: str, obligation: Obligation, row: Occurrence, convention: Convention, tenant
) -> str:
    due = formats.date(row.due_on)
    what = "réunion" if obligation.nature == "meeting" else "livrable"
    if kind == "before":
        opening = f"L'échéance suivante arrive le {due} :"
    else:
        opening = f"L'échéance suivante était attendue le {due} et n'a pas encore été enregistrée :"
    stop = mail.unsubscribe_url(recipient.user_id, tenant.slug)
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


#: a late reminder is sent for occurrences due at most this long ago (not for years of backlog).
LATE_REMINDER_WINDOW_DAYS = 60


def send_reminders(day: date | None = None) -> dict[str, int]:
    """Send today's reminders in the tenant in scope; returns how many of each kind went out."""
    day = day or clock.today()
    tenant = _tenant()
    sent = {"before": 0, "late": 0}
    guichets: dict[int, set[int]] = {}
    for row, obligation, convention in _to_remind(day, int(tenant_settings.get("reminder_days_before"))):
        kind = "before" if row.due_on >= day else "late"
        if convention.id not in guichets:
            guichets[convention.id] = _guichet_ids(convention.id)
        for recipient in recipients_for(obligation, guichets[convention.id]):
            if mail.reminders_enabled(recipient.user_id) and _remind(
                recipient, kind, obligation, row, convention, tenant
            ):
                sent[kind] += 1
    return sent


def _to_remind(day: date, before: int) -> Sequence[Row]:
    """(occurrence, obligation, convention) not received, due within ``before`` days or late
    since at most :data:`LATE_REMINDER_WINDOW_DAYS`, of conventions not terminated by ``day``."""
    return db.session.execute(
        repository.occurrences_with_terms(Occurrence, Obligation, Convention)
        .where(
            Occurrence.received_on.is_(None),
            Occurrence.due_on <= day + timedelta(days=before),
            Occurrence.due_on >= day - timedelta(days=LATE_REMINDER_WINDOW_DAYS),
            Convention.terminated_on.is_(None) | (Convention.terminated_on >= day),
        )
        .order_by(Occurrence.due_on, Occurrence.id)
    ).all()


def _remind(recipient, kind: str, obligation, row, convention, tenant) -> bool:
    """Send one reminder unless it was already sent (this run, an earlier one or another worker);
    True when it went out."""
    subject = (
        "Rappel : " if kind == "before" else "Retard : "
    ) + f"{obligation.label} — échéance du {formats.date(row.due_on)}"
    try:
        with db.session.begin_nested():  # one bad address spoils nothing else of the day
            inserted = db.session.execute(
                insert(Reminder)
                .values(tenant_id=row.tenant_id, occurrence_id=row.id, user_id=recipient.user_id, kind=kind)
                .on_conflict_do_nothing(constraint="uq_obligation_reminders_once")
                .returning(Reminder.id)
            ).scalar()
            if inserted is None:
                return False
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
    except ValidationError as error:
        log.warning("reminder.skipped", user_id=recipient.user_id, reason=error.message)
        return False
    return True


def notify_renewals(renewals) -> int:
    """Tell the tenant admins that a convention was renewed tacitly (one mail per renewal)."""
    admins = [(r.user_id, r.email, r.name) for r in _members("m.role = 'tenant_admin'")]
    count = 0
    for renewal in renewals:
        convention = db.session.get_one(Convention, (renewal.tenant_id, renewal.convention_id))
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
                        f"{renewal.period_no} (du {formats.date(renewal.starts_on)} au {formats.date(renewal.ends_on)}).",
                        "Son calendrier d'obligations et ses échéances financières ont été prolongés.",
                    ]
                ),
                "renewal",
                to_user_id=user_id,
            )
            count += 1
    return count


def remind_objection_deadlines(day: date | None = None) -> int:
    """Tell the tenant admins, once per convention and term, that the last day to object to a
    tacit renewal comes within ``OBJECTION_WINDOW_DAYS``. The mail itself is the record: the same
    subject is never sent twice to the same person."""
    day = day or clock.today()
    admins = _members("m.role = 'tenant_admin'")
    sent = 0
    for convention, standing in conventions.objection_deadlines(day, conventions.OBJECTION_WINDOW_DAYS):
        deadline = standing.last_day_to_object
        subject = (
            f"Convention {convention.reference} : dernier jour pour la dénoncer le {formats.date(deadline)}"
        )
        for admin in admins:
            if not mail.reminders_enabled(admin.user_id):
                continue
            already = db.session.scalar(
                select(OutgoingMail.id).where(
                    OutgoingMail.category == "objection_deadline",
                    OutgoingMail.to_user_id == admin.user_id,
                    OutgoingMail.subject == subject,
                )
            )
            if already:
                continue
            mail.send(
                admin.email,
                subject,
                "\n".join(
                    [
                        f"Bonjour {admin.name},",
                        "",
                        f"La convention {convention.reference} — {convention.title} — arrive à son échéance le "
                        f"{formats.date(standing.next_term)}. Faute de dénonciation reçue au plus tard le "
                        f"{formats.date(deadline)}, elle sera reconduite tacitement.",
                        "Pour la dénoncer, enregistrez la dénonciation sur la page de la convention.",
                    ]
                ),
                "objection_deadline",
                to_user_id=admin.user_id,
            )
            sent += 1
    return sent


def run_daily(day: date | None = None) -> dict[str, int]:
    """Everything a day brings to the conventions of the tenant in scope. Safe to run twice."""
    day = day or clock.today()
    # one day's work at a time per tenant, even if the worker and the command run together
    db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DAILY_LOCK + require_tenant_id()})
    renewals = conventions.renew_due(SYSTEM, day)
    notified = notify_renewals(renewals)
    added = 0
    for convention in conventions.conventions():
        added += conventions.sync_occurrences(convention, day)["ajoutées"]
    sent = send_reminders(day)
    deadlines = remind_objection_deadlines(day)
    return {
        "reconductions": len(renewals),
        "courriels de reconduction": notified,
        "échéances ajoutées": added,
        "rappels avant échéance": sent["before"],
        "rappels de retard": sent["late"],
        "alertes de dénonciation": deadlines,
    }


DAILY_KIND = "conventions_daily"


def request_daily(day: date | None = None) -> bool:
    """Ask for today's run in the tenant in scope, unless it was already asked for today."""
    return runs.request_daily(DAILY_KIND, day or clock.today())
