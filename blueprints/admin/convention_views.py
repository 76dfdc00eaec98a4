"""Tenant admin console: the conventions. The list with where each one stands, and creation. The
convention page is ``convention_page``, the actions it offers ``convention_actions``; every rule
is ``saas.conventions.api``'s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import flash, redirect, render_template, request, url_for

from blueprints.admin.convention_display import (
    CONVENTION_BADGES,
    RowListing,
)
from blueprints.admin.convention_fields import PARTY_ROWS
from blueprints.admin.convention_forms import (
    ConventionFilterForm,
    ConventionForm,
)
from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FAILED, status_of
from blueprints.listing import wants_export
from blueprints.ui import int_arg
from saas import clock
from saas.conventions import api as conventions
from saas.conventions import enums
from saas.partenaires import api as partenaires
from tenants.web import request_actor

NO_TERMS = "Termes non enregistrés"


def organisation_names() -> dict[int, str]:
    return {o.id: o.name for o in partenaires.list_all()}


def organisation_choices(blank: str = "— choisir —") -> list[tuple[str, str]]:
    return [("", blank)] + [(str(o.id), o.name) for o in partenaires.list_all() if o.active]


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
        return enums.Kind.label_of(self.kind)

    @property
    def badge(self) -> str:
        return CONVENTION_BADGES.get(self.status, "neutre")


def convention_rows(day: date) -> list[ConventionRow]:
    names = organisation_names()
    rows = []
    found = conventions.conventions()
    parties_of = conventions.parties_by_convention([convention.id for convention in found])
    standings = conventions.standings(found, day)  # none for a convention without terms
    for convention in found:
        parties = parties_of[convention.id]
        standing = standings.get(convention.id)
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
        **listing.shown(),
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


def party_data(form, prefix: str) -> dict:
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
        "parties": [party_data(form, f"party_{row}_") for row in rows],
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
    status = status_of(form)
    return render_template("admin/conventions/new.html", form=form, party_rows=range(PARTY_ROWS)), status
