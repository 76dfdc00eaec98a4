"""A person's rights from their file: everything held about them (JSON, PDF), their requests and
the answers (``saas.privacy``). Exporting is audited like reading the file."""

from __future__ import annotations

from flask import g, render_template, url_for

from blueprints.files import attachment
from blueprints.guichet.participant_views import render_file
from blueprints.guichet.posted import saved_then
from blueprints.guichet.privacy_display import AnswerForm, RequestForm
from blueprints.guichet.views import bp
from saas import formats, printing
from saas.db import db
from saas.participants.models import Participant
from saas.privacy import requests as privacy_requests
from saas.privacy import rights
from saas.privacy.models import PrivacyRequest
from tenants.web import load_scoped, request_actor


def _export(participant_id: int) -> rights.Export:
    made = rights.export(request_actor(), load_scoped(Participant, participant_id))
    db.session.commit()  # the read is recorded, whatever happens to the download
    return made


@bp.route("/participants/<int:participant_id>/donnees.json", endpoint="participant_data_json")
def participant_data_json(participant_id: int):
    made = _export(participant_id)
    return attachment(
        rights.as_json(made, g.tenant.display_name), "application/json", rights.filename(made, "json")
    )


@bp.route("/participants/<int:participant_id>/donnees.pdf", endpoint="participant_data_pdf")
def participant_data_pdf(participant_id: int):
    made = _export(participant_id)
    html = render_template(
        "guichet/participants/data_print.html",
        made=made,
        tenant_name=g.tenant.display_name,
        logo=printing.data_uri(g.tenant.logo, g.tenant.logo_mimetype),
    )
    return attachment(printing.pdf(html), printing.PDF_MIMETYPE, rights.filename(made, "pdf"))


@bp.route("/participants/<int:participant_id>/demandes", methods=["POST"], endpoint="privacy_request_new")
def privacy_request_new(participant_id: int):
    participant = load_scoped(Participant, participant_id)
    form = RequestForm()
    return saved_then(
        form,
        lambda: (
            privacy_requests.record(
                request_actor(), participant, form.kind.data, form.received_on.data
            ).due_on
        ),
        lambda due_on: (
            f"La demande est enregistrée ; la réponse est due au plus tard le {formats.date(due_on)}."
        ),
        url_for("guichet.participant", participant_id=participant.id, _anchor="donnees-titre"),
        lambda: render_file(participant, privacy_form=form),
    )


def _answered(answer: privacy_requests.Answer) -> str:
    if answer.status.value == "refusee":
        return "L'effacement n'est pas possible pour l'instant ; la réponse donne les raisons à communiquer."
    return "La réponse est enregistrée."


@bp.route("/demandes/<int:privacy_request_id>/reponse", methods=["POST"], endpoint="privacy_request_answer")
def privacy_request_answer(privacy_request_id: int):
    item = load_scoped(PrivacyRequest, privacy_request_id)
    participant = load_scoped(Participant, item.participant_id)
    form = AnswerForm()
    return saved_then(
        form,
        lambda: privacy_requests.answer(request_actor(), item, form.answer.data, confirmed=form.confirm.data),
        _answered,
        url_for("guichet.participant", participant_id=participant.id, _anchor="donnees-titre"),
        lambda: render_file(participant, answer_forms={item.id: form}),
    )
