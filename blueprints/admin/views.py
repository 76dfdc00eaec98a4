"""Tenant admin console: users and their roles."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from blueprints.admin.forms import InviteForm, RoleForm
from blueprints.choices import select_choices
from blueprints.forms import FAILED, attempt, status_of
from blueprints.ui import int_arg
from saas.accounts import memberships
from saas.db import db
from saas.partenaires import api as partenaires
from tenants.enums import ADMIN_ROLES
from tenants.models import TenantMembership
from tenants.web import load_scoped, request_actor, tenant_blueprint

bp = tenant_blueprint("admin", __name__, ADMIN_ROLES, url_prefix="/admin")


def invitation_sent(email: str) -> str:
    """The same words whether the person already had an account or not (that is theirs to know)."""
    return (
        f"Accès ajouté. Un courriel a été envoyé à {email} : il contient, s'il le faut, le lien "
        "personnel pour choisir un mot de passe, que vous ne recevez pas."
    )


def organisation_choices() -> list[tuple[str, str]]:
    return [("", "— aucune —")] + [(str(o.id), o.name) for o in partenaires.list_all()]


def _organisation_id(form) -> int | None:
    return int_arg(form.organisation_id.data)


@bp.route("/utilisateurs", methods=["GET", "POST"])
def users():
    form = InviteForm()
    form.organisation_id.choices = select_choices(organisation_choices())
    saved = form.attempt_if_valid(
        lambda: memberships.invite_member(
            request_actor(),
            **form.values("email", "display_name", "role"),
            organisation_id=_organisation_id(form),
        )
    )
    if saved is not FAILED:
        flash(invitation_sent(form.email.data), "success")
        form = InviteForm(formdata=None)
        form.organisation_id.choices = select_choices(organisation_choices())
    return render_template(
        "admin/users.html",
        form=form,
        memberships=memberships.memberships_in_scope(),
    ), status_of(form)


@bp.route("/utilisateurs/<int:membership_id>", methods=["GET", "POST"])
def membership(membership_id: int):
    item = load_scoped(TenantMembership, membership_id)
    form = RoleForm(obj=None, role=item.role, organisation_id=str(item.organisation_id or ""))
    form.organisation_id.choices = select_choices(organisation_choices())
    saved = form.attempt_if_valid(
        lambda: memberships.change_role(request_actor(), item, form.role.data, _organisation_id(form))
    )
    if saved is not FAILED:
        flash("Le rôle a été modifié.", "success")
        return redirect(url_for("admin.membership", membership_id=item.id))
    return render_template("admin/membership.html", item=item, form=form)


@bp.route("/utilisateurs/<int:membership_id>/desactiver", methods=["POST"])
def deactivate(membership_id: int):
    item = load_scoped(TenantMembership, membership_id)
    if attempt(lambda: memberships.deactivate(request_actor(), item)) is not FAILED:
        flash(
            "L'accès a été désactivé ; les sessions ouvertes de cette personne ne donnent plus accès au territoire.",
            "success",
        )
    return redirect(url_for("admin.membership", membership_id=membership_id))


@bp.route("/utilisateurs/<int:membership_id>/reactiver", methods=["POST"])
def reactivate(membership_id: int):
    item = load_scoped(TenantMembership, membership_id)
    memberships.reactivate(request_actor(), item)
    db.session.commit()
    flash("L'accès a été réactivé.", "success")
    return redirect(url_for("admin.membership", membership_id=membership_id))


@bp.route("/utilisateurs/<int:membership_id>/collegues", methods=["POST"])
def organisation_admin(membership_id: int):
    """Let a partner invite the colleagues of its organisation, or take it back."""
    item = load_scoped(TenantMembership, membership_id)
    value = request.form.get("valeur") == "oui"
    if attempt(lambda: memberships.set_organisation_admin(request_actor(), item, value)) is not FAILED:
        flash(
            "Cette personne peut désormais inviter ses collègues."
            if value
            else "Cette personne n'invite plus ses collègues.",
            "success",
        )
    return redirect(url_for("admin.membership", membership_id=membership_id))
