"""The facilitateur workspace of one tenant: dashboard, background runs, the tenant logo and colour."""

from __future__ import annotations

from flask import Response, abort, g, render_template, url_for
from flask_login import current_user

from blueprints.files import attachment
from blueprints.guichet.calendar_figures import dashboard_figures
from blueprints.ui import has_endpoint
from saas.accounts import memberships
from saas.heures import dashboard as hours_dashboard
from saas.jobs import api as runs
from saas.jobs.models import JobRun
from saas.partenaires import api as partenaires
from tenants.enums import WORKSPACE_ROLES
from tenants.validation import COLOUR as THEME_COLOUR
from tenants.web import is_admin, load_scoped, tenant_blueprint

bp = tenant_blueprint("guichet", __name__, WORKSPACE_ROLES)
#: the pages link the pages of other domains only once they exist.
bp.add_app_template_global(has_endpoint, "has_endpoint")


@bp.route("/")
def dashboard():
    tenant = g.tenant
    return render_template(
        "guichet/dashboard.html",
        tenant=tenant,
        member_count=len(memberships.memberships_in_scope()),
        organisation_count=len(partenaires.list_all()),
        recent_runs=runs.visible_runs(current_user.id, is_admin())[:5],
        figures=hours_dashboard.figures(),
        conventions=dashboard_figures(),
    )


@bp.route("/logo")
def logo():
    tenant = g.tenant
    if not tenant.logo_mimetype:
        abort(404)
    response = Response(tenant.logo, mimetype=tenant.logo_mimetype)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/theme.css")
def theme_css():
    """The tenant's colour as a stylesheet: the Content-Security-Policy allows no inline style."""
    colour = g.tenant.theme_colour
    css = f":root {{ --couleur-primaire: {colour}; }}\n" if colour and THEME_COLOUR.match(colour) else ""
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _visible_run(run_id) -> JobRun:
    run = load_scoped(JobRun, run_id)
    if not runs.can_see(run, current_user.id, is_admin()):
        abort(404)
    return run


@bp.route("/traitements/", endpoint="runs")
def runs_list():
    return render_template("guichet/runs.html", runs=runs.visible_runs(current_user.id, is_admin()))


@bp.route("/traitements/<int:run_id>")
def run_detail(run_id: int):
    run = _visible_run(run_id)
    return render_template(
        "guichet/run.html",
        run=run,
        status_url=url_for("guichet.run_status", run_id=run.id),
        result_url=_result_url(run),
    )


@bp.route("/traitements/<int:run_id>/etat")
def run_status(run_id: int):
    run = _visible_run(run_id)
    return {
        "status": run.status,
        "status_label": run.status_label,
        "progress": run.progress,
        "message": run.message,
        "result_url": _result_url(run),
    }


@bp.route("/traitements/<int:run_id>/fichier")
def run_file(run_id: int):
    run = _visible_run(run_id)
    artifact = runs.get_artifact(run.id)
    if artifact is None:
        abort(404)
    return attachment(artifact.content, artifact.mimetype, artifact.filename)


def _result_url(run: JobRun) -> str | None:
    """The file a finished run made, the bilan it produced, or the retention run it recorded."""
    if run.status == "finished" and run.result.get("artifact_id") and runs.get_artifact(run.id) is not None:
        return url_for("guichet.run_file", run_id=run.id)  # unless the retention erased the file since
    if run.status == "finished" and run.result.get("bilan_id"):
        return url_for("guichet.bilan", bilan_id=run.result["bilan_id"])
    if run.status == "finished" and run.result.get("retention_run_id") and is_admin():
        return url_for("admin.privacy_run", retention_run_id=run.result["retention_run_id"])
    return None
