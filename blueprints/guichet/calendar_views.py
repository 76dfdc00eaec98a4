"""The conventions' obligations in the workspace: the calendar of due dates (deliverables and
meetings) with their receipt, the date of the event some wait for (the general assembly), the
compliance of each partner and convention, and the figures of the dashboard."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from flask import Response, flash, redirect, render_template, request, url_for

from blueprints.forms import FAILED, flash_form_errors
from blueprints.guichet.calendar_figures import convention_url
from blueprints.guichet.calendar_forms import (
    CalendarFilterForm,
    CancelReceiptForm,
    ComplianceForm,
    EventForm,
    ReceiptForm,
    RowForm,
)
from blueprints.guichet.views import bp
from blueprints.listing import Listing, send_table, wants_export
from blueprints.ui import has_endpoint, int_arg
from blueprints.views_common import Export, ListPage, with_choices
from saas import clock, formats
from saas.conventions import api as conventions
from saas.conventions.enums import Nature, OccurrenceStatus
from saas.conventions.models import Obligation, Occurrence
from saas.db import db
from saas.partenaires import api as partenaires
from tenants.web import load_scoped, request_actor

STATUS_BADGES = {
    "upcoming": "info",
    "received": "succes",
    "received_late": "alerte",
    "held": "succes",
    "held_late": "alerte",
    "late": "alerte",
    "missing": "erreur",
}
#: the query arguments of the calendar an action keeps when it sends the user back to it.
CALENDAR_ARGS = ("du", "au", "statut", "nature", "convention", "partenaire", "tri", "page")
#: the page that plans a meeting, in the committees pages (linked only once it exists).
MEETING_NEW_ENDPOINTS = ("guichet.meeting_new", "guichet.new_meeting")


def _meeting_new_endpoint() -> str | None:
    return next((e for e in MEETING_NEW_ENDPOINTS if has_endpoint(e)), None)


def _meeting_url(meeting_id: int | None) -> str | None:
    if meeting_id is None or not has_endpoint("guichet.meeting"):
        return None
    return url_for("guichet.meeting", meeting_id=meeting_id)


# --- the calendar --------------------------------------------------------------------------------


def _filter_form(today: date) -> CalendarFilterForm:
    """The filters of the query string; without ``du``/``au`` the period runs from a month ago to
    three months ahead (an empty ``du=`` or ``au=`` removes that bound)."""
    form = with_choices(
        CalendarFilterForm(request.args),
        convention=[("", "Toutes")]
        + [(str(c.id), f"{c.reference} — {c.title}") for c in conventions.conventions()],
        partenaire=[("", "Tous")] + [(str(o.id), o.name) for o in partenaires.list_all()],
    )
    if "du" not in request.args:
        form.du.data = today - relativedelta(months=1)
    if "au" not in request.args:
        form.au.data = today + relativedelta(months=3)
    return form


def _filters(form: CalendarFilterForm) -> conventions.CalendarFilters:
    return conventions.CalendarFilters(
        convention_id=int_arg(form.convention.data),
        responsible_id=int_arg(form.partenaire.data),
        status=form.statut.data if form.statut.data in frozenset(OccurrenceStatus) else None,
        nature=form.nature.data if form.nature.data in frozenset(Nature) else None,
        date_from=form.du.data if isinstance(form.du.data, date) else None,
        date_to=form.au.data if isinstance(form.au.data, date) else None,
    )


def _listing(query) -> Listing:
    listing = Listing(query, conventions.calendar_sorts, "echeance")
    # equal keys (a quarter's meetings, one convention's rows) keep one order from page to page.
    listing.ordered = listing.ordered.order_by(Occurrence.due_on, Occurrence.id)
    return listing


CALENDAR = ListPage(
    "guichet/calendrier/calendar.html",
    "calendrier-obligations",
    ("Échéance", "due_on"),
    ("Prévisionnelle", lambda row: bool(row.provisional)),
    ("Événement", "event_label"),
    ("Date de l'événement", "event_on"),
    ("Obligation", "label"),
    ("Article", "article"),
    ("Nature", lambda row: Nature.label_of(row.nature)),
    ("Convention", "convention_reference"),
    ("Intitulé de la convention", "convention_title"),
    ("Responsable", "responsible_name"),
    ("Destinataire", "recipient_name"),
    ("Statut", lambda row: OccurrenceStatus.label_of(row.status)),
    ("Reçu le", "received_on"),
    ("Note", "note"),
)


def _by_month(items: list) -> list[tuple[date, list]]:
    groups: list[tuple[date, list]] = []
    for item in items:
        month = item.due_on.replace(day=1)
        if not groups or groups[-1][0] != month:
            groups.append((month, []))
        groups[-1][1].append(item)
    return groups


def _row_forms(row, meeting_new: str | None) -> dict:
    """The actions open on one row: a receipt (deliverables; meetings only when the committees
    pages are missing), the date of the event an ``after_event`` obligation waits for."""
    forms = {}
    if row.received_on is None:
        if row.nature == "deliverable" or meeting_new is None:
            forms["receipt"] = ReceiptForm.of_row(row, formdata=None)
            if row.nature == "meeting":
                forms["receipt"].received_on.label.text = "Date de la réunion"
        if row.cadence == "after_event":
            form = EventForm.of_row(row, formdata=None, data={"event_on": row.event_on})
            if row.event_label:
                form.event_on.label.text = f"Date de l'événement ({row.event_label})"
            forms["event"] = form
    return forms


def _event_title(event_label: str | None) -> str:
    if not event_label or "assembl" in event_label.lower():
        return "Date de l'assemblée générale"
    return "Date de l'événement"


def _calendar_args() -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key in CALENDAR_ARGS}


def _meeting_new_url(endpoint: str, row, today: date) -> str:
    return url_for(
        endpoint,
        kind=row.category,
        convention_id=row.convention_id,
        meeting_on=max(row.due_on, today).isoformat(),
    )


@bp.route("/calendrier/")
def calendar():
    today = clock.today()
    form = _filter_form(today)
    listing = _listing(conventions.calendar_rows(_filters(form), today))
    by_due_date = listing.sort.lstrip("-") == "echeance"
    meeting_new = _meeting_new_endpoint()
    kept = _calendar_args()
    return CALENDAR.render(
        listing,
        page_context=lambda items: {
            "groups": _by_month(items) if by_due_date else [(None, items)],
            "row_forms": {row.id: _row_forms(row, meeting_new) for row in items},
        },
        form=form,
        action_url=lambda endpoint, row: url_for(endpoint, occurrence_id=row.id, **kept),
        meeting_new_url=(lambda row: _meeting_new_url(meeting_new, row, today)) if meeting_new else None,
        meeting_url=_meeting_url,
        convention_url=convention_url,
        event_title=_event_title,
        statuses=OccurrenceStatus.labels(),
        status_badges=STATUS_BADGES,
        natures=Nature.labels(),
        today=today,
    )


# --- actions on one due date ---------------------------------------------------------------------


def _back(occurrence_id: int | None = None):
    anchor = f"echeance-{occurrence_id}" if occurrence_id else None
    return redirect(url_for("guichet.calendar", **_calendar_args(), _anchor=anchor))


def _describe(row: Occurrence) -> str:
    obligation = db.session.get(Obligation, (row.tenant_id, row.obligation_id))
    return f"« {obligation.label} » (échéance du {formats.date(row.due_on)})"


def _row_action(rule: str, form_class: type[RowForm], done_message):
    """The view of an action posted on a due date's row at ``rule``: the decorated ``act(row,
    form)`` runs once the row's form is valid, then back to the calendar with the
    ``done_message(row)`` (read once done), or with the form's errors and the domain's refusal."""

    def register(act):
        @bp.route(rule, methods=["POST"], endpoint=act.__name__)
        def view(occurrence_id: int) -> Response:
            row = load_scoped(Occurrence, occurrence_id)
            form = form_class.of_row(row)
            if form.attempt_if_valid(lambda: act(row, form)) is not FAILED:
                flash(done_message(row), "success")
            else:
                flash_form_errors(form, joined=True)
            return _back(row.id)

        return view

    return register


@_row_action(
    "/calendrier/<int:occurrence_id>/reception",
    ReceiptForm,
    lambda row: f"{_describe(row)} : reçu le {formats.date(row.received_on)}.",
)
def occurrence_receive(row: Occurrence, form: ReceiptForm):
    return conventions.record_receipt(request_actor(), row, form.received_on.data, form.note.data)


@_row_action(
    "/calendrier/<int:occurrence_id>/reception/annulation",
    CancelReceiptForm,
    lambda row: f"{_describe(row)} : la réception est annulée.",
)
def occurrence_cancel_receipt(row: Occurrence, _: CancelReceiptForm):
    return conventions.cancel_receipt(request_actor(), row)


@_row_action(
    "/calendrier/<int:occurrence_id>/evenement",
    EventForm,
    lambda row: (
        f"{_describe(row)} : l'événement est daté du {formats.date(row.event_on)}, "
        f"l'échéance est le {formats.date(row.due_on)}."
    ),
)
def occurrence_event(row: Occurrence, form: EventForm):
    return conventions.record_event(request_actor(), row, form.event_on.data)


# --- compliance ----------------------------------------------------------------------------------

COMPLIANCE_TABLES = {
    "partenaires": ("partner", "Partenaire", "partenaire"),
    "conventions": ("convention", "Convention", "convention"),
}


def _rate_percent(rate: float | None):
    return None if rate is None else round(rate * 100, 1)


#: the columns of an exported compliance table after its first (the partner or the convention).
COMPLIANCE_COLUMNS = (
    ("Échéances passées", "due"),
    ("Reçues à temps", "on_time"),
    ("Reçues en retard", "received_late"),
    ("En retard", "late"),
    ("Manquantes", "missing"),
    ("Taux à temps (%)", lambda r: _rate_percent(r["rate"])),
)


def _compliance_export(table: str, rows: list[dict], day: date) -> Response:
    _, label, _ = COMPLIANCE_TABLES[table]
    export = Export((label, "label"), *COMPLIANCE_COLUMNS)
    return send_table(
        f"conformite-{table}-{day.isoformat()}",
        export.header,
        map(export.row, rows),
        sheet=f"Conformité par {label.lower()}",
        total=len(rows),
    )


@bp.route("/conformite/")
def compliance():
    form = ComplianceForm(request.args)
    day = form.date.data if isinstance(form.date.data, date) else clock.today()
    form.date.data = day
    tables = {key: conventions.compliance(by, day) for key, (by, _, _) in COMPLIANCE_TABLES.items()}
    if wants_export():
        table = request.args.get("tableau")
        table = table if table in COMPLIANCE_TABLES else "partenaires"
        return _compliance_export(table, tables[table], day)

    def calendar_url(table: str, row: dict) -> str:
        _, _, arg = COMPLIANCE_TABLES[table]
        return url_for("guichet.calendar", **{arg: row["id"], "du": "", "au": day.isoformat()})

    def export_url(table: str, fmt: str) -> str:
        return url_for("guichet.compliance", date=day.isoformat(), tableau=table, export=fmt)

    return render_template(
        "guichet/calendrier/compliance.html",
        form=form,
        day=day,
        partners=tables["partenaires"],
        by_convention=tables["conventions"],
        calendar_url=calendar_url,
        export_url=export_url,
        percent=lambda rate: None if rate is None else f"{formats.number(rate * 100, 1)} %",
    )
