"""Missions (mises à l'emploi): the list, placement, the mission page with its follow-up plan,
its monthly statements, the exit and the situation at 6 months."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from blueprints.choosers import resolve
from blueprints.forms import FAILED, status_of
from blueprints.guichet.mission_forms import (
    ExitForm,
    FollowUpForm,
    MissionFilterForm,
    MissionForm,
    SituationForm,
)
from blueprints.guichet.posted import saved_then
from blueprints.guichet.views import bp
from blueprints.listing import Listing
from blueprints.ui import int_arg
from blueprints.views_common import ListPage, with_choices
from saas import clock
from saas.accounts import api as accounts
from saas.errors import ValidationError
from saas.heures import api as heures
from saas.heures.enums import ReleveStatus
from saas.parcours import api as parcours
from saas.parcours import partner_reports
from saas.parcours.enums import (
    EVALUATION_CRITERIA,
    EVALUATION_MARKS,
    FollowUpKind,
    FollowUpState,
    FollowUpStep,
    MissionState,
    Modality,
    Recommendation,
    WeeklySituation,
)
from saas.parcours.models import FollowUp, Mission
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.referentiels import api as referentiels
from saas.referentiels.enums import ExitCategory
from tenants.web import load_scoped, request_actor

STATE_BADGES = {MissionState.en_cours: "info", MissionState.terminee: "neutre", MissionState.sortie: "succes"}
FOLLOW_UP_BADGES = {
    FollowUpState.done: "succes",
    FollowUpState.overdue: "erreur",
    FollowUpState.planned: "neutre",
    FollowUpState.moot: "neutre",
}
#: follow-ups that can still be recorded (a moot one too: it may have happened before the exit).
OPEN_STATES = {FollowUpState.overdue, FollowUpState.planned, FollowUpState.moot}
STATUS_BADGES = {
    ReleveStatus.declared: "alerte",
    ReleveStatus.validated: "succes",
    ReleveStatus.rejected: "erreur",
}


# --- the list ------------------------------------------------------------------------------------


def _filter_form() -> MissionFilterForm:
    form = MissionFilterForm(request.args)
    resolve(form.lot, parcours.lot_choices)
    return with_choices(
        form,
        employeur=[("", "Tous")] + [(str(o.id), o.name) for o in parcours.employer_options()],
        contrat=[("", "Tous")] + [(c.code, c.label) for c in referentiels.contract_types()],
    )


MISSIONS = ListPage(
    "guichet/missions.html",
    "missions",
    ("Participant", "reference"),
    ("Employeur", "employer"),
    ("Lot", "lot"),
    ("Modalité", lambda row: Modality(row.modality).label),
    ("Type de contrat", "contract"),
    ("Début", "start_date"),
    ("Fin", "end_date"),
    ("Fin de période d'essai", "trial_end_date"),
    ("Heures hebdomadaires", "weekly_hours"),
    ("État", lambda row: MissionState(row.state).label),
)


@bp.route("/missions/")
def missions():
    today = clock.today()
    form = _filter_form()
    filters = parcours.MissionFilters(
        active_on=today if form.actives.data else None,
        lot_id=int_arg(form.lot.data),
        employer_id=int_arg(form.employeur.data),
        contract_type=form.contrat.data or None,
    )
    return MISSIONS.render(
        Listing(parcours.rows_query(filters, today), parcours.row_sorts(today), "-debut"),
        form=form,
        modality_label=lambda code: Modality(code).label,
        state_label=lambda code: MissionState(code).label,
        state_badge=lambda code: STATE_BADGES[MissionState(code)],
    )


# --- placement -----------------------------------------------------------------------------------


def _mission_form() -> MissionForm:
    blank = [("", "— choisir —")]
    return with_choices(
        MissionForm(),
        employer_id=blank + [(str(o.id), o.name) for o in parcours.employer_options()],
        contract_type=blank + [(c.code, c.label) for c in referentiels.contract_types()],
    )


#: the fields of the placement form passed as they are to ``parcours.place``.
PLACEMENT_FIELDS = (
    "modality",
    "contract_type",
    "start_date",
    "weekly_hours",
    "end_date",
    "trial_end_date",
    "job_title",
    "override_reason",
)


@bp.route("/missions/nouvelle", methods=["GET", "POST"])
def mission_new():
    """The participant is searched, never listed (blueprints/choosers.py); ``?participant_id=``
    (the participant page's link) chooses them beforehand."""
    form = _mission_form()
    if request.method == "GET":
        form.participant_id.data = request.args.get("participant_id")
    resolve(form.participant_id, parcours.participant_options)
    resolve(form.lot_id, parcours.lot_choices)
    show_override = bool(form.override_reason.data)
    mission = form.attempt_if_valid(
        lambda: parcours.place(
            request_actor(),
            participant_id=int_arg(form.participant_id.data),
            employer_id=int_arg(form.employer_id.data),
            lot_id=int_arg(form.lot_id.data),
            rome_code=(form.rome_code.data or "").strip().upper() or None,
            **form.values(*PLACEMENT_FIELDS),
        )
    )
    refusal = form.refusal
    show_override = show_override or (
        isinstance(refusal, ValidationError) and refusal.field == "override_reason"
    )
    if mission is not FAILED:
        if mission.eligibility_override:
            flash(
                "La mission est enregistrée avec une dérogation à l'éligibilité, tracée dans le journal.",
                "warning",
            )
        else:
            flash("La mission est enregistrée ; son plan de suivi est prêt.", "success")
        return redirect(url_for("guichet.mission", mission_id=mission.id))
    return render_template(
        "guichet/mission_new.html",
        form=form,
        show_override=show_override,
    ), status_of(form)


# --- the mission page ----------------------------------------------------------------------------


def _exit_choices() -> list[tuple[str, str]]:
    return [("", "— choisir —")] + [
        (m.code, f"{m.label} ({ExitCategory(m.category).label})") for m in referentiels.exit_motifs()
    ]


def _follow_up_form(follow_up: FollowUp, submitted: bool = False) -> FollowUpForm:
    prefix = f"suivi-{follow_up.id}"
    return FollowUpForm(prefix=prefix) if submitted else FollowUpForm(prefix=prefix, formdata=None)


def _exit_form(formdata: bool = False) -> ExitForm:
    return with_choices(ExitForm() if formdata else ExitForm(formdata=None), exit_motif=_exit_choices())


def _situation_form(formdata: bool = False) -> SituationForm:
    form = SituationForm() if formdata else SituationForm(formdata=None)
    return with_choices(form, situation_6m_motif=_exit_choices())


def _statement_rows(mission: Mission) -> list[dict]:
    rows = []
    in_force = [s for s in heures.statements_of_mission(mission.id) if s.superseded_at is None]
    countings = heures.current_countings([statement.id for statement in in_force])
    for statement in in_force:
        counting = countings.get(statement.id)
        rows.append(
            {
                "statement": statement,
                "raw": statement.worked_hours + statement.training_hours,
                "counted": counting.counted_hours if counting else None,
                "status": ReleveStatus(statement.status),
            }
        )
    return rows


def marks_text(evaluation) -> str:
    """« Ponctualité et assiduité : Bien ; Autonomie : Très bien… »."""
    return " ; ".join(
        f"{label} : {EVALUATION_MARKS.get(evaluation.marks.get(code), 'non noté')}"
        for code, label in EVALUATION_CRITERIA.items()
    )


def render_mission(mission: Mission, status: int = 200, **forms):
    """The mission page; ``forms`` carries a form sent with errors, to show them in place."""
    today = clock.today()
    follow_ups = []
    for follow_up in parcours.follow_ups_of(mission.id):
        state = parcours.plan_state(follow_up, mission, today)
        form = forms.get("follow_up") if forms.get("follow_up_id") == follow_up.id else None
        follow_ups.append(
            {
                "item": follow_up,
                "step": FollowUpStep(follow_up.step).label,
                "state": state,
                "kind": FollowUpKind(follow_up.kind).label if follow_up.kind else None,
                "form": form or (_follow_up_form(follow_up) if state in OPEN_STATES else None),
            }
        )
    contract = referentiels.contract_type(mission.contract_type)
    override_by = accounts.get_user(mission.override_by) if mission.override_by else None
    return render_template(
        "guichet/mission.html",
        mission=mission,
        participant=participants.get(mission.participant_id),
        employer=partenaires.get(mission.employer_id),
        lot_label=parcours.lot_labels([mission.lot_id]).get(mission.lot_id),
        contract_label=contract.label if contract else mission.contract_type,
        modality_label=Modality(mission.modality).label,
        state=parcours.mission_state(mission, today),
        state_badges=STATE_BADGES,
        override_by=override_by,
        follow_ups=follow_ups,
        follow_up_badges=FOLLOW_UP_BADGES,
        statements=_statement_rows(mission),
        status_badges=STATUS_BADGES,
        exit_motif=referentiels.exit_motif(mission.exit_motif) if mission.exit_motif else None,
        exit_category=ExitCategory(mission.exit_category).label if mission.exit_category else None,
        situation=referentiels.exit_motif(mission.situation_6m_motif) if mission.situation_6m_motif else None,
        weekly=partner_reports.weekly_of_mission(mission.id),
        evaluations=partner_reports.evaluations_of(mission.id),
        situation_label=lambda code: WeeklySituation(code).label,
        recommendation_label=lambda code: Recommendation(code).label,
        marks_of=marks_text,
        exit_form=forms.get("exit_form") or _exit_form(),
        situation_form=forms.get("situation_form") or _situation_form(),
    ), status


@bp.route("/missions/<int:mission_id>")
def mission(mission_id: int):
    return render_mission(load_scoped(Mission, mission_id))


@bp.route("/suivis/<int:follow_up_id>", methods=["POST"])
def follow_up_record(follow_up_id: int):
    follow_up = load_scoped(FollowUp, follow_up_id)
    mission = load_scoped(Mission, follow_up.mission_id)
    form = _follow_up_form(follow_up, submitted=True)
    return saved_then(
        form,
        lambda: parcours.record_follow_up(
            request_actor(), follow_up, form.done_on.data, form.kind.data, form.notes.data
        ),
        f"Suivi « {FollowUpStep(follow_up.step).label} » enregistré.",
        url_for("guichet.mission", mission_id=mission.id, _anchor="suivis"),
        lambda: render_mission(mission, 400, follow_up=form, follow_up_id=follow_up.id),
    )


@bp.route("/missions/<int:mission_id>/sortie", methods=["POST"])
def mission_exit(mission_id: int):
    mission = load_scoped(Mission, mission_id)
    form = _exit_form(formdata=True)
    return saved_then(
        form,
        lambda: parcours.record_exit(request_actor(), mission, form.exit_date.data, form.exit_motif.data),
        "La sortie est enregistrée.",
        url_for("guichet.mission", mission_id=mission.id, _anchor="sortie"),
        lambda: render_mission(mission, 400, exit_form=form),
    )


@bp.route("/missions/<int:mission_id>/situation-6-mois", methods=["POST"])
def mission_situation(mission_id: int):
    mission = load_scoped(Mission, mission_id)
    form = _situation_form(formdata=True)
    return saved_then(
        form,
        lambda: parcours.record_situation_6m(
            request_actor(), mission, form.situation_6m_motif.data, form.situation_6m_on.data
        ),
        "La situation à 6 mois est enregistrée.",
        url_for("guichet.mission", mission_id=mission.id, _anchor="sortie"),
        lambda: render_mission(mission, 400, situation_form=form),
    )
