"""Forms of the committee pages: a meeting (plan, change), its holding, its decisions, list filters.

Choices that depend on the tenant (conventions, organisations) are set by the view. The rules
(parties present among the invited, owner of the tenant, dates) are checked by
``saas.comites.api``, whose errors name these fields.
"""

from __future__ import annotations

import wtforms
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional

from blueprints.choices import select_choices
from blueprints.forms import FilterForm, Form, choice_field
from saas.comites.enums import CLOSING_STATUSES, DecisionStatus, MeetingKind, MeetingStatus


class MeetingForm(Form):
    kind = SelectField(
        "Type de réunion",
        choices=select_choices(MeetingKind.choices(blank="— choisir —")),
        validators=[InputRequired("Choisissez le type de réunion.")],
    )
    title = StringField(
        "Intitulé",
        validators=[Optional(), Length(max=300)],
        description="Par défaut, le type de réunion.",
    )
    meeting_on = DateField("Date", validators=[InputRequired("Indiquez la date de la réunion.")])
    starts_at = TimeField("Heure de début", validators=[Optional()], description="Par exemple 14:30.")
    place = StringField("Lieu", validators=[Optional(), Length(max=300)])
    convention_ids = choice_field(
        "Conventions concernées",
        multiple=True,
        description="Tenue, la réunion marque l'échéance correspondante du calendrier de chaque convention.",
    )
    invited_ids = choice_field("Parties invitées", multiple=True)
    agenda = TextAreaField("Ordre du jour", validators=[Optional()])


class MeetingEditForm(MeetingForm):
    minutes = TextAreaField("Compte rendu", validators=[Optional()])


class PresentForm(wtforms.Form):
    class Meta:
        locales = ("fr_FR", "fr")

    organisation_id = HiddenField()
    present = BooleanField("Présente")
    represented_by = StringField(
        "Représentée par", validators=[Optional(), Length(max=200)], description="Nom et fonction."
    )


class HoldForm(Form):
    meeting_on = DateField(
        "Date de la réunion",
        validators=[InputRequired("Indiquez la date à laquelle la réunion s'est tenue.")],
    )
    minutes = TextAreaField("Compte rendu", validators=[Optional()])
    present = FieldList(FormField(PresentForm), min_entries=0, max_entries=200)


class DecisionForm(Form):
    text = TextAreaField("Décision", validators=[InputRequired("Indiquez la décision prise.")])
    owner_id = choice_field(
        "Porteur",
        description="L'organisation qui met en œuvre la décision.",
    )
    due_on = DateField("Échéance", validators=[Optional()])


class CloseDecisionForm(Form):
    status = RadioField(
        "Clôture",
        choices=select_choices([(status.value, status.label) for status in CLOSING_STATUSES]),
        validators=[InputRequired("Choisissez : réalisée ou abandonnée.")],
    )
    done_on = DateField("Réalisée le", validators=[Optional()])
    note = TextAreaField(
        "Observation",
        validators=[Optional(), Length(max=500)],
        description="Obligatoire pour une décision abandonnée : le motif.",
    )


class MeetingFilterForm(FilterForm):
    type = SelectField("Type", choices=select_choices(MeetingKind.choices(blank="Tous")))
    statut = SelectField("Statut", choices=select_choices(MeetingStatus.choices(blank="Tous")))
    convention = choice_field("Convention")
    du = DateField("Du", validators=[Optional()])
    au = DateField("Au", validators=[Optional()])


class DecisionFilterForm(FilterForm):
    statut = SelectField("Statut", choices=select_choices(DecisionStatus.choices(blank="Tous")))
    porteur = choice_field("Porteur")
    type = SelectField("Type de réunion", choices=select_choices(MeetingKind.choices(blank="Tous")))
    en_retard = BooleanField("En retard seulement (ouvertes, échéance dépassée)")
