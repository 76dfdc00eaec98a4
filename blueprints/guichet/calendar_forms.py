"""Forms of the obligations calendar: its filters, a receipt, the date of the event an obligation
waits for (the general assembly), and the compliance view's date.

Choices that depend on the tenant (conventions, partners) are set by the view. The rules (no
receipt in the future, an event only for an obligation that waits for one) are checked by
``saas.conventions.api``, whose errors name these fields.
"""

from __future__ import annotations

from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.choices import select_choices
from blueprints.forms import FilterForm, Form, choice_field
from saas import clock
from saas.conventions.enums import Nature, OccurrenceStatus


class CalendarFilterForm(FilterForm):
    du = DateField("Échéances du", validators=[Optional()])
    au = DateField("Au", validators=[Optional()])
    statut = SelectField("Statut", choices=select_choices(OccurrenceStatus.choices(blank="Tous")))
    nature = SelectField("Nature", choices=select_choices(Nature.choices(blank="Toutes")))
    convention = choice_field("Convention")
    partenaire = choice_field("Partenaire responsable")


class ReceiptForm(Form):
    received_on = DateField(
        "Date de réception",
        default=lambda: clock.today(),
        validators=[InputRequired("Indiquez la date de réception.")],
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=500)])


class EventForm(Form):
    event_on = DateField(
        "Date de l'assemblée générale",
        validators=[InputRequired("Indiquez la date de l'événement.")],
        description="L'échéance est recalculée à partir de cette date.",
    )


class CancelReceiptForm(Form):
    """Only the CSRF token: the button of ``components/forms.html`` post_button."""


class ComplianceForm(FilterForm):
    date = DateField("Situation au", validators=[Optional()])
