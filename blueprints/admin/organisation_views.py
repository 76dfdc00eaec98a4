"""Tenant admin console: partner organisations, their contacts and the users bound to them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from blueprints.admin.forms import OrganisationForm
from blueprints.admin.organisation_forms import ContactForm, OrganisationEditForm, OrganisationFilterForm
from blueprints.admin.views import bp
from blueprints.forms import FAILED, status_of
from blueprints.listing import Listing, wants_export
from saas.accounts import memberships
from saas.db import db
from saas.partenaires import api as partenaires
from saas.partenaires.enums import BuyerKind, OrganisationKind, prescriber_label
from saas.partenaires.models import Contact, Organisation
from tenants.enums import ROLE_LABELS
from tenants.web import load_scoped, request_actor

SORTS = {
    "nom": Organisation.name,
    "type": Organisation.kind,
    "siret": Organisation.siret,
    "creation": Organisation.created_at,
}
EXPORT_HEADER = (
    "Nom",
    "Type",
    "Type de prescripteur",
    "Type d'acheteur",
    "SIRET",
    "Adresse",
    "Commune (INSEE)",
    "Adresse électronique",
    "Téléphone",
    "Active",
    "Créée le",
)
EDITABLE = partenaires.ORGANISATION_FIELDS


def kind_label(kind) -> str:
    try:
        return OrganisationKind(kind).label
    except ValueError:
        return str(kind)


def _export_row(row) -> tuple:
    o = row[0]
    return (
        o.name,
        kind_label(o.kind),
        prescriber_label(o.prescriber_kind),
        BuyerKind.label_of(o.buyer_kind) if o.buyer_kind else None,
        o.siret,
        o.address,
        o.commune_insee,
        o.email,
        o.phone,
        o.active,
        o.created_at,
    )


def _filters(form: OrganisationFilterForm) -> partenaires.OrganisationFilters:
    if not form.validate():
        return partenaires.OrganisationFilters()
    active = {"1": True, "0": False}.get(form.active.data or "")
    return partenaires.OrganisationFilters(
        kind=form.kind.data or None, active=active, text=(form.q.data or "").strip() or None
    )


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    filter_form = OrganisationFilterForm(request.args)
    listing = Listing(partenaires.search(_filters(filter_form)), SORTS, "nom")
    if request.method == "GET" and wants_export():
        return listing.export("organisations", EXPORT_HEADER, _export_row)
    form = OrganisationForm()
    organisation = form.attempt_if_valid(
        lambda: partenaires.create(
            request_actor(),
            **form.values("name", "kind", "siret"),
            prescriber_kind=form.prescriber_kind.data or None,
            buyer_kind=form.buyer_kind.data or None,
        )
    )
    if organisation is not FAILED:
        flash("L'organisation est enregistrée ; complétez sa fiche si besoin.", "success")
        return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    status = status_of(form)
    return render_template(
        "admin/organisations.html",
        form=form,
        filters=filter_form,
        **listing.shown(),
        kind_label=kind_label,
    ), status


def _organisation_page(organisation: Organisation, contact_form: ContactForm, status: int = 200):
    return render_template(
        "admin/organisation.html",
        item=organisation,
        kind_label=kind_label(organisation.kind),
        prescriber_label=prescriber_label(organisation.prescriber_kind),
        buyer_label=BuyerKind.label_of(organisation.buyer_kind) if organisation.buyer_kind else None,
        contacts=partenaires.contacts_of(organisation.id),
        memberships=memberships.users_bound(organisation.id),
        contact_form=contact_form,
        role_label=lambda role: ROLE_LABELS.get(role, role),
    ), status


@bp.route("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    item = load_scoped(Organisation, organisation_id)
    return _organisation_page(item, ContactForm(formdata=None))


@bp.route("/organisations/<int:organisation_id>/modifier", methods=["GET", "POST"])
def organisation_edit(organisation_id: int):
    item = load_scoped(Organisation, organisation_id)
    if request.method == "GET":
        form = OrganisationEditForm(
            obj=item, prescriber_kind=item.prescriber_kind or "", buyer_kind=item.buyer_kind or ""
        )
    else:
        form = OrganisationEditForm()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in EDITABLE}
        values["prescriber_kind"] = values["prescriber_kind"] or None
        values["buyer_kind"] = values["buyer_kind"] or None
        saved = form.attempt(lambda: partenaires.update(request_actor(), item, **values))
        if saved is not FAILED:
            flash("La fiche de l'organisation est enregistrée.", "success")
            return redirect(url_for("admin.organisation", organisation_id=item.id))
    status = status_of(form)
    return render_template("admin/organisation_edit.html", item=item, form=form), status


@bp.route("/organisations/<int:organisation_id>/contacts", methods=["POST"])
def organisation_contacts(organisation_id: int):
    item = load_scoped(Organisation, organisation_id)
    form = ContactForm()
    saved = form.attempt_if_valid(
        lambda: partenaires.add_contact(
            request_actor(), item, **form.values("name", "function", "email", "phone", "is_primary")
        )
    )
    if saved is not FAILED:
        flash("Le contact est ajouté.", "success")
        return redirect(url_for("admin.organisation", organisation_id=item.id, _anchor="contacts"))
    return _organisation_page(item, form, 400)


@bp.route("/organisations/<int:organisation_id>/contacts/<int:contact_id>/supprimer", methods=["POST"])
def organisation_contact_delete(organisation_id: int, contact_id: int):
    item = load_scoped(Organisation, organisation_id)
    contact = load_scoped(Contact, contact_id, organisation_id=item.id)
    partenaires.remove_contact(request_actor(), contact)
    db.session.commit()
    flash("Le contact est supprimé.", "success")
    return redirect(url_for("admin.organisation", organisation_id=item.id, _anchor="contacts"))


@bp.route("/organisations/<int:organisation_id>/activation", methods=["POST"])
def organisation_toggle(organisation_id: int):
    item = load_scoped(Organisation, organisation_id)
    if item.active:
        partenaires.deactivate(request_actor(), item)
        message = "L'organisation est désactivée : elle ne peut plus être choisie pour un nouvel accès."
    else:
        partenaires.reactivate(request_actor(), item)
        message = "L'organisation est réactivée."
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.organisation", organisation_id=item.id))
