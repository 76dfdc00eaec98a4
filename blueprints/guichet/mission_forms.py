"""Forms of the mission pages: placement, follow-up, exit, situation at 6 months, list filters.

Choices that depend on the tenant (employers) are set by the view; the participant and the lot
are searched (blueprints/choosers.py), never listed. The rules
(eligibility, employer allowed on the lot, dates) are checked by ``saas.parcours.api``, whose
errors name these fields.
"""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.choices import select_choices
from blueprints.choosers import SearchChoiceField
from blueprints.forms import FilterForm, Form, choice_field
from blueprints.guichet.hours_forms import FrenchDecimalField
from saas.parcours.enums import FollowUpKind, Modality


class MissionForm(Form):
    participant_id = SearchChoiceField(
        "Participant",
        [InputRequired("Choisissez le participant.")],
        source="participants",
        nouns=("participant", "participants"),
        description="Tapez son nom, son prénom ou sa référence, puis choisissez-le dans la liste.",
    )
    lot_id = SearchChoiceField(
        "Lot",
        [InputRequired("Choisissez un lot.")],
        source="lots",
        nouns=("lot", "lots"),
        description="Tapez le numéro du lot, la référence ou l'objet du marché, ou le donneur d'ordre.",
    )
    employer_id = choice_field(
        "Employeur",
        [InputRequired("Choisissez l'employeur.")],
        description="L'attributaire du lot, un de ses sous-traitants ou une structure qui met à disposition.",
    )
    modality = SelectField(
        "Modalité",
        choices=select_choices(Modality.choices(blank="— choisir —")),
        validators=[InputRequired("Choisissez une modalité.")],
    )
    contract_type = choice_field("Type de contrat", [InputRequired("Choisissez un type de contrat.")])
    start_date = DateField("Date de début", validators=[InputRequired("Indiquez la date de début.")])
    end_date = DateField(
        "Date de fin", validators=[Optional()], description="Obligatoire pour un contrat à durée déterminée."
    )
    trial_end_date = DateField("Fin de la période d'essai", validators=[Optional()])
    weekly_hours = FrenchDecimalField(
        "Durée hebdomadaire (heures)",
        places=2,
        validators=[InputRequired("Indiquez la durée hebdomadaire en heures.")],
        description="Par exemple 35 ou 24,5.",
    )
    job_title = StringField("Poste occupé", validators=[Optional(), Length(max=200)])
    rome_code = StringField(
        "Code ROME",
        validators=[Optional(), Length(max=5)],
        description="Une lettre et quatre chiffres, par exemple F1703.",
    )
    override_reason = TextAreaField(
        "Motif de la dérogation",
        validators=[Optional(), Length(max=500)],
        description="Le participant n'a pas d'éligibilité validée à la date de début : la mission n'est "
        "possible qu'avec une dérogation motivée, tracée dans le journal.",
    )


class FollowUpForm(Form):
    done_on = DateField("Date du suivi", validators=[InputRequired("Indiquez la date du suivi.")])
    kind = SelectField(
        "Type de suivi",
        choices=select_choices(FollowUpKind.choices(blank="— choisir —")),
    )
    notes = TextAreaField("Observations", validators=[Optional()])


class ExitForm(Form):
    exit_date = DateField("Date de sortie", validators=[InputRequired("Indiquez la date de sortie.")])
    exit_motif = choice_field("Motif de sortie", [InputRequired("Choisissez le motif de sortie.")])


class SituationForm(Form):
    situation_6m_on = DateField(
        "Date d'observation",
        validators=[InputRequired("Indiquez la date d'observation.")],
        description="Six mois au moins après la sortie.",
    )
    situation_6m_motif = choice_field(
        "Situation observée", [InputRequired("Choisissez la situation observée.")]
    )


class MissionFilterForm(FilterForm):
    actives = BooleanField("En cours aujourd'hui seulement")
    lot = SearchChoiceField(
        "Lot", source="lots", nouns=("lot", "lots"), description="Numéro, marché ou donneur d'ordre."
    )
    employeur = choice_field("Employeur")
    contrat = choice_field("Type de contrat")
