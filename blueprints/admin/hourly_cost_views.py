"""Tenant admin console: the dated table of hourly costs used by the obligation formula."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.admin.views import bp
from blueprints.forms import FAILED, Form, status_of
from saas import formats
from saas.marches import api as marches
from tenants.web import request_actor


class HourlyCostForm(Form):
    valid_from = DateField(
        "Applicable à partir du",
        validators=[DataRequired("Indiquez la date à partir de laquelle ce coût s'applique.")],
    )
    amount = StringField(
        "Coût horaire (€)",
        validators=[DataRequired("Indiquez le coût horaire en euros.")],
        description="Par exemple 29,50 (revalorisation du SMIC chargé).",
    )
    note = StringField("Commentaire", validators=[Optional(), Length(max=200)])


@bp.route("/couts-horaires", methods=["GET", "POST"], endpoint="hourly_costs")
def hourly_costs():
    form = HourlyCostForm()
    cost = form.attempt_if_valid(
        lambda: marches.add_hourly_cost(
            request_actor(), form.valid_from.data, form.amount.data, form.note.data
        )
    )
    if cost is not FAILED:
        flash(
            f"Le coût horaire applicable à partir du {formats.date(cost.valid_from)} est enregistré.",
            "success",
        )
        return redirect(url_for("admin.hourly_costs"))
    status = status_of(form)
    return render_template("admin/hourly_costs.html", form=form, items=marches.hourly_costs()), status
