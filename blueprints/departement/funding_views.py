"""The Département's funding of facilitator posts (seed 003 art. 3.2 and 6) and the network
meetings of its facilitators (art. 3.1): due, payable and paid per territory, read from the
reports received; payments and meetings recorded by the coordinator."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Optional

from blueprints.choices import select_choices
from blueprints.departement.views import bp
from blueprints.files import attachment
from blueprints.forms import FAILED, Form, attempt, flash_form_errors
from blueprints.guichet.hours_forms import FrenchDecimalField
from saas import clock
from saas.federation import api as federation
from saas.federation import funding
from saas.federation.models import DeliverableKind, Instalment, MeetingKind


class PaymentForm(Form):
    territoire = SelectField("Territoire", validate_choice=False)
    year = IntegerField("Année", validators=[DataRequired("Indiquez l'année.")])
    instalment = SelectField("Versement", choices=select_choices(Instalment.choices()))
    amount = FrenchDecimalField(
        "Montant versé (€)", places=2, validators=[DataRequired("Indiquez le montant.")]
    )
    paid_on = DateField("Versé le", validators=[DataRequired("Indiquez la date du versement.")])


class MeetingForm(Form):
    held_on = DateField("Date", validators=[DataRequired("Indiquez la date de la réunion.")])
    kind = SelectField("Type de réunion", choices=select_choices(MeetingKind.choices()))
    subject = StringField("Objet", validators=[DataRequired("Indiquez l'objet de la réunion.")])
    attendees = SelectMultipleField("Territoires présents", validate_choice=False, validators=[Optional()])


def _year() -> int:
    try:
        year = int(request.args.get("annee") or clock.today().year)
    except ValueError:
        abort(404)
    return year if 2000 <= year <= 2100 else abort(404)


def _members():
    return federation.members(g.federation.id)


def _with_members(form):
    choices = [(m.slug, m.name) for m in _members()]
    form_field = getattr(form, "territoire", None) or form.attendees
    form_field.choices = select_choices(choices)
    return form


@bp.route("/financement")
def funding_page():
    year = _year()
    members = _members()
    names = {m.slug: m.name for m in members}
    return render_template(
        "departement/funding.html",
        federation=g.federation,
        year=year,
        rows=funding.funding(g.federation.id, members, year),
        payment_form=_with_members(PaymentForm(formdata=None, year=year)),
        meeting_form=_with_members(MeetingForm(formdata=None)),
        meetings=funding.meetings(g.federation.id),
        present=lambda meeting: ", ".join(names.get(slug, slug) for slug in meeting.attendees),
        kind_label=DeliverableKind.label_of,
        meeting_label=MeetingKind.label_of,
        instalment_label=Instalment.label_of,
    )


@bp.route("/financement/paiements", methods=["POST"])
def funding_payment():
    form = _with_members(PaymentForm())
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        values = (
            form.territoire.data,
            form.year.data,
            form.instalment.data,
            form.amount.data,
            form.paid_on.data,
        )
        if attempt(lambda: funding.record_payment(g.federation.id, _members(), *values)) is not FAILED:
            flash("Le versement est enregistré.", "success")
    return redirect(url_for("departement.funding_page", annee=form.year.data or None))


@bp.route("/reunions", methods=["POST"])
def meeting_add():
    form = _with_members(MeetingForm())
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        values = (form.held_on.data, form.kind.data, form.subject.data, form.attendees.data or [])
        if attempt(lambda: funding.add_meeting(g.federation.id, _members(), *values)) is not FAILED:
            flash("La réunion du réseau est enregistrée.", "success")
    return redirect(url_for("departement.funding_page"))


@bp.route("/financement/pieces/<slug>/<int:post_id>/<kind>")
def funding_piece(slug: str, post_id: int, kind: str):
    found = funding.piece(g.federation.id, slug, _year(), post_id, kind) or abort(404)
    mimetype, content = found
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(mimetype, "bin")
    return attachment(content, mimetype, f"piece-{slug}-{post_id}-{kind}.{extension}")
