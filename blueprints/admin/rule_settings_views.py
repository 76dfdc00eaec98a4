"""Tenant admin console: the validity rules of prescriptions and eligibility (per-tenant settings)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange

from blueprints.admin.views import bp
from blueprints.forms import Form
from saas import settings as rule_settings
from saas.db import db
from saas.errors import ValidationError
from tenants.web import request_actor

FIELDS = ("prescription_validity_months", "eligibility_validity_months", "eligibility_anchor")


class ParticipantSettingsForm(Form):
    prescription_validity_months = IntegerField(
        "Durée de validité d'une fiche de prescription (mois)",
        validators=[
            DataRequired("Indiquez une durée en mois."),
            NumberRange(1, 12, "La durée doit être comprise entre 1 et 12 mois."),
        ],
        description="Entre 1 et 12 mois ; 2 mois par défaut.",
    )
    eligibility_validity_months = IntegerField(
        "Durée de validité de l'éligibilité (mois)",
        validators=[
            DataRequired("Indiquez une durée en mois."),
            NumberRange(1, 60, "La durée doit être comprise entre 1 et 60 mois."),
        ],
        description="Entre 1 et 60 mois ; 24 mois par défaut.",
    )
    eligibility_anchor = SelectField(
        "Point de départ de la validité de l'éligibilité",
        choices=[
            ("validation", "La date de validation par le guichet"),
            ("first_mission", "Le début de la première mission"),
        ],
        description="Avec « le début de la première mission », une validation reste ouverte jusqu'au début "
        "de la première mission du participant, puis court pour la durée ci-dessus.",
    )


@bp.route("/parametres/participants", methods=["GET", "POST"], endpoint="participant_settings")
def participant_settings():
    current = rule_settings.current()
    form = ParticipantSettingsForm(data={key: current[key] for key in FIELDS})
    if form.validate_on_submit():
        try:
            rule_settings.set_values(request_actor(), **{key: getattr(form, key).data for key in FIELDS})
        except ValidationError as error:
            db.session.rollback()
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(
                "Les règles de validité sont enregistrées ; elles s'appliquent aux prescriptions et "
                "validations enregistrées à partir de maintenant.",
                "success",
            )
            return redirect(url_for("admin.participant_settings"))
    status = 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("admin/participant_settings.html", form=form), status
