"""Scheduled bilans in the workspace: which bilan goes to whom and how often, what was sent (the
archive), and stopping a schedule. The worker's daily run does the sending
(``saas.bilans.sending``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from blueprints.forms import FAILED, attempt
from blueprints.guichet.bilans_forms import ScheduleForm
from blueprints.guichet.bilans_views import scope_choices
from blueprints.guichet.views import bp
from blueprints.ui import int_arg, role_label
from blueprints.views_common import submitted
from saas.accounts import memberships
from saas.bilans import sending
from saas.bilans.kinds import BilanKind
from saas.bilans.models import BilanSchedule, Cadence
from saas.partenaires import api as partenaires
from tenants.web import load_scoped, request_actor


def _recipients() -> list[tuple[str, str]]:
    """The active members a bilan may go to, a partner with its structure's name."""
    names = {o.id: o.name for o in partenaires.list_all()}

    def label(m) -> str:
        structure = f" ({names[m.organisation_id]})" if m.organisation_id in names else ""
        return f"{m.user.display_name or m.user.email} — {role_label(m.role)}{structure}"

    return [(str(m.user_id), label(m)) for m in memberships.memberships_in_scope() if m.active]


def _create(form: ScheduleForm) -> BilanSchedule:
    scope_kind, _, scope_key = form.scope.data.partition(":")
    return sending.create_schedule(
        request_actor(),
        form.kind.data,
        scope_kind,
        scope_key or None,
        form.cadence.data,
        int_arg(form.recipient_id.data),
    )


@bp.route("/bilans/envois", methods=["GET", "POST"])
def bilan_schedules():
    form = ScheduleForm()
    form.scope.choices = scope_choices(None, with_marches=True)
    form.recipient_id.choices = _recipients()
    created = submitted(
        form, lambda: _create(form), "Envoi programmé : il partira au prochain passage quotidien."
    )
    if created is not FAILED:
        return redirect(url_for("guichet.bilan_schedules"))
    found = sending.schedules()
    people = {m.user_id: m.user for m in memberships.memberships_in_scope()}
    return render_template(
        "guichet/bilans/schedules.html",
        form=form,
        schedules=found,
        sendings=sending.sendings([s.id for s in found]),
        people=people,
        cadences=Cadence,
        kinds=BilanKind,
    ), (422 if request.method == "POST" else 200)


@bp.route("/bilans/envois/<int:schedule_id>/arret", methods=["POST"])
def bilan_schedule_stop(schedule_id: int):
    schedule = load_scoped(BilanSchedule, schedule_id)
    if attempt(lambda: sending.stop(request_actor(), schedule)) is not FAILED:
        flash("Envoi arrêté : les bilans déjà envoyés restent dans l'historique.", "success")
    return redirect(url_for("guichet.bilan_schedules"))
