"""The « Conventions » block of the workspace's dashboard, and the link to a convention's page
(apart from the calendar's routes: the dashboard's view imports it, and the routes import the
dashboard's blueprint)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from werkzeug.routing import BuildError

from blueprints.ui import has_endpoint
from saas import clock
from saas.conventions import api as conventions
from tenants.web import is_admin

UPCOMING_DAYS = 14
OBJECTION_WINDOW_DAYS = conventions.OBJECTION_WINDOW_DAYS


def convention_url(convention_id: int) -> str | None:
    """The page of a convention: the workspace's if there is one, else the admin console's (for
    a tenant admin only: it answers 404 to a facilitateur)."""
    candidates = ["guichet.convention"] + (["admin.convention"] if is_admin() else [])
    for endpoint in candidates:
        if has_endpoint(endpoint):
            try:
                return url_for(endpoint, convention_id=convention_id)
            except BuildError:
                continue
    return None


def dashboard_figures(today: date | None = None) -> dict:
    """The « Conventions » block of the dashboard: due dates of the next 14 days, those late or
    missing, and the nearest last day to object to a tacit renewal if it falls within 60 days."""
    today = today or clock.today()
    soon = today + timedelta(days=UPCOMING_DAYS)
    figures = {
        "days": UPCOMING_DAYS,
        "upcoming": conventions.calendar_count(
            conventions.CalendarFilters(status="upcoming", date_from=today, date_to=soon), today
        ),
        "upcoming_url": url_for(
            "guichet.calendar", statut="upcoming", du=today.isoformat(), au=soon.isoformat()
        ),
        "late": conventions.calendar_count(conventions.CalendarFilters(status="late"), today),
        "late_url": url_for("guichet.calendar", statut="late", du="", au=""),
        "missing": conventions.calendar_count(conventions.CalendarFilters(status="missing"), today),
        "missing_url": url_for("guichet.calendar", statut="missing", du="", au=""),
        "objection": None,
        "objection_days": OBJECTION_WINDOW_DAYS,
    }
    deadlines = conventions.objection_deadlines(today, OBJECTION_WINDOW_DAYS)
    nearest = (deadlines[0][0], deadlines[0][1].last_day_to_object) if deadlines else None
    if nearest is not None:
        convention, last_day = nearest
        figures["objection"] = {
            "reference": convention.reference,
            "title": convention.title,
            "date": last_day,
            "days": (last_day - today).days,
            "url": convention_url(convention.id),
        }
    return figures
