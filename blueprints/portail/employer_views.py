"""The employer's pages of the portal: its missions and people (only what the guichet placed with
it), each mission's follow-up plan and statements, and the monthly declaration of all its
missions on one screen, with proofs (seed 002 art. 3: « le 10 de chaque mois »)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from flask import abort, flash, redirect, render_template, request, url_for

from blueprints.files import upload_of
from blueprints.guichet.mission_views import FOLLOW_UP_BADGES, STATE_BADGES, STATUS_BADGES
from blueprints.listing import Listing
from blueprints.portail.views import bp, for_audience, organisation_id
from blueprints.views_common import ListPage
from saas import clock, formats
from saas.db import db
from saas.errors import DomainError
from saas.heures import api as heures
from saas.heures.enums import ReleveStatus
from saas.parcours import api as parcours
from saas.parcours.enums import FollowUpStep, MissionState, Modality
from saas.portail import api as portail
from saas.referentiels import api as referentiels
from tenants.web import request_actor

#: the day of the month the statements of the month before are due (seed 002 art. 3)
DUE_DAY = 10
#: the screen opens on the month before until this many days after the due day
GRACE_DAYS = 5

MISSIONS = ListPage(
    "portail/missions.html",
    "mes-missions",
    ("Personne", "reference"),
    ("Lot", "lot"),
    ("Type de contrat", "contract"),
    ("Début", "start_date"),
    ("Fin", "end_date"),
    ("Heures hebdomadaires", "weekly_hours"),
    ("État", lambda row: MissionState(row.state).label),
)


@bp.route("/missions/")
@for_audience(portail.EMPLOYER)
def missions():
    today = clock.today()
    listing = Listing(
        portail.missions_query(organisation_id(), today), portail.mission_sorts(today), "-debut"
    )
    return MISSIONS.render(
        listing,
        page_context=lambda items: {"names": portail.names_of([row.participant_id for row in items])},
        state_label=lambda code: MissionState(code).label,
        state_badges=STATE_BADGES,
    )


def own_mission(mission_id: int):
    found = portail.mission(organisation_id(), mission_id)
    if found is None:
        abort(404)
    return found


@bp.route("/missions/<int:mission_id>")
@for_audience(portail.EMPLOYER)
def mission(mission_id: int):
    found = own_mission(mission_id)
    today = clock.today()
    follow_ups = [
        {
            "step": FollowUpStep(f.step).label,
            "due_on": f.due_on,
            "done_on": f.done_on,
            "state": parcours.plan_state(f, found, today),
        }
        for f in parcours.follow_ups_of(found.id)
    ]
    contract = referentiels.contract_type(found.contract_type)
    return render_template(
        "portail/mission.html",
        mission=found,
        person=portail.names_of([found.participant_id]).get(found.participant_id, ("", "")),
        reference=portail.person_of(organisation_id(), found.participant_id).reference,
        lot_label=parcours.lot_labels([found.lot_id]).get(found.lot_id),
        contract_label=contract.label if contract else "",
        modality_label=Modality(found.modality).label,
        state=parcours.mission_state(found, today),
        state_badges=STATE_BADGES,
        follow_ups=follow_ups,
        follow_up_badges=FOLLOW_UP_BADGES,
        statements=heures.statements_of_mission(found.id),
        status_label=lambda code: ReleveStatus(code).label,
        status_badges=STATUS_BADGES,
    )


# --- the monthly declaration ---------------------------------------------------------------------


def _asked_month(months: list[date]) -> date:
    asked = request.values.get("mois", "")
    for month in months:
        if month.strftime("%m-%Y") == asked:
            return month
    # until a few days after the 10th, the month to declare is the one before
    today = clock.today()
    return months[1] if today.day <= DUE_DAY + GRACE_DAYS and len(months) > 1 else months[0]


def _entries(lines: list[portail.MonthLine]) -> list[portail.Entry]:
    form = request.form
    return [
        portail.Entry(
            line.mission.id,
            form.get(f"travaillees-{line.mission.id}", ""),
            form.get(f"formation-{line.mission.id}", ""),
            form.get(f"absence-{line.mission.id}", ""),
            form.get(f"commentaire-{line.mission.id}", "").strip() or None,
            upload_of(request.files.get(f"justificatif-{line.mission.id}")),
        )
        for line in lines
    ]


def _due_date(month: date) -> date:
    return month + relativedelta(months=1, day=DUE_DAY)


@bp.route("/declaration", methods=["GET", "POST"])
@for_audience(portail.EMPLOYER)
def declaration():
    months = portail.declaration_months()
    month = _asked_month(months)
    lines = portail.declaration(organisation_id(), month)
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        try:
            counts = portail.declare_month(
                request_actor(),
                organisation_id(),
                month,
                _entries(lines),
                upload_of(request.files.get("justificatif-commun")),
            )
        except portail.DeclarationError as error:
            db.session.rollback()
            errors = error.lines
        except DomainError as error:  # a statement declared or corrected in between
            db.session.rollback()
            errors = {-1: [error.message]}
        else:
            db.session.commit()
            flash(
                f"Déclaration de {formats.month(month)} enregistrée : {counts['declared']} relevé(s) nouveau(x), "
                f"{counts['corrected']} corrigé(s). Le guichet va les vérifier.",
                "success",
            )
            return redirect(url_for("portail.declaration", mois=month.strftime("%m-%Y")))
    return render_template(
        "portail/declaration.html",
        months=months,
        month=month,
        due_on=_due_date(month),
        lines=lines,
        errors=errors,
        values=request.form if errors else {},
        status_label=lambda code: ReleveStatus(code).label,
        status_badges=STATUS_BADGES,
    ), (422 if errors else 200)
