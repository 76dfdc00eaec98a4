"""The page a reminder links to: stop reminders by e-mail without logging in.

The signed token of the link names the tenant and the user; the page takes the tenant scope from
the token itself (never from the session), and answers 404 to a forged, altered or expired token,
or to a token of another tenant than the one of the URL. A GET only asks for confirmation (mail
scanners follow links); the POST stores the preference.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from blueprints.forms import FAILED, Form
from saas.audit import api as audit
from saas.db import db
from saas.mail import api as mail
from tenants import api as tenants_api
from tenants import context
from tenants.orm import apply_scope

public_bp = Blueprint("notifications", __name__)


class StopRemindersForm(Form):
    pass


@public_bp.route("/t/<tenant_slug>/notifications/arret/<token>", methods=["GET", "POST"])
def unsubscribe(tenant_slug: str, token: str):
    claim = mail.read_unsubscribe_token(token)
    if claim is None:
        abort(404)
    tenant = tenants_api.tenant_by_id(claim.tenant_id)
    if tenant is None or not tenant.active or tenant.slug != tenant_slug:
        abort(404)
    form = StopRemindersForm()
    actor = audit.Actor(
        user_id=claim.user_id, ip_address=request.remote_addr, user_agent=request.headers.get("User-Agent")
    )
    with context.scoped(claim.tenant_id):
        apply_scope(db.session)
        stopped = False
        if form.validate_on_submit():
            stopped = form.attempt(lambda: mail.set_reminders(actor, claim.user_id, False)) is not FAILED
        enabled = mail.reminders_enabled(claim.user_id)
        db.session.rollback()  # nothing else to write; ends the transaction while in scope
    status = 400 if request.method == "POST" and not stopped else 200
    return render_template(
        "compte/unsubscribe.html", form=form, tenant=tenant, enabled=enabled, stopped=stopped
    ), status
