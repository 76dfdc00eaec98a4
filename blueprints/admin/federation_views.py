"""Tenant admin console: the reports to the Départements the territory belongs to: what was sent,
when, its receipt; a preview of a period before it goes, and « envoyer maintenant »."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from blueprints.admin.views import bp
from saas import clock
from saas.bilans import presentation
from saas.db import db
from saas.federation import api as federation
from tenants.web import load_scoped, request_actor


def _member(federation_id: int) -> federation.Membership:
    return federation.membership(federation_id) or abort(404)


def _period_or_404() -> tuple[str, date]:
    """The period asked for (``periode=mois:2026-11-01``), one of those offered; this month when
    none is; 404 for any other value."""
    asked = request.values.get("periode")
    if not asked:
        return "mois", clock.today().replace(day=1)
    if asked not in dict(federation.period_choices(clock.today())):
        abort(404)  # the periods offered only: none of the future, none too old to be followed
    return federation.parse_period(asked) or abort(404)


@bp.route("/departements")
def federations():
    members = federation.memberships()
    return render_template(
        "admin/federations.html",
        members=members,
        reports={m.federation_id: federation.versions(m.federation_id) for m in members},
        period_choices=federation.period_choices(clock.today()),
        period_label=lambda r: federation.period_of(r.period_kind, r.period_start).label,
        status_label=federation.ReportStatus.label_of,
    )


@bp.route("/departements/<int:federation_id>/apercu")
def federation_preview(federation_id: int):
    member = _member(federation_id)
    kind, start = _period_or_404()
    payload = federation.preview(member, kind, start)
    db.session.commit()  # a person secret made on first use is kept
    bilan = federation.as_bilan(payload)
    return render_template(
        "admin/federation_preview.html",
        member=member,
        payload=payload,
        period_value=f"{kind}:{start.isoformat()}",
        totals=presentation.totals(bilan),
        tables=presentation.tables(bilan),
        shown=presentation.shown,
        bilan=bilan,
    )


@bp.route("/departements/<int:federation_id>/envoyer", methods=["POST"])
def federation_send(federation_id: int):
    member = _member(federation_id)
    kind, start = _period_or_404()
    label = federation.period_of(kind, start).label
    report = federation.prepare(member, kind, start, request_actor())
    db.session.commit()
    if report is None:
        flash(f"Rien n'a changé depuis le dernier envoi du rapport de {label} : rien n'est renvoyé.", "info")
    else:
        flash(f"La version {report.version} du rapport de {label} part vers « {member.name} ».", "success")
    return redirect(url_for("admin.federations"))


@bp.route("/departements/rapports/<int:report_id>/renvoyer", methods=["POST"])
def federation_resend(report_id: int):
    report = load_scoped(federation.OutgoingReport, report_id)
    federation.resend(request_actor(), report)
    db.session.commit()
    flash("Le rapport est renvoyé au Département.", "success")
    return redirect(url_for("admin.federations"))
