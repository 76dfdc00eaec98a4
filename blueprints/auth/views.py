"""Login (throttled), logout and the choice of space (tenant switcher). The pages of the links
sent by mail (invitation, password reset, unlock) are in ``blueprints.auth.link_views``."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import PasswordField
from wtforms.validators import DataRequired

from blueprints.auth import second_step
from blueprints.forms import Form, email_field
from saas import health
from saas.accounts import api as accounts
from saas.accounts import links, throttle
from saas.audit import api as audit
from saas.db import db
from tenants import api as tenants_api
from tenants.enums import WORKSPACE_ROLES, TenantRole
from tenants.web import request_actor

bp = Blueprint("auth", __name__)


class LoginForm(Form):
    email = email_field(required="Indiquez votre adresse électronique.")
    password = PasswordField("Mot de passe", validators=[DataRequired("Indiquez votre mot de passe.")])


def _login_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def login_actor() -> audit.Actor:
    return audit.Actor(
        email=_login_email() or None,
        ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle.login_wait(form.email.data, request.remote_addr)
        if wait is not None:
            return too_many_attempts(wait)
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            _login_failed(form)
        else:
            next_url = _safe_next(request.args.get("next"))
            return second_step.begin(user, next_url) or start_session(user, next_url)
    return render_template("auth/login.html", form=form), 200


def _login_failed(form: LoginForm) -> None:
    """Audit and count the failure; the first time the account is delayed, its holder gets an
    unlock link by mail (sent to the account's address only, whoever typed it)."""
    audit.record_now("login.failure", login_actor())
    if throttle.record_failure(form.email.data, request.remote_addr):
        user = accounts.user_by_email(form.email.data)
        if user is not None and user.active:
            links.send_unlock(user)
            db.session.commit()
    form.form_errors.append("Adresse électronique ou mot de passe incorrect.")


def start_session(user, next_url: str | None):
    """Open the server-side session of a user who passed every step of the login; their
    failures are forgotten only then."""
    throttle.clear(user.email)
    session.clear()  # a new session id at login: no fixation
    auth_session = accounts.open_session(
        user,
        current_app.config["PERMANENT_SESSION_LIFETIME"],
        request.remote_addr,
        request.headers.get("User-Agent"),
    )
    audit.record(
        "login.success",
        audit.Actor(user.id, user.email, request.remote_addr, request.headers.get("User-Agent")),
    )
    db.session.commit()
    user.auth_session = auth_session
    session.permanent = True
    login_user(user)
    return redirect(next_url or url_for("auth.home"))


def too_many_attempts(wait: throttle.Wait, action: str = "login.rate_limited"):
    """429 with ``Retry-After`` and a French page saying when to try again."""
    audit.record_now(action, login_actor(), details={"attente_secondes": wait.seconds, "motif": wait.reason})
    page = render_template("auth/throttled.html", wait=french_duration(wait.seconds), reason=wait.reason)
    return page, 429, {"Retry-After": str(wait.seconds)}


def french_duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    actor = request_actor()
    accounts.close_session(current_user)
    audit.record("logout", actor)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    spaces = tenants_api.spaces_for(current_user)
    if len(spaces) == 1:
        return redirect(_space_url(spaces[0]))
    return redirect(url_for("auth.spaces"))


def _space_url(space) -> str:
    """Facilitateurs and admins land on the workspace, donneurs d'ordre on their space, partners on
    their portal."""
    if space.kind == "territoire":
        if TenantRole(space.role) in WORKSPACE_ROLES:
            return url_for("guichet.dashboard", tenant_slug=space.slug)
        if TenantRole(space.role) is TenantRole.donneur_ordre:
            return url_for("acheteur.home", tenant_slug=space.slug)
        return url_for("portail.home", tenant_slug=space.slug)
    if space.kind == "departement":
        return url_for("departement.home", code=space.slug)
    return url_for("plateforme.tenants")


@bp.route("/espaces")
@login_required
def spaces():
    items = [(space, _space_url(space)) for space in tenants_api.spaces_for(current_user)]
    return render_template("auth/spaces.html", items=items)


@bp.route("/healthz")
def healthz():
    """For the load balancer: the database and Redis answer."""
    checks = health.check()
    healthy = all(value == "ok" for value in checks.values())
    return {"status": "ok" if healthy else "erreur", **checks}, 200 if healthy else 503
