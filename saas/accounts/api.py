"""Accounts: authentication, server-side sessions, invitations and password links.

Permission rules live with the memberships (``saas.accounts.memberships``); this module only knows
who a person is and whether their session is alive.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta

from saas import cleaning
from saas.accounts import repository
from saas.accounts.models import AuthSession, PasswordToken, User
from saas.db import db, insert
from saas.errors import ValidationError
from saas.security import (
    hash_password,
    needs_rehash,
    new_token,
    password_problem,
    token_digest,
    verify_password,
)

SESSION_IDLE = timedelta(hours=2)


def _now() -> datetime:
    return datetime.now(UTC)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same cost either way)."""
    user = repository.user_by_email(email)
    if user is None or not user.active:
        verify_password(None, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if user.password_hash and needs_rehash(user.password_hash):  # it verified: there is a hash
        user.password_hash = hash_password(password)
    return user


def open_session(
    user: User, lifetime: timedelta, ip_address: str | None, user_agent: str | None
) -> AuthSession:
    token, digest = new_token()
    now = _now()
    session = AuthSession(
        id=digest,
        user_id=user.id,
        expires_at=now + lifetime,
        last_seen_at=now,
        ip_address=ip_address,
        user_agent=(user_agent or "")[:300] or None,
        user_agent_digest=token_digest(user_agent or ""),
    )
    db.session.add(session)
    user.last_login_at = now
    session.token = token
    user.auth_session = session
    return session


def resume_session(token: str, user_agent: str | None) -> User | None:
    """The user behind a session cookie, if the session is neither revoked, expired nor idle,
    and the request comes from the browser that logged in (same User-Agent); a cookie replayed
    from another browser revokes the session."""
    now = _now()
    session = repository.live_session(token_digest(token), now)
    if session is None or not session.user.active:
        return None
    if session.last_seen_at < now - SESSION_IDLE or not _same_browser(session, user_agent):
        session.revoked_at = now
        db.session.commit()
        return None
    if session.last_seen_at < now - timedelta(minutes=1):
        session.last_seen_at = now
        db.session.commit()
    session.token = token
    user = session.user
    user.auth_session = session
    return user


def _same_browser(session: AuthSession, user_agent: str | None) -> bool:
    return hmac.compare_digest(session.user_agent_digest or "", token_digest(user_agent or ""))


def close_session(user: User) -> None:
    if user.auth_session is not None:
        live = db.session.get(AuthSession, user.auth_session.id)
        if live is not None and live.revoked_at is None:
            live.revoked_at = _now()


def revoke_all_sessions(user_id: int) -> int:
    return repository.revoke_sessions(user_id, _now())


def find_or_create_user(email: str, display_name: str) -> tuple[User, bool]:
    email = cleaning.stripped(email)
    user = repository.user_by_email(email)
    if user is not None:
        return user, False
    user = User(email=email, display_name=cleaning.stripped(display_name))
    insert(user)
    return user, True


#: the links that let a person choose a password: using one retires the others.
PASSWORD_PURPOSES = ["invitation", "password_reset"]


def usable_password_token(token: str, purposes: list[str] | None = None) -> PasswordToken | None:
    """The link behind ``token`` if it is unused, unexpired, of one of ``purposes`` (by default
    the password links) and its account active."""
    link = repository.password_token(token_digest(token))
    if (
        link is None
        or link.purpose not in (purposes or PASSWORD_PURPOSES)
        or link.used_at is not None
        or link.expires_at <= _now()
        or not link.user.active
    ):
        return None
    return link


def set_password_with_token(token: str, password: str, confirmation: str) -> User:
    """Choose a password with an invitation or reset link: single use, every other such link of
    the person stops working, and every session of theirs is closed."""
    link = usable_password_token(token)
    if link is None:
        raise ValidationError("token", "Ce lien n'est plus valable. Demandez un nouveau lien.")
    if password != confirmation:
        raise ValidationError("confirmation", "Les deux mots de passe ne sont pas identiques.")
    problem = password_problem(password)
    if problem:
        raise ValidationError("password", problem)
    now = _now()
    link.used_at = now
    repository.retire_tokens(link.user_id, PASSWORD_PURPOSES, now)
    link.user.password_hash = hash_password(password)
    revoke_all_sessions(link.user_id)
    return link.user


def use_unlock_token(token: str) -> User | None:
    """The account an unlock link names, the link now used; None if it is not usable."""
    link = usable_password_token(token, ["login_unlock"])
    if link is None:
        return None
    link.used_at = _now()
    return link.user


def set_password(user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise ValidationError("password", problem)
    user.password_hash = hash_password(password)


def acting_for_run(user_id: int, run_id: int) -> User | None:
    """The active user on whose behalf a run replays one of their requests (a large export),
    authenticated by the run they asked for rather than by a browser: a session of the run, never
    stored, that only the worker holds. None when the account is gone or deactivated."""
    user = repository.user_by_id(user_id)
    if user is None or not user.active:
        return None
    user.auth_session = AuthSession(id=f"run-{run_id}", user_id=user.id, user_agent="run")
    return user


get_user = repository.user_by_id
user_by_email = repository.user_by_email
