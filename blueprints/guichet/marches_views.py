"""Facilitateur workspace: marchés, their lots, the hour obligation and the clause-drafting aid."""

from __future__ import annotations

import re
import unicodedata

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.choices import select_choices
from blueprints.files import attachment
from blueprints.forms import FAILED, status_of
from blueprints.guichet import marches_display as display
from blueprints.guichet.marches_forms import (
    FigureForm,
    LotForm,
    MarcheFilterForm,
    MarcheForm,
    SubcontractorForm,
    lot_data,
    percent_of,
)
from blueprints.guichet.posted import saved_then
from blueprints.guichet.views import bp
from blueprints.listing import Listing, wants_export
from blueprints.ui import int_arg
from blueprints.views_common import with_choices
from saas import bounds, formats
from saas.accounts import memberships
from saas.heures.progress import progress
from saas.marches import api as marches
from saas.marches import clause
from saas.marches.models import Lot, Marche
from saas.marches.repository import MarcheFilters
from tenants.web import is_admin, load_scoped, request_actor

EXPORT_HEADER = (
    "Référence",
    "Objet",
    "Donneur d'ordre",
    "Secteur",
    "ANRU",
    "Notification",
    "Montant HT (€)",
    "Heures dues",
    "Heures comptées",
    "Heures réalisées",
    "Taux de réalisation (%)",
)


# --- list ------------------------------------------------------------------------------------------------


def _filters(form: MarcheFilterForm) -> MarcheFilters:
    year = int_arg(form.year.data)
    anru = {"oui": True, "non": False}.get(form.anru.data or "")
    return MarcheFilters(
        donneur_ordre_id=int_arg(form.donneur_ordre_id.data),
        sector=form.sector.data or None,
        anru=anru,
        year=year if year is not None and bounds.MIN_DATE.year <= year <= bounds.MAX_DATE.year else None,
        text=(form.q.data or "").strip() or None,
    )


@bp.route("/marches/", endpoint="marches")
def marches_list():
    form = with_choices(
        MarcheFilterForm(request.args),
        donneur_ordre_id=[("", "Tous"), *display.organisation_choices("donneur_ordre")],
        sector=[("", "Tous"), *marches.sector_choices()],
        year=[("", "Toutes")] + [(str(y), str(y)) for y in marches.marche_years()],
    )
    listing = Listing(marches.search_marches(_filters(form)), marches.MARCHE_SORTS, "reference")
    sectors = dict(marches.sector_choices())
    if wants_export():
        figures = progress("marche")
        return listing.export("marches", EXPORT_HEADER, lambda row: display.export_row(row, figures, sectors))
    page = listing.page()
    figures = progress("marche", keys=[row.id for row in page.items])
    return render_template(
        "guichet/marches/list.html",
        form=form,
        listing=listing,
        page=page,
        page_url=lambda number: listing.url(page=number),
        rows=[display.list_row(row, figures.get(row.id), sectors) for row in page.items],
    )


# --- marché ----------------------------------------------------------------------------------------------


def _marche_form(marche: Marche | None = None) -> MarcheForm:
    if marche is not None and request.method == "GET":
        form = MarcheForm(obj=marche)
        form.donneur_ordre_id.data = str(marche.donneur_ordre_id)
        form.execution_communes.data = ", ".join(marche.execution_communes or [])
        form.amount_ht.data = formats.typed(marche.amount_ht)
        form.hourly_cost_override.data = formats.typed(marche.hourly_cost_override)
    else:
        form = MarcheForm()
    return with_choices(
        form,
        donneur_ordre_id=[("", "— choisir —"), *display.organisation_choices("donneur_ordre")],
        sector=[("", "— non précisé —"), *marches.sector_choices()],
        procedure=[("", "— non précisée —"), *marches.procedure_choices()],
    )


def _marche_data(form: MarcheForm) -> dict:
    return form.values(*marches.MARCHE_FIELDS)


def _save_marche(form: MarcheForm, marche: Marche | None):
    saved = form.attempt_if_valid(
        lambda: (
            marches.create_marche(request_actor(), _marche_data(form))
            if marche is None
            else marches.update_marche(request_actor(), marche, _marche_data(form))
        )
    )
    return None if saved is FAILED else saved


@bp.route("/marches/nouveau", methods=["GET", "POST"], endpoint="marche_new")
def marche_new():
    form = _marche_form()
    marche = _save_marche(form, None)
    if marche is not None:
        flash(f"Le marché {marche.reference} est enregistré. Ajoutez maintenant ses lots.", "success")
        return redirect(url_for("guichet.marche", marche_id=marche.id))
    return render_template(
        "guichet/marches/marche_form.html", form=form, marche=None, buyer_hint=_buyer_hint()
    ), status_of(form)


def _buyer_hint() -> str:
    """Organisations are created in the admin console: a facilitateur, who has no access there,
    is told whom to ask."""
    if is_admin():
        return "Organisation de type donneur d'ordre ; si elle manque, créez-la dans Administration › Organisations."
    admins = ", ".join(f"{m.user.display_name} ({m.user.email})" for m in memberships.tenant_admins())
    return (
        "Organisation de type donneur d'ordre. Si elle manque, demandez à un administrateur du "
        "territoire de la créer" + (f" : {admins}." if admins else ".")
    )


@bp.route("/marches/<int:marche_id>/modifier", methods=["GET", "POST"], endpoint="marche_edit")
def marche_edit(marche_id: int):
    marche = load_scoped(Marche, marche_id)
    form = _marche_form(marche)
    if _save_marche(form, marche) is not None:
        flash("Le marché est modifié ; les heures dues de ses lots ont été recalculées.", "success")
        return redirect(url_for("guichet.marche", marche_id=marche.id))
    return render_template(
        "guichet/marches/marche_form.html", form=form, marche=marche, buyer_hint=_buyer_hint()
    ), status_of(form)


@bp.route("/marches/<int:marche_id>", endpoint="marche")
def marche_detail(marche_id: int):
    marche = load_scoped(Marche, marche_id)
    lots = marches.lots_of_marche(marche.id)
    figures = progress("lot", keys=[lot.id for lot in lots])
    return render_template(
        "guichet/marches/marche.html",
        marche=marche,
        details=display.marche_details(marche),
        lot_rows=[display.lot_row(lot, figures.get(lot.id)) for lot in lots],
        totals=progress("marche", keys=[marche.id]).get(marche.id),
    )


# --- lot -------------------------------------------------------------------------------------------------


def _lot_form(marche: Marche, lot: Lot | None = None) -> LotForm:
    if lot is not None and request.method == "GET":
        form = LotForm(obj=lot)
        form.attributaire_id.data = str(lot.attributaire_id or "")
        for name in (
            "amount_ht",
            "fixed_hours",
            "hourly_cost_override",
            "per_amount_hours",
            "per_amount_base",
        ):
            getattr(form, name).data = formats.typed(getattr(lot, name))
        form.penalty_per_hour.data = formats.typed(lot.penalty_per_hour)
        for name in ("labour_share", "insertion_rate", "hours_share"):
            getattr(form, name).data = percent_of(getattr(lot, name))
    else:
        form = LotForm()
    form.attributaire_id.choices = select_choices([("", "— non attribué —"), *display.company_choices()])
    return form


def _save_lot(form: LotForm, marche: Marche, lot: Lot | None):
    saved = form.attempt_if_valid(
        lambda: (
            marches.create_lot(request_actor(), marche, lot_data(form))
            if lot is None
            else marches.update_lot(request_actor(), lot, lot_data(form))
        )
    )
    return None if saved is FAILED else saved


@bp.route("/marches/<int:marche_id>/lots/nouveau", methods=["GET", "POST"], endpoint="lot_new")
def lot_new(marche_id: int):
    marche = load_scoped(Marche, marche_id)
    form = _lot_form(marche)
    lot = _save_lot(form, marche, None)
    if lot is not None:
        flash(f"Le lot {lot.number} est enregistré : {display.hours(lot.obligation_hours)} dues.", "success")
        return redirect(url_for("guichet.lot", lot_id=lot.id))
    html = render_template("guichet/marches/lot_form.html", form=form, marche=marche, lot=None)
    return html, status_of(form)


@bp.route("/lots/<int:lot_id>/modifier", methods=["GET", "POST"], endpoint="lot_edit")
def lot_edit(lot_id: int):
    lot = load_scoped(Lot, lot_id)
    marche = load_scoped(Marche, lot.marche_id)
    form = _lot_form(marche, lot)
    if _save_lot(form, marche, lot) is not None:
        flash(f"Le lot est modifié : {display.hours(lot.obligation_hours)} dues.", "success")
        return redirect(url_for("guichet.lot", lot_id=lot.id))
    html = render_template("guichet/marches/lot_form.html", form=form, marche=marche, lot=lot)
    return html, status_of(form)


def _render_lot(lot: Lot, figure_form=None, subcontractor_form=None, status: int = 200):
    marche = load_scoped(Marche, lot.marche_id)
    subcontractor_form = subcontractor_form or SubcontractorForm(formdata=None)
    subcontractor_form.organisation_id.choices = select_choices(
        [
            ("", "— choisir —"),
            *[
                (value, label)
                for value, label in display.company_choices()
                if value != str(lot.attributaire_id)
            ],
        ]
    )
    return render_template(
        "guichet/marches/lot.html",
        lot=lot,
        marche=marche,
        details=display.lot_details(lot, marche),
        inputs=display.obligation_inputs(lot),
        progress=progress("lot", keys=[lot.id]).get(lot.id),
        subcontractors=marches.subcontractors(lot.id),
        figure_rows=display.figure_rows(marches.figures(lot.id)),
        role_label=display.role_label,
        figure_form=figure_form or FigureForm(formdata=None),
        subcontractor_form=subcontractor_form,
    ), status


@bp.route("/lots/<int:lot_id>", endpoint="lot")
def lot_detail(lot_id: int):
    return _render_lot(load_scoped(Lot, lot_id))


@bp.route("/lots/<int:lot_id>/releves-activite", methods=["POST"], endpoint="lot_figure")
def lot_figure(lot_id: int):
    lot = load_scoped(Lot, lot_id)
    form = FigureForm()
    return saved_then(
        form,
        lambda: marches.record_figure(
            request_actor(), lot, form.kind.data, form.recorded_on.data, form.value.data, form.note.data
        ),
        lambda _: f"Relevé enregistré : {display.hours(lot.obligation_hours)} dues sur ce lot.",
        url_for("guichet.lot", lot_id=lot.id),
        lambda: _render_lot(lot, figure_form=form, status=400),
    )


@bp.route("/lots/<int:lot_id>/sous-traitants", methods=["POST"], endpoint="lot_subcontractor")
def lot_subcontractor(lot_id: int):
    """Add a subcontractor, or remove the one named by ``remove_id``."""
    lot = load_scoped(Lot, lot_id)
    form = SubcontractorForm()
    removing = bool(form.remove_id.data)
    return saved_then(
        form,
        lambda: (
            marches.remove_subcontractor(request_actor(), lot, form.remove_id.data)
            if removing
            else marches.add_subcontractor(request_actor(), lot, form.organisation_id.data, form.role.data)
        ),
        "Le sous-traitant est retiré du lot." if removing else "Le sous-traitant est ajouté au lot.",
        url_for("guichet.lot", lot_id=lot.id),
        lambda: _render_lot(lot, subcontractor_form=form, status=400),
    )


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "clause"


@bp.route("/lots/<int:lot_id>/clause", endpoint="lot_clause")
def lot_clause(lot_id: int):
    lot = load_scoped(Lot, lot_id)
    marche = load_scoped(Marche, lot.marche_id)
    text = clause.draft(marche, lot, g.tenant.display_name, current_user.display_name, current_user.email)
    if request.args.get("format") == "txt":
        filename = f"clause-{_ascii(marche.reference)}-lot-{_ascii(lot.number)}.txt"
        return attachment(text, "text/plain", filename)
    return render_template("guichet/marches/clause.html", lot=lot, marche=marche, text=text)
