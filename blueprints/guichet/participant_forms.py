"""Forms of the participants pages (file, prescriptions, eligibility, CV library).

Choices that come from the referential or the tenant's organisations are filled by the views;
the rules (known codes, accepted proof types, plausible dates) are checked by
``saas.participants.api``, whose French errors name the field.
"""

from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from blueprints.choices import select_choices
from blueprints.forms import FilterForm, Form, choice_field
from blueprints.ui import int_arg
from saas import uploads
from saas.participants.enums import Sex

CODE_SEPARATORS = re.compile(r"[\s,;]+")


def codes_of(text: str | None) -> list[str]:
    """Codes typed in one field, separated by commas, semicolons or spaces, in upper case."""
    return [code.upper() for code in CODE_SEPARATORS.split(text or "") if code]


class ParticipantFilterForm(FilterForm):
    q = StringField("Recherche", validators=[Optional()], description="Nom, prénom ou référence.")
    eligible = SelectField(
        "Éligible aujourd'hui",
        choices=select_choices([("", "Tous"), ("oui", "Oui"), ("non", "Non")]),
        validate_choice=False,
    )


class IdentityForm(Form):
    """The minimal identity of a person (no NIR): the workspace's file and a prescriber's form."""

    last_name = StringField("Nom", validators=[DataRequired("Indiquez le nom."), Length(max=100)])
    first_name = StringField("Prénom", validators=[DataRequired("Indiquez le prénom."), Length(max=100)])
    birth_date = DateField("Date de naissance", validators=[Optional()])
    sex = SelectField(
        "Sexe", choices=select_choices([("", "— non renseigné —"), *Sex.choices()]), validate_choice=False
    )
    email = StringField(
        "Adresse électronique",
        validators=[Optional(), Email("Adresse électronique non valide."), Length(max=254)],
    )
    phone = StringField("Téléphone", validators=[Optional(), Length(max=30)])
    commune_insee = StringField(
        "Commune de résidence (code INSEE)",
        validators=[Optional(), Length(max=5, message="Le code INSEE a 5 caractères.")],
        description="Code INSEE à 5 caractères (pas le code postal), par exemple 79191 pour Niort.",
    )


class ParticipantForm(IdentityForm):
    qpv_code = StringField(
        "Quartier prioritaire (code QPV)",
        validators=[Optional(), Length(max=12)],
        description="Seulement si la personne réside dans un quartier prioritaire, par exemple QN07901M.",
    )
    qualification_level = choice_field("Niveau de qualification")
    #: rendered as a group of check boxes by the template.
    freins = choice_field("Freins à l'emploi", multiple=True)
    projet_professionnel = TextAreaField("Projet professionnel", validators=[Optional()])
    referent_organisation_id = choice_field(
        "Organisation référente",
        description="La structure qui accompagne la personne (Mission Locale, PLIE…).",
    )

    def participant_values(self) -> dict:
        """The keyword arguments of ``participants.create`` / ``update``."""
        return {
            **self.values(
                "last_name",
                "first_name",
                "birth_date",
                "email",
                "phone",
                "commune_insee",
                "qpv_code",
                "projet_professionnel",
            ),
            "sex": self.sex.data or None,
            "qualification_level": self.qualification_level.data or None,
            "freins": list(self.freins.data or []),
            "referent_organisation_id": int_arg(self.referent_organisation_id.data),
        }


class PrescriptionForm(Form):
    prescripteur_id = choice_field("Prescripteur")
    prescribed_on = DateField(
        "Date de la prescription", validators=[DataRequired("Indiquez la date de la prescription.")]
    )
    content = TextAreaField("Contenu de la fiche de prescription", validators=[Optional()])


class BilanForm(Form):
    bilan = TextAreaField("Bilan d'entrée", validators=[DataRequired("Rédigez le bilan d'entrée.")])
    on = DateField("Date du bilan", validators=[Optional()])


class RevokeForm(Form):
    reason = StringField(
        "Motif du retrait",
        validators=[DataRequired("Indiquez le motif du retrait."), Length(max=300)],
    )


class EligibilityForm(Form):
    #: rendered by the template as check boxes grouped by level, each with its proof type select
    #: (``justificatif-<code>``).
    criteria = choice_field("Critères d'éligibilité", multiple=True)
    validated_on = DateField(
        "Date de validation", validators=[DataRequired("Indiquez la date de validation.")]
    )
    notes = TextAreaField("Observations", validators=[Optional()])


class CvForm(Form):
    rome_codes = StringField(
        "Métiers visés (codes ROME)",
        description="Codes séparés par des virgules ou des espaces, par exemple F1703, N1103.",
    )
    skills = TextAreaField("Compétences", validators=[Optional()])
    available_from = DateField("Disponible à partir du", validators=[Optional()])
    availability = StringField(
        "Disponibilités",
        validators=[Optional(), Length(max=200)],
        description="Par exemple : temps plein, pas le mercredi.",
    )
    #: rendered as a group of check boxes by the template.
    mobility = choice_field("Mobilité", multiple=True)
    mobility_radius_km = IntegerField(
        "Rayon de déplacement (km)",
        validators=[
            Optional(),
            NumberRange(0, 500, "Le rayon de mobilité doit être compris entre 0 et 500 km."),
        ],
    )
    cv = FileField(
        "CV",
        render_kw=uploads.CV.render_kw(),  # the type is read from the content (saas.uploads)
        description="PDF ou Word (.docx), 5 Mo au plus. Laissez vide pour garder le CV actuel.",
    )


class RomeSearchForm(FilterForm):
    metier = StringField(
        "Chercher un métier", validators=[Optional()], description="Un mot du métier ou un code ROME."
    )


class CvLibraryFilterForm(FilterForm):
    rome = StringField("Métier (code ROME)", validators=[Optional()], description="Par exemple F1703.")
    commune = StringField("Commune (code INSEE)", validators=[Optional()], description="Par exemple 79191.")
    available_by = DateField("Disponible au plus tard le", validators=[Optional()])
