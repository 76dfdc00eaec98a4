"""What an employer sends besides the hours (seed 002 art. 2 and 3): the weekly word on its
contracts, the end-of-mission evaluations, its semester table of people in parcours; and, for
every partner, the calendar of its obligations and its team."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask import abort, flash, g, redirect, render_template, request, url_for
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from blueprints.choices import select_choices
from blueprints.forms import FAILED, Form, status_of
from blueprints.guichet.calendar_views import STATUS_BADGES as OCCURRENCE_BADGES
from blueprints.listing import send_table
from blueprints.portail.employer_views import own_mission
from blueprints.portail.views import bp, for_audience, organisation_id
from blueprints.views_common import submitted
from saas import clock, formats
from saas.accounts import memberships
from saas.conventions.enums import OccurrenceStatus
from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.parcours import partner_reports
from saas.parcours.enums import EVALUATION_CRITERIA, EVALUATION_MARKS, Recommendation, WeeklySituation
from saas.portail import api as portail
from saas.referentiels.enums import ExitCategory
from tenants.web import request_actor

WEEKS_BACK = 8


def _weeks(today: date) -> list[date]:
    monday = partner_reports.monday_of(today)
    return [monday - timedelta(weeks=n) for n in range(WEEKS_BACK)]


def _asked_week(weeks: list[date]) -> date:
    asked = request.values.get("semaine", "")
    return next((week for week in weeks if week.isoformat() == asked), weeks[0])


@bp.route("/point-hebdomadaire", methods=["GET", "POST"])
@for_audience(portail.EMPLOYER)
def weekly():
    weeks = _weeks(clock.today())
    week = _asked_week(weeks)
    running = portail.running_between(week, week + timedelta(days=6), organisation_id())
    missions = {c.mission.id: c.mission for c, _, _ in running}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        situations = {
            mission_id: (
                request.form.get(f"situation-{mission_id}", ""),
                request.form.get(f"note-{mission_id}"),
            )
            for mission_id in missions
        }
        try:
            partner_reports.save_weekly(
                request_actor(), organisation_id(), week, missions, situations, request.form.get("upcoming")
            )
        except ValidationError as error:
            db.session.rollback()
            errors = error.errors
        except DomainError as error:  # the week's word sent by a colleague in between
            db.session.rollback()
            errors = {"week_start": [error.message]}
        else:
            db.session.commit()
            flash(f"Point de la semaine du {formats.date(week)} transmis au guichet.", "success")
            return redirect(url_for("portail.weekly", semaine=week.isoformat()))
    report = partner_reports.weekly_report(organisation_id(), week)
    return render_template(
        "portail/weekly.html",
        weeks=weeks,
        week=week,
        running=running,
        report=report,
        lines=partner_reports.weekly_lines(report.id) if report else {},
        situations=WeeklySituation.choices(),
        errors=errors,
        values=request.form if errors else {},
    ), (422 if errors else 200)


class EvaluationForm(Form):
    strengths = TextAreaField("Points forts", validators=[Length(max=4000)])
    improvements = TextAreaField("Points à travailler", validators=[Length(max=4000)])
    recommendation = SelectField(
        "Suite recommandée",
        choices=select_choices([("", "— choisir —"), *Recommendation.choices()]),
        validate_choice=False,
    )


@bp.route("/missions/<int:mission_id>/evaluation", methods=["GET", "POST"])
@for_audience(portail.EMPLOYER)
def evaluation(mission_id: int):
    mission = own_mission(mission_id)
    form = EvaluationForm()
    marks = {code: request.form.get(f"note-{code}") for code in EVALUATION_CRITERIA}
    saved = submitted(
        form,
        lambda: partner_reports.record_evaluation(
            request_actor(), organisation_id(), mission, marks, form.strengths.data, form.improvements.data,
            form.recommendation.data,
        ),
        "L'évaluation de fin de mission est transmise au guichet.",
    )  # fmt: skip
    if saved is not FAILED:
        return redirect(url_for("portail.mission", mission_id=mission.id))
    person = portail.names_of([mission.participant_id]).get(mission.participant_id, ("", ""))
    return render_template(
        "portail/evaluation.html",
        mission=mission,
        person=person,
        form=form,
        criteria=EVALUATION_CRITERIA,
        marks=EVALUATION_MARKS,
        chosen=marks,
        refused=refusal.errors
        if isinstance(refusal := getattr(form, "refusal", None), ValidationError)
        else {},
        evaluations=partner_reports.evaluations_of(mission.id),
        recommendation_label=lambda code: Recommendation(code).label,
    ), status_of(form)


def _semesters(today: date) -> list[tuple[int, int]]:
    current = (today.year, 1 if today.month <= 6 else 2)
    found, (year, half) = [], current
    for _ in range(4):
        found.append((year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return found


@bp.route("/tableau-semestriel")
@for_audience(portail.EMPLOYER)
def semester():
    semesters = _semesters(clock.today())
    asked = request.args.get("semestre", "")
    year, half = next((s for s in semesters if f"{s[0]}-{s[1]}" == asked), semesters[0])
    lines = portail.semester_table(organisation_id(), year, half)
    label = f"{'1er' if half == 1 else '2d'} semestre {year}"
    if request.args.get("export") == "xlsx":
        header = ["Référence", "Nom", "Prénom", "Lot", "Début", "Fin", "Sortie", "Heures du semestre"]
        rows = (
            (line.reference, line.last_name, line.first_name, line.lot_label, line.mission.start_date,
             line.mission.exit_date or line.mission.end_date,
             ExitCategory(line.mission.exit_category).label if line.mission.exit_category else "", line.hours)
            for line in lines
        )  # fmt: skip
        return send_table(f"tableau-semestriel-{year}-{half}", header, rows, sheet="Salariés en parcours")
    return render_template(
        "portail/semester.html", semesters=semesters, year=year, half=half, label=label, lines=lines
    )


@bp.route("/echeances")
def calendar():
    today = clock.today()
    rows = portail.obligations(organisation_id(), today - timedelta(days=90), today + relativedelta(years=1))
    return render_template(
        "portail/calendar.html",
        rows=rows,
        statuses=OccurrenceStatus.labels(),
        badges=OCCURRENCE_BADGES,
    )


class InviteForm(Form):
    display_name = StringField(
        "Nom et prénom", validators=[DataRequired("Indiquez le nom."), Length(max=200)]
    )
    email = StringField(
        "Adresse électronique",
        validators=[
            DataRequired("Indiquez l'adresse."),
            Email("Adresse électronique non valide."),
            Length(max=254),
        ],
    )


@bp.route("/equipe", methods=["GET", "POST"])
def team():
    can_invite = bool(g.membership.organisation_admin)
    form = InviteForm()
    if request.method == "POST":
        if not can_invite:
            abort(403)
        invited = submitted(
            form,
            lambda: memberships.invite_colleague(request_actor(), form.email.data, form.display_name.data),
            lambda _: f"Invitation envoyée à {form.email.data}.",
        )
        if invited is not FAILED:
            return redirect(url_for("portail.team"))
    return render_template(
        "portail/team.html",
        members=memberships.users_bound(organisation_id()),
        can_invite=can_invite,
        form=form,
        organisation=portail.organisation(organisation_id()),
    ), status_of(form)
