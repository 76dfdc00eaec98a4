"""Tenant admin console: the processing register of the territory (RGPD art. 30) and the notice for
its participants, both made by ``saas.privacy.register`` from the settings and what is stored. The
admin sets the two things the software cannot know: the controller and whom the persons write to."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from wtforms import StringField
from wtforms.validators import Length

from blueprints.admin.views import bp
from blueprints.files import attachment
from blueprints.forms import FAILED, Form, status_of
from saas import printing
from saas import settings as rule_settings
from saas.privacy import notice as privacy_notice
from saas.privacy import register as privacy_register
from tenants.web import request_actor

FIELDS = ("privacy_controller", "privacy_contact")


def _text_field(name: str, label: str, description: str) -> StringField:
    """A setting of ``saas.settings.TEXTS``, refused beyond its length with the domain's message."""
    return StringField(
        label,
        validators=[Length(max=rule_settings.TEXTS[name], message=rule_settings.MESSAGES[name])],
        description=description,
    )


class PrivacyForm(Form):
    privacy_controller = _text_field(
        "privacy_controller",
        "Responsable du traitement",
        "La collectivité ou la structure qui porte le guichet, et son représentant (par exemple « Ville de "
        "Rosny-sous-Bois, représentée par son maire »). Laissé vide, le nom du territoire est repris.",
    )
    privacy_contact = _text_field(
        "privacy_contact",
        "Contact pour l'exercice des droits",
        "Où les personnes écrivent pour exercer leurs droits : l'adresse électronique ou postale de votre "
        "délégué à la protection des données, par exemple.",
    )


def _basename(kind: str) -> str:
    return f"{kind}-{g.tenant.slug}"


@bp.route("/registre", methods=["GET", "POST"], endpoint="privacy_register")
def register_page():
    current = rule_settings.current()
    form = PrivacyForm(data={key: current[key] for key in FIELDS})
    if form.validate_on_submit():
        values = {key: (form[key].data or "") for key in FIELDS}
        saved = form.attempt(lambda: rule_settings.set_values(request_actor(), **values))
        if saved is not FAILED:
            flash("Le registre et la notice sont à jour.", "success")
            return redirect(url_for("admin.privacy_register"))
    return render_template(
        "admin/privacy/register.html",
        form=form,
        register=privacy_register.build(),
        shown_data=privacy_register.shown_data,
    ), status_of(form)


@bp.route("/registre.xlsx", endpoint="privacy_register_xlsx")
def register_xlsx():
    filename, mimetype, content = privacy_register.workbook(
        privacy_register.build(), _basename("registre-traitements")
    )
    return attachment(content, mimetype, filename)


def _notice() -> privacy_notice.Notice:
    return privacy_notice.notice(privacy_register.build())


@bp.route("/registre/notice", endpoint="privacy_notice")
def notice_page():
    return render_template("admin/privacy/notice.html", notice=_notice())


@bp.route("/registre/notice.pdf", endpoint="privacy_notice_pdf")
def notice_pdf():
    tenant = g.tenant
    html = render_template(
        "admin/privacy/notice_print.html",
        notice=_notice(),
        tenant_name=tenant.display_name,
        colour=tenant.theme_colour,
        logo=printing.data_uri(tenant.logo, tenant.logo_mimetype),
    )
    return attachment(printing.pdf(html), printing.PDF_MIMETYPE, f"{_basename('notice-participants')}.pdf")
