"""Flask-Login wiring: the cookie carries a server-side session token, checked on every request."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import AnonymousUserMixin

from saas.accounts import api as accounts
from saas.db import db
from saas.extensions import login_manager
from tenants import context
from tenants.orm import apply_scope


class Anonymous(AnonymousUserMixin):
    display_name = ""
    email = ""
    is_operator = False


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" protection does nothing for permanent sessions (ours): the server-side
    # session is bound to the browser instead (``accounts.resume_session``).
    login_manager.session_protection = None
    login_manager.anonymous_user = Anonymous

    @login_manager.user_loader
    def load_user(token: str):
        user = accounts.resume_session(token, request.headers.get("User-Agent"))
        if user is not None:
            context.update(user_id=user.id)
            apply_scope(db.session)
        return user

    @app.before_request
    def _empty_scope():
        """Every request starts with no scope at all (fail closed), but its user's: a request that
        an export run replays (``workers/jobs/list_export.py``) carries its user from the start."""
        context.reset()
        g.tenant = None
        g.membership = None
        replayed = g.get("_login_user")
        if replayed is not None and g.get("replayed"):
            context.update(user_id=replayed.id)
            apply_scope(db.session)

    @app.teardown_request
    def _clear_scope(exc=None):
        context.reset()
