"""Tenant admin console: the mailbox, every message the service recorded for the tenant."""

from __future__ import annotations

import re

from flask import abort, render_template, request
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from blueprints import files
from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FilterForm, choice_field
from blueprints.listing import Listing, wants_export
from saas.clock import PARIS
from saas.db import db
from saas.mail import api as mail
from saas.mail.enums import MailStatus
from saas.mail.models import OutgoingMail
from tenants.web import load_scoped

STATUS_BADGES = {
    MailStatus.mailbox: "info",
    MailStatus.pending: "alerte",
    MailStatus.sent: "succes",
    MailStatus.failed: "erreur",
}
EXPORT_HEADER = ("Date", "Destinataire", "Objet", "Catégorie", "Statut", "Tentatives", "Envoyé le")


class MailboxFilterForm(FilterForm):
    statut = SelectField(
        "Statut",
        choices=select_choices(MailStatus.choices(blank="Tous")),
        validators=[Optional()],
    )
    categorie = choice_field("Catégorie", [Optional()])
    q = StringField("Destinataire ou objet", validators=[Optional()])


def _filters(form: MailboxFilterForm) -> mail.MailboxFilters:
    form.categorie.choices = select_choices(
        [("", "Toutes")] + [(c, mail.category_label(c)) for c in mail.categories()]
    )
    if not form.validate():
        return mail.MailboxFilters()
    return mail.MailboxFilters(
        status=form.statut.data or None,
        category=form.categorie.data or None,
        text=(form.q.data or "").strip() or None,
    )


def _local(value):
    return value.astimezone(PARIS) if value is not None else None


def _export_row(row) -> tuple:
    return (
        _local(row.created_at),
        row.to_address,
        row.subject,
        mail.category_label(row.category),
        mail.status_label(row.status),
        row.attempts,
        _local(row.sent_at),
    )


@bp.route("/boite-d-envoi/")
def mailbox():
    form = MailboxFilterForm(request.args)
    listing = Listing(mail.mailbox(_filters(form)), mail.mailbox_sorts(), "-date")
    if wants_export():
        return listing.export("boite-d-envoi", EXPORT_HEADER, _export_row)
    return render_template(
        "admin/mailbox.html",
        form=form,
        **listing.shown(),
        status_label=mail.status_label,
        status_badge=lambda status: STATUS_BADGES[MailStatus(status)],
        category_label=mail.category_label,
    )


#: the recipient's personal link to stop reminders: an admin reading the mailbox must not use it.
STOP_LINK = re.compile(r"(\S*/notifications/arret/)\S+")


@bp.route("/boite-d-envoi/<int:mail_id>")
def mail_detail(mail_id: int):
    item = load_scoped(OutgoingMail, mail_id)
    mail.mark_read(item)
    db.session.commit()
    return render_template(
        "admin/mail.html",
        item=item,
        body=STOP_LINK.sub(r"\1[lien personnel du destinataire, masqué]", item.body),
        status=MailStatus(item.status),
        status_badges=STATUS_BADGES,
        category_label=mail.category_label,
        attachments=mail.attachments_of(item.id),
    )


@bp.route("/boite-d-envoi/<int:mail_id>/pieces-jointes/<int:attachment_id>")
def mail_attachment(mail_id: int, attachment_id: int):
    """A file sent with a message, as the recipient received it."""
    item = load_scoped(OutgoingMail, mail_id)
    found = next((a for a in mail.attachments_of(item.id) if a.id == attachment_id), None)
    if found is None:
        abort(404)
    return files.attachment(found.content, found.mimetype, found.filename)
