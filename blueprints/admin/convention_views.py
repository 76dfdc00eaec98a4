"""Tenant admin console: the conventions. The list with where each one stands, creation, and the
convention page: its standing, the terms in force at a chosen date, its versions (avenants),
renewals and documents, and the forms that complete a draft, sign it, amend it, object to its
renewal or terminate it. Every rule is ``saas.conventions.api``'s; each action posts to its own
route and comes back to the page with a message."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from flask import Response, flash, redirect, render_template, request, url_for

from blueprints.admin.convention_display import (
    CONVENTION_BADGES,
    RowListing,
    cadence_words,
    day_arg,
    deliverables_words,
    duration_words,
    euros,
    fte,
    percent,
    period_words,
    trigger_words,
)
from blueprints.admin.convention_forms import (
    PARTY_ROWS,
    SCHEDULE_ROWS,
    AmendForm,
    CommitmentForm,
    ConventionFilterForm,
    ConventionForm,
    DocumentForm,
    ObjectionForm,
    ObligationForm,
    PartyForm,
    ResourceForm,
    SignForm,
    TerminationForm,
    TermsDateForm,
)
from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FAILED
from blueprints.listing import wants_export
from blueprints.ui import fr_date, int_arg
from saas import clock
from saas.conventions import api as conventions
from saas.conventions import enums
from saas.conventions.models import Convention, ConventionDocument
from saas.db import db
from saas.partenaires import api as partenaires
from tenants.web import load_scoped, request_actor

NO_TERMS = "Termes non enregistrés"


def organisation_names() -> dict[int, str]:
    return {o.id: o.name for o in partenaires.list_all()}


def organisation_choices(blank: str = "— choisir —") -> list[tuple[str, str]]:
    return [("", blank)] + [(str(o.id), o.name) for o in partenaires.list_all() if o.active]


def has_terms(convention: Convention) -> bool:
    """A convention is always created with its terms; one inserted otherwise has none to show."""
    return bool(conventions.versions_of(convention.id))


# --- the list -------------------------------------------------------------------------------------


@dataclass
class ConventionRow:
    id: int
    reference: str
    title: str
    kind: str
    parties: str
    party_ids: set[int]
    status: str | None
    status_label: str
    next_term: date | None
    last_day_to_object: date | None
    ends_on: date | None = None

    @property
    def kind_label(self) -> str:
        return enums.KINDS.get(self.kind, self.kind)

    @property
    def badge(self) -> str:
        return CONVENTION_BADGES.get(self.status, "neutre")


def convention_rows(day: date) -> list[ConventionRow]:
    names = organisation_names()
    rows = []
    for convention in conventions.conventions():
        parties = conventions.parties_of(convention.id)
        standing = conventions.standing(convention, day) if has_terms(convention) else None
        rows.append(
            ConventionRow(
                id=convention.id,
                reference=convention.reference,
                title=convention.title,
                kind=convention.kind,
                parties=", ".join(names.get(p.organisation_id, "?") for p in parties),
                party_ids={p.organisation_id for p in parties},
                status=standing.status if standing else None,
                status_label=standing.status_label if standing else NO_TERMS,
                next_term=standing.next_term if standing else None,
                last_day_to_object=standing.last_day_to_object if standing else None,
                ends_on=standing.ends_on if standing else None,
            )
        )
    return rows


CONVENTION_SORTS = {
    "reference": lambda r: r.reference.lower(),
    "intitule": lambda r: r.title.lower(),
    "type": lambda r: r.kind_label,
    "statut": lambda r: r.status_label,
    "echeance": lambda r: r.next_term,
    "denonciation": lambda r: r.last_day_to_object,
}
CONVENTION_EXPORT_HEADER = [
    "Référence",
    "Intitulé",
    "Type",
    "Parties",
    "Statut",
    "Prochaine échéance",
    "Dernier jour pour dénoncer",
    "Fin prévue",
]


def _convention_export_row(row: ConventionRow) -> list:
    return [
        row.reference,
        row.title,
        row.kind_label,
        row.parties,
        row.status_label,
        row.next_term,
        row.last_day_to_object,
        row.ends_on,
    ]


@bp.route("/conventions/", endpoint="conventions")
def conventions_list():
    form = ConventionFilterForm(request.args)
    form.partenaire.choices = select_choices(organisation_choices("Toutes"))
    partner = int_arg(form.partenaire.data)
    rows = [
        row
        for row in convention_rows(clock.today())
        if (not form.type.data or row.kind == form.type.data)
        and (not form.statut.data or row.status == form.statut.data)
        and (partner is None or partner in row.party_ids)
    ]
    listing = RowListing(rows, CONVENTION_SORTS, "reference")
    if wants_export():
        return listing.export("conventions", CONVENTION_EXPORT_HEADER, _convention_export_row)
    return render_template(
        "admin/conventions/list.html",
        form=form,
        listing=listing,
        page=listing.page(),
        page_url=lambda number: listing.url(page=number),
    )


# --- creation -------------------------------------------------------------------------------------


def _new_form() -> ConventionForm:
    form = ConventionForm()
    choices = organisation_choices()
    form.objecting_party_id.choices = select_choices([("", "Toute partie"), *choices[1:]])
    for row in range(PARTY_ROWS):
        form[f"party_{row}_organisation_id"].choices = select_choices(choices)
    if request.method == "GET" and form.duration_kind.data is None:
        form.duration_kind.data = "tacit"
    return form


def _party_data(form, prefix: str) -> dict:
    return {
        "organisation_id": int_arg(form[f"{prefix}organisation_id"].data),
        "role": form[f"{prefix}role"].data,
        "signatory": bool(form[f"{prefix}signatory"].data),
        "represented_by": form[f"{prefix}represented_by"].data,
        "is_guichet": bool(form[f"{prefix}is_guichet"].data),
    }


def convention_data(form: ConventionForm) -> dict:
    """What the form says, as ``conventions.create`` reads it (empty party rows left out)."""
    rows = [row for row in range(PARTY_ROWS) if form[f"party_{row}_organisation_id"].data]
    form.rows["party"] = rows
    return {
        "reference": (form.reference.data or "").strip(),
        "title": form.title.data,
        "kind": form.kind.data,
        "effective_on": form.effective_on.data,
        "signed_on": form.signed_on.data,
        "signed_at_place": form.signed_at_place.data,
        "object": form.object.data,
        "duration_kind": form.duration_kind.data,
        "end_on": form.end_on.data,
        "period_months": form.period_months.data,
        "max_renewals": form.max_renewals.data,
        "notice_months": form.notice_months.data,
        "objecting_party_id": int_arg(form.objecting_party_id.data),
        "amendments_at_renewal_only": bool(form.amendments_at_renewal_only.data),
        "parties": [_party_data(form, f"party_{row}_") for row in rows],
    }


@bp.route("/conventions/nouvelle", methods=["GET", "POST"])
def convention_new():
    form = _new_form()
    if form.validate_on_submit():
        data = convention_data(form)
        convention = form.attempt(lambda: conventions.create(request_actor(), data))
        if convention is not FAILED:
            if convention.signed_on is None:
                flash(
                    "La convention est enregistrée comme brouillon : complétez ses obligations, "
                    "ses engagements financiers et ses moyens, puis enregistrez sa signature.",
                    "success",
                )
            else:
                flash("La convention est enregistrée ; son calendrier d'obligations est prêt.", "success")
            return redirect(url_for("admin.convention", convention_id=convention.id))
    status = 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("admin/conventions/new.html", form=form, party_rows=range(PARTY_ROWS)), status


# --- the convention page --------------------------------------------------------------------------


def _party_choices(convention: Convention, names: dict[int, str], blank: str = "— choisir —"):
    return [("", blank)] + [
        (str(p.organisation_id), names.get(p.organisation_id, "?"))
        for p in conventions.parties_of(convention.id)
    ]


PARTY_SELECTS = ("responsible_id", "provider_id", "payer_id", "payee_id")


def with_choices(form, convention: Convention, names: dict[int, str]):
    """Set the choices of the fields that name a party of the convention (or any organisation)."""
    parties = _party_choices(convention, names)
    for item in form:
        name = item.short_name
        if name.endswith(PARTY_SELECTS):
            item.choices = select_choices(parties)
        elif name.endswith("recipient_id"):
            item.choices = select_choices(_party_choices(convention, names, "— aucun —"))
        elif name == "party_id":
            item.choices = select_choices(parties)
        elif name == "organisation_id":
            item.choices = select_choices(organisation_choices())
    return form


#: each form of the page has its own prefix: its fields' ids are unique on the page.
PREFIXES = {
    SignForm: "signature",
    PartyForm: "partie",
    ResourceForm: "moyen",
    CommitmentForm: "engagement",
    ObligationForm: "obligation",
    AmendForm: "avenant",
    ObjectionForm: "denonciation",
    TerminationForm: "resiliation",
    DocumentForm: "document",
}


def _blank(form_class, convention, names, **data):
    form = form_class(formdata=None, data=data or None, prefix=PREFIXES[form_class])
    return with_choices(form, convention, names)


def _posted(form_class, convention, names):
    return with_choices(form_class(prefix=PREFIXES[form_class]), convention, names)


@dataclass
class CommitmentView:
    item: object
    amount: object
    lines: list = field(default_factory=list)


def _terms_view(convention: Convention, day: date):
    terms = conventions.terms_in_force(convention, day)
    commitments = [
        CommitmentView(c, conventions.commitment_amount(c), conventions.schedule_lines_of(c.id))
        for c in terms.commitments
    ]
    return terms, commitments


def _standing_items(standing) -> list[tuple[str, str | None]]:
    items = [("Statut", standing.status_label)]
    if standing.period is not None:
        items.append(("Période en cours", period_words(standing.period).capitalize()))
    items += [
        ("Prochaine échéance", fr_date(standing.next_term) or None),
        (
            "Dernier jour pour dénoncer",
            fr_date(standing.last_day_to_object)
            or ("sans objet : la convention prend fin à cette échéance" if standing.period else None),
        ),
    ]
    if standing.renewals_left is not None:
        items.append(("Reconductions restantes", str(standing.renewals_left)))
    elif standing.renews:
        items.append(("Reconductions restantes", "sans limite"))
    items.append(("Fin prévue", fr_date(standing.ends_on) or "non fixée (reconduction tacite)"))
    return items


def _flash_errors(form) -> None:
    for item in form:
        for message in item.errors:
            hidden = item.type in ("CSRFTokenField", "HiddenField")
            flash(message if hidden else f"{item.label.text} : {message}", "error")
    for message in form.form_errors:
        flash(message, "error")


def render_convention(convention: Convention, status: int = 200, **forms):
    """The convention page; ``forms`` carries a form sent with errors, to show it in place."""
    today = clock.today()
    names = organisation_names()
    parties = conventions.parties_of(convention.id)
    party_info = {p.organisation_id: (names.get(p.organisation_id, "?"), p.role) for p in parties}
    date_form = TermsDateForm(request.args)
    day = day_arg(request.args.get("date")) or today
    versions = conventions.versions_of(convention.id)
    standing = objection = late = terms = None
    commitments = []
    if versions:
        standing = conventions.standing(convention, today)
        objection = conventions.objection_of(convention.id)
        late = conventions.objection_was_late(objection, convention) if objection else False
        terms, commitments = _terms_view(convention, day)
    draft = convention.signed_on is None
    open_for_avenant = bool(versions) and not draft and convention.terminated_on is None
    # which forms the page offers, and the form sent with errors in place of its blank one
    offered = {
        "sign_form": (SignForm, draft and bool(versions)),
        "party_form": (PartyForm, draft),
        "resource_form": (ResourceForm, draft and bool(versions)),
        "commitment_form": (CommitmentForm, draft and bool(versions)),
        "obligation_form": (ObligationForm, draft and bool(versions)),
        "amend_form": (AmendForm, open_for_avenant),
        "objection_form": (
            ObjectionForm,
            open_for_avenant and objection is None and bool(standing and standing.renews),
        ),
        "termination_form": (TerminationForm, open_for_avenant),
        "document_form": (DocumentForm, True),
    }
    shown = {}
    for key, (form_class, offer) in offered.items():
        sent = forms.get(key)
        if sent is not None and not offer:
            # refused because the page no longer offers it (signed, terminated…): said on top
            _flash_errors(sent)
        shown[key] = (sent or _blank(form_class, convention, names)) if offer else None
    if shown["amend_form"] is not None:
        # what the latest version carries is what an avenant may close
        current = conventions.terms_in_force(convention, versions[-1].effective_from)
        amend_form = shown["amend_form"]
        amend_form.close_obligations.choices = select_choices(
            [(o.id, f"{o.label} ({cadence_words(o)})") for o in current.obligations]
        )
        amend_form.close_commitments.choices = select_choices(
            [(c.id, f"{c.label} — {euros(conventions.commitment_amount(c))}") for c in current.commitments]
        )
        amend_form.close_resources.choices = select_choices(
            [(r.id, f"{r.label} ({fte(r.fte)})") for r in current.resources]
        )
    return render_template(
        "admin/conventions/convention.html",
        convention=convention,
        kind_label=enums.KINDS.get(convention.kind, convention.kind),
        parties=parties,
        names=names,
        role_labels=enums.PARTY_ROLES,
        standing=standing,
        standing_items=_standing_items(standing) if standing else [],
        standing_badge=CONVENTION_BADGES.get(standing.status, "neutre") if standing else "neutre",
        objection=objection,
        objection_late=late,
        versions=versions,
        renewals=conventions.renewals_of(convention.id),
        documents=conventions.documents_of(convention.id),
        document_kinds=enums.DOCUMENT_KINDS,
        day=day,
        today=today,
        date_form=date_form,
        terms=terms,
        commitments=commitments,
        duration=duration_words(terms.terms, party_info) if terms else None,
        draft=draft,
        open_for_avenant=open_for_avenant,
        **shown,
        schedule_rows=range(SCHEDULE_ROWS),
        euros=euros,
        percent=percent,
        fte=fte,
        cadence_words=cadence_words,
        trigger_words=trigger_words,
        deliverables_words=deliverables_words,
        natures=enums.NATURES,
        categories=enums.CATEGORIES,
        bases=enums.COMMITMENT_BASES,
        recurrences=enums.RECURRENCES,
    ), status


@bp.route("/conventions/<int:convention_id>")
def convention(convention_id: int):
    return render_convention(load_scoped(Convention, convention_id))


def _done(convention: Convention, message: str, anchor: str | None = None):
    flash(message, "success")
    return redirect(url_for("admin.convention", convention_id=convention.id, _anchor=anchor))


def _act(convention_id: int, form_class, form_key: str, action, message, anchor: str | None = None):
    """Validate the posted form, run ``action(form)`` (one saas call), then come back to the page
    with ``message`` (a string, or a function of the result); on error, the page with the form."""
    convention = load_scoped(Convention, convention_id)
    names = organisation_names()
    form = _posted(form_class, convention, names)
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
        lambda c, f: conventions.add_party(request_actor(), c, _party_data(f, "")),
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
            f"L'avenant n° {terms.number} est enregistré ; il prend effet le "
            f"{terms.effective_from.strftime('%d/%m/%Y')}."
        ),
        "versions",
    )


@bp.route("/conventions/<int:convention_id>/denonciation", methods=["POST"])
def convention_object(convention_id: int):
    def message(objection) -> str:
        return (
            f"La dénonciation est enregistrée : la convention prend fin le "
            f"{objection.effective_term.strftime('%d/%m/%Y')}."
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


def _mimetype(upload) -> str:
    """The type the browser gave, or the one of the file's extension (the domain keeps PDF/PNG/JPEG)."""
    given = (upload.mimetype or "").lower()
    if given in conventions.DOCUMENT_MIMETYPES:
        return given
    return mimetypes.guess_type(upload.filename or "")[0] or given or "application/octet-stream"


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
            _mimetype(upload),
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
