"""The security of one's own account, for every person logged in (tenant member, coordinator,
operator): turn the second factor on, get new recovery codes, turn it off when no role requires it.

Not under a tenant: the second factor belongs to the person, for every space they enter. Every code
checked here counts against the same per-account limit as the login step.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from blueprints.auth.mfa_views import ContinueForm, EnrolForm, code_limit, qr_response
from blueprints.forms import FAILED, Form
from saas.accounts import mfa
from saas.db import db
from tenants.mfa_policy import mfa_required
from tenants.web import request_actor

security_bp = Blueprint("securite", __name__, url_prefix="/compte/securite")


class RegenerateForm(Form):
    code = StringField(
        "Code affiché par l'application",
        validators=[DataRequired("Saisissez le code."), Length(max=20, message="Ce code est trop long.")],
    )


class DisableForm(Form):
    proof = PasswordField(
        "Mot de passe ou code",
        validators=[DataRequired("Saisissez votre mot de passe ou un code."), Length(max=200)],
        description="Votre mot de passe, ou un code de l'application, ou un code de secours.",
    )


@security_bp.before_request
@login_required
def _logged_in():
    return None


def _page(status: int = 200, **forms):
    enabled = mfa.is_enabled(current_user)
    context = {
        "enabled": enabled,
        "required": mfa_required(current_user),
        "remaining": mfa.remaining_recovery_codes(current_user) if enabled else 0,
        "regenerate_form": forms.get("regenerate_form") or RegenerateForm(formdata=None),
        "disable_form": forms.get("disable_form") or DisableForm(formdata=None),
    }
    return render_template("compte/security.html", **context), status


@security_bp.route("")
def index():
    return _page()


@security_bp.route("/activer", methods=["GET", "POST"])
@code_limit()
def enrol():
    if mfa.is_enabled(current_user):
        return redirect(url_for("securite.index"))
    secret = mfa.start_enrolment(current_user)
    db.session.commit()  # the pending secret stays until confirmed
    form = EnrolForm()
    codes = form.attempt_if_valid(
        lambda: mfa.confirm_enrolment(request_actor(), current_user, form.code.data)
    )
    if codes is not FAILED:
        flash("La double authentification est activée.", "success")
        return render_template("auth/mfa_codes.html", codes=codes, form=ContinueForm(), login_step=False)
    page = render_template("auth/mfa_enrol.html", form=form, secret=secret, qr_url=url_for("securite.qr"))
    return page, 400 if form.errors else 200


@security_bp.route("/activer/qr.svg")
def qr():
    device = mfa.device_of(current_user)
    if device is None or device.confirmed_at is not None:
        return "", 404
    return qr_response(mfa.provisioning_uri(current_user, device.secret))


@security_bp.route("/codes", methods=["POST"])
@code_limit()
def regenerate():
    form = RegenerateForm()
    codes = form.attempt_if_valid(
        lambda: mfa.regenerate_recovery_codes(request_actor(), current_user, form.code.data)
    )
    if codes is not FAILED:
        return render_template("auth/mfa_codes.html", codes=codes, form=ContinueForm(), login_step=False)
    return _page(400, regenerate_form=form)


@security_bp.route("/desactiver", methods=["POST"])
@code_limit()
def disable():
    form = DisableForm()
    done = form.attempt_if_valid(
        lambda: mfa.disable(request_actor(), current_user, form.proof.data, mfa_required(current_user))
    )
    if done is not FAILED:
        flash("La double authentification est désactivée.", "success")
        return redirect(url_for("securite.index"))
    return _page(400, disable_form=form)
