"""Tenant admin console: partner organisations (needed to bind partner and buyer users)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from blueprints.admin.forms import OrganisationForm
from blueprints.admin.views import bp
from saas.db import db
from saas.errors import ValidationError
from saas.partenaires import api as partenaires
from tenants.web import request_actor


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            partenaires.create(
                request_actor(),
                form.name.data,
                form.kind.data,
                form.siret.data,
                form.prescriber_kind.data or None,
            )
        except ValidationError as error:
            db.session.rollback()
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash("L'organisation est enregistrée.", "success")
            return redirect(url_for("admin.organisations"))
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template("admin/organisations.html", form=form, items=partenaires.list_all()), status
