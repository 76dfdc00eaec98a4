"""The space of a donneur d'ordre, under ``/t/<tenant>/acheteur/``: the progress of its own marchés
and lots, the bilans of their execution, and the clause-drafting aid for a lot to come.

Aggregates only: hours, obligations, rates, counts of people and contracts; people appear in the
consolidation table by their reference, never by name, and no eligibility criterion is shown.
Everything is scoped twice: to the tenant (row-level security) and to the user's own organisation
(a marché or a bilan of another donneur d'ordre answers 404, as if it did not exist).
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints import bilans_common
from blueprints.acheteur.forms import DraftForm
from blueprints.forms import FAILED, attempt
from blueprints.guichet.marches_forms import lot_data
from saas.accounts import memberships
from saas.bilans import api as bilans
from saas.bilans import presentation, sending
from saas.bilans.models import BilanSchedule, Cadence
from saas.heures import progress
from saas.marches import api as marches
from saas.marches import clause
from saas.marches.models import Marche
from saas.partenaires import api as partenaires
from tenants.enums import TenantRole
from tenants.web import load_scoped, request_actor, tenant_blueprint

bp = tenant_blueprint("acheteur", __name__, (TenantRole.donneur_ordre,), url_prefix="/acheteur")


def _organisation_id() -> int:
    return g.membership.organisation_id


def _own_marche(marche_id: int) -> Marche:
    marche = load_scoped(Marche, marche_id)
    if marche.donneur_ordre_id != _organisation_id():
        abort(404)
    return marche


def _own_bilan(bilan_id: int) -> bilans.Bilan:
    found = bilans.of_donneur_ordre(_organisation_id(), bilan_id)
    if found is None:
        abort(404)
    return found


@bp.route("/")
def home():
    own = marches.marches_of_donneur_ordre(_organisation_id())
    found = progress.progress("marche", [m.id for m in own]) if own else {}
    return render_template(
        "acheteur/home.html",
        organisation=partenaires.get(_organisation_id()),
        marches=own,
        progress=found,
        bilans=bilans.for_donneur_ordre(_organisation_id(), limit=5),
        title_of=presentation.title,
    )


@bp.route("/marches/<int:marche_id>")
def marche(marche_id: int):
    item = _own_marche(marche_id)
    lots = marches.lots_of_marche(item.id)
    return render_template(
        "acheteur/marche.html",
        marche=item,
        lots=lots,
        progress=progress.progress("lot", [lot.id for lot in lots]) if lots else {},
        total=progress.progress("marche", [item.id]).get(item.id),
    )


@bp.route("/bilans/")
def bilans_list():
    """The bilans of its marchés, and those the guichet sends it on a cadence (it may stop them)."""
    own = sending.schedules(recipient_id=current_user.id)
    return render_template(
        "acheteur/bilans.html",
        bilans=bilans.for_donneur_ordre(_organisation_id()),
        title_of=presentation.title,
        schedules=own,
        sent={e.bilan_id for e in sending.sendings([s.id for s in own])},
        cadences=Cadence,
        kinds=bilans.BilanKind,
    )


@bp.route("/envois/<int:schedule_id>/arret", methods=["POST"])
def schedule_stop(schedule_id: int):
    """The person stops a bilan sent to them (the guichet sees it stopped)."""
    schedule = load_scoped(BilanSchedule, schedule_id)
    if schedule.recipient_id != current_user.id:
        abort(404)
    if attempt(lambda: sending.stop(request_actor(), schedule)) is not FAILED:
        flash("Vous ne recevrez plus ce bilan.", "success")
    return redirect(url_for("acheteur.bilans_list"))


@bp.route("/bilans/<int:bilan_id>")
def bilan(bilan_id: int):
    return render_template("acheteur/bilan.html", **bilans_common.shown(_own_bilan(bilan_id)))


@bp.route("/bilans/<int:bilan_id>/classeur.xlsx")
def bilan_workbook(bilan_id: int):
    return bilans_common.workbook(_own_bilan(bilan_id))


@bp.route("/bilans/<int:bilan_id>/bilan.pdf")
def bilan_pdf(bilan_id: int):
    return bilans_common.pdf(_own_bilan(bilan_id))


@bp.route("/bilans/<int:bilan_id>/tableau.csv")
def bilan_table_csv(bilan_id: int):
    return bilans_common.table_csv(_own_bilan(bilan_id), request.args.get("tableau"))


def _draft(form: DraftForm) -> str:
    data = {**lot_data(form), "attributaire_id": None, "hourly_cost_override": None, "notes": None}
    data = {**data, "marche_object": form.marche_object.data, "considerations": form.considerations.data}
    marche, lot = marches.draft_new_lot(_organisation_id(), {**data, "anru": form.anru.data})
    contacts = memberships.guichet_contacts()
    contact = contacts[0].user if contacts else None
    return clause.draft(
        marche, lot, g.tenant.display_name, contact and contact.display_name, contact and contact.email
    )


@bp.route("/aide-a-la-redaction", methods=["GET", "POST"])
def clause_aid():
    """The clause of a lot still to be launched, drafted from its parameters (nothing is saved)."""
    form = DraftForm()
    drafted = form.attempt_if_valid(lambda: _draft(form))
    text = None if drafted is FAILED else drafted
    status = 422 if request.method == "POST" and text is None else 200
    return render_template("acheteur/clause.html", form=form, text=text), status
