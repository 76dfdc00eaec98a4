"""Tenant admin console: the facilitator posts the Département subsidises and the pieces of each
year (seed 003 art. 6); they go to the Département with the reports."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FAILED, Form, flash_form_errors
from blueprints.guichet.hours_forms import FrenchDecimalField
from saas import clock
from saas.federation import api as federation
from saas.federation import funding
from saas.federation.models import DeliverableKind, FacilitatorPost
from tenants.web import load_scoped, request_actor


class PostForm(Form):
    title = StringField("Intitulé du poste", validators=[DataRequired("Indiquez l'intitulé du poste.")])
    fte = FrenchDecimalField(
        "Part d'un temps plein sur la fonction",
        places=2,
        description="Entre 0,01 et 1 (1 : temps plein).",
        validators=[DataRequired("Indiquez la part d'un temps plein.")],
    )
    start_date = DateField("Début", validators=[DataRequired("Indiquez le début du poste.")])
    end_date = DateField("Fin", validators=[Optional()])


class PieceForm(Form):
    year = IntegerField("Année", validators=[DataRequired("Indiquez l'année.")])
    kind = SelectField("Pièce", choices=select_choices(DeliverableKind.choices()))
    file = FileField(
        "Fichier",
        validators=[FileRequired("Choisissez le fichier à déposer.")],
        description="PDF, PNG ou JPEG, 2 Mo au plus : la pièce part avec le rapport au Département.",
        render_kw=funding.DELIVERABLE.render_kw(),
    )


def _member_or_404(federation_id: int) -> federation.Membership:
    return federation.membership(federation_id) or abort(404)


@bp.route("/departements/<int:federation_id>/postes", methods=["GET", "POST"])
def federation_posts(federation_id: int):
    member = _member_or_404(federation_id)
    form = PostForm()
    made = form.attempt_if_valid(
        lambda: funding.add_post(
            request_actor(),
            federation_id,
            form.title.data,
            form.fte.data,
            form.start_date.data,
            form.end_date.data,
        )
    )
    if made is not FAILED:
        flash(f"Le poste « {made.title} » est déclaré au Département.", "success")
        return redirect(url_for("admin.federation_posts", federation_id=federation_id))
    posts = funding.posts(federation_id)
    year = clock.today().year
    return render_template(
        "admin/federation_posts.html",
        member=member,
        form=form,
        posts=posts,
        piece_forms={p.id: PieceForm(formdata=None, prefix=f"p{p.id}", year=year) for p in posts},
        evidence=funding.evidence(federation_id, year, clock.today()),
        year=year,
        kind_label=DeliverableKind.label_of,
    ), 400 if form.errors else 200


@bp.route("/departements/postes/<int:post_id>/pieces", methods=["POST"])
def federation_post_piece(post_id: int):
    post = load_scoped(FacilitatorPost, post_id)
    form = PieceForm(prefix=f"p{post.id}")
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        upload = form.file.data
        done = form.attempt(
            lambda: funding.add_piece(
                request_actor(), post, form.year.data, form.kind.data, upload.filename, upload.read()
            )
        )
        if done is FAILED:
            flash_form_errors(form)
        else:
            flash(f"{DeliverableKind.label_of(done.kind)} {done.year} : pièce déposée.", "success")
    return redirect(url_for("admin.federation_posts", federation_id=post.federation_id))
