"""Forms of the marchés pages. Numbers are typed as text (French decimal comma, spaces) and parsed
by ``saas.marches``, which names the field in its French errors; shares are typed in percent."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from blueprints.choices import select_choices
from blueprints.forms import FilterForm, Form, choice_field
from saas import cleaning, formats
from saas.marches.enums import Consideration, LotFigureKind, ObligationMode, Rounding

DECIMAL_HINT = "En euros HT, par exemple 1 250 000 ou 29,50."


def _number(label: str, description: str | None = None) -> StringField:
    return StringField(label, validators=[Optional()], description=description)


class MarcheForm(Form):
    reference = StringField(
        "Référence du marché",
        validators=[DataRequired("Indiquez la référence du marché."), Length(max=60)],
        description="Telle qu'elle figure dans les pièces du marché, par exemple 2025-TRAV-014.",
    )
    object = TextAreaField("Objet", validators=[DataRequired("Indiquez l'objet du marché."), Length(max=500)])
    donneur_ordre_id = choice_field("Donneur d'ordre")
    operation = StringField(
        "Opération",
        validators=[Optional(), Length(max=200)],
        description="Le programme de travaux ou de services dont le marché fait partie, par exemple "
        "« Prolongement de la ligne 11 » : la collecte nationale compte les opérations.",
    )
    sector = choice_field("Secteur")
    procedure = choice_field("Procédure")
    notification_date = DateField("Date de notification", validators=[Optional()])
    start_date = DateField("Début d'exécution", validators=[Optional()])
    end_date = DateField("Fin d'exécution", validators=[Optional()])
    amount_ht = _number("Montant HT du marché", DECIMAL_HINT)
    anru = BooleanField("Marché relevant d'un projet de renouvellement urbain (ANRU)")
    anru_project_id = StringField(
        "Identifiant du projet ANRU",
        validators=[Optional(), Length(max=40)],
        description="Si le marché relève de l'ANRU.",
    )
    execution_communes = StringField(
        "Communes d'exécution (codes INSEE)",
        description="Séparés par des espaces ou des virgules, par exemple 79191, 79081.",
    )
    #: rendered as a group of check boxes by the template.
    considerations = SelectMultipleField(
        "Considérations sociales", choices=select_choices(Consideration.choices())
    )
    hourly_cost_override = _number(
        "Coût horaire propre au marché",
        "Facultatif : remplace le barème du territoire pour tous les lots de ce marché (en euros).",
    )
    notes = TextAreaField("Notes", validators=[Optional()])


class LotForm(Form):
    number = StringField(
        "Numéro du lot", validators=[DataRequired("Indiquez le numéro du lot."), Length(max=20)]
    )
    object = TextAreaField(
        "Objet du lot", validators=[DataRequired("Indiquez l'objet du lot."), Length(max=500)]
    )
    amount_ht = _number("Montant HT du lot", DECIMAL_HINT)
    attributaire_id = choice_field(
        "Entreprise attributaire",
        description="Entreprise, SIAE, GEIQ, EA / ESAT ou ETT ; laissez vide tant que le lot n'est pas attribué.",
    )
    obligation_mode = RadioField(
        "Calcul des heures d'insertion",
        choices=select_choices(ObligationMode.choices()),
        validators=[DataRequired("Choisissez le mode de calcul des heures.")],
        validate_choice=False,
    )
    fixed_hours = _number("Nombre d'heures d'insertion")
    labour_share = _number("Part de main-d'œuvre (%)", "En pourcentage du montant, par exemple 50.")
    insertion_rate = _number(
        "Taux d'insertion (%)", "En pourcentage des heures de main-d'œuvre, par exemple 5."
    )
    hourly_cost_override = _number(
        "Coût horaire propre au lot",
        "Facultatif : remplace le coût du marché ou le barème du territoire (en euros).",
    )
    hours_share = _number("Part des heures travaillées (%)", "Par exemple 7 pour 7 % des heures travaillées.")
    per_amount_hours = _number("Heures dues par tranche", "Par exemple 1.")
    per_amount_base = _number(
        "Montant de la tranche (€ HT)", "Par exemple 2 000 : 1 heure par 2 000 € facturés."
    )
    rounding = SelectField(
        "Arrondi",
        choices=select_choices(Rounding.choices()),
        default="nearest",
    )
    penalty_per_hour = _number(
        "Pénalité par heure non réalisée (€ HT)", "Facultatif : reprise dans le texte de la clause."
    )
    notes = TextAreaField("Notes", validators=[Optional()])


#: fields of :class:`LotForm` typed in percent and stored as fractions.
PERCENT_FIELDS = ("labour_share", "insertion_rate", "hours_share")


def lot_data(form: LotForm) -> dict:
    """The input of ``saas.marches.api`` from the lot form: percents become fractions."""
    data = {name: getattr(form, name).data for name in form._fields if name != "csrf_token"}
    for name in PERCENT_FIELDS:
        value = cleaning.number(data[name], name)
        data[name] = None if value is None else value / Decimal(100)
    return data


def percent_of(fraction: Decimal | None) -> str:
    """A stored fraction as the percent typed in the form (``0.05`` -> ``5``)."""
    return "" if fraction is None else formats.typed(Decimal(fraction) * 100)


class FigureForm(Form):
    kind = RadioField(
        "Relevé",
        choices=select_choices(
            [
                (LotFigureKind.invoiced_amount.value, "Montant facturé HT (€)"),
                (LotFigureKind.hours_worked.value, "Heures travaillées sur le lot"),
            ]
        ),
        validators=[DataRequired("Choisissez ce qui est relevé.")],
        validate_choice=False,
    )
    recorded_on = DateField("Date du relevé", validators=[DataRequired("Indiquez la date du relevé.")])
    value = StringField(
        "Valeur de la période",
        validators=[DataRequired("Indiquez le montant ou le nombre d'heures.")],
        description="Pour la période (pas un cumul), par exemple 120 000 ou 3 500.",
    )
    note = StringField("Commentaire", validators=[Optional(), Length(max=200)])


class SubcontractorForm(Form):
    organisation_id = choice_field("Organisation")
    role = SelectField(
        "Rôle", choices=select_choices([("sous_traitant", "Sous-traitant"), ("cotraitant", "Cotraitant")])
    )
    remove_id = HiddenField()


class MarcheFilterForm(FilterForm):
    q = StringField("Recherche", validators=[Optional()], description="Référence, objet, donneur d'ordre.")
    donneur_ordre_id = choice_field("Donneur d'ordre")
    sector = choice_field("Secteur")
    anru = SelectField(
        "ANRU", choices=select_choices([("", "Tous"), ("oui", "Oui"), ("non", "Non")]), validate_choice=False
    )
    year = choice_field("Année")
