"""Tenant admin console: the retention of personal data (its durations, the runs of the job, the
simulation waiting for confirmation) and the persons' requests with their deadlines."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from wtforms import SelectField

from blueprints.admin.rule_settings_views import months_field
from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FAILED, Form, status_of
from blueprints.views_common import submitted
from saas import clock
from saas import settings as rule_settings
from saas.privacy import requests as privacy_requests
from saas.privacy import retention
from saas.privacy.models import RequestKind, RequestStatus, RunMode, RunStatus, RunTrigger
from tenants.web import request_actor

FIELDS = (
    "retention_months_after_contact",
    "retention_mode",
    "proof_retention_months",
    "convention_document_retention_months",
    "access_log_retention_months",
)


class RetentionForm(Form):
    retention_months_after_contact = months_field(
        "retention_months_after_contact",
        "Conservation des données d'un participant après le dernier contact (mois)",
        "Passé ce délai, identité, coordonnées, CV, justificatifs et notes sont effacés ; le reste est anonymisé "
        "pour que les bilans restent exacts. Le référentiel de la CNIL pour le suivi social et l'insertion "
        "retient deux ans.",
    )
    retention_mode = SelectField(
        "Application",
        choices=select_choices(
            [
                ("confirmation", "Chaque mois, une simulation que j'examine et confirme"),
                ("automatique", "Chaque mois, automatiquement"),
            ]
        ),
        description="Le passage mensuel du traitement en arrière-plan applique les durées, ou prépare la liste "
        "de ce qui partirait et attend votre confirmation.",
    )
    proof_retention_months = months_field(
        "proof_retention_months",
        "Conservation des justificatifs d'heures (mois après le mois déclaré)",
        "Bulletins, relevés et attestations joints aux relevés d'heures.",
    )
    convention_document_retention_months = months_field(
        "convention_document_retention_months",
        "Conservation des documents de convention (mois après la fin de la convention)",
        "Conventions signées, avenants et pièces déposées.",
    )
    access_log_retention_months = months_field(
        "access_log_retention_months",
        "Conservation du journal des consultations (mois)",
        "Qui a consulté un dossier, un justificatif ou un document.",
    )


class ActionForm(Form):
    """A button: simulate now, or confirm a simulation (the CSRF token is its only field)."""


def _runs() -> list[dict]:
    return [
        {
            "item": run,
            "mode": RunMode.label_of(run.mode),
            "trigger": RunTrigger.label_of(run.trigger),
            "status": RunStatus.label_of(run.status),
            "counts": [(label, run.counts.get(key, 0)) for key, label in retention.COUNT_LABELS.items()],
        }
        for run in retention.recent()
    ]


def _requests() -> list[dict]:
    today = clock.today()
    return [
        {
            "item": item,
            "reference": reference,
            "kind": RequestKind.label_of(item.kind),
            "status": RequestStatus.label_of(item.status),
            "late": item.status == RequestStatus.ouverte.value and item.due_on < today,
        }
        for item, reference in privacy_requests.listed()
    ]


@bp.route("/donnees-personnelles/", methods=["GET", "POST"], endpoint="privacy")
def privacy():
    current = rule_settings.current()
    form = RetentionForm(data={key: current[key] for key in FIELDS})
    if form.validate_on_submit():
        values = {key: getattr(form, key).data for key in FIELDS}
        saved = submitted(
            form,
            lambda: retention.set_durations(request_actor(), **values),
            "Les durées de conservation sont enregistrées ; le prochain passage les appliquera.",
        )
        if saved is not FAILED:
            return redirect(url_for("admin.privacy"))
    waiting = next((run for run in retention.recent() if run.status == RunStatus.proposee.value), None)
    html = render_template(
        "admin/privacy/retention.html", form=form, runs=_runs(), requests=_requests(), waiting=waiting,
        labels=retention.COUNT_LABELS, action_form=ActionForm(formdata=None),
    )  # fmt: skip
    return html, status_of(form)


@bp.route("/donnees-personnelles/simulation", methods=["POST"], endpoint="privacy_simulate")
def privacy_simulate():
    form = ActionForm()
    run = submitted(
        form,
        lambda: retention.request("simuler", request_actor()).id,
        "La simulation est demandée ; elle liste ce que les durées effaceraient aujourd'hui.",
    )
    if run is FAILED:
        return redirect(url_for("admin.privacy"))
    return redirect(url_for("guichet.run_detail", run_id=run))


def _run_page(run_id: int, form: ActionForm):
    run = retention.get(run_id)
    if run is None:
        abort(404)
    html = render_template(
        "admin/privacy/run.html",
        run=run,
        mode=RunMode.label_of(run.mode),
        trigger=RunTrigger.label_of(run.trigger),
        status=RunStatus.label_of(run.status),
        counts=[(label, run.counts.get(key, 0)) for key, label in retention.COUNT_LABELS.items()],
        people=retention.people_of(run),
        limit=retention.limits(run.rule, clock.today())["personnes"],
        form=form,
    )
    return html, status_of(form)


@bp.route("/donnees-personnelles/passages/<int:retention_run_id>", endpoint="privacy_run")
def privacy_run(retention_run_id: int):
    return _run_page(retention_run_id, ActionForm(formdata=None))


@bp.route(
    "/donnees-personnelles/passages/<int:retention_run_id>/appliquer",
    methods=["POST"],
    endpoint="privacy_apply",
)
def privacy_apply(retention_run_id: int):
    if retention.get(retention_run_id) is None:
        abort(404)
    form = ActionForm()
    run = submitted(
        form,
        lambda: retention.request("appliquer", request_actor(), retention_run_id).id,
        "L'application est demandée : le traitement en arrière-plan efface ce que la simulation a listé.",
    )
    if run is FAILED:
        return _run_page(retention_run_id, form)
    return redirect(url_for("guichet.run_detail", run_id=run))
