"""The Département's own marchés (seed 003 art. 3.3): recorded by its coordinator with their lots
and execution communes, each lot handed to the territory that covers them (or chosen by the
coordinator), and their progress as the territories' reports tell it."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from blueprints.departement.views import bp
from blueprints.forms import FAILED, Form, attempt, flash_form_errors
from blueprints.guichet.hours_forms import FrenchDecimalField
from saas.bilans import presentation
from saas.bilans.indicators import Unit
from saas.federation import api as federation


class MarcheForm(Form):
    reference = StringField("Référence", validators=[DataRequired("Indiquez la référence du marché.")])
    object = TextAreaField("Objet", validators=[DataRequired("Indiquez l'objet du marché.")])
    start_date = DateField("Début d'exécution", validators=[Optional()])
    end_date = DateField("Fin d'exécution", validators=[Optional()])


class LotForm(Form):
    number = StringField("Numéro du lot", validators=[DataRequired("Indiquez le numéro du lot.")])
    object = StringField("Objet du lot", validators=[DataRequired("Indiquez l'objet du lot.")])
    hours = FrenchDecimalField(
        "Heures d'insertion exigées", places=2, validators=[DataRequired("Indiquez les heures.")]
    )
    communes = StringField(
        "Communes d'exécution (codes INSEE)", validators=[DataRequired("Indiquez les communes du lot.")]
    )


class AssignForm(Form):
    territoire = StringField("Territoire", validators=[DataRequired("Choisissez un territoire.")])


def _marche_or_404(marche_id: int) -> federation.FederationMarche:
    return federation.marche_of(g.federation.id, marche_id) or abort(404)


def _lot_or_404(lot_id: int) -> federation.FederationLot:
    return federation.lot_of(g.federation.id, lot_id) or abort(404)


@bp.route("/marches", methods=["GET", "POST"])
def marches():
    form = MarcheForm()
    made = form.attempt_if_valid(
        lambda: federation.create_marche(
            g.federation.id, form.reference.data, form.object.data, form.start_date.data, form.end_date.data
        )
    )
    if made is not FAILED:
        flash(f"Le marché « {made.reference} » est enregistré : ajoutez ses lots.", "success")
        return redirect(url_for("departement.marches"))
    listed = federation.marches_of(g.federation.id)
    names = {m.slug: m.name for m in federation.members(g.federation.id)}
    status = 400 if form.errors else 200
    return render_template(
        "departement/marches.html",
        federation=g.federation,
        form=form,
        lot_forms={marche.id: LotForm(formdata=None, prefix=f"m{marche.id}") for marche, _ in listed},
        listed=listed,
        names=names,
        candidates={
            lot.id: federation.candidates(g.federation.id, lot.communes_insee)
            for _, lots in listed
            for lot in lots
        },
        progress=federation.lot_progress(g.federation.id),
        shown=presentation.shown,
        units=Unit,
    ), status


@bp.route("/marches/<int:marche_id>/lots", methods=["POST"])
def marche_lot(marche_id: int):
    marche = _marche_or_404(marche_id)
    form = LotForm(prefix=f"m{marche.id}")
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        made = attempt(
            lambda: federation.add_lot(
                marche, form.number.data, form.object.data, form.hours.data, form.communes.data
            )
        )
        if made is not FAILED:
            names = {m.slug: m.name for m in federation.members(g.federation.id)}
            where = f"confié à {names.get(made.assigned_slug)}" if made.assigned_slug else "à attribuer"
            flash(f"Le lot {made.number} est enregistré ({where}).", "success")
    return redirect(url_for("departement.marches"))


@bp.route("/lots/<int:lot_id>/attribuer", methods=["POST"])
def lot_assign(lot_id: int):
    lot = _lot_or_404(lot_id)
    form = AssignForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    elif attempt(lambda: federation.assign(lot, form.territoire.data)) is not FAILED:
        flash(f"Le lot {lot.number} est confié au territoire choisi.", "success")
    return redirect(url_for("departement.marches"))
