"""Tenant admin console: counting rules (versions of the tenant's rules and of each marché's own)
and the recount after a change, shown before it is applied."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FAILED, Form, choice_field, status_of
from blueprints.guichet.hours_forms import FrenchDecimalField
from blueprints.ui import int_arg
from saas.db import db
from saas.heures import api as heures
from saas.heures.enums import PartialEligibility
from saas.marches.models import Marche
from saas.referentiels import api as referentiels
from tenants.web import load_scoped, request_actor

ROUNDING_STEPS = [
    ("0.01", "0,01 h (au centième)"),
    ("0.25", "0,25 h (au quart d'heure)"),
    ("0.5", "0,5 h"),
    ("1", "1 h"),
]
ROUNDINGS = [("nearest", "Au plus proche"), ("up", "Vers le haut"), ("down", "Vers le bas")]
ROUNDING_LABELS = dict(ROUNDINGS)


class CountingRuleForm(Form):
    marche_id = choice_field(
        "S'applique à",
        description="Les règles d'un marché remplacent celles du territoire pour ses lots.",
    )
    count_training = BooleanField("Compter les heures de formation")
    training_cap_hours = FrenchDecimalField(
        "Plafond mensuel des heures de formation comptées",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="Le plafond ne peut pas être négatif.")],
        description="En heures par mois ; laissez vide pour ne pas plafonner.",
    )
    cdi_cap_hours = FrenchDecimalField(
        "Plafond de valorisation d'un CDI",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="Le plafond ne peut pas être négatif.")],
        description="Heures comptées au plus par contrat CDI ; laissez vide pour ne pas plafonner.",
    )
    require_eligibility = BooleanField("Ne compter les heures que si l'éligibilité est valide à leur date")
    partial_eligibility = SelectField(
        "Mois où l'éligibilité ne couvre qu'une partie des jours",
        choices=select_choices(PartialEligibility.choices()),
        validators=[InputRequired("Choisissez ce que compte un tel mois.")],
        description="Éligibilité validée en cours de mois (ou qui prend fin) : au prorata, le mois compte les "
        "heures des jours couverts (18 jours sur 31 : 18/31 des heures). La convention type (art. 3) demande "
        "une éligibilité validée avant toute mission, faute de quoi l'acheteur peut refuser ces heures.",
    )
    rounding_step = SelectField(
        "Pas d'arrondi",
        choices=select_choices(ROUNDING_STEPS),
        validators=[InputRequired("Choisissez le pas d'arrondi.")],
    )
    rounding = SelectField(
        "Sens de l'arrondi",
        choices=select_choices(ROUNDINGS),
        validators=[InputRequired("Choisissez le sens.")],
    )
    note = StringField(
        "Note", validators=[Optional(), Length(max=500)], description="Pourquoi cette version."
    )


#: the fields of the form that the new version takes as they are
RULE_FIELDS = (
    "count_training",
    "training_cap_hours",
    "cdi_cap_hours",
    "require_eligibility",
    "partial_eligibility",
    "rounding_step",
    "rounding",
    "note",
)


def _field_name(code: str) -> str:
    return f"multiplier_{code}"


def rule_form(contract_types, data: dict | None = None) -> CountingRuleForm:
    """The form with one multiplier field per contract type of the referential."""

    class Bound(CountingRuleForm):
        pass

    for contract in contract_types:
        setattr(
            Bound,
            _field_name(contract.code),
            FrenchDecimalField(
                contract.label,
                places=2,
                validators=[
                    Optional(),
                    NumberRange(min=0, max=10, message="Le coefficient est compris entre 0 et 10."),
                ],
            ),
        )
    return Bound(data=data) if data is not None else Bound()


def _defaults(contract_types) -> dict:
    """The form starts from the tenant's rules in force (or the defaults before any version)."""
    latest = heures.latest_rule(None)
    values = (
        {key: getattr(latest, key) for key in heures.DEFAULT_RULE} if latest else dict(heures.DEFAULT_RULE)
    )
    data = {**values, "marche_id": ""}
    data["rounding_step"] = format(Decimal(values["rounding_step"]).normalize(), "f")
    for contract in contract_types:
        data[_field_name(contract.code)] = Decimal(str((values["multipliers"] or {}).get(contract.code, 1)))
    return data


def _describe(rule, labels: dict) -> dict:
    multipliers = ", ".join(
        f"{labels.get(code, code)} × {Decimal(value).normalize():f}".replace(".", ",")
        for code, value in sorted((rule.multipliers or {}).items())
    )
    training = "non comptées"
    if rule.count_training:
        training = (
            f"comptées, plafond {rule.training_cap_hours} h par mois".replace(".", ",")
            if rule.training_cap_hours is not None
            else "comptées sans plafond"
        )
    return {
        "version": rule.version,
        "date": rule.created_at,
        "multipliers": multipliers or "aucun (coefficient 1)",
        "training": training,
        "cdi": f"{rule.cdi_cap_hours} h".replace(".", ",") if rule.cdi_cap_hours is not None else "aucun",
        "eligibility": (
            f"exigée ; mois partiel : {PartialEligibility(rule.partial_eligibility).label.lower()}"
            if rule.require_eligibility
            else "non exigée"
        ),
        "rounding": f"{format(Decimal(rule.rounding_step).normalize(), 'f').replace('.', ',')} h, "
        f"{ROUNDING_LABELS.get(rule.rounding, rule.rounding).lower()}",
        "note": rule.note,
    }


@bp.route("/regles-de-comptage", methods=["GET", "POST"])
def counting_rules():
    contract_types = referentiels.contract_types()
    labels = {c.code: c.label for c in contract_types}
    marches = heures.marche_options()
    form = rule_form(contract_types, None if request.method == "POST" else _defaults(contract_types))
    form.marche_id.choices = select_choices(
        [("", "Tout le territoire")] + [(str(i), label) for i, label in marches]
    )
    if form.validate_on_submit():
        marche_id = int_arg(form.marche_id.data)
        if marche_id is not None:
            load_scoped(Marche, marche_id)
        rule = form.attempt(
            lambda: heures.new_rule_version(
                request_actor(),
                marche_id=marche_id,
                multipliers={
                    c.code: getattr(form, _field_name(c.code)).data
                    for c in contract_types
                    if getattr(form, _field_name(c.code)).data is not None
                },
                **form.values(*RULE_FIELDS),
            )
        )
        if rule is not FAILED:
            flash(
                f"Version {rule.version} enregistrée. Rien n'est recompté tant que vous n'appliquez pas le recalcul.",
                "success",
            )
            return redirect(
                url_for("admin.recount", marche_id=marche_id) if marche_id else url_for("admin.recount")
            )
    marche_labels = dict(marches)
    scopes = [("Règles du territoire", None, [_describe(r, labels) for r in heures.rules(None)])]
    for marche_id in sorted(heures.override_marche_ids(), key=lambda i: marche_labels.get(i, "")):
        scopes.append(
            (
                f"Règles propres au marché {marche_labels.get(marche_id, marche_id)}",
                marche_id,
                [_describe(r, labels) for r in heures.rules(marche_id)],
            )
        )
    status = status_of(form)
    return render_template(
        "admin/counting_rules.html",
        form=form,
        scopes=scopes,
        multiplier_fields=[getattr(form, _field_name(c.code)) for c in contract_types],
    ), status


@bp.route("/regles-de-comptage/recalcul", methods=["GET", "POST"])
def recount():
    marche_id = int_arg(request.values.get("marche_id"))
    marche = load_scoped(Marche, marche_id) if marche_id else None
    if request.method == "POST":
        lines = heures.apply_recount(request_actor(), marche.id if marche else None)
        db.session.commit()
        flash(f"Recalcul appliqué : {len(lines)} relevé(s) recompté(s).", "success")
        return redirect(url_for("admin.recount", marche_id=marche.id) if marche else url_for("admin.recount"))
    lines = heures.preview_recount(marche.id if marche else None)
    return render_template(
        "admin/recount.html",
        marche=marche,
        marches=heures.marche_options(),
        lines=lines,
        before=sum((line.before for line in lines), Decimal(0)),
        after=sum((line.after for line in lines), Decimal(0)),
    )
