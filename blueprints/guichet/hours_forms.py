"""Forms of the hours pages: declaration, decisions on a statement, mutualisation, list filters.

The decision forms carry the ``row_version`` the page was built from (``expected_version``): a
page left open while someone else decided gets the conflict message instead of overwriting.
"""

from __future__ import annotations

from datetime import date

import wtforms
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import TextInput

from blueprints.choices import select_choices
from blueprints.choosers import SearchChoiceField
from blueprints.forms import FilterForm, Form, choice_field
from saas import formats, uploads
from saas.heures.enums import AllocationKey, ReleveStatus

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class FrenchDecimalField(DecimalField):
    """A decimal typed and shown the French way ("24,5"); "24.5" and spaces between thousands are
    accepted. A text input (``inputmode`` decimal) rather than ``type=number``, whose parsing of the
    comma depends on the browser."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [
                str(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
                for value in valuelist
            ]
        super().process_formdata(valuelist)

    def _value(self) -> str:
        return super()._value().replace(".", ",")


def _hours(label: str, required: bool = False, description: str | None = None) -> DecimalField:
    # the messages name no field: the error summary and the field already show the label.
    validators = [InputRequired("Indiquez un nombre d'heures.")] if required else [Optional()]
    validators.append(NumberRange(min=0, message="Le nombre d'heures ne peut pas être négatif."))
    return FrenchDecimalField(label, places=2, validators=validators, description=description)


class _Figures:
    worked_hours = _hours("Heures travaillées", required=True)
    training_hours = _hours("Heures de formation", description="Comptées selon les règles du territoire.")
    absence_hours = _hours("Heures d'absence", description="Pour information : elles ne sont pas comptées.")
    comment = TextAreaField("Commentaire", validators=[Optional()])
    confirm_over_contract = BooleanField(
        "Je confirme ces heures",
        description="Seulement si le relevé dépasse les heures prévues au contrat de la mission pour ce "
        "mois (heures hebdomadaires × semaines de la mission dans le mois) : la confirmation est "
        "journalisée. Au-delà de 48 h par semaine, le relevé est refusé.",
    )


class ReleveForm(_Figures, Form):
    #: the months of the mission (``set_months``); outside them the domain refuses in French.
    month = choice_field(
        "Mois",
        validators=[
            InputRequired("Choisissez le mois."),
            Regexp(MONTH_PATTERN, message="Choisissez le mois dans la liste : un mois de la mission."),
        ],
        description="Les mois de la mission jusqu'au mois en cours ; le premier mois sans relevé est proposé.",
    )

    def set_months(self, months: list[date], declared: set[date]) -> None:
        """Offer ``months`` (the mission's); on a new page, choose the first without a statement."""
        self.month.choices = select_choices([(m.strftime("%Y-%m"), formats.month(m)) for m in months])
        if not self.is_submitted():
            free = [m for m in months if m not in declared]
            chosen = free[0] if free else (months[-1] if months else None)
            self.month.data = chosen.strftime("%Y-%m") if chosen else None

    proof = FileField(
        "Justificatif (facultatif)",
        render_kw=uploads.PROOF.render_kw(),  # the type is read from the content (saas.uploads)
        description="PDF, PNG ou JPEG, 10 Mo au plus : bulletin de paie, relevé de mission…",
    )


class _Versioned:
    expected_version = HiddenField(
        validators=[InputRequired("Rechargez la page : la version du relevé manque.")]
    )


class ValidateForm(_Versioned, Form):
    pass


class RejectForm(_Versioned, Form):
    rejection_reason = TextAreaField(
        "Motif du rejet",
        validators=[InputRequired("Indiquez le motif du rejet."), Length(max=500)],
        description="Il est communiqué à la structure qui a déclaré les heures.",
    )


class CorrectForm(_Versioned, _Figures, Form):
    pass


class ReleveFilterForm(FilterForm):
    statut = SelectField(
        "Statut",
        choices=select_choices([("tous", "Tous"), *ReleveStatus.choices()]),
        default="declared",
    )
    mois = StringField(
        "Mois",
        validators=[Optional(), Regexp(MONTH_PATTERN, message="Indiquez le mois au format AAAA-MM.")],
        description="AAAA-MM",
    )
    mission = SearchChoiceField(
        "Mission",
        source="missions",
        nouns=("mission", "missions"),
        description="Référence ou nom du participant, employeur ou lot.",
    )


class MemberForm(wtforms.Form):
    class Meta:
        locales = ("fr_FR", "fr")

    lot_id = SearchChoiceField("Lot", source="lots", nouns=("lot", "lots"))
    share = FrenchDecimalField(
        "Part (%)",
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, max=100, message="Une part est comprise entre 0 et 100 %%."),
        ],
        description="Seulement pour la répartition explicite.",
    )


MEMBER_ROWS = 4


class AgreementForm(Form):
    name = StringField(
        "Nom de la mutualisation", validators=[InputRequired("Nommez la mutualisation."), Length(max=200)]
    )
    valid_from = DateField("Début", validators=[InputRequired("Indiquez la date de début.")])
    valid_to = DateField(
        "Fin", validators=[Optional()], description="Laissez vide pour une durée indéterminée."
    )
    allocation_key = RadioField(
        "Clé de répartition",
        choices=select_choices(AllocationKey.choices()),
        validators=[InputRequired("Choisissez la clé de répartition.")],
    )
    members = FieldList(FormField(MemberForm), min_entries=MEMBER_ROWS, max_entries=20)
    notes = TextAreaField("Notes", validators=[Optional()])
