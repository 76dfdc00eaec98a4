"""The clause-drafting aid of a donneur d'ordre: the marché's object and considerations, and the
lot's parameters, as the guichet types them for a real lot (``blueprints.guichet.marches_forms``)."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from blueprints.forms import Form
from blueprints.guichet.marches_forms import LotForm, MarcheForm


class DraftForm(Form):
    marche_object = StringField(
        "Objet du marché", validators=[DataRequired("Indiquez l'objet du marché."), Length(max=500)]
    )
    considerations = MarcheForm.considerations
    anru = MarcheForm.anru
    number = LotForm.number
    object = LotForm.object
    amount_ht = LotForm.amount_ht
    obligation_mode = LotForm.obligation_mode
    fixed_hours = LotForm.fixed_hours
    labour_share = LotForm.labour_share
    insertion_rate = LotForm.insertion_rate
    hours_share = LotForm.hours_share
    per_amount_hours = LotForm.per_amount_hours
    per_amount_base = LotForm.per_amount_base
    rounding = LotForm.rounding
    penalty_per_hour = LotForm.penalty_per_hour
