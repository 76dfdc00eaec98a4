"""The second step of the login: a code (or a recovery code), or the enrolment a role requires.

Every page here works on the pending state of ``second_step`` only; without it they send back to
the login page, so skipping the password step gives nothing. Wrong codes count against the account
(``MFA_LIMIT_PER_ACCOUNT``), whatever the address or browser they come from.
"""

from __future__ import annotations

import time

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from blueprints.auth import second_step
from blueprints.auth.views import bp, start_session
from blueprints.forms import FAILED, Form
from saas.accounts import mfa
from saas.audit import api as audit
from saas.db import db
from saas.extensions import limiter


class CodeForm(Form):
    code = StringField(
        "Code de vérification",
        validators=[DataRequired("Saisissez le code."), Length(max=20, message="Ce code est trop long.")],
        description="Les six chiffres affichés par votre application, ou l'un de vos codes de secours.",
    )


class EnrolForm(Form):
    code = StringField(
        "Code affiché par l'application",
        validators=[DataRequired("Saisissez le code."), Length(max=20, message="Ce code est trop long.")],
        description="Six chiffres, qui changent toutes les 30 secondes.",
    )


class ContinueForm(Form):
    pass


def _failed(response) -> bool:
    """A wrong or missing code answers 400 (the form with its error); a success 200 or 302."""
    return response.status_code not in (200, 302)


def _actor(user) -> audit.Actor:
    return audit.Actor(user.id, user.email, request.remote_addr, request.headers.get("User-Agent"))


def _breach(limit) -> Response:
    user = second_step.limited_user()
    if user is not None:
        audit.record_now("mfa.rate_limited", _actor(user), target_type="user", target_id=user.id)
    wait = max(1, int(limit.reset_at - time.time()))
    response = Response(render_template("auth/mfa_blocked.html", minutes=-(-wait // 60)), status=429)
    response.headers["Retry-After"] = str(wait)
    return response


def code_limit():
    """Per account, counted on wrong codes only; shared by the login step and the account pages."""
    return limiter.limit(
        lambda: current_app.config["MFA_LIMIT_PER_ACCOUNT"],
        key_func=second_step.account_key,
        methods=["POST"],
        deduct_when=_failed,
        on_breach=_breach,
        scope="mfa-account",
    )


def _back_to_login():
    flash("Votre connexion a expiré ou n'a pas commencé : saisissez à nouveau votre mot de passe.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/connexion/verification", methods=["GET", "POST"])
@code_limit()
def mfa_verify():
    pending = second_step.pending("verify")
    if pending is None:
        return _back_to_login()
    user, state = pending
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/mfa_verify.html", form=form), 400 if form.is_submitted() else 200
    used = mfa.verify(user, form.code.data)
    if used is None:
        db.session.rollback()
        mfa.audit_failure(_actor(user), user)
        form.code.errors = [mfa.WRONG_CODE]
        return render_template("auth/mfa_verify.html", form=form), 400
    if used == "recovery":
        audit.record("mfa.recovery_code_used", _actor(user), "user", user.id, tenant_id=None)
    response = start_session(user, state.get("next"))  # clears the cookie session: flash after
    if used == "recovery":
        flash(
            f"Vous vous êtes connecté avec un code de secours ; il en reste "
            f"{mfa.remaining_recovery_codes(user)}. Pensez à en générer de nouveaux.",
            "info",
        )
    return response


@bp.route("/connexion/activation", methods=["GET", "POST"])
@code_limit()
def mfa_enrol():
    pending = second_step.pending("enrol", "codes")
    if pending is None:
        return _back_to_login()
    user, state = pending
    if state["stage"] == "codes":  # enrolled already (a reload): the codes are not shown again
        return render_template("auth/mfa_codes.html", codes=None, form=ContinueForm(), login_step=True)
    secret = mfa.start_enrolment(user)
    db.session.commit()
    form = EnrolForm()
    if form.validate_on_submit():
        codes = form.attempt(lambda: mfa.confirm_enrolment(_actor(user), user, form.code.data))
        if codes is not FAILED:
            second_step.set_stage(user, "codes", state.get("next"))
            return render_template("auth/mfa_codes.html", codes=codes, form=ContinueForm(), login_step=True)
        mfa.audit_failure(_actor(user), user)
    return render_template(
        "auth/mfa_enrol.html", form=form, secret=secret, qr_url=url_for("auth.mfa_enrol_qr")
    ), 400 if form.errors else 200


@bp.route("/connexion/activation/qr.svg")
def mfa_enrol_qr():
    pending = second_step.pending("enrol")
    if pending is None:
        return Response(status=404)
    user, _ = pending
    device = mfa.device_of(user)
    if device is None or device.confirmed_at is not None:
        return Response(status=404)
    return qr_response(mfa.provisioning_uri(user, device.secret))


def qr_response(uri: str) -> Response:
    response = Response(mfa.qr_svg(uri), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/connexion/activation/terminer", methods=["POST"])
def mfa_enrol_done():
    pending = second_step.pending("codes")
    if pending is None or not ContinueForm().validate_on_submit():
        return _back_to_login()
    user, state = pending
    return start_session(user, state.get("next"))
