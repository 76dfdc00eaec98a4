"""The federation console of a Département. It reads only what territories pushed to it (nothing
yet): it never queries territory tables."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user

from tenants import api as tenants_api
from tenants.web import refuse

bp = Blueprint("departement", __name__, url_prefix="/departements/<code>")


@bp.url_value_preprocessor
def _pop_code(endpoint, values):
    g.federation_code = values.pop("code", None) if values else None


@bp.url_defaults
def _add_code(endpoint, values):
    if "code" not in values and getattr(g, "federation_code", None):
        values["code"] = g.federation_code


@bp.before_request
def _coordinator_only():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    federation = tenants_api.federation_by_code(g.federation_code or "")
    if federation is None or tenants_api.federation_membership(federation.id, current_user.id) is None:
        refuse("console du Département réservée à ses coordinateurs", departement=g.federation_code)
    tenants_api.enter_federation(federation.id, current_user.id)
    g.federation = federation
    return None


@bp.route("/")
def home():
    return render_template("departement/home.html", federation=g.federation, members=g.federation.tenants)
