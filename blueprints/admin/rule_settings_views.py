"""Tenant admin console: the validity rules of prescriptions and eligibility, and the delays of the
conventions' reminders, calendar and payments (per-tenant settings)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional

from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FAILED, Form, status_of
from saas import settings as rule_settings
from tenants.web import request_actor

FIELDS = ("prescription_validity_months", "eligibility_validity_months", "eligibility_anchor")
#: the conventions' delays: left empty, a value stays as it is.
CONVENTION_FIELDS = ("reminder_days_before", "obligation_missing_after_days", "payment_delay_days")


def months_field(name: str, label: str, description: str = "") -> IntegerField:
    """The setting ``name``, a duration in months within its bounds (``saas.settings.RANGES``),
    refused with the domain's message."""
    low, high = rule_settings.RANGES[name]
    return IntegerField(
        label,
        validators=[
            DataRequired("Indiquez une durée en mois."),
            NumberRange(low, high, rule_settings.MESSAGES[name]),
        ],
        description=f"{description} Entre {low} et {high} mois ; {rule_settings.DEFAULTS[name]} mois par défaut.".strip(),
    )


def _days_field(name: str, label: str, most: int, description: str) -> IntegerField:
    """A delay in days, from 1 to ``most``, refused with the domain's message; empty: unchanged."""
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(1, most, rule_settings.MESSAGES[name])],
        description=description,
    )


class ParticipantSettingsForm(Form):
    prescription_validity_months = months_field(
        "prescription_validity_months", "Durée de validité d'une fiche de prescription (mois)"
    )
    eligibility_validity_months = months_field(
        "eligibility_validity_months", "Durée de validité de l'éligibilité (mois)"
    )
    eligibility_anchor = SelectField(
        "Point de départ de la validité de l'éligibilité",
        choices=select_choices(
            [
                ("validation", "La date de validation par le guichet"),
                ("first_mission", "Le début de la première mission"),
            ]
        ),
        description="Avec « le début de la première mission », une validation reste ouverte jusqu'au début "
        "de la première mission du participant, puis court pour la durée ci-dessus.",
    )
    reminder_days_before = _days_field(
        "reminder_days_before",
        "Rappel avant une échéance de convention (jours)",
        60,
        "Un courriel de rappel part ce nombre de jours avant qu'un livrable ou une réunion soit dû ; "
        "entre 1 et 60 jours, 7 par défaut.",
    )
    obligation_missing_after_days = _days_field(
        "obligation_missing_after_days",
        "Délai avant qu'un livrable en retard soit « manquant » (jours)",
        180,
        "Après son échéance, un livrable non reçu est « en retard », puis « manquant » passé ce "
        "délai ; entre 1 et 180 jours, 30 par défaut.",
    )
    payment_delay_days = _days_field(
        "payment_delay_days",
        "Délai de paiement d'une échéance exigible (jours)",
        180,
        "Une échéance exigible et non payée passé ce délai est « en retard de paiement » ; "
        "entre 1 et 180 jours, 30 par défaut.",
    )


@bp.route("/parametres/participants", methods=["GET", "POST"], endpoint="participant_settings")
def participant_settings():
    current = rule_settings.current()
    form = ParticipantSettingsForm(data={key: current[key] for key in FIELDS + CONVENTION_FIELDS})
    if form.validate_on_submit():
        values = {key: getattr(form, key).data for key in FIELDS}
        values |= {
            key: getattr(form, key).data for key in CONVENTION_FIELDS if getattr(form, key).data is not None
        }
        saved = form.attempt(lambda: rule_settings.set_values(request_actor(), **values))
        if saved is not FAILED:
            flash(
                "Les règles sont enregistrées ; les durées de validité s'appliquent aux prescriptions et "
                "validations enregistrées à partir de maintenant, les délais des conventions dès maintenant.",
                "success",
            )
            return redirect(url_for("admin.participant_settings"))
    status = status_of(form)
    return render_template("admin/participant_settings.html", form=form), status
