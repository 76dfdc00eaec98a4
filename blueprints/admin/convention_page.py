"""Tenant admin console: the convention page. Its standing, the terms in force at a chosen date,
its versions (avenants), renewals and documents, and the forms of the actions the domain allows
on it (``conventions.allowed_actions``): the page shows them, it does not decide them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import render_template, request

from blueprints.admin.convention_display import (
    CONVENTION_BADGES,
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
    TermsDateForm,
)
from blueprints.admin.convention_views import organisation_choices, organisation_names
from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import flash_form_errors
from saas import clock, formats
from saas.conventions import api as conventions
from saas.conventions import enums
from saas.conventions.models import Convention
from tenants.web import load_scoped


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


def _blank(form_class, convention, names, **data):
    form = form_class(formdata=None, data=data or None, prefix=PREFIXES[form_class])
    return with_choices(form, convention, names)


def posted(form_class, convention, names):
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
        ("Prochaine échéance", formats.date(standing.next_term) or None),
        (
            "Dernier jour pour dénoncer",
            formats.date(standing.last_day_to_object)
            or ("sans objet : la convention prend fin à cette échéance" if standing.period else None),
        ),
    ]
    if standing.renewals_left is not None:
        items.append(("Reconductions restantes", str(standing.renewals_left)))
    elif standing.renews:
        items.append(("Reconductions restantes", "sans limite"))
    items.append(("Fin prévue", formats.date(standing.ends_on) or "non fixée (reconduction tacite)"))
    return items


#: the forms of the page: its key in the template, the action it sends, its class, the prefix of its
#: fields (their ids are unique on the page).
ACTION_FORMS = (
    ("sign_form", "sign", SignForm, "signature"),
    ("party_form", "add_party", PartyForm, "partie"),
    ("resource_form", "add_resource", ResourceForm, "moyen"),
    ("commitment_form", "add_commitment", CommitmentForm, "engagement"),
    ("obligation_form", "add_obligation", ObligationForm, "obligation"),
    ("amend_form", "amend", AmendForm, "avenant"),
    ("objection_form", "object", ObjectionForm, "denonciation"),
    ("termination_form", "terminate", TerminationForm, "resiliation"),
    ("document_form", "add_document", DocumentForm, "document"),
)
PREFIXES = {form_class: prefix for _, _, form_class, prefix in ACTION_FORMS}
FORM_KEYS = {form_class: key for key, _, form_class, _ in ACTION_FORMS}


def _forms_shown(convention: Convention, names: dict[int, str], sent: dict) -> dict:
    """The form of each action allowed (the one sent with errors in place of its blank one); a
    form sent for an action no longer allowed (signed, terminated…) has its errors said on top."""
    allowed = conventions.allowed_actions(convention, clock.today())
    shown = {}
    for key, action, form_class, _ in ACTION_FORMS:
        form = sent.get(key)
        if form is not None and action not in allowed:
            flash_form_errors(form)
        shown[key] = (form or _blank(form_class, convention, names)) if action in allowed else None
    if shown["amend_form"] is not None:
        _closable_choices(shown["amend_form"], convention)
    return shown


def _closable_choices(form: AmendForm, convention: Convention) -> None:
    """What the latest version carries is what an avenant may close."""
    latest = conventions.versions_of(convention.id)[-1]
    current = conventions.terms_in_force(convention, latest.effective_from)
    form.close_obligations.choices = select_choices(
        [(o.id, f"{o.label} ({cadence_words(o)})") for o in current.obligations]
    )
    form.close_commitments.choices = select_choices(
        [(c.id, f"{c.label} — {euros(conventions.commitment_amount(c))}") for c in current.commitments]
    )
    form.close_resources.choices = select_choices(
        [(r.id, f"{r.label} ({fte(r.fte)})") for r in current.resources]
    )


def _reading(convention: Convention, day: date, today: date) -> dict:
    """Where the convention stands today and its terms at ``day`` (nothing without terms)."""
    if not conventions.versions_of(convention.id):
        return {"standing": None, "objection": None, "objection_late": None, "terms": None, "commitments": []}
    objection = conventions.objection_of(convention.id)
    terms, commitments = _terms_view(convention, day)
    return {
        "standing": conventions.standing(convention, today),
        "objection": objection,
        "objection_late": conventions.objection_was_late(objection, convention) if objection else False,
        "terms": terms,
        "commitments": commitments,
    }


#: what the templates read to write terms, amounts and vocabularies.
WORDS = {
    "euros": euros,
    "percent": percent,
    "fte": fte,
    "cadence_words": cadence_words,
    "trigger_words": trigger_words,
    "deliverables_words": deliverables_words,
    "natures": enums.Nature.labels(),
    "categories": enums.CATEGORIES,
    "bases": enums.CommitmentBasis.labels(),
    "recurrences": enums.Recurrence.labels(),
    "role_labels": enums.PartyRole.labels(),
    "document_kinds": enums.DocumentKind.labels(),
}


def render_convention(convention: Convention, status: int = 200, **forms):
    """The convention page; ``forms`` carries a form sent with errors, to show it in place."""
    today = clock.today()
    names = organisation_names()
    parties = conventions.parties_of(convention.id)
    party_info = {p.organisation_id: (names.get(p.organisation_id, "?"), p.role) for p in parties}
    day = day_arg(request.args.get("date")) or today
    reading = _reading(convention, day, today)
    standing, terms = reading["standing"], reading["terms"]
    return render_template(
        "admin/conventions/convention.html",
        convention=convention,
        kind_label=enums.Kind.label_of(convention.kind),
        parties=parties,
        names=names,
        **reading,
        standing_items=_standing_items(standing) if standing else [],
        standing_badge=CONVENTION_BADGES.get(standing.status, "neutre") if standing else "neutre",
        versions=conventions.versions_of(convention.id),
        renewals=conventions.renewals_of(convention.id),
        documents=conventions.documents_of(convention.id),
        day=day,
        today=today,
        date_form=TermsDateForm(request.args),
        duration=duration_words(terms.terms, party_info) if terms else None,
        draft=convention.signed_on is None,
        **_forms_shown(convention, names, forms),
        schedule_rows=range(SCHEDULE_ROWS),
        **WORDS,
    ), status


@bp.route("/conventions/<int:convention_id>")
def convention(convention_id: int):
    return render_convention(load_scoped(Convention, convention_id))
