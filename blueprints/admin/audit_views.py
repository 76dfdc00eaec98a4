"""Tenant admin console: the audit log with filters, and its export as a background run."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.forms import AuditFilterForm
from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.listing import page_asked
from saas.audit import api as audit_api
from saas.db import db
from saas.jobs import api as runs


def audit_filters(form: AuditFilterForm, platform: bool = False) -> audit_api.AuditFilters:
    form.action.choices = select_choices(
        [("", "Toutes")] + [(a, audit_api.action_label(a)) for a in audit_api.known_actions(platform)]
    )
    if not form.validate():
        return audit_api.AuditFilters()
    return audit_api.AuditFilters(
        action=form.action.data or None,
        actor=(form.actor.data or "").strip() or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


@bp.route("/journal")
def audit():
    form = AuditFilterForm(request.args)
    filters = audit_filters(form)
    pagination = audit_api.search(filters, page_asked())
    return render_template(
        "admin/audit.html",
        form=form,
        pagination=pagination,
        filters=filters,
        action_label=audit_api.action_label,
        export_url=url_for("admin.audit_export"),
        page_url=lambda p: url_for(
            "admin.audit", page=p, **{k: v for k, v in filters.as_params().items() if v}
        ),
        reset_url=url_for("admin.audit"),
    )


@bp.route("/journal/export", methods=["POST"])
def audit_export():
    fmt = request.form.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        abort(400)
    form = AuditFilterForm(request.form)
    filters = audit_filters(form)
    run = runs.request_run("audit_export", {"fmt": fmt, "filters": filters.as_params()}, current_user.id)
    db.session.commit()
    flash("L'export est lancé ; le fichier sera disponible sur cette page.", "info")
    return redirect(url_for("guichet.run_detail", run_id=run.id))
