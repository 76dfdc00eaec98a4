"""Login, logout, invitation links and the choice of space (tenant switcher)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from blueprints.forms import Form
from saas import health
from saas.accounts import api as accounts
from saas.audit import api as audit
from saas.db import db
from saas.errors import ValidationError
from saas.extensions import limiter
from tenants import api as tenants_api
from tenants.enums import WORKSPACE_ROLES, TenantRole
from tenants.web import request_actor

bp = Blueprint("auth", __name__)


class LoginForm(Form):
    email = EmailField(
        "Adresse électronique",
        validators=[
            DataRequired("Indiquez votre adresse électronique."),
            Email("Adresse électronique non valide."),
        ],
    )
    password = PasswordField("Mot de passe", validators=[DataRequired("Indiquez votre mot de passe.")])


class PasswordForm(Form):
    password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired("Choisissez un mot de passe."), Length(max=200)],
        description="Au moins 12 caractères, avec majuscules, minuscules et un chiffre ou un caractère spécial.",
    )
    confirmation = PasswordField(
        "Confirmation", validators=[DataRequired("Saisissez à nouveau le mot de passe.")]
    )


def _login_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _account_key() -> str:
    return "compte:" + _login_email()


def login_actor() -> audit.Actor:
    return audit.Actor(
        email=_login_email() or None,
        ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )


def _failed(response) -> bool:
    """Only failed attempts count toward the limits: a success redirects."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed,
    scope="login-ip",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-account",
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            audit.record_now("login.failure", login_actor())
            form.form_errors.append("Adresse électronique ou mot de passe incorrect.")
        else:
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
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
    return render_template("auth/login.html", form=form), 200


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
    """Facilitateurs and admins land on the workspace; partners and donneurs d'ordre on their portal."""
    if space.kind == "territoire":
        if TenantRole(space.role) in WORKSPACE_ROLES:
            return url_for("guichet.dashboard", tenant_slug=space.slug)
        return url_for("portail.home", tenant_slug=space.slug)
    if space.kind == "departement":
        return url_for("departement.home", code=space.slug)
    return url_for("plateforme.tenants")


@bp.route("/espaces")
@login_required
def spaces():
    items = [(space, _space_url(space)) for space in tenants_api.spaces_for(current_user)]
    return render_template("auth/spaces.html", items=items)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    link = accounts.usable_password_token(token)
    if link is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.set_password_with_token(token, form.password.data, form.confirmation.data)
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            audit.record(
                "password.set",
                audit.Actor(user.id, user.email, request.remote_addr, request.headers.get("User-Agent")),
            )
            db.session.commit()
            flash("Votre mot de passe est enregistré. Vous pouvez vous connecter.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/invitation.html", form=form, user=link.user)


@bp.route("/healthz")
def healthz():
    """For the load balancer: the database and Redis answer."""
    checks = health.check()
    healthy = all(value == "ok" for value in checks.values())
    return {"status": "ok" if healthy else "erreur", **checks}, 200 if healthy else 503
