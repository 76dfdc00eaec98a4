"""The pages of the links sent by mail: choose a password (invitation or reset), ask for a reset
("Mot de passe oublié ?"), lift the login delay. Each link is single-use; a GET only shows a form,
so that a mail scanner opening the link does not spend it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from blueprints.auth.views import bp, login_actor, too_many_attempts
from blueprints.forms import FAILED, Form, email_field, status_of
from saas.accounts import api as accounts
from saas.accounts import links, throttle
from saas.audit import api as audit
from saas.db import db


class PasswordForm(Form):
    password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired("Choisissez un mot de passe."), Length(max=200)],
        description="Au moins 12 caractères, avec majuscules, minuscules et un chiffre ou un caractère "
        "spécial ; pas un mot de passe courant.",
    )
    confirmation = PasswordField(
        "Confirmation", validators=[DataRequired("Saisissez à nouveau le mot de passe.")]
    )


class ForgotForm(Form):
    email = email_field(required="Indiquez votre adresse électronique.", max_length=254)


class ConfirmForm(Form):
    """A button only: the CSRF token is the content."""


def _actor(user) -> audit.Actor:
    return audit.Actor(user.id, user.email, request.remote_addr, request.headers.get("User-Agent"))


def _set_password(token: str, form: PasswordForm, action: str):
    user = accounts.set_password_with_token(token, form.password.data, form.confirmation.data)
    audit.record(action, _actor(user))
    return user


def _choose_password(token: str, purpose: str, action: str, template: str):
    link = accounts.usable_password_token(token, [purpose])
    if link is None:
        return render_template("auth/invitation_invalid.html", purpose=purpose), 404
    form = PasswordForm()
    user = form.attempt_if_valid(lambda: _set_password(token, form, action))
    if user is not FAILED:
        throttle.clear(user.email, request.remote_addr)  # the holder may log in at once
        flash("Votre mot de passe est enregistré. Vous pouvez vous connecter.", "success")
        return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=link.user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    return _choose_password(token, links.INVITATION, "password.set", "auth/invitation.html")


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, links.PASSWORD_RESET, "password.reset", "auth/reset_password.html")


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password():
    """The same answer whether an account has this address or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        wait = throttle.reset_wait(email, request.remote_addr)
        if wait:
            return too_many_attempts(throttle.Wait(wait, "reset"), "password.reset_limited")
        user = accounts.user_by_email(email)
        if user is not None and user.active:
            links.send_password_reset(user)
        audit.record("password.reset_requested", login_actor(), details={"adresse": email})
        db.session.commit()
        return render_template("auth/forgot_sent.html", email=email)
    status = status_of(form)
    return render_template("auth/forgot.html", form=form), status


@bp.route("/connexion/deblocage/<token>", methods=["GET", "POST"])
def unlock(token: str):
    if accounts.usable_password_token(token, [links.LOGIN_UNLOCK]) is None:
        return render_template("auth/invitation_invalid.html", purpose=links.LOGIN_UNLOCK), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        user = accounts.use_unlock_token(token)
        audit.record("login.unlocked", _actor(user))
        db.session.commit()
        throttle.clear(user.email, request.remote_addr)
        flash("Le délai est levé : vous pouvez vous connecter dès maintenant.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/unlock.html", form=form)
