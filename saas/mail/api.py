"""The one mail service of a tenant: every message is a row of ``outgoing_mails`` first.

``send`` records the message in the caller's transaction, in the tenant in scope. The backend is
chosen by the configuration ``MAIL_BACKEND``:

- ``mailbox`` (the embedded default): the message is kept, status ``mailbox``, and a tenant admin
  reads it on the mailbox page of the admin console; nothing leaves the machine;
- ``smtp``: the message waits (status ``pending``) and, once the transaction commits, the
  ``mail_delivery`` job delivers it with Flask-Mail (``deliver``); a failure is recorded on the row
  and the job retries; after the last attempt the job marks the message ``failed``.

Messages about a person's own account (invitation, password reset, unlock link) are not tenant
mails: ``send_account_mail`` records them in the platform table ``account_mails``, without body,
and the text, link included, is composed only when it leaves: written to the server log with the
``mailbox`` backend, delivered by the ``account_mail_delivery`` job with ``smtp``. No admin,
operator or coordinator page reads them.

Each user chooses, per tenant, whether reminders reach them by e-mail (no row: yes). A reminder
carries a signed link (``unsubscribe_token``) with which the recipient stops them without logging
in; the token names the tenant and the user, and its signature is salted with the tenant id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Message
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from saas import cleaning, extensions
from saas.audit import api as audit
from saas.db import db, insert, on_commit
from saas.errors import ValidationError
from saas.jobs import api as runs
from saas.logging import get_logger
from saas.mail import enums, repository
from saas.mail.enums import MailBackend, MailStatus
from saas.mail.models import AccountMail, MailAttachment, NotificationPreference, OutgoingMail
from tenants.context import require_tenant_id

log = get_logger("mail")
audit.ACTION_LABELS["mail.preference_updated"] = "Modification des notifications par courriel"

get = repository.get
categories = repository.categories
mailbox_sorts = repository.mailbox_sorts
MailboxFilters = repository.MailboxFilters
category_label = enums.category_label


def status_label(status: str) -> str:
    return MailStatus(status).label


#: how long a link to stop reminders stays valid (a reminder may be read late).
UNSUBSCRIBE_MAX_AGE = 180 * 24 * 3600
_UNSUBSCRIBE_SALT = "guichet-arret-rappels"
#: the endpoint of the public confirmation page (blueprints/compte).
UNSUBSCRIBE_ENDPOINT = "notifications.unsubscribe"


# --- sending --------------------------------------------------------------------------------------


def backend() -> MailBackend:
    value = current_app.config.get("MAIL_BACKEND") or MailBackend.mailbox
    try:
        return MailBackend(value)
    except ValueError:
        raise RuntimeError(f"MAIL_BACKEND inconnu : {value!r} (attendu : mailbox ou smtp).") from None


def _address(value: str | None) -> str:
    value = cleaning.required_text(value, "to_address", "Indiquez l'adresse électronique du destinataire.")
    address = cleaning.email(value, "to_address", f"L'adresse électronique « {value} » n'est pas valide.")
    assert address is not None, "a blank address is refused above"
    return address


def _subject(value: str | None) -> str:
    subject = " ".join((value or "").split())  # one line: no header can be smuggled in
    if not subject:
        raise ValidationError("subject", "Indiquez l'objet du message.")
    return subject if len(subject) <= 300 else subject[:299] + "…"


def _category(value: str | None) -> str:
    category = (value or "").strip()
    if not category or len(category) > 40:
        raise ValidationError("category", "Indiquez la catégorie du message (40 caractères au plus).")
    return category


def send(
    to_address: str,
    subject: str,
    body: str,
    category: str,
    to_user_id: int | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> OutgoingMail:
    """Record a message in the current transaction, in the tenant in scope, with its attached
    files ``(filename, mimetype, content)``.

    With the SMTP backend the delivery job is asked for in the same transaction and enqueued once
    it commits; if it rolls back, no message is recorded and none is sent. Whether the recipient
    wants it (``reminders_enabled``) is the caller's decision.
    """
    tenant_id = require_tenant_id()
    chosen = backend()
    mail = OutgoingMail(
        tenant_id=tenant_id,
        to_address=_address(to_address),
        to_user_id=to_user_id,
        subject=_subject(subject),
        body=body or "",
        category=_category(category),
        backend=chosen.value,
        status=(MailStatus.mailbox if chosen is MailBackend.mailbox else MailStatus.pending).value,
        attempts=0,
    )
    insert(mail)
    for filename, mimetype, content in attachments:
        db.session.add(
            MailAttachment(
                tenant_id=tenant_id,
                mail_id=mail.id,
                filename=filename[:200],
                mimetype=mimetype,
                size=len(content),
                content=content,
            )
        )
    if chosen is MailBackend.smtp:
        runs.request_run("mail_delivery", {"mail_id": mail.id})
    return mail


def attachments_of(mail_id: int) -> list[MailAttachment]:
    return list(
        db.session.scalars(
            select(MailAttachment).where(MailAttachment.mail_id == mail_id).order_by(MailAttachment.id)
        )
    )


def _message(mail: OutgoingMail) -> Message:
    message = _smtp_message(mail.to_address, mail.subject, mail.body)
    for attached in attachments_of(mail.id):
        message.attach(attached.filename, attached.mimetype, attached.content)
    return message


def _smtp_message(to_address: str, subject: str, body: str) -> Message:
    return Message(
        subject=subject,
        recipients=[to_address],
        body=body,
        sender=current_app.config.get("MAIL_DEFAULT_SENDER"),
        charset="utf-8",
    )


def deliver(mail_id: int) -> OutgoingMail | None:
    """Deliver one pending message through SMTP and commit the outcome (the job's unit of work).

    Idempotent: a message that is not pending (already sent, kept in the mailbox, failed for good)
    is left alone, and the row stays locked while it is being sent, so that two deliveries of the
    same job cannot both send it. On failure the error and the attempt are committed, then the
    exception goes on so that the job's retries apply.
    """
    mail = repository.get_for_update(mail_id)
    if mail is None or mail.status != MailStatus.pending:
        db.session.commit()  # releases the lock; nothing to do
        return mail
    mail.attempts += 1
    try:
        extensions.mail.send(_message(mail))
    except Exception as exc:
        mail.error = _error_text(exc)
        db.session.commit()
        raise
    _record_sent(mail)
    return mail


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def _record_sent(row: OutgoingMail | AccountMail) -> None:
    row.status, row.sent_at, row.error = MailStatus.sent.value, datetime.now(UTC), None
    db.session.commit()


def _give_up(row: OutgoingMail | AccountMail | None) -> None:
    """After the last attempt: a pending message will not be sent (its last error stays on the row)."""
    if row is not None and row.status == MailStatus.pending:
        row.status = MailStatus.failed.value
    db.session.commit()


def mark_failed(mail_id: int) -> None:
    """After the last attempt: the message will not be sent (its last error stays on the row)."""
    _give_up(repository.get_for_update(mail_id))


# --- messages about a person's own account (platform, never in a tenant mailbox) ----------------

#: composes (subject, body) of an account message when it leaves; may mint a one-time link.
Composer = Callable[[AccountMail], tuple[str, str]]


def send_account_mail(
    to_user_id: int, to_address: str, purpose: str, params: dict, compose: Composer
) -> AccountMail:
    """Record an account message in the caller's transaction and send it.

    ``mailbox`` backend: composed at once and written to the server log (the embedded default has
    no outbox a person could read it in). ``smtp``: delivered after commit by the
    ``account_mail_delivery`` job, which composes it then; the sweep re-sends it if the queue was
    down.
    """
    chosen = backend()
    row = AccountMail(
        to_user_id=to_user_id,
        to_address=_address(to_address),
        purpose=_category(purpose),
        params=params,
        status=MailStatus.pending.value,
        attempts=0,
    )
    insert(row)
    if chosen is MailBackend.mailbox:
        subject, body = compose(row)
        _log_account_mail(row, subject, body)
    else:
        on_commit(_dispatch_account_mail, row.id)
    return row


def _log_account_mail(row: AccountMail, subject: str, body: str) -> None:
    log.info("mail.account_message", to=row.to_address, purpose=row.purpose, subject=subject, body=body)
    row.status = MailStatus.logged.value
    row.attempts += 1
    row.sent_at = datetime.now(UTC)


def set_account_mail_dispatcher(app, dispatcher: Callable[[int], object]) -> None:
    app.extensions["guichet_account_mail_dispatcher"] = dispatcher


def _dispatch_account_mail(mail_id: int) -> None:
    dispatcher = current_app.extensions.get("guichet_account_mail_dispatcher")
    if dispatcher is None:
        log.warning("mail.account_no_dispatcher", mail_id=mail_id)
        return
    try:
        dispatcher(mail_id)
    except Exception:  # the queue is down: the row stays pending and the sweep re-sends it
        log.exception("mail.account_enqueue_failed", mail_id=mail_id)


def deliver_account_mail(mail_id: int, compose: Composer) -> AccountMail | None:
    """Compose and deliver one pending account message by SMTP, then commit (the job's work).

    On failure the link minted by ``compose`` is rolled back with the rest, the error and the
    attempt are committed, and the exception goes on for the job's retries.
    """
    row = repository.account_mail_for_update(mail_id)
    if row is None or row.status != MailStatus.pending:
        db.session.commit()
        return row
    subject, body = compose(row)
    if backend() is MailBackend.mailbox:
        _log_account_mail(row, subject, body)
        db.session.commit()
        return row
    try:
        extensions.mail.send(_smtp_message(row.to_address, subject, body))
    except Exception as exc:
        db.session.rollback()
        row = repository.account_mail_for_update(mail_id)
        assert row is not None, "the row read above, read again after the rollback"
        row.attempts += 1
        row.error = _error_text(exc)
        db.session.commit()
        raise
    row.attempts += 1
    _record_sent(row)
    return row


def mark_account_mail_failed(mail_id: int) -> None:
    _give_up(repository.account_mail_for_update(mail_id))


def account_mails_to_resend(older_than_seconds: int) -> list[int]:
    return repository.stale_pending_account_mails(datetime.now(UTC) - timedelta(seconds=older_than_seconds))


def public_url(endpoint: str, **values) -> str:
    """An absolute link built on ``PUBLIC_URL``: the same in a job as in a page."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


# --- the mailbox page -----------------------------------------------------------------------------


def mailbox(filters: MailboxFilters) -> Select:
    """The query of the mailbox page (rows, unordered: ``blueprints.listing.Listing`` sorts)."""
    return repository.mailbox(filters)


def mark_read(mail: OutgoingMail) -> None:
    """The first time a tenant admin opens a message of the mailbox."""
    if mail.read_at is None:
        mail.read_at = datetime.now(UTC)


# --- notification preferences ---------------------------------------------------------------------


def reminders_enabled(user_id: int) -> bool:
    """Whether reminders reach ``user_id`` by e-mail in the tenant in scope (no choice: yes)."""
    preference = repository.preference(user_id)
    return True if preference is None else bool(preference.reminders_enabled)


def set_reminders(actor: audit.Actor, user_id: int, enabled: bool) -> NotificationPreference:
    """Store the user's choice for the tenant in scope (kept even when it is the default)."""
    enabled = bool(enabled)
    statement = (
        pg_insert(NotificationPreference)
        .values(tenant_id=require_tenant_id(), user_id=user_id, reminders_enabled=enabled)
        .on_conflict_do_update(
            index_elements=["tenant_id", "user_id"],
            set_={"reminders_enabled": enabled, "updated_at": func.now()},
        )
        .returning(NotificationPreference)
    )
    preference = db.session.scalars(statement, execution_options={"populate_existing": True}).one()
    audit.record("mail.preference_updated", actor, "user", user_id, {"rappels_par_courriel": enabled})
    return preference


# --- the link that stops reminders ----------------------------------------------------------------


@dataclass(frozen=True)
class UnsubscribeClaim:
    tenant_id: int
    user_id: int


def _serializer(tenant_id: int) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"{_UNSUBSCRIBE_SALT}:{tenant_id}")


def unsubscribe_token(user_id: int) -> str:
    """A signed token naming the tenant in scope and ``user_id``, for the link of a reminder."""
    tenant_id = require_tenant_id()
    return _serializer(tenant_id).dumps({"t": tenant_id, "u": int(user_id)})


def read_unsubscribe_token(token: str, max_age: int = UNSUBSCRIBE_MAX_AGE) -> UnsubscribeClaim | None:
    """The tenant and user a token names, or None when it is forged, altered or expired.

    Needs no scope: the tenant comes from the token itself, and the signature, salted with that
    tenant id, proves it was issued for that tenant.
    """
    _, payload = _serializer(0).loads_unsafe(token or "")
    if not isinstance(payload, dict):
        return None
    tenant_id, user_id = payload.get("t"), payload.get("u")
    if not (isinstance(tenant_id, int) and isinstance(user_id, int)) or tenant_id <= 0:
        return None
    try:
        verified = _serializer(tenant_id).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired included
        return None
    if verified != payload:
        return None
    return UnsubscribeClaim(tenant_id, user_id)


def unsubscribe_url(user_id: int, tenant_slug: str) -> str:
    """The absolute link of the confirmation page, for the body of a reminder.

    Built on ``PUBLIC_URL`` (the address people reach the service at), so that a job, outside any
    request, writes the same link as a page would. ``tenant_slug`` is the slug of the tenant in scope.
    """
    return public_url(UNSUBSCRIBE_ENDPOINT, tenant_slug=tenant_slug, token=unsubscribe_token(user_id))
