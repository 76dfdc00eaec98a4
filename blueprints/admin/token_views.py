"""Tenant admin console: tokens of the JSON API (created, shown once, revoked)."""

from __future__ import annotations

from datetime import datetime, time

from flask import flash, redirect, render_template, url_for

from blueprints.admin.organisation_forms import ApiTokenForm
from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FAILED, status_of
from blueprints.ui import int_arg
from saas.accounts import tokens as token_admin
from saas.clock import PARIS
from saas.db import db
from saas.partenaires import api as partenaires
from tenants import tokens
from tenants.models import ApiToken
from tenants.web import load_scoped, request_actor


def _end_of_day(day) -> datetime | None:
    """A token "expiring on" a day is valid until the end of that day, in Paris."""
    return datetime.combine(day, time.max, tzinfo=PARIS) if day else None


def _form(**kwargs) -> ApiTokenForm:
    form = ApiTokenForm(**kwargs)
    partners = [o for o in partenaires.list_all() if o.kind != "donneur_ordre" and o.active]
    form.organisation_id.choices = select_choices(
        [("", "— aucune —"), *((str(o.id), o.name) for o in partners)]
    )
    return form


@bp.route("/jetons-api", methods=["GET", "POST"])
def api_tokens():
    form = _form()
    clear_token = None
    created = form.attempt_if_valid(
        lambda: token_admin.create_token(
            request_actor(), form.name.data, form.role.data, _end_of_day(form.expires_on.data),
            int_arg(form.organisation_id.data),
        ),
        rename={"expires_at": "expires_on"},
    )  # fmt: skip
    if created is not FAILED:
        _token, clear_token = created
        form = _form(formdata=None)
    status = status_of(form)
    return (
        render_template(
            "admin/api_tokens.html",
            form=form,
            clear_token=clear_token,
            items=tokens.list_tokens(),
            state=tokens.state,
            state_labels=tokens.STATE_LABELS,
            role_labels=tokens.ROLE_LABELS,
            openapi_url=url_for("api-docs.openapi_json"),
        ),
        status,
        {"Cache-Control": "no-store"},
    )


@bp.route("/jetons-api/<int:token_id>/revoquer", methods=["POST"])
def api_token_revoke(token_id: int):
    token = load_scoped(ApiToken, token_id)
    token_admin.revoke_token(request_actor(), token)
    db.session.commit()
    flash(f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.", "success")
    return redirect(url_for("admin.api_tokens"))
