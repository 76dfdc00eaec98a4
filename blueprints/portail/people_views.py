"""The prescriber's pages (send a candidate, follow its own candidates) and the accompaniment
partner's (the people it follows, and what it records of them)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.choices import select_choices
from blueprints.files import upload_of
from blueprints.forms import FAILED, Form, choice_field, status_of
from blueprints.guichet import participant_display as display
from blueprints.guichet.participant_forms import IdentityForm
from blueprints.listing import Listing
from blueprints.portail.views import bp, for_audience, organisation_id
from blueprints.views_common import ListPage, submitted
from saas import clock, uploads
from saas.db import db
from saas.participants.enums import AccompanimentKind
from saas.portail import accompaniment
from saas.portail import api as portail
from saas.portail import prescription as prescriptions
from tenants.web import request_actor

CONSENT_LABEL = (
    "La personne a donné son accord pour être orientée vers le guichet des clauses sociales et pour que "
    "ses informations lui soient transmises"
)


class SendForm(IdentityForm):
    birth_date = DateField("Date de naissance", validators=[DataRequired("Indiquez la date de naissance.")])
    qualification_level = choice_field("Niveau de qualification")
    content = TextAreaField(
        "Profil et motif de l'orientation",
        validators=[DataRequired("Décrivez le profil de la personne et ce que vous attendez du guichet.")],
        description="Métiers visés, expérience, disponibilité. N'indiquez ni numéro de sécurité sociale ni diagnostic médical.",
    )  # fmt: skip
    consent = BooleanField(
        CONSENT_LABEL, validators=[DataRequired("Sans l'accord de la personne, rien n'est transmis.")]
    )
    consent_on = DateField("Date de son accord", validators=[DataRequired("Indiquez la date de son accord.")])
    cv = FileField(
        "CV (facultatif)", description="PDF ou Word (.docx), 5 Mo au plus.", render_kw=uploads.CV.render_kw()
    )

    def candidate(self, cv) -> prescriptions.Candidate:
        return prescriptions.Candidate(
            self.last_name.data, self.first_name.data, self.birth_date.data, self.sex.data or None,
            self.email.data, self.phone.data, self.commune_insee.data, self.qualification_level.data or None,
            self.content.data, self.consent_on.data if self.consent.data else None, cv,
        )  # fmt: skip


@bp.route("/candidats/nouveau", methods=["GET", "POST"])
@for_audience(portail.PRESCRIBER)
def prescription_new():
    form = SendForm()
    form.qualification_level.choices = select_choices(
        [("", "— non renseigné —"), *display.item_choices("niveau_qualification")]
    )
    if not form.is_submitted():
        form.consent_on.data = clock.today()
    sent = submitted(
        form,
        lambda: prescriptions.send(
            request_actor(), organisation_id(), form.candidate(upload_of(form.cv.data))
        ),
        "La prescription est transmise au guichet ; vous suivrez ici ce que devient la personne.",
    )
    if sent is not FAILED:
        return redirect(url_for("portail.candidate", participant_id=sent.id))
    return render_template("portail/prescription_new.html", form=form), status_of(form)


CANDIDATES = ListPage(
    "portail/candidates.html",
    "mes-candidats",
    ("Référence", "reference"),
    ("Nom", "last_name"),
    ("Prénom", "first_name"),
    ("Adressé le", "sent_on"),
    ("Où en est la personne", prescriptions.stage),
)


@bp.route("/candidats/")
@for_audience(portail.PRESCRIBER)
def candidates():
    listing = Listing(
        prescriptions.candidates_query(organisation_id()), prescriptions.candidate_sorts(), "-adresse"
    )
    return CANDIDATES.render(listing, stage=prescriptions.stage)


@bp.route("/candidats/<int:participant_id>")
@for_audience(portail.PRESCRIBER)
def candidate(participant_id: int):
    row = prescriptions.candidate(organisation_id(), participant_id)
    identity = prescriptions.read(request_actor(), organisation_id(), participant_id) if row else None
    if identity is None:
        abort(404)
    db.session.commit()  # the read is audited
    return render_template(
        "portail/candidate.html",
        row=row,
        identity=identity,
        stage=prescriptions.stage(row),
        sent=prescriptions.prescriptions_sent(organisation_id(), participant_id),
    )


# --- accompaniment -------------------------------------------------------------------------------


class RecordForm(Form):
    kind = SelectField(
        "Ce que vous notez", choices=select_choices(AccompanimentKind.choices()), validate_choice=False
    )
    happened_on = DateField("Date", validators=[DataRequired("Indiquez la date.")])
    summary = TextAreaField("Compte rendu", validators=[DataRequired("Résumez ce qui a été fait ou dit.")])
    training_title = StringField(
        "Intitulé de la formation",
        validators=[Optional(), Length(max=200)],
        description="Seulement pour une formation.",
    )
    training_until = DateField("Fin de la formation", validators=[Optional()])
    freins = choice_field(
        "Freins à l'emploi après ce point",
        multiple=True,
        description="Seulement pour un point sur les freins.",
    )
    cv = FileField(
        "CV mis à jour",
        description="Seulement pour une mise à jour du CV : PDF ou Word (.docx), 5 Mo au plus.",
        render_kw=uploads.CV.render_kw(),
    )

    def entry(self) -> accompaniment.Record:
        kind = self.kind.data
        return accompaniment.Record(
            kind, self.happened_on.data, self.summary.data, self.training_title.data, self.training_until.data,
            tuple(self.freins.data or ()) if kind == AccompanimentKind.freins else None, upload_of(self.cv.data),
        )  # fmt: skip


FOLLOWED = ListPage(
    "portail/followed.html",
    "personnes-accompagnees",
    ("Référence", "reference"),
    ("Nom", "last_name"),
    ("Prénom", "first_name"),
    ("Dernier contact", "last_contact_on"),
)


@bp.route("/accompagnement/")
@for_audience(portail.ACCOMPANIMENT)
def followed():
    listing = Listing(accompaniment.followed_query(organisation_id()), accompaniment.followed_sorts(), "nom")
    return FOLLOWED.render(listing)


def _record_form(participant) -> RecordForm:
    form = RecordForm()
    form.freins.choices = select_choices(display.item_choices("frein"))
    if not form.is_submitted():
        form.happened_on.data = clock.today()
        form.freins.data = list(participant.freins or [])
    return form


@bp.route("/accompagnement/<int:participant_id>", methods=["GET", "POST"])
@for_audience(portail.ACCOMPANIMENT)
def followed_person(participant_id: int):
    person = accompaniment.person(organisation_id(), participant_id)
    if person is None:
        abort(404)
    form = _record_form(person)
    saved = submitted(
        form,
        lambda: accompaniment.record(request_actor(), organisation_id(), person, form.entry()),
        "C'est noté ; le guichet le voit dans le dossier de la personne.",
    )
    if saved is not FAILED:
        return redirect(url_for("portail.followed_person", participant_id=participant_id))
    _, identity = accompaniment.read(request_actor(), organisation_id(), participant_id)
    db.session.commit()  # the read is audited
    return render_template(
        "portail/followed_person.html",
        person=person,
        identity=identity,
        entries=accompaniment.entries_of(participant_id, organisation_id()),
        kinds=AccompanimentKind.labels(),
        freins=", ".join(display.item_labels("frein").get(code, code) for code in person.freins or []),
        form=form,
    ), status_of(form)
