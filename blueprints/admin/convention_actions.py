"""Tenant admin console: the actions on a convention. Each form of the convention page posts to
its own route, runs one ``saas.conventions`` call and comes back to the page with a message, or
shows the page again with the form and its errors. Every rule is the domain's."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, flash, redirect, url_for

from blueprints.admin import convention_forms as forms
from blueprints.admin.convention_fields import SCHEDULE_ROWS
from blueprints.admin.convention_page import FORM_KEYS, posted, render_convention
from blueprints.admin.convention_views import organisation_names, party_data
from blueprints.admin.views import bp
from blueprints.forms import FAILED
from blueprints.ui import int_arg
from saas import formats
from saas.conventions import api as conventions
from saas.conventions import enums
from saas.conventions.models import Convention, ConventionDocument
from saas.db import db
from tenants.web import load_scoped, request_actor


def _done(convention: Convention, message: str, anchor: str | None = None):
    flash(message, "success")
    return redirect(url_for("admin.convention", convention_id=convention.id, _anchor=anchor))


def _posted(path: str, form_class, anchor: str | None = None, endpoint: str | None = None):
    """Route ``run(convention, form) -> message`` as ``POST /conventions/<id>/<path>`` (endpoint: its
    name unless given): the posted form validated, ``run`` (one saas call) attempted, then back to
    the page with the message at ``anchor``; on error, the page again with the form in place."""

    def register(run):
        def view(convention_id: int):
            convention = load_scoped(Convention, convention_id)
            form = posted(form_class, convention, organisation_names())
            message = form.attempt_if_valid(lambda: run(convention, form))
            if message is not FAILED:
                return _done(convention, message, anchor)
            return render_convention(convention, 400, **{FORM_KEYS[form_class]: form})

        rule = f"/conventions/<int:convention_id>/{path}"
        bp.add_url_rule(rule, endpoint or run.__name__, view, methods=["POST"])
        return run

    return register


# --- draft: completion and signature --------------------------------------------------------------


@_posted("signature", forms.SignForm)
def convention_sign(convention: Convention, form: forms.SignForm) -> str:
    conventions.sign(request_actor(), convention, form.signed_on.data, form.place.data)
    return "La signature est enregistrée ; le calendrier des obligations commence."


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


#: what completes a draft, by endpoint: its path, the form posted, the saas call and the reading of
#: the form it is given, the message once done, the section of the page to come back to
_ADDITIONS = {
    "convention_party_add": (
        "parties",
        forms.PartyForm,
        conventions.add_party,
        party_data,
        "La partie est ajoutée à la convention.",
        "parties",
    ),
    "convention_resource_add": (
        "moyens",
        forms.ResourceForm,
        conventions.add_resource,
        resource_data,
        "Le moyen mis à disposition est ajouté.",
        "termes",
    ),
    "convention_commitment_add": (
        "engagements",
        forms.CommitmentForm,
        conventions.add_commitment,
        commitment_data,
        "L'engagement financier et son échéancier sont ajoutés.",
        "termes",
    ),
    "convention_obligation_add": (
        "obligations",
        forms.ObligationForm,
        conventions.add_obligation,
        obligation_data,
        "L'obligation est ajoutée.",
        "termes",
    ),
}


def _addition(add, read, message: str):
    def run(convention: Convention, form) -> str:
        add(request_actor(), convention, read(form, ""))
        return message

    return run


for _endpoint, (_path, _form_class, _add, _read, _message, _anchor) in _ADDITIONS.items():
    _posted(_path, _form_class, _anchor, _endpoint)(_addition(_add, _read, _message))


# --- signed: avenant, objection, termination ------------------------------------------------------


def amend_data(form: forms.AmendForm) -> dict:
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


@_posted("avenants", forms.AmendForm, "versions")
def convention_amend(convention: Convention, form: forms.AmendForm) -> str:
    terms = conventions.amend(request_actor(), convention, amend_data(form))
    return f"L'avenant n° {terms.number} est enregistré ; il prend effet le {formats.date(terms.effective_from)}."


@_posted("denonciation", forms.ObjectionForm)
def convention_object(convention: Convention, form: forms.ObjectionForm) -> str:
    data = {"party_id": int_arg(form.party_id.data), "received_on": form.received_on.data}
    objection = conventions.object_to_renewal(
        request_actor(), convention, {**data, "reason": form.reason.data}
    )
    return f"La dénonciation est enregistrée : la convention prend fin le {formats.date(objection.effective_term)}."


@_posted("resiliation", forms.TerminationForm)
def convention_terminate(convention: Convention, form: forms.TerminationForm) -> str:
    data = {"terminated_on": form.terminated_on.data, "reason": form.reason.data}
    conventions.terminate(request_actor(), convention, data)
    return "La résiliation est enregistrée."


# --- documents ------------------------------------------------------------------------------------


@_posted("documents", forms.DocumentForm, "documents")
def convention_document_add(convention: Convention, form: forms.DocumentForm) -> str:
    upload = form.file.data
    document = conventions.add_document(
        request_actor(),
        convention,
        form.kind.data,
        form.title.data,
        upload.filename or "document",
        upload.mimetype or "",
        upload.read(),
    )
    return f"Le document « {document.title} » est déposé."


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
