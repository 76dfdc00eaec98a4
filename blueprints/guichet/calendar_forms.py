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


class RowForm(Form):
    """The form of one due date's row: its fields are named ``<row_prefix>-<id>-<field>``, so that
    each row of the page keeps its own values and errors (no prefix when ``row_prefix`` is empty)."""

    row_prefix = ""

    @classmethod
    def of_row(cls, row, **kwargs):
        return cls(prefix=f"{cls.row_prefix}-{row.id}" if cls.row_prefix else "", **kwargs)


class ReceiptForm(RowForm):
    row_prefix = "recu"
    received_on = DateField(
        "Date de réception",
        default=lambda: clock.today(),
        validators=[InputRequired("Indiquez la date de réception.")],
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=500)])


class EventForm(RowForm):
    row_prefix = "evenement"
    event_on = DateField(
        "Date de l'assemblée générale",
        validators=[InputRequired("Indiquez la date de l'événement.")],
        description="L'échéance est recalculée à partir de cette date.",
    )


class CancelReceiptForm(RowForm):
    """Only the CSRF token: the button of ``components/forms.html`` post_button."""


class ComplianceForm(FilterForm):
    date = DateField("Situation au", validators=[Optional()])
