"""The territory's side: which reports are owed, their versions, and their delivery.

Each (federation, period) has versions; a new one is made only when what the report says changed
(its digest), so a correction in the territory after a report went produces version 2, never a
silent change. A version waits in ``outgoing_reports`` until its receiver gave a receipt: the push
job sends it; when the receiver cannot be reached, the row says when to try again (backoff), and
the sweep asks for a new push once that time has come. A receiver that refuses a report says why;
the row keeps the reason and is not sent again unless the admin asks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, text

from saas import clock
from saas.audit import api as audit
from saas.db import by_id, db, insert
from saas.federation import building, handover, keys, transport
from saas.federation.models import OutgoingReport, ReportStatus
from saas.federation.reception import Refused
from saas.jobs import api as runs
from saas.jobs.enums import RunStatus
from saas.jobs.models import JobRun
from saas.logging import get_logger
from tenants.context import require_tenant_id

log = get_logger("saas.federation.outbox")

PUSH_KIND = "federation_push"
DAILY_KIND = "federation_daily"
#: how long the outbox waits before the n-th new attempt (then every 6 hours)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
LAST_BACKOFF = timedelta(hours=6)
#: how far back a correction makes a new version: monthly reports of the last 12 months, yearly
#: reports of the last 2 years (older corrections reach the Département in no report)
MONTHS_FOLLOWED = 12
YEARS_FOLLOWED = 2

audit.ACTION_LABELS["federation.report_version"] = "Nouvelle version d'un rapport au Département"
audit.ACTION_LABELS["federation.report_resend"] = "Nouvel envoi d'un rapport refusé"
audit.TARGET_LABELS["rapport"] = "Rapport au Département"

_MEMBERSHIPS = text(
    "SELECT f.id, f.code, f.name, tf.endpoint_url, f.monthly_reports, f.yearly_reports, f.report_day, "
    "t.slug, t.name AS tenant_name, t.communes_insee FROM tenant_federations tf "
    "JOIN federations f ON f.id = tf.federation_id JOIN tenants t ON t.id = tf.tenant_id "
    "WHERE tf.tenant_id = :t ORDER BY f.code"
)


@dataclass(frozen=True)
class Membership:
    """The tenant in scope as a member of one federation."""

    federation_id: int
    code: str
    name: str
    endpoint_url: str | None
    monthly: bool
    yearly: bool
    report_day: int
    territory: building.Territory

    @property
    def transport_label(self) -> str:
        return "Sur ce service" if not self.endpoint_url else f"Instance du Département ({self.endpoint_url})"


def memberships() -> list[Membership]:
    rows = db.session.execute(_MEMBERSHIPS, {"t": require_tenant_id()})
    return [
        Membership(
            r.id,
            r.code,
            r.name,
            r.endpoint_url,
            r.monthly_reports,
            r.yearly_reports,
            r.report_day,
            building.Territory(r.slug, r.tenant_name, tuple(r.communes_insee or ())),
        )
        for r in rows
    ]


def membership(federation_id: int) -> Membership | None:
    return next((m for m in memberships() if m.federation_id == federation_id), None)


def latest(federation_id: int, kind: str, start: date) -> OutgoingReport | None:
    query = select(OutgoingReport).where(
        OutgoingReport.federation_id == federation_id,
        OutgoingReport.period_kind == kind,
        OutgoingReport.period_start == start,
    )
    return db.session.scalar(query.order_by(OutgoingReport.version.desc()).limit(1))


#: the versions listed per Département on the admin's page, the latest first
LISTED = 200


def versions(federation_id: int) -> list[OutgoingReport]:
    """The versions sent (or waiting) to a Département, the latest periods first."""
    query = select(OutgoingReport).where(OutgoingReport.federation_id == federation_id)
    order = (OutgoingReport.period_start.desc(), OutgoingReport.version.desc())
    return list(db.session.scalars(query.order_by(*order).limit(LISTED)))


def preview(member: Membership, kind: str, start: date) -> dict:
    """The report as it would go now (nothing is written)."""
    content = building.content(member.territory, member.code, member.federation_id, kind, start)
    return building.stamped(content, (getattr(latest(member.federation_id, kind, start), "version", 0)) + 1)


def prepare(
    member: Membership, kind: str, start: date, actor: audit.Actor | None = None
) -> OutgoingReport | None:
    """A new version of the report of the period when what it says changed (None otherwise), and
    its push asked for (after commit)."""
    content = building.content(member.territory, member.code, member.federation_id, kind, start)
    digest = building.digest(content)
    previous = latest(member.federation_id, kind, start)
    if previous is not None and previous.digest == digest:
        return None
    version = previous.version + 1 if previous else 1
    period = building.period_of(kind, start)
    report = insert(
        OutgoingReport(
            tenant_id=require_tenant_id(),
            federation_id=member.federation_id,
            period_kind=kind,
            period_start=period.start,
            period_end=period.end,
            version=version,
            payload=building.stamped(content, version),
            digest=digest,
            created_by=actor.user_id if actor else None,
        )
    )
    details = {"departement": member.name, "periode": period.label, "version": version}
    audit.record("federation.report_version", actor, "rapport", report.id, details)
    request_push(report)
    return report


def request_push(report: OutgoingReport) -> JobRun:
    return runs.request_run(PUSH_KIND, {"report_id": report.id})


def _backoff(attempts: int) -> timedelta:
    return BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else LAST_BACKOFF


def push(report_id: int) -> dict:
    """Send one version to its receiver and record the outcome (committed). Runs with no
    transaction open while the receiver works."""
    report = by_id(OutgoingReport, report_id)
    if report is None or report.status != ReportStatus.a_envoyer:
        db.session.rollback()
        return {"envoye": False, "raison": "déjà traité"}
    member = membership(report.federation_id)
    if member is None:
        db.session.rollback()
        return {"envoye": False, "raison": "le territoire n'est plus membre"}
    body = building.encode(report.payload)
    signed = keys.sign(member.federation_id, member.territory.slug, body)
    db.session.commit()  # a key made for the first time is kept before it is used
    try:
        receipt = transport.for_endpoint(member.endpoint_url).deliver(
            member.federation_id, member.code, body, signed
        )
    except Refused as refusal:
        return _record(report_id, ReportStatus.refuse, error=refusal.reason + _fields(refusal.fields))
    except transport.DeliveryFailed as failure:
        return _record(report_id, ReportStatus.a_envoyer, error=str(failure))
    return _record(report_id, ReportStatus.envoye, receipt=receipt)


def _fields(fields: dict) -> str:
    """The fields a receiver named, as « personnes › cles › 1 : Valeur non valide. »."""
    found: list[str] = []
    stack: list[tuple[str, object]] = [(str(name), messages) for name, messages in fields.items()]
    while stack and len(found) < 5:
        path, value = stack.pop(0)
        if isinstance(value, dict):
            stack[:0] = [(f"{path} › {int(k) + 1 if isinstance(k, int) else k}", v) for k, v in value.items()]
        else:
            messages = value if isinstance(value, list) else [value]
            found.append(f"{path} : {' '.join(str(m) for m in messages)}")
    return (" — " + " ; ".join(found))[:300] if found else ""


def _record(
    report_id: int, status: ReportStatus, error: str | None = None, receipt: dict | None = None
) -> dict:
    report = db.session.get(OutgoingReport, (require_tenant_id(), report_id), with_for_update=True)
    assert report is not None, "a report being pushed is never deleted"
    if report.status == ReportStatus.envoye:  # another push of it was received meanwhile: keep it
        db.session.commit()
        return {"envoye": True, "statut": report.status}
    report.attempts += 1
    report.status = status.value
    report.last_error = error[:500] if error else None
    if receipt is not None:
        report.receipt, report.sent_at = receipt, clock.now()
    if status == ReportStatus.a_envoyer:
        report.next_attempt_at = clock.now() + _backoff(report.attempts)
    db.session.commit()
    log.info("federation.pushed", report_id=report_id, status=status.value, attempts=report.attempts)
    return {"envoye": status == ReportStatus.envoye, "statut": status.value}


def resend(actor: audit.Actor, report: OutgoingReport) -> None:
    """Send a refused version again (the cause was fixed on the Département's side: a key)."""
    if report.status == ReportStatus.refuse:
        report.status, report.next_attempt_at = ReportStatus.a_envoyer.value, clock.now()
        audit.record("federation.report_resend", actor, "rapport", report.id, {"version": report.version})
        request_push(report)


def due_pushes() -> list[int]:
    """The versions waiting whose time to try again has come and that no run is sending."""
    live = select(JobRun.params["report_id"].as_integer()).where(
        JobRun.kind == PUSH_KIND, JobRun.status.in_([RunStatus.pending.value, RunStatus.started.value])
    )
    query = select(OutgoingReport.id).where(
        OutgoingReport.status == ReportStatus.a_envoyer,
        OutgoingReport.next_attempt_at <= func.now(),
        OutgoingReport.id.not_in(live),
    )
    return list(db.session.scalars(query))


def request_due_pushes() -> int:
    """Ask for a push of each version waiting whose time has come (the sweep calls it)."""
    found = due_pushes()
    for report_id in found:
        runs.request_run(PUSH_KIND, {"report_id": report_id})
    return len(found)


def pull_lots(member: Membership, actor: audit.Actor | None = None) -> int:
    """Ask the Département for the lots handed to the territory and record the new ones (committed
    by the caller); 0 when it cannot be reached (asked again the next day)."""
    timestamp = int(time.time())
    slug = member.territory.slug
    signed = keys.sign(member.federation_id, slug, keys.request_material(member.code, slug, timestamp))
    db.session.commit()  # a key made for the first time is kept before it is used
    try:
        lots = transport.for_endpoint(member.endpoint_url).handed_lots(
            member.federation_id, member.code, slug, signed, timestamp
        )
    except (Refused, transport.DeliveryFailed) as failure:
        log.warning("federation.lots_unreachable", federation=member.code, reason=str(failure))
        return 0
    return handover.receive_lots(
        member.federation_id, member.code, member.name, lots, actor or audit.Actor(email="envoi-programme")
    )
