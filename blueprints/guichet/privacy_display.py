"""What the participant's file shows of the person's rights: the export of their data, their
requests with the deadline of each, and the forms to record and answer one (routes in
``privacy_views``)."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.choices import select_choices
from blueprints.forms import Form
from saas import clock
from saas.participants.models import Participant
from saas.privacy import requests, retention
from saas.privacy.models import RequestKind, RequestStatus

STATUS_BADGES = {"ouverte": "alerte", "traitee": "succes", "refusee": "neutre"}


class RequestForm(Form):
    kind = SelectField(
        "Demande", choices=select_choices(RequestKind.choices(blank="— choisissez —")), validate_choice=False
    )
    received_on = DateField(
        "Reçue le",
        validators=[DataRequired("Indiquez la date de réception de la demande.")],
        description="La réponse est due un mois après cette date.",
    )


class AnswerForm(Form):
    confirm = BooleanField(
        "J'ai vérifié l'identité de la personne et je confirme l'effacement définitif de ses données",
        description="Le guichet efface, ou dit pourquoi il ne le peut pas encore : dans ce cas rien n'est effacé.",
    )
    answer = TextAreaField(
        "Réponse faite à la personne",
        validators=[Optional(), Length(max=4000, message="La réponse compte 4 000 caractères au plus.")],
        description="Pour un effacement, le guichet efface les données ou dit pourquoi il ne le peut pas encore ; "
        "ajoutez ici ce que vous avez dit à la personne.",
    )


def section(
    participant: Participant, request_form: RequestForm | None = None, answer_forms: dict | None = None
) -> dict:
    """The « Données personnelles » part of the file."""
    today = clock.today()
    listed = []
    for item in requests.of_participant(participant.id):
        listed.append(
            {
                "item": item,
                "kind": RequestKind.label_of(item.kind),
                "status": RequestStatus.label_of(item.status),
                "badge": STATUS_BADGES[item.status],
                "late": item.status == RequestStatus.ouverte.value and item.due_on < today,
                "form": (answer_forms or {}).get(item.id) or AnswerForm(formdata=None),
            }
        )
    return {
        "requests": listed,
        "form": request_form or RequestForm(formdata=None, received_on=today),
        "anonymised": participant.anonymised_at is not None,
        "kept_until": retention.kept_until(participant.id),
    }
