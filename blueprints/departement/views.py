"""The federation console of a Département. It reads only what territories pushed to it (the
received reports) and the platform's list of its members: it never queries territory tables."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.files import attachment
from saas import printing
from saas.bilans import charts, presentation
from saas.bilans.indicators import Unit
from saas.federation import api as federation
from saas.federation import exports
from tenants import api as tenants_api
from tenants.web import refuse

bp = Blueprint("departement", __name__, url_prefix="/departements/<code>")


@bp.url_value_preprocessor
def _pop_code(endpoint, values):
    g.federation_code = values.pop("code", None) if values else None


@bp.url_defaults
def _add_code(endpoint, values):
    if "code" not in values and getattr(g, "federation_code", None):
        values["code"] = g.federation_code


@bp.before_request
def _coordinator_only():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    federation_ = tenants_api.federation_by_code(g.federation_code or "")
    if federation_ is None or tenants_api.federation_membership(federation_.id, current_user.id) is None:
        refuse("console du Département réservée à ses coordinateurs", departement=g.federation_code)
    tenants_api.enter_federation(federation_.id, current_user.id)
    g.federation = federation_
    return None


def _period() -> tuple[str, object] | None:
    """The period asked for (``?periode=mois:2026-11-01``), else the latest reported; None when
    nothing was received yet; 404 for a period that is no period."""
    asked = request.args.get("periode")
    if asked:
        return federation.parse_period(asked) or abort(404)
    found = federation.periods(g.federation.id)
    return found[0] if found else None


def _value(kind: str, start) -> str:
    return f"{kind}:{start.isoformat()}"


def _hours_chart(found: federation.Consolidation):
    _label, _total, hours = found.key_figures.rows[federation.KEY_FIGURES.index("heures")]
    rows = [{"label": m.name, "heures": hours[i] or "0"} for i, m in enumerate(found.members)]
    return charts.bars(
        rows, "Heures comptées par territoire", "heures", lambda raw: presentation.shown(raw, Unit.hours)
    )


@bp.route("/")
def home():
    period = _period()
    found = federation.consolidate(g.federation.id, *period) if period else None
    periods = [
        (_value(k, s), federation.period_of(k, s).label) for k, s in federation.periods(g.federation.id)
    ]
    return render_template(
        "departement/home.html",
        federation=g.federation,
        members=federation.members(g.federation.id),
        found=found,
        periods=periods,
        current=_value(*period) if period else None,
        chart=_hours_chart(found) if found else None,
        shown=presentation.shown,
        rate=Unit.rate,
        hours_unit=Unit.hours,
    )


def _consolidation_or_404() -> federation.Consolidation:
    period = _period() or abort(404)
    return federation.consolidate(g.federation.id, *period)


@bp.route("/export.xlsx")
def export_xlsx():
    filename, mimetype, content = exports.workbook(_consolidation_or_404(), g.federation.code)
    return attachment(content, mimetype, filename)


@bp.route("/export.pdf")
def export_pdf():
    found = _consolidation_or_404()
    html = render_template(
        "departement/print.html",
        federation=g.federation,
        found=found,
        shown=presentation.shown,
        rate=Unit.rate,
    )
    name = f"departement-{g.federation.code}-{found.kind}-{found.start:%Y%m%d}.pdf"
    return attachment(printing.pdf(html), printing.PDF_MIMETYPE, name)


@bp.route("/territoires/<slug>")
def territory(slug: str):
    period = _period() or abort(404)
    report = federation.latest_reports(g.federation.id, *period).get(slug) or abort(404)
    bilan = federation.as_bilan(report.summary)
    return render_template(
        "departement/territory.html",
        federation=g.federation,
        report=report,
        bilan=bilan,
        totals=presentation.totals(bilan),
        tables=presentation.tables(bilan),
        shown=presentation.shown,
        versions=federation.history(g.federation.id, slug, *period),
        current=_value(*period),
    )
