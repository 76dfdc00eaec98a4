"""The form of a bilan to produce: which bilan, on which scope, over which period. The scope's
choices are set by the view; the rules (a scope this bilan takes, a scope of the tenant, a period
that holds) are checked by ``saas.bilans.api``, whose errors name these fields."""

from __future__ import annotations

from wtforms import DateField, IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from blueprints.choices import select_choices
from blueprints.forms import Form, choice_field
from saas.bilans.api import BilanKind, PeriodKind
from saas.bilans.models import Cadence


class BilanForm(Form):
    kind = RadioField(
        "Bilan",
        choices=select_choices(BilanKind.choices()),
        default=BilanKind.annuel.value,
        validators=[InputRequired("Choisissez le bilan.")],
    )
    scope = choice_field("Périmètre", [InputRequired("Choisissez le périmètre.")])
    period_kind = SelectField(
        "Période", choices=select_choices(PeriodKind.choices()), default=PeriodKind.year.value
    )
    year = IntegerField(
        "Année",
        validators=[Optional(), NumberRange(2000, 2100, "Indiquez une année entre 2000 et 2100.")],
    )
    number = IntegerField(
        "Mois, trimestre ou semestre",
        validators=[Optional(), NumberRange(1, 12, "Indiquez un numéro entre 1 et 12.")],
        description="Le numéro dans l'année : 1 à 12 pour un mois, 1 à 4 pour un trimestre, 1 ou 2 pour un semestre.",
    )
    start = DateField("Du", validators=[Optional()], description="Pour des dates choisies.")
    end = DateField("Au", validators=[Optional()])


class ScheduleForm(Form):
    """A bilan sent on a cadence to one person; scope and recipient choices are set by the view."""

    kind = RadioField(
        "Bilan",
        choices=select_choices(BilanKind.choices()),
        default=BilanKind.execution.value,
        validators=[InputRequired("Choisissez le bilan.")],
    )
    scope = choice_field("Périmètre", [InputRequired("Choisissez le périmètre.")])
    cadence = SelectField(
        "Fréquence",
        choices=select_choices(Cadence.choices()),
        default=Cadence.mensuel.value,
        description="Chaque envoi porte sur la période écoulée : le mois, le semestre ou l'année.",
    )
    recipient_id = choice_field(
        "Destinataire",
        [InputRequired("Choisissez le destinataire.")],
        description="Une personne qui a accès au territoire ; un donneur d'ordre ne reçoit que les bilans de ses "
        "marchés, une structure partenaire que ceux de ses propres salariés ou des personnes qu'elle suit "
        "(le classeur joint au message).",
    )
