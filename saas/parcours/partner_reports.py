"""What an employer tells the guichet of its missions besides the hours (seed 002 art. 3): each
week, how its contracts under way go and which are to come; at the end of a mission, the
evaluation of the person. Both are audited and shown on the mission's page in the workspace.

The caller gives missions of the employer only (``saas.portail`` checks them); a mission of
another employer is refused here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from saas import bounds, cleaning, clock
from saas.audit import api as audit
from saas.db import db, insert
from saas.errors import Checks, ConflictError, ValidationError
from saas.parcours.enums import EVALUATION_CRITERIA, EVALUATION_MARKS, Recommendation, WeeklySituation
from saas.parcours.models import Mission, MissionEvaluation, WeeklyLine, WeeklyReport
from saas.participants import api as participants
from tenants.context import require_tenant_id


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_report(organisation_id: int, week_start: date) -> WeeklyReport | None:
    query = select(WeeklyReport).where(
        WeeklyReport.organisation_id == organisation_id, WeeklyReport.week_start == week_start
    )
    return db.session.scalar(query)


def weekly_lines(report_id: int) -> dict[int, WeeklyLine]:
    return {
        line.mission_id: line
        for line in db.session.scalars(select(WeeklyLine).where(WeeklyLine.report_id == report_id))
    }


def _own(missions: Mapping[int, Mission], mission_id: int, organisation_id: int) -> Mission:
    mission = missions.get(mission_id)
    if mission is None or mission.employer_id != organisation_id:
        raise ValidationError("mission_id", "Cette mission n'est pas l'une des vôtres.")
    return mission


def _checked_lines(organisation_id, missions, situations, upcoming) -> tuple[dict, str | None]:
    checks = Checks()
    lines = {}
    for mission_id, (situation, note) in situations.items():
        _own(missions, mission_id, organisation_id)
        value = checks.run(
            cleaning.member,
            WeeklySituation,
            situation,
            f"situation-{mission_id}",
            "Choisissez dans la liste.",
        )
        lines[mission_id] = (value, checks.run(cleaning.text, note, f"note-{mission_id}", bounds.LONG_TEXT))
    upcoming = checks.run(cleaning.text, upcoming, "upcoming", bounds.LONG_TEXT)
    checks.raise_errors()
    return lines, upcoming


def save_weekly(
    actor: audit.Actor,
    organisation_id: int,
    week_start: date,
    missions: Mapping[int, Mission],
    situations: Mapping[int, tuple[str, str | None]],
    upcoming: str | None,
) -> WeeklyReport:
    """The week's word of the organisation: a situation (and a note) per mission under way, and the
    contracts to come; sent again the same week, it replaces the week's lines (audited each time)."""
    week_start = monday_of(week_start)
    if week_start > clock.today():
        raise ValidationError("week_start", "On ne fait pas le point d'une semaine à venir.")
    lines, upcoming = _checked_lines(organisation_id, missions, situations, upcoming)
    report = weekly_report(organisation_id, week_start)
    if report is None:
        try:
            with db.session.begin_nested():
                report = insert(
                    WeeklyReport(
                        tenant_id=require_tenant_id(), organisation_id=organisation_id, week_start=week_start,
                        created_by=actor.user_id,
                    )
                )  # fmt: skip
        except IntegrityError:  # a colleague sent the same week's word in between
            raise ConflictError(
                "Le point de cette semaine vient d'être envoyé : rechargez la page."
            ) from None
    else:
        report.updated_at = clock.now()
        for line in weekly_lines(report.id).values():
            db.session.delete(line)
        db.session.flush()
    report.upcoming = upcoming
    for mission_id, (situation, note) in lines.items():
        db.session.add(
            WeeklyLine(
                tenant_id=report.tenant_id,
                report_id=report.id,
                mission_id=mission_id,
                situation=situation.value,
                note=note,
            )
        )
    db.session.flush()
    alerts = sum(1 for situation, _ in lines.values() if situation is not WeeklySituation.bien)
    audit.record(
        "weekly.reported",
        actor,
        "weekly_report",
        report.id,
        {"semaine": week_start.isoformat(), "missions": len(lines), "alertes": alerts},
    )
    return report


def weekly_of_mission(mission_id: int, limit: int = 8) -> list[tuple[date, WeeklyLine]]:
    """The latest weekly words on one mission: (week, line), newest first."""
    query = (
        select(WeeklyReport.week_start, WeeklyLine)
        .join(
            WeeklyReport,
            (WeeklyReport.tenant_id == WeeklyLine.tenant_id) & (WeeklyReport.id == WeeklyLine.report_id),
        )
        .where(WeeklyLine.mission_id == mission_id)
        .order_by(WeeklyReport.week_start.desc())
        .limit(limit)
    )
    return [(week, line) for week, line in db.session.execute(query)]


def record_evaluation(
    actor: audit.Actor,
    organisation_id: int,
    mission: Mission,
    marks: Mapping[str, object],
    strengths: str | None,
    improvements: str | None,
    recommendation: str | None,
    evaluated_on: date | None = None,
) -> MissionEvaluation:
    """The end-of-mission evaluation of the person by the employer: each criterion marked 1 to 4."""
    if mission.employer_id != organisation_id:
        raise ValidationError("mission_id", "Cette mission n'est pas l'une des vôtres.")
    participants.check_not_anonymised(participants.get(mission.participant_id))
    checks = Checks()
    checked = {}
    for code, label in EVALUATION_CRITERIA.items():
        message = f"{label} : choisissez une appréciation."
        mark = checks.run(
            cleaning.integer, marks.get(code), f"note-{code}", message, 1, max(EVALUATION_MARKS)
        )
        if mark is None and f"note-{code}" not in checks.errors:
            checks.errors[f"note-{code}"] = [message]
        checked[code] = mark
    choice = checks.run(
        cleaning.member, Recommendation, recommendation, "recommendation", "Choisissez une suite à donner."
    )
    on = evaluated_on or clock.today()
    if on < mission.start_date:
        checks.errors.setdefault("evaluated_on", []).append("L'évaluation ne peut pas précéder la mission.")
    checks.raise_errors()
    evaluation = insert(
        MissionEvaluation(
            tenant_id=require_tenant_id(), mission_id=mission.id, organisation_id=organisation_id, evaluated_on=on,
            marks=checked, strengths=cleaning.optional(strengths), improvements=cleaning.optional(improvements),
            recommendation=choice.value, created_by=actor.user_id,
        )
    )  # fmt: skip
    audit.record("evaluation.recorded", actor, "mission", mission.id, {"évaluation": evaluation.id})
    return evaluation


def evaluations_of(mission_id: int) -> list[MissionEvaluation]:
    query = (
        select(MissionEvaluation)
        .where(MissionEvaluation.mission_id == mission_id)
        .order_by(MissionEvaluation.id.desc())
    )
    return list(db.session.scalars(query))
