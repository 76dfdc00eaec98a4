"""Messages about a person's own account, and the one-time links some of them carry.

Rule (issue 9): a link that sets a password or unlocks an account reaches only the holder of the
e-mail address. It is minted when the message leaves (``compose``), goes out through the mail
service only (server log in the embedded default, SMTP otherwise), and is never returned to the
caller: an admin, an operator or a coordinator who invites someone gets nothing they could use.

Purposes:
- ``invitation``: the person has no password yet; the link lets them choose one;
- ``access_granted``: the person already has a password; a notice, no link;
- ``password_reset``: asked for on the login page; short validity;
- ``login_unlock``: sent when failed logins start to delay the account; clears the delay.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app

from saas.accounts.models import PasswordToken, User
from saas.accounts.repository import retire_tokens
from saas.db import db
from saas.mail import api as mail
from saas.mail.models import AccountMail
from saas.security import new_token

INVITATION, ACCESS_GRANTED = "invitation", "access_granted"
PASSWORD_RESET, LOGIN_UNLOCK = "password_reset", "login_unlock"

#: the page each link opens (blueprints/auth).
ENDPOINTS = {
    INVITATION: "auth.invitation",
    PASSWORD_RESET: "auth.reset_password",
    LOGIN_UNLOCK: "auth.unlock",
}
SIGNATURE = "\n\nL'équipe Guichet Clauses\n(message automatique, merci de ne pas y répondre)"


def validity(purpose: str) -> timedelta:
    config = current_app.config
    if purpose == PASSWORD_RESET:
        return timedelta(minutes=config["PASSWORD_RESET_VALIDITY_MINUTES"])
    if purpose == LOGIN_UNLOCK:
        return timedelta(minutes=config["LOGIN_UNLOCK_VALIDITY_MINUTES"])
    return timedelta(days=config["INVITATION_VALIDITY_DAYS"])


def _send(user: User, purpose: str, params: dict | None = None) -> AccountMail:
    return mail.send_account_mail(user.id, user.email, purpose, params or {}, compose)


def announce_access(user: User, space: str, role: str) -> AccountMail:
    """After a membership was added: a link to choose a password if the person has none yet,
    a notice otherwise. Nothing comes back to the inviter."""
    purpose = ACCESS_GRANTED if user.password_hash else INVITATION
    return _send(user, purpose, {"space": space, "role": role})


def send_password_reset(user: User) -> AccountMail:
    """A new reset link; the earlier unused ones stop working."""
    retire_tokens(user.id, [PASSWORD_RESET], datetime.now(UTC))
    return _send(user, PASSWORD_RESET)


def send_unlock(user: User) -> AccountMail:
    return _send(user, LOGIN_UNLOCK)


def _mint(user_id: int, purpose: str) -> str:
    """A one-time token; only its digest is stored."""
    token, digest = new_token()
    expires_at = datetime.now(UTC) + validity(purpose)
    db.session.add(PasswordToken(id=digest, user_id=user_id, purpose=purpose, expires_at=expires_at))
    db.session.flush()
    return mail.public_url(ENDPOINTS[purpose], token=token)


def _until(purpose: str) -> str:
    span = validity(purpose)
    if span >= timedelta(days=1):
        return f"{span.days} jours"
    return f"{int(span.total_seconds() // 60)} minutes"


def compose(row: AccountMail) -> tuple[str, str]:
    """Subject and body of an account message; mints the link it carries, if any."""
    space, role = row.params.get("space", ""), row.params.get("role", "")
    login_url = mail.public_url("auth.login")
    if row.purpose == ACCESS_GRANTED:
        return (
            f"Nouvel accès : {space}",
            f"Bonjour,\n\nVous avez désormais accès à « {space} » ({role}) sur Guichet Clauses.\n"
            f"Connectez-vous avec votre mot de passe habituel : {login_url}\n"
            f"Mot de passe oublié ? {mail.public_url('auth.forgot_password')}" + SIGNATURE,
        )
    link = _mint(row.to_user_id, row.purpose)
    if row.purpose == INVITATION:
        return (
            f"Votre accès à Guichet Clauses : {space}",
            f"Bonjour,\n\nUn accès à « {space} » ({role}) a été ouvert pour vous sur Guichet Clauses.\n"
            f"Pour choisir votre mot de passe, ouvrez ce lien (valable {_until(row.purpose)}, "
            f"utilisable une fois) :\n{link}\n\n"
            "Si vous n'attendiez pas ce message, ignorez-le." + SIGNATURE,
        )
    if row.purpose == PASSWORD_RESET:
        return (
            "Choisir un nouveau mot de passe",
            "Bonjour,\n\nUn nouveau mot de passe a été demandé pour votre compte Guichet Clauses.\n"
            f"Pour le choisir, ouvrez ce lien (valable {_until(row.purpose)}, utilisable une fois) :\n"
            f"{link}\n\nToutes vos sessions ouvertes seront fermées. Si vous n'avez rien demandé, "
            "ignorez ce message : votre mot de passe actuel reste valable." + SIGNATURE,
        )
    return (
        "Connexion ralentie : débloquer votre compte",
        "Bonjour,\n\nPlusieurs mots de passe erronés ont été saisis pour votre compte Guichet "
        "Clauses ; les nouvelles tentatives sont donc retardées.\n"
        f"Si c'était vous, ce lien lève le délai (valable {_until(row.purpose)}, utilisable une fois) :\n"
        f"{link}\n\nSi ce n'était pas vous, votre mot de passe n'a pas été trouvé ; vous pouvez "
        f"en choisir un nouveau : {mail.public_url('auth.forgot_password')}" + SIGNATURE,
    )


def deliver(mail_id: int) -> AccountMail | None:
    """The job's work: compose (minting the link) and deliver one pending account message."""
    return mail.deliver_account_mail(mail_id, compose)
