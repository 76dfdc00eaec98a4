"""Between the password and the session: the pending state of a login that needs a second factor.

No server-side session (``AuthSession``) exists and Flask-Login knows nobody until the second
factor is passed: the only trace of the password step is a short-lived entry in the signed session
cookie naming the user, the stage (``verify``, ``enrol`` or ``codes``), the page to go to after, an
expiry and a fingerprint of the password hash (a password changed meanwhile voids it). A request to
a second-step page without that entry gets the login page.
"""

from __future__ import annotations

import time

from flask import redirect, session, url_for
from flask_login import current_user

from saas.accounts import api as accounts
from saas.accounts import mfa
from saas.accounts.models import User
from saas.db import db
from saas.security import token_digest
from tenants.mfa_policy import mfa_required

PENDING_KEY = "mfa_pending"
#: seconds between the password step and the code; enrolment (install an app, scan) gets longer.
PENDING_SECONDS = {"verify": 5 * 60, "enrol": 15 * 60, "codes": 15 * 60}
NEXT_STAGE_URL = {"verify": "auth.mfa_verify", "enrol": "auth.mfa_enrol", "codes": "auth.mfa_enrol"}


def _fingerprint(user: User) -> str:
    return token_digest(f"{user.id}:{user.password_hash or ''}")[:32]


def begin(user: User, next_url: str | None):
    """After a right password: None when no second factor applies, else the redirect to it."""
    if mfa.is_enabled(user):
        stage = "verify"
    elif mfa_required(user):
        stage = "enrol"
    else:
        return None
    db.session.commit()  # what the password step wrote (a rehash), nothing else
    session.clear()
    set_stage(user, stage, next_url)
    return redirect(url_for(NEXT_STAGE_URL[stage]))


def set_stage(user: User, stage: str, next_url: str | None) -> None:
    session[PENDING_KEY] = {
        "user_id": user.id,
        "stage": stage,
        "next": next_url,
        "until": int(time.time()) + PENDING_SECONDS[stage],
        "fingerprint": _fingerprint(user),
    }


def pending(*stages: str) -> tuple[User, dict] | None:
    """The user waiting at one of ``stages`` and the pending state, or None (expired, forged...)."""
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict) or state.get("stage") not in stages:
        return None
    if int(state.get("until") or 0) < time.time():
        session.pop(PENDING_KEY, None)
        return None
    user = accounts.get_user(int(state["user_id"]))
    if user is None or not user.active or state.get("fingerprint") != _fingerprint(user):
        return None
    return user, state


def limited_user() -> User | None:
    """Whose codes a request checks: the user logged in, or the one waiting at the second step."""
    if current_user.is_authenticated:
        return current_user
    found = pending("verify", "enrol", "codes")
    return found[0] if found else None


def account_key() -> str:
    """Rate-limit key of code checks: the account, whatever the address or browser."""
    if current_user.is_authenticated:
        return f"compte:{current_user.id}"
    state = session.get(PENDING_KEY)
    user_id = state.get("user_id") if isinstance(state, dict) else None
    return f"compte:{user_id or 'aucun'}"


def finish() -> None:
    session.pop(PENDING_KEY, None)
