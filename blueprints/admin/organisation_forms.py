"""Forms of the partner organisation pages and of the API token page (tenant admin console)."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.admin.forms import OrganisationForm
from blueprints.choices import select_choices
from blueprints.forms import FilterForm, Form, email_field
from saas.partenaires.enums import OrganisationKind
from tenants.tokens import ROLE_LABELS


class OrganisationEditForm(OrganisationForm):
    address = TextAreaField("Adresse", validators=[Optional(), Length(max=300)])
    commune_insee = StringField(
        "Commune (code INSEE)",
        validators=[Optional(), Length(max=5)],
        description="5 caractères, par exemple 79191 pour Niort.",
    )
    email = email_field()
    phone = TelField("Téléphone", validators=[Optional(), Length(max=30)])
    notes = TextAreaField("Notes", validators=[Optional()])


class ContactForm(Form):
    name = StringField(
        "Nom et prénom", validators=[DataRequired("Indiquez le nom du contact."), Length(max=200)]
    )
    function = StringField("Fonction", validators=[Optional(), Length(max=200)])
    email = email_field()
    phone = TelField("Téléphone", validators=[Optional(), Length(max=30)])
    is_primary = BooleanField(
        "Contact principal", description="Un seul contact principal : il remplace le précédent."
    )


class OrganisationFilterForm(FilterForm):
    q = StringField("Nom ou SIRET", validators=[Optional()])
    kind = SelectField(
        "Type",
        choices=select_choices(OrganisationKind.choices(blank="Tous")),
        validators=[Optional()],
    )
    active = SelectField(
        "État",
        choices=select_choices([("", "Toutes"), ("1", "Actives"), ("0", "Désactivées")]),
        validators=[Optional()],
    )


class ApiTokenForm(Form):
    name = StringField(
        "Nom du jeton",
        validators=[DataRequired("Donnez un nom au jeton."), Length(max=120)],
        description="À quoi ou à qui il sert, par exemple « Tableau de bord du Département ».",
    )
    role = SelectField(
        "Droits", choices=select_choices([(role.value, label) for role, label in ROLE_LABELS.items()])
    )
    expires_on = DateField(
        "Expire le",
        validators=[Optional()],
        description="Facultatif : sans date, le jeton reste valable jusqu'à sa révocation.",
        format=["%Y-%m-%d", "%d/%m/%Y"],
    )
    organisation_id = SelectField(
        "Organisation partenaire",
        validate_choice=False,
        description="Seulement pour un jeton de partenaire : le logiciel de paie de cette organisation "
        "n'accède qu'à ses missions et à ses relevés.",
    )
