"""Forms of the tenant admin console."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.choices import select_choices
from blueprints.forms import FilterForm, Form, choice_field, email_field
from saas import uploads
from saas.partenaires.enums import BuyerKind, OrganisationKind, PrescriberKind
from tenants.enums import ROLE_LABELS

ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]


def _role_field() -> SelectField:
    return SelectField(
        "Rôle", choices=select_choices(ROLE_CHOICES), validators=[DataRequired("Choisissez un rôle.")]
    )


def _organisation_field() -> SelectField:
    """Filled by the view with the tenant's organisations."""
    return choice_field(
        "Organisation de rattachement",
        description="Obligatoire pour un partenaire ou un donneur d'ordre.",
    )


class InviteForm(Form):
    email = email_field(required="Indiquez l'adresse électronique.")
    display_name = StringField(
        "Nom et prénom", validators=[DataRequired("Indiquez le nom."), Length(max=200)]
    )
    role = _role_field()
    organisation_id = _organisation_field()


class RoleForm(Form):
    role = _role_field()
    organisation_id = _organisation_field()


class SettingsForm(Form):
    name = StringField("Nom du territoire", validators=[DataRequired("Indiquez le nom."), Length(max=200)])
    display_name = StringField(
        "Nom affiché",
        validators=[Optional(), Length(max=200)],
        description="Nom court affiché dans l'en-tête (facultatif).",
    )
    colour = StringField(
        "Couleur principale",
        validators=[DataRequired("Indiquez une couleur.")],
        description="Format #RRVVBB. Le texte blanc doit rester lisible (contraste 4,5:1).",
    )
    logo = FileField(
        "Logo",
        render_kw=uploads.LOGO.render_kw(),  # the type is read from the content (saas.uploads)
        description="PNG ou JPEG, 200 Ko au plus.",
    )
    remove_logo = BooleanField("Retirer le logo actuel")
    communes = TextAreaField(
        "Communes couvertes (codes INSEE)",
        description="Un code par ligne ou séparés par des virgules, par exemple 79191.",
    )
    mfa_required = BooleanField(
        "Exiger la double authentification pour tous les rôles",
        description="Facilitateurs, partenaires et donneurs d'ordre devront aussi saisir le code d'une "
        "application d'authentification à chaque connexion (les administrateurs le doivent toujours).",
    )


class OrganisationForm(Form):
    name = StringField(
        "Nom", validators=[DataRequired("Indiquez le nom de l'organisation."), Length(max=200)]
    )
    kind = SelectField("Type", choices=select_choices(OrganisationKind.choices()))
    prescriber_kind = SelectField(
        "Type de prescripteur",
        choices=select_choices(PrescriberKind.choices(blank="—")),
        validate_choice=False,  # checked by saas.partenaires.api, which names the field
        description="Seulement pour un prescripteur.",
    )
    buyer_kind = SelectField(
        "Type d'acheteur",
        choices=select_choices(BuyerKind.choices(blank="—")),
        validate_choice=False,  # checked by saas.partenaires.api, which names the field
        description="Seulement pour un donneur d'ordre : la collecte nationale compte les acheteurs par type.",
    )
    siret = StringField(
        "SIRET",
        validators=[Optional()],
        description="14 chiffres ; obligatoire pour une entreprise ou une SIAE.",
    )


class AuditFilterForm(FilterForm):
    action = choice_field("Action")
    actor = StringField("Utilisateur (adresse contient)", validators=[Optional()])
    date_from = DateField("Du", validators=[Optional()])
    date_to = DateField("Au", validators=[Optional()])
