"""The member's own account in a tenant, for every role: their notification preferences."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import BooleanField

from blueprints.forms import FAILED, Form, status_of
from saas.mail import api as mail
from tenants.enums import TenantRole
from tenants.web import request_actor, tenant_blueprint

#: every member of the tenant, whatever their role, manages their own preferences.
ALL_ROLES = frozenset(TenantRole)

bp = tenant_blueprint("compte", __name__, ALL_ROLES, url_prefix="/compte")


class NotificationsForm(Form):
    reminders = BooleanField(
        "Recevoir les relances par courriel",
        description="Échéances de livrables, réunions à préparer, renouvellements de conventions…",
    )


@bp.route("/notifications", methods=["GET", "POST"])
def notifications():
    enabled = mail.reminders_enabled(current_user.id)
    form = NotificationsForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.reminders.data = enabled
    if form.validate_on_submit():
        wanted = bool(form.reminders.data)
        done = form.attempt(lambda: mail.set_reminders(request_actor(), current_user.id, wanted))
        if done is not FAILED:
            flash(
                "Vous recevrez les relances par courriel."
                if wanted
                else "Vous ne recevrez plus les relances par courriel.",
                "success",
            )
            return redirect(url_for("compte.notifications"))
    status = status_of(form)
    return render_template("compte/notifications.html", form=form, enabled=enabled), status
