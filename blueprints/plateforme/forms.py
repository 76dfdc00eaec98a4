from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from blueprints.choices import select_choices
from blueprints.forms import Form, email_field
from tenants.enums import TENANT_KIND_LABELS

KIND_CHOICES = [(kind.value, label) for kind, label in TENANT_KIND_LABELS.items()]


class TenantForm(Form):
    name = StringField("Nom du territoire", validators=[DataRequired("Indiquez le nom."), Length(max=200)])
    kind = SelectField("Type de structure", choices=select_choices(KIND_CHOICES))
    siren = StringField("SIREN", validators=[Optional()], description="9 chiffres.")
    communes = TextAreaField(
        "Communes couvertes (codes INSEE)", description="Séparés par des espaces ou des virgules."
    )


class TenantCreateForm(TenantForm):
    slug = StringField(
        "Identifiant d'adresse",
        validators=[DataRequired("Indiquez l'identifiant d'adresse."), Length(max=63)],
        description="Minuscules, chiffres et tirets ; il apparaît dans l'adresse : /t/identifiant/.",
    )
    admin_email = email_field(
        "Adresse du premier administrateur",
        "Indiquez l'adresse de l'administrateur.",
        invalid="Adresse non valide.",
    )
    admin_name = StringField("Nom du premier administrateur", validators=[DataRequired("Indiquez son nom.")])


class TenantEditForm(TenantForm):
    active = BooleanField("Territoire actif")
    federation_ids = SelectMultipleField("Départements de rattachement", choices=[], coerce=int)


class FederationForm(Form):
    code = StringField(
        "Code du Département", validators=[DataRequired("Indiquez le code.")], description="Ex. 93, 2A, 971."
    )
    name = StringField("Nom", validators=[DataRequired("Indiquez le nom."), Length(max=200)])


class FederationEditForm(Form):
    name = StringField("Nom", validators=[DataRequired("Indiquez le nom."), Length(max=200)])
    tenant_ids = SelectMultipleField("Territoires membres", choices=[], coerce=int)
    monthly_reports = BooleanField("Rapport mensuel des territoires")
    yearly_reports = BooleanField("Rapport annuel des territoires")
    report_day = IntegerField(
        "Jour d'envoi",
        description="Le jour du mois (1 à 28) où part le rapport de la période écoulée.",
        validators=[
            DataRequired("Indiquez le jour d'envoi."),
            NumberRange(1, 28, "Indiquez un jour de 1 à 28."),
        ],
    )


class CoordinatorForm(Form):
    email = email_field(required="Indiquez l'adresse.", invalid="Adresse non valide.")
    display_name = StringField("Nom et prénom", validators=[DataRequired("Indiquez le nom.")])
