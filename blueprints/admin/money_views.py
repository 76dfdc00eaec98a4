"""Tenant admin console: the money table of the conventions (échéancier financier). Every
instalment of every commitment and period, what it waits for, what is payable or late, what was
paid; the totals by status; recording a payment."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from blueprints.admin.convention_display import (
    INSTALMENT_BADGES,
    RowListing,
    euros,
    percent,
)
from blueprints.admin.convention_forms import InstalmentFilterForm, PaymentForm
from blueprints.admin.convention_views import organisation_choices, organisation_names
from blueprints.admin.views import bp
from blueprints.choices import select_choices
from blueprints.forms import FAILED, flash_form_errors
from blueprints.listing import wants_export
from blueprints.ui import int_arg
from saas import clock, formats
from saas.conventions import api as conventions
from saas.conventions import enums
from saas.conventions.models import ScheduleLine
from tenants.web import load_scoped, request_actor


def instalment_key(instalment) -> str:
    return f"{instalment.line.id}-{instalment.period.number}"


def _payment_form(instalment, submitted: bool = False) -> PaymentForm:
    prefix = f"paiement-{instalment_key(instalment)}"
    if submitted:
        return PaymentForm(prefix=prefix)
    return PaymentForm(
        prefix=prefix, formdata=None, data={"paid_on": clock.today(), "amount": instalment.amount}
    )


def _filters() -> InstalmentFilterForm:
    form = InstalmentFilterForm(request.args)
    form.convention.choices = select_choices(
        [("", "Toutes")] + [(str(c.id), f"{c.reference} — {c.title}") for c in conventions.conventions()]
    )
    form.payeur.choices = select_choices(organisation_choices("Tous"))
    return form


SORTS = {
    "date": lambda i: i.due_on,
    "convention": lambda i: i.convention.reference.lower(),
    "montant": lambda i: i.amount,
    "statut": lambda i: list(enums.InstalmentStatus).index(i.status),
    "paye": lambda i: i.payment.paid_on if i.payment else None,
}
EXPORT_HEADER = [
    "Convention",
    "Engagement",
    "Payeur",
    "Bénéficiaire",
    "Échéance",
    "Pourcentage",
    "Période",
    "Début de période",
    "Fin de période",
    "Montant",
    "Date d'échéance",
    "Statut",
    "Pièces manquantes",
    "Payé le",
    "Référence du paiement",
]


def render_money(status: int = 200, failed: PaymentForm | None = None, failed_key: str | None = None):
    form = _filters()
    convention_id, payer_id = int_arg(form.convention.data), int_arg(form.payeur.data)
    names = organisation_names()
    table = conventions.money_table(
        convention_id=convention_id, payer_id=payer_id, status=form.statut.data or None
    )
    listing = RowListing(table.instalments, SORTS, "date")
    if wants_export():
        return listing.export(
            "echeancier",
            EXPORT_HEADER,
            lambda i: [
                f"{i.convention.reference} — {i.convention.title}",
                i.commitment.label,
                names.get(i.commitment.payer_id),
                names.get(i.commitment.payee_id),
                i.line.label,
                i.line.percent,
                i.period.number,
                i.period.start,
                i.period.end,
                i.amount,
                i.due_on,
                i.status_label,
                ", ".join(i.missing),
                i.payment.paid_on if i.payment else None,
                i.payment.reference if i.payment else None,
            ],
        )
    shown = listing.shown()
    page = shown["page"]
    forms = {}
    for instalment in page.items:
        if instalment.payable:
            key = instalment_key(instalment)
            forms[key] = failed if failed is not None and key == failed_key else _payment_form(instalment)
    if failed is not None and failed_key not in forms:
        # not on this page (paid meanwhile, not payable, another page): its errors go on top
        flash_form_errors(failed)
    return render_template(
        "admin/conventions/money.html",
        form=form,
        **shown,
        totals=[(t.status, t.label, t.count, t.amount) for t in table.totals],
        names=names,
        forms=forms,
        instalment_key=instalment_key,
        badges=INSTALMENT_BADGES,
        euros=euros,
        percent=percent,
        args=request.args.to_dict(),
    ), status


@bp.route("/echeancier", endpoint="instalments")
def instalments():
    return render_money()


@bp.route("/echeancier/<int:line_id>/<int:period_no>/paiement", methods=["POST"])
def instalment_pay(line_id: int, period_no: int):
    line = load_scoped(ScheduleLine, line_id)
    key = f"{line.id}-{period_no}"
    form = PaymentForm(prefix=f"paiement-{key}")
    payment = form.attempt_if_valid(
        lambda: conventions.record_payment(
            request_actor(),
            line,
            period_no,
            form.paid_on.data,
            amount=form.amount.data,
            reference=form.reference.data,
        )
    )
    if payment is not FAILED:
        flash(
            f"Le paiement de {euros(payment.amount)} ({line.label}, période {period_no}) est "
            f"enregistré au {formats.date(payment.paid_on)}.",
            "success",
        )
        return redirect(url_for("admin.instalments", **request.args.to_dict()))
    return render_money(400, form, key)
