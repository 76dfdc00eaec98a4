"""Tenant admin console: the actions on a convention. Each form of the convention page posts to
its own route, runs one ``saas.conventions`` call and comes back to the page with a message, or
shows the page again with the form and its errors. Every rule is the domain's."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, flash, redirect, url_for

from blueprints.admin.convention_fields import SCHEDULE_ROWS
from blueprints.admin.convention_forms import (
    AmendForm,
    CommitmentForm,
    DocumentForm,
    ObjectionForm,
    ObligationForm,
    PartyForm,
    ResourceForm,
    SignForm,
    TerminationForm,
)
from blueprints.admin.convention_page import posted, render_convention
from blueprints.admin.convention_views import organisation_names, party_data
from blueprints.admin.views import bp
from blueprints.forms import FAILED
from blueprints.ui import fr_date, int_arg
from saas.conventions import api as conventions
from saas.conventions import enums
from saas.conventions.models import Convention, ConventionDocument
from saas.db import db
from tenants.web import load_scoped, request_actor


def _done(convention: Convention, message: str, anchor: str | None = None):
    flash(message, "success")
    return redirect(url_for("admin.convention", convention_id=convention.id, _anchor=anchor))


def _act(convention_id: int, form_class, form_key: str, action, message, anchor: str | None = None):
    """Validate the posted form, run ``action(form)`` (one saas call), then come back to the page
    with ``message`` (a string, or a function of the result); on error, the page with the form."""
    convention = load_scoped(Convention, convention_id)
    names = organisation_names()
    form = posted(form_class, convention, names)
    if form.validate_on_submit():
        result = form.attempt(lambda: action(convention, form))
        if result is not FAILED:
            return _done(convention, message(result) if callable(message) else message, anchor)
    return render_convention(convention, 400, **{form_key: form})


# --- draft: completion and signature --------------------------------------------------------------


@bp.route("/conventions/<int:convention_id>/signature", methods=["POST"])
def convention_sign(convention_id: int):
    return _act(
        convention_id,
        SignForm,
        "sign_form",
        lambda c, f: conventions.sign(request_actor(), c, f.signed_on.data, f.place.data),
        "La signature est enregistrée ; le calendrier des obligations commence.",
    )


@bp.route("/conventions/<int:convention_id>/parties", methods=["POST"])
def convention_party_add(convention_id: int):
    return _act(
        convention_id,
        PartyForm,
        "party_form",
        lambda c, f: conventions.add_party(request_actor(), c, party_data(f, "")),
        "La partie est ajoutée à la convention.",
        "parties",
    )


@bp.route("/conventions/<int:convention_id>/moyens", methods=["POST"])
def convention_resource_add(convention_id: int):
    return _act(
        convention_id,
        ResourceForm,
        "resource_form",
        lambda c, f: conventions.add_resource(request_actor(), c, resource_data(f, "")),
        "Le moyen mis à disposition est ajouté.",
        "termes",
    )


@bp.route("/conventions/<int:convention_id>/engagements", methods=["POST"])
def convention_commitment_add(convention_id: int):
    return _act(
        convention_id,
        CommitmentForm,
        "commitment_form",
        lambda c, f: conventions.add_commitment(request_actor(), c, commitment_data(f, "")),
        "L'engagement financier et son échéancier sont ajoutés.",
        "termes",
    )


@bp.route("/conventions/<int:convention_id>/obligations", methods=["POST"])
def convention_obligation_add(convention_id: int):
    return _act(
        convention_id,
        ObligationForm,
        "obligation_form",
        lambda c, f: conventions.add_obligation(request_actor(), c, obligation_data(f, "")),
        "L'obligation est ajoutée.",
        "termes",
    )


def resource_data(form, prefix: str) -> dict:
    return {
        "provider_id": int_arg(form[f"{prefix}provider_id"].data),
        "label": form[f"{prefix}label"].data,
        "fte": form[f"{prefix}fte"].data,
        "person_name": form[f"{prefix}person_name"].data,
    }


def obligation_data(form, prefix: str) -> dict:
    category = form[f"{prefix}category"].data or None
    nature = "meeting" if category in enums.MEETING_CATEGORIES else "deliverable"
    return {
        "responsible_id": int_arg(form[f"{prefix}responsible_id"].data),
        "recipient_id": int_arg(form[f"{prefix}recipient_id"].data),
        "nature": nature,
        "category": category,
        "label": form[f"{prefix}label"].data,
        "cadence": form[f"{prefix}cadence"].data or None,
        "day_of_month": form[f"{prefix}day_of_month"].data,
        "weekday": int_arg(form[f"{prefix}weekday"].data),
        "offset_days": form[f"{prefix}offset_days"].data,
        "offset_months": form[f"{prefix}offset_months"].data,
        "event_label": form[f"{prefix}event_label"].data,
        "event_default_month": int_arg(form[f"{prefix}event_default_month"].data),
        "article": form[f"{prefix}article"].data,
    }


def commitment_data(form, prefix: str) -> dict:
    """The commitment and its instalment rows that were filled in (their rows kept for errors)."""
    rows = [
        row
        for row in range(SCHEDULE_ROWS)
        if form[f"{prefix}line_{row}_label"].data or form[f"{prefix}line_{row}_percent"].data is not None
    ]
    form.rows["line"] = rows
    return {
        "payer_id": int_arg(form[f"{prefix}payer_id"].data),
        "payee_id": int_arg(form[f"{prefix}payee_id"].data),
        "label": form[f"{prefix}label"].data,
        "basis": form[f"{prefix}basis"].data,
        "amount": form[f"{prefix}amount"].data,
        "rate_per_post": form[f"{prefix}rate_per_post"].data,
        "posts_fte": form[f"{prefix}posts_fte"].data,
        "recurrence": form[f"{prefix}recurrence"].data,
        "article": form[f"{prefix}article"].data,
        "schedule": [
            {
                "label": form[f"{prefix}line_{row}_label"].data,
                "percent": form[f"{prefix}line_{row}_percent"].data,
                "trigger": form[f"{prefix}line_{row}_trigger"].data,
                "offset_days": form[f"{prefix}line_{row}_offset_days"].data,
                "required_deliverables": list(form[f"{prefix}line_{row}_required_deliverables"].data or []),
            }
            for row in rows
        ],
    }


# --- signed: avenant, objection, termination ------------------------------------------------------


def amend_data(form: AmendForm) -> dict:
    data = {
        "signed_on": form.signed_on.data,
        "effective_from": form.effective_from.data,
        "summary": form.summary.data,
        "close": {
            "obligations": list(form.close_obligations.data or []),
            "commitments": list(form.close_commitments.data or []),
            "resources": list(form.close_resources.data or []),
        },
        "add": {},
    }
    if (form.object.data or "").strip():
        data["object"] = form.object.data
    if form.notice_months.data is not None:
        data["notice_months"] = form.notice_months.data
    if form.unlimited_renewals.data:
        data["max_renewals"] = None
    elif form.max_renewals.data is not None:
        data["max_renewals"] = form.max_renewals.data
    if form.obligation_responsible_id.data:
        data["add"]["obligations"] = [obligation_data(form, "obligation_")]
        form.fallback_prefixes.append("obligation_")
    if form.commitment_payer_id.data:
        data["add"]["commitments"] = [commitment_data(form, "commitment_")]
        form.fallback_prefixes.append("commitment_")
    return data


@bp.route("/conventions/<int:convention_id>/avenants", methods=["POST"])
def convention_amend(convention_id: int):
    return _act(
        convention_id,
        AmendForm,
        "amend_form",
        lambda c, f: conventions.amend(request_actor(), c, amend_data(f)),
        lambda terms: (
            f"L'avenant n° {terms.number} est enregistré ; il prend effet le {fr_date(terms.effective_from)}."
        ),
        "versions",
    )


@bp.route("/conventions/<int:convention_id>/denonciation", methods=["POST"])
def convention_object(convention_id: int):
    def message(objection) -> str:
        return (
            f"La dénonciation est enregistrée : la convention prend fin le "
            f"{fr_date(objection.effective_term)}."
        )

    return _act(
        convention_id,
        ObjectionForm,
        "objection_form",
        lambda c, f: conventions.object_to_renewal(
            request_actor(),
            c,
            {
                "party_id": int_arg(f.party_id.data),
                "received_on": f.received_on.data,
                "reason": f.reason.data,
            },
        ),
        message,
    )


@bp.route("/conventions/<int:convention_id>/resiliation", methods=["POST"])
def convention_terminate(convention_id: int):
    return _act(
        convention_id,
        TerminationForm,
        "termination_form",
        lambda c, f: conventions.terminate(
            request_actor(), c, {"terminated_on": f.terminated_on.data, "reason": f.reason.data}
        ),
        "La résiliation est enregistrée.",
    )


# --- documents ------------------------------------------------------------------------------------


@bp.route("/conventions/<int:convention_id>/documents", methods=["POST"])
def convention_document_add(convention_id: int):
    def add(convention, form):
        upload = form.file.data
        return conventions.add_document(
            request_actor(),
            convention,
            form.kind.data,
            form.title.data,
            upload.filename or "document",
            upload.mimetype or "",
            upload.read(),
        )

    return _act(
        convention_id,
        DocumentForm,
        "document_form",
        add,
        lambda document: f"Le document « {document.title} » est déposé.",
        "documents",
    )


@bp.route("/conventions/<int:convention_id>/documents/<int:document_id>")
def convention_document(convention_id: int, document_id: int):
    convention = load_scoped(Convention, convention_id)
    document = load_scoped(ConventionDocument, document_id, convention_id=convention.id)
    content = conventions.read_document(request_actor(), document)
    db.session.commit()  # the audited read
    filename = document.filename or "document"
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return Response(
        content,
        mimetype=document.mimetype,
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
