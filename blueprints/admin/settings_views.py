"""Tenant admin console: the tenant's settings (name, theme, communes covered, second factor)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from blueprints.admin.forms import SettingsForm
from blueprints.admin.views import bp
from blueprints.forms import FAILED, status_of
from saas.accounts import memberships
from tenants.web import request_actor


@bp.route("/parametres", methods=["GET", "POST"])
def settings():
    tenant = g.tenant
    form = SettingsForm(
        name=tenant.name,
        display_name=tenant.theme_display_name,
        colour=tenant.theme_colour,
        communes="\n".join(tenant.communes_insee),
        mfa_required=tenant.mfa_required,
    )
    if form.validate_on_submit():
        upload = form.logo.data
        logo = (upload.read(), upload.mimetype) if upload and upload.filename else None
        saved = form.attempt(
            lambda: memberships.update_settings(
                request_actor(),
                tenant,
                **form.values("name", "display_name", "colour", "remove_logo"),
                communes=form.communes.data or "",
                logo=logo,
                mfa_required=bool(form.mfa_required.data),
            )
        )
        if saved is not FAILED:
            flash("Les paramètres du territoire sont enregistrés.", "success")
            return redirect(url_for("admin.settings"))
    status = status_of(form)
    return render_template("admin/settings.html", form=form, tenant=tenant), status
