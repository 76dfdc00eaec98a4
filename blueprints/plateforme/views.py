"""The operator console: tenants, federations and who administers them. No tenant data here."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.audit_views import audit_filters
from blueprints.admin.forms import AuditFilterForm
from blueprints.admin.views import invitation_sent
from blueprints.choices import select_choices
from blueprints.forms import FAILED, status_of
from blueprints.listing import page_asked
from blueprints.plateforme.forms import (
    CoordinatorForm,
    FederationEditForm,
    FederationForm,
    TenantCreateForm,
    TenantEditForm,
)
from blueprints.views_common import submitted
from saas.accounts import memberships
from saas.audit import api as audit_api
from saas.db import db
from tenants import api as tenants_api
from tenants.enums import TenantRole
from tenants.web import refuse, request_actor

bp = Blueprint("plateforme", __name__, url_prefix="/plateforme")


@bp.before_request
def _operator_only():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not current_user.is_operator:
        refuse("console de la plateforme réservée à l'opérateur")
    tenants_api.enter_platform(current_user.id)
    return None


def _create_tenant(form: TenantCreateForm):
    """The tenant of the form, entered, with its first administrator invited."""
    tenant = memberships.create_tenant(
        request_actor(),
        form.slug.data,
        form.name.data,
        form.kind.data,
        form.siren.data,
        form.communes.data or "",
    )
    tenants_api.enter_tenant(tenant.id, current_user.id)
    memberships.invite_member(
        request_actor(), form.admin_email.data, form.admin_name.data, TenantRole.tenant_admin.value
    )
    return tenant


@bp.route("/", methods=["GET", "POST"])
@bp.route("/territoires", methods=["GET", "POST"], endpoint="tenants")
def tenants():
    form = TenantCreateForm()
    tenant = form.attempt_if_valid(lambda: _create_tenant(form))
    if tenant is not FAILED:
        flash(f"Le territoire « {tenant.name} » est créé.", "success")
        flash(invitation_sent(form.admin_email.data), "info")
        return redirect(url_for("plateforme.tenant", tenant_id=tenant.id))
    status = status_of(form)
    return render_template("plateforme/tenants.html", form=form, items=tenants_api.all_tenants()), status


@bp.route("/territoires/<int:tenant_id>", methods=["GET", "POST"])
def tenant(tenant_id: int):
    item = tenants_api.tenant_by_id(tenant_id) or abort(404)
    form = TenantEditForm(  # name, kind, siren and active as they are
        obj=item, communes=" ".join(item.communes_insee), federation_ids=[f.id for f in item.federations]
    )
    form.federation_ids.choices = select_choices(
        [(f.id, f"{f.code} — {f.name}") for f in tenants_api.all_federations()]
    )
    saved = submitted(
        form,
        lambda: memberships.update_tenant(
            request_actor(),
            item,
            **form.values("name", "kind", "siren", "active", "federation_ids"),
            communes=form.communes.data or "",
        ),
        "Le territoire est enregistré.",
    )
    if saved is not FAILED:
        return redirect(url_for("plateforme.tenant", tenant_id=item.id))
    return render_template("plateforme/tenant.html", item=item, form=form)


@bp.route("/departements", methods=["GET", "POST"])
def federations():
    form = FederationForm()
    federation = submitted(
        form,
        lambda: memberships.create_federation(request_actor(), form.code.data, form.name.data),
        lambda federation: f"Le Département « {federation.name} » est créé.",
    )
    if federation is not FAILED:
        return redirect(url_for("plateforme.federation", federation_id=federation.id))
    status = status_of(form)
    return render_template(
        "plateforme/federations.html", form=form, items=tenants_api.all_federations()
    ), status


@bp.route("/departements/<int:federation_id>", methods=["GET", "POST"])
def federation(federation_id: int):
    item = tenants_api.federation_by_id(federation_id) or abort(404)
    form = FederationEditForm(
        name=item.name,
        tenant_ids=[t.id for t in item.tenants],
        monthly_reports=item.monthly_reports,
        yearly_reports=item.yearly_reports,
        report_day=item.report_day,
    )
    form.tenant_ids.choices = select_choices([(t.id, t.name) for t in tenants_api.all_tenants()])
    coordinator_form = CoordinatorForm(prefix="coord")
    if request.method == "POST" and "coord-email" in request.form:
        if coordinator_form.validate_on_submit():
            memberships.invite_coordinator(
                request_actor(), item, coordinator_form.email.data, coordinator_form.display_name.data
            )
            db.session.commit()
            flash("Le coordinateur a accès à l'espace du Département.", "success")
            flash(invitation_sent(coordinator_form.email.data), "info")
            return redirect(url_for("plateforme.federation", federation_id=item.id))
    else:
        saved = submitted(
            form,
            lambda: memberships.update_federation(
                request_actor(),
                item,
                form.name.data,
                form.tenant_ids.data,
                schedule=(form.monthly_reports.data, form.yearly_reports.data, form.report_day.data),
            ),
            "Le Département est enregistré.",
        )
        if saved is not FAILED:
            return redirect(url_for("plateforme.federation", federation_id=item.id))
    return render_template(
        "plateforme/federation.html",
        item=item,
        form=form,
        coordinator_form=coordinator_form,
        coordinators=tenants_api.coordinators(item.id),
    ), max(status_of(form), status_of(coordinator_form))


@bp.route("/journal", endpoint="audit")
def audit_log():
    form = AuditFilterForm(request.args)
    filters = audit_filters(form, platform=True)
    pagination = audit_api.search(filters, page_asked(), platform=True)
    return render_template(
        "admin/audit.html",
        title="Journal de la plateforme",
        form=form,
        pagination=pagination,
        filters=filters,
        action_label=audit_api.action_label,
        export_url=None,
        page_url=lambda p: url_for(
            "plateforme.audit", page=p, **{k: v for k, v in filters.as_params().items() if v}
        ),
        reset_url=url_for("plateforme.audit"),
    )
