"""Committees and meetings of the conventions: the list with the meetings proposed by the
conventions' cadence, planning, the meeting page (parties, agenda, minutes, decisions), holding,
and the registry of decisions."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from blueprints.forms import FAILED, attempt, status_of
from blueprints.guichet.committee_forms import (
    CloseDecisionForm,
    DecisionFilterForm,
    DecisionForm,
    HoldForm,
    MeetingEditForm,
    MeetingFilterForm,
    MeetingForm,
)
from blueprints.guichet.posted import saved_then
from blueprints.guichet.views import bp
from blueprints.listing import Listing
from blueprints.ui import int_arg
from blueprints.views_common import ListPage, submitted, with_choices
from saas import clock, formats
from saas.comites import api as comites
from saas.comites.api import DecisionStatus, MeetingAction, MeetingKind, MeetingStatus
from saas.comites.models import Decision, Meeting
from saas.partenaires import api as partenaires
from tenants.web import load_scoped, request_actor

STATUS_BADGES = {
    MeetingStatus.planned: "info",
    MeetingStatus.held: "succes",
    MeetingStatus.cancelled: "neutre",
}
DECISION_BADGES = {
    DecisionStatus.open: "info",
    DecisionStatus.done: "succes",
    DecisionStatus.dropped: "neutre",
}


def _ints(values) -> list[int]:
    return [number for number in (int_arg(v) for v in values or ()) if number is not None]


def _convention_choices() -> list[tuple[str, str]]:
    return [(str(i), f"{reference} — {title}") for i, reference, title in comites.convention_options()]


def _organisation_choices() -> list[tuple[str, str]]:
    return [(str(o.id), o.name) for o in partenaires.list_all()]


def _text_lines(value: str | None) -> list[str]:
    return (value or "").splitlines()


# --- the list ------------------------------------------------------------------------------------


def _meeting_filter_form() -> MeetingFilterForm:
    return with_choices(MeetingFilterForm(request.args), convention=[("", "Toutes"), *_convention_choices()])


MEETINGS = ListPage(
    "guichet/comites/list.html",
    "comites",
    ("Date", "meeting_on"),
    ("Heure", lambda row: formats.time(row.starts_at) or None),
    ("Type", lambda row: comites.kind_label(row.kind)),
    ("Intitulé", "title"),
    ("Lieu", "place"),
    ("Conventions", "conventions"),
    ("Statut", lambda row: MeetingStatus(row.status).label),
    ("Décisions", "decisions"),
    ("Décisions ouvertes", "open_decisions"),
)


def _proposal_url(proposal: comites.Proposal, today: date) -> str:
    values = {"kind": proposal.kind, "convention_id": proposal.convention_id}
    if proposal.due_on is not None:
        values["meeting_on"] = max(proposal.due_on, today).isoformat()
    return url_for("guichet.meeting_new", **values)


@bp.route("/comites/")
def meetings():
    today = clock.today()
    form = _meeting_filter_form()
    filters = comites.MeetingFilters(
        kind=form.type.data or None,
        status=form.statut.data or None,
        convention_id=int_arg(form.convention.data),
        date_from=form.du.data if isinstance(form.du.data, date) else None,
        date_to=form.au.data if isinstance(form.au.data, date) else None,
    )
    return MEETINGS.render(
        Listing(comites.meeting_rows_query(filters), comites.meeting_sorts(), "-date"),
        form=form,
        kind_label=comites.kind_label,
        status_labels=MeetingStatus.labels(),
        status_badges=STATUS_BADGES,
        proposals=comites.proposals(today),
        proposal_url=lambda proposal: _proposal_url(proposal, today),
    )


# --- planning and changing a meeting -------------------------------------------------------------


def _with_choices(form: MeetingForm) -> MeetingForm:
    return with_choices(form, convention_ids=_convention_choices(), invited_ids=_organisation_choices())


def _prefilled_meeting_form() -> MeetingForm:
    """The form of a new meeting, pre-filled from a proposal (kind, convention, date)."""
    kind = request.args.get("kind")
    kind = kind if kind in frozenset(MeetingKind) else None
    convention_id = int_arg(request.args.get("convention_id"))
    conventions = {i: reference for i, reference, _ in comites.convention_options()}
    if convention_id not in conventions:
        convention_id = None
    try:
        meeting_on = date.fromisoformat(request.args.get("meeting_on", ""))
    except ValueError:
        meeting_on = None
    data = {"kind": kind or "", "meeting_on": meeting_on}
    if convention_id is not None:
        data["convention_ids"] = [str(convention_id)]
        data["invited_ids"] = [str(i) for i in comites.convention_party_ids(convention_id)]
        if kind:
            data["title"] = f"{MeetingKind(kind).label} — {conventions[convention_id]}"
    return _with_choices(MeetingForm(formdata=None, data=data))


def _meeting_values(form: MeetingForm) -> dict:
    return {
        "kind": form.kind.data,
        "title": form.title.data,
        "meeting_on": form.meeting_on.data,
        "starts_at": form.starts_at.data,
        "place": form.place.data,
        "convention_ids": _ints(form.convention_ids.data),
        "invited_ids": _ints(form.invited_ids.data),
        "agenda": form.agenda.data,
    }


@bp.route("/comites/nouveau", methods=["GET", "POST"])
def meeting_new():
    form = _with_choices(MeetingForm()) if request.method == "POST" else _prefilled_meeting_form()
    meeting = submitted(
        form,
        lambda: comites.plan_meeting(request_actor(), **_meeting_values(form)),
        "La réunion est enregistrée.",
    )
    if meeting is not FAILED:
        return redirect(url_for("guichet.meeting", meeting_id=meeting.id))
    return render_template("guichet/comites/form.html", form=form, meeting=None), status_of(form)


@bp.route("/comites/<int:meeting_id>/modifier", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    meeting = load_scoped(Meeting, meeting_id)
    refused = comites.refusal(meeting, MeetingAction.edit)
    if refused:
        flash(refused, "error")
        return redirect(url_for("guichet.meeting", meeting_id=meeting.id))
    if request.method == "POST":
        form = _with_choices(MeetingEditForm())
    else:
        form = _with_choices(
            MeetingEditForm(
                formdata=None,
                obj=meeting,
                data={
                    "convention_ids": [str(c.id) for c in comites.conventions_of(meeting.id)],
                    "invited_ids": [str(a.organisation_id) for a in comites.attendees_of(meeting.id)],
                },
            )
        )

    def update():
        values = _meeting_values(form)
        if MeetingAction.edit_minutes in comites.allowed_actions(meeting):  # shown, hence sent
            values["minutes"] = form.minutes.data
        return comites.update_meeting(request_actor(), meeting, **values)

    if submitted(form, update, "La réunion est modifiée.") is not FAILED:
        return redirect(url_for("guichet.meeting", meeting_id=meeting.id))
    return render_template(
        "guichet/comites/form.html", form=form, meeting=meeting, actions=comites.allowed_actions(meeting)
    ), status_of(form)


# --- the meeting page ----------------------------------------------------------------------------


def _decision_form(formdata: bool = False) -> DecisionForm:
    form = DecisionForm() if formdata else DecisionForm(formdata=None)
    return with_choices(form, owner_id=[("", "— aucun —"), *_organisation_choices()])


def _close_form(decision: Decision, submitted: bool = False) -> CloseDecisionForm:
    prefix = f"decision-{decision.id}"
    if submitted:
        return CloseDecisionForm(prefix=prefix)
    return CloseDecisionForm(prefix=prefix, formdata=None, data={"done_on": clock.today()})


def render_meeting(meeting: Meeting, status: int = 200, **forms):
    """The meeting page; ``forms`` carries a form sent with errors, to show them in place."""
    today = clock.today()
    organisations = {o.id: o.name for o in partenaires.list_all()}
    decisions = []
    for item in comites.decisions_of(meeting.id):
        form = forms.get("close_form") if forms.get("decision_id") == item.id else None
        decisions.append(
            {
                "item": item,
                "owner": organisations.get(item.owner_id),
                "overdue": comites.is_overdue(item, today),
                "form": form or (_close_form(item) if comites.decision_actions(item) else None),
            }
        )
    return render_template(
        "guichet/comites/meeting.html",
        meeting=meeting,
        kind_label=comites.kind_label(meeting.kind),
        status_label=MeetingStatus(meeting.status).label,
        status_badge=STATUS_BADGES[meeting.status],
        actions=comites.allowed_actions(meeting),
        held=meeting.status == MeetingStatus.held,
        conventions=comites.conventions_of(meeting.id),
        attendees=comites.attendee_rows(meeting.id),
        occurrences=comites.held_occurrence_rows(meeting.id),
        decisions=decisions,
        decision_labels=DecisionStatus.labels(),
        decision_badges=DECISION_BADGES,
        decision_form=forms.get("decision_form") or _decision_form(),
        text_lines=_text_lines,
    ), status


@bp.route("/comites/<int:meeting_id>")
def meeting(meeting_id: int):
    return render_meeting(load_scoped(Meeting, meeting_id))


@bp.route("/comites/<int:meeting_id>/decisions", methods=["POST"])
def decision_add(meeting_id: int):
    meeting = load_scoped(Meeting, meeting_id)
    form = _decision_form(formdata=True)
    return saved_then(
        form,
        lambda: comites.add_decision(
            request_actor(), meeting, form.text.data, int_arg(form.owner_id.data), form.due_on.data
        ),
        lambda decision: f"La décision n° {decision.number} est enregistrée.",
        url_for("guichet.meeting", meeting_id=meeting.id, _anchor="decisions"),
        lambda: render_meeting(meeting, 400, decision_form=form),
    )


@bp.route("/decisions/<int:decision_id>/cloture", methods=["POST"])
def decision_close(decision_id: int):
    decision = load_scoped(Decision, decision_id)
    meeting = load_scoped(Meeting, decision.meeting_id)
    form = _close_form(decision, submitted=True)
    done = submitted(
        form,
        lambda: comites.close_decision(
            request_actor(), decision, form.status.data, form.done_on.data, form.note.data
        ),
        lambda _: (
            f"La décision n° {decision.number} est close ({DecisionStatus(decision.status).label.lower()})."
        ),
    )
    if done is not FAILED:
        if request.form.get("retour") == "registre":
            return redirect(url_for("guichet.decisions"))
        return redirect(url_for("guichet.meeting", meeting_id=meeting.id, _anchor="decisions"))
    return render_meeting(meeting, 400, close_form=form, decision_id=decision.id)


# --- holding, taking back, cancelling ------------------------------------------------------------


def _hold_form(meeting: Meeting, formdata: bool = False) -> HoldForm:
    if formdata:
        return HoldForm()
    rows = comites.attendee_rows(meeting.id)
    return HoldForm(
        formdata=None,
        data={
            "meeting_on": min(meeting.meeting_on, clock.today()),
            "minutes": meeting.minutes,
            "present": [
                {"organisation_id": str(a.organisation_id), "present": False, "represented_by": None}
                for a, _ in rows
            ],
        },
    )


@bp.route("/comites/<int:meeting_id>/tenue", methods=["GET", "POST"])
def meeting_hold(meeting_id: int):
    meeting = load_scoped(Meeting, meeting_id)
    refused = comites.refusal(meeting, MeetingAction.hold)
    if refused:
        flash(refused, "error")
        return redirect(url_for("guichet.meeting", meeting_id=meeting.id))
    form = _hold_form(meeting, formdata=request.method == "POST")
    if submitted(form, lambda: _hold(meeting, form), lambda _: _held_message(meeting)) is not FAILED:
        return redirect(url_for("guichet.meeting", meeting_id=meeting.id))
    names = {a.organisation_id: name for a, name in comites.attendee_rows(meeting.id)}
    return render_template(
        "guichet/comites/hold.html",
        form=form,
        meeting=meeting,
        kind_label=comites.kind_label(meeting.kind),
        organisation_name=lambda value: names.get(int_arg(value), ""),
    ), status_of(form)


def _hold(meeting: Meeting, form: HoldForm):
    present = [
        {
            "organisation_id": entry.form.organisation_id.data,
            "represented_by": entry.form.represented_by.data,
        }
        for entry in form.present
        if entry.form.present.data and int_arg(entry.form.organisation_id.data) is not None
    ]
    return comites.hold_meeting(
        request_actor(), meeting, form.minutes.data, present, meeting_on=form.meeting_on.data
    )


def _held_message(meeting: Meeting) -> str:
    marked = len(comites.held_occurrences(meeting.id))
    message = "La tenue de la réunion est enregistrée."
    if marked:
        message += f" Échéances des conventions marquées tenues : {marked}."
    return message


@bp.route("/comites/<int:meeting_id>/tenue/annulation", methods=["POST"])
def meeting_unhold(meeting_id: int):
    meeting = load_scoped(Meeting, meeting_id)
    if attempt(lambda: comites.unhold_meeting(request_actor(), meeting)) is not FAILED:
        flash("La tenue est annulée : la réunion est de nouveau prévue.", "success")
    return redirect(url_for("guichet.meeting", meeting_id=meeting.id))


@bp.route("/comites/<int:meeting_id>/annulation", methods=["POST"])
def meeting_cancel(meeting_id: int):
    meeting = load_scoped(Meeting, meeting_id)
    if (
        attempt(lambda: comites.cancel_meeting(request_actor(), meeting, request.form.get("reason")))
        is not FAILED
    ):
        flash("La réunion est annulée.", "success")
    return redirect(url_for("guichet.meeting", meeting_id=meeting.id))


# --- the registry of decisions -------------------------------------------------------------------


def _decision_filter_form() -> DecisionFilterForm:
    return with_choices(DecisionFilterForm(request.args), porteur=[("", "Tous"), *_organisation_choices()])


DECISIONS = ListPage(
    "guichet/comites/decisions.html",
    "decisions",
    ("Réunion", "meeting_title"),
    ("Date de la réunion", "meeting_on"),
    ("Type", lambda row: comites.kind_label(row.kind)),
    ("N°", "number"),
    ("Décision", "text"),
    ("Porteur", "owner"),
    ("Échéance", "due_on"),
    ("Statut", lambda row: DecisionStatus(row.status).label),
    ("En retard", "overdue"),
    ("Réalisée le", "done_on"),
    ("Observation", "note"),
)


@bp.route("/decisions/")
def decisions():
    today = clock.today()
    form = _decision_filter_form()
    filters = comites.DecisionFilters(
        status=form.statut.data or None,
        owner_id=int_arg(form.porteur.data),
        overdue=bool(form.en_retard.data),
        kind=form.type.data or None,
    )
    return DECISIONS.render(
        Listing(comites.decision_rows_query(filters, today), comites.decision_sorts(), "echeance"),
        form=form,
        kind_label=comites.kind_label,
        decision_labels=DecisionStatus.labels(),
        decision_badges=DECISION_BADGES,
    )
