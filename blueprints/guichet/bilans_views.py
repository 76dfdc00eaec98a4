"""Bilans in the workspace: the bilans produced, the form to produce one, a bilan on screen with
what a new production would change, and its workbook."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from blueprints import bilans_common
from blueprints.bilans_common import shown
from blueprints.forms import FAILED, attempt
from blueprints.guichet.bilans_forms import BilanForm
from blueprints.guichet.views import bp
from saas.bilans import api as bilans
from saas.bilans import presentation
from saas.bilans.models import Bilan
from saas.marches import api as marches
from saas.partenaires import api as partenaires
from saas.partenaires.enums import COMPANY_KINDS, OrganisationKind
from saas.referentiels import api as referentiels
from tenants.web import load_scoped, request_actor

#: the organisations that may follow participants as their referent (Mission Locale, PLIE…)
_ACCOMPANYING = {OrganisationKind.prescripteur, OrganisationKind.organisme_formation}
#: a scope chosen from its own page (a marché, a lot): ``kind:id`` and the label it shows
_FROM_PAGE = {"marche", "lot"}


#: the marchés a schedule's form lists, by reference (a longer list needs a search field)
MARCHES_LISTED = 500


def _marches() -> list[tuple[str, str]]:
    return [
        (f"marche:{marche_id}", f"{reference} — {title}"[:150])
        for marche_id, reference, title in marches.marches_by_reference(MARCHES_LISTED)
    ]


def scope_choices(chosen: str | None, with_marches: bool = False) -> dict[str, list[tuple[str, str]]]:
    """The scopes offered, by group: the territory, its donneurs d'ordre, employers and
    structures, prescripteurs and communes; a marché or a lot when its page sent it, or every
    marché (``with_marches``: a schedule is not made from a marché's page)."""
    organisations = partenaires.list_all()
    groups: dict[str, list[tuple[str, str]]] = {"Territoire": [("territoire:", "Tout le territoire")]}
    kind, _, key = (chosen or "").partition(":")
    if kind in _FROM_PAGE:
        try:
            scope = bilans.resolve_scope(kind, key)
        except bilans.ScopeNotFound:
            scope = None
        if scope is not None:
            groups[bilans.ScopeKind(kind).label] = [(f"{kind}:{key}", scope.label)]
    by_kind = (
        ("Donneurs d'ordre", "donneur_ordre", lambda o: o.kind == OrganisationKind.donneur_ordre),
        ("Employeurs et structures", "employeur", lambda o: o.kind in COMPANY_KINDS),
        ("Prescripteurs", "prescripteur", lambda o: o.kind == OrganisationKind.prescripteur),
        (
            "Partenaires d'accompagnement (personnes qu'ils suivent)",
            "accompagnement",
            lambda o: o.kind in _ACCOMPANYING,
        ),
    )
    for label, scope_kind, wanted in by_kind:
        groups[label] = [(f"{scope_kind}:{o.id}", o.name) for o in organisations if wanted(o)]
        if with_marches and scope_kind == "donneur_ordre":
            groups["Marchés"] = _marches()
    communes = referentiels.communes_named(g.tenant.communes_insee)
    groups["Communes de résidence"] = [(f"commune:{c.insee}", c.name) for c in communes]
    return {label: options for label, options in groups.items() if options}


@bp.route("/bilans/")
def bilans_list():
    return render_template(
        "guichet/bilans/list.html",
        bilans=bilans.recent(),
        title_of=presentation.title,
        period_label=presentation.period_label,
    )


def _produce(form: BilanForm):
    """The bilan, or for a period of more than a year the run of a worker that produces it."""
    scope_kind, _, scope_key = form.scope.data.partition(":")
    period = bilans.period_of(
        form.period_kind.data, form.year.data, form.number.data, form.start.data, form.end.data
    )
    if bilans.is_long(period):
        return bilans.produce_later(form.kind.data, scope_kind, scope_key or None, period, request_actor())
    return bilans.produce(form.kind.data, scope_kind, scope_key or None, period, request_actor())


@bp.route("/bilans/nouveau", methods=["GET", "POST"])
def bilan_new():
    form = BilanForm(data={"kind": request.args.get("type", bilans.BilanKind.annuel.value)})
    chosen = request.args.get("perimetre") or form.scope.data
    form.scope.choices = scope_choices(chosen)
    if request.method == "GET" and chosen:
        form.scope.data = chosen
    made = form.attempt_if_valid(lambda: _produce(form))
    if isinstance(made, Bilan):
        flash("Bilan produit et enregistré.", "success")
        return redirect(url_for("guichet.bilan", bilan_id=made.id))
    if made is not FAILED:  # a long bilan: its run
        flash("Le bilan porte sur plus d'un an : il est calculé en arrière-plan, suivez-le ici.", "info")
        return redirect(url_for("guichet.run_detail", run_id=made.id))
    return render_template("guichet/bilans/new.html", form=form, layouts=bilans.LAYOUTS), (
        422 if request.method == "POST" else 200
    )


@bp.route("/bilans/<int:bilan_id>")
def bilan(bilan_id: int):
    item = load_scoped(Bilan, bilan_id)
    compared = request.args.get("comparer") == "1"
    return render_template(
        "guichet/bilans/bilan.html",
        **shown(item),
        changes=bilans.changes(item) if compared else None,
        compared=compared,
        measures=bilans.MEASURES,
        tables_labels={code: b.label for code, b in bilans.BREAKDOWNS.items()},
    )


@bp.route("/bilans/<int:bilan_id>/classeur.xlsx")
def bilan_workbook(bilan_id: int):
    return bilans_common.workbook(load_scoped(Bilan, bilan_id))


@bp.route("/bilans/<int:bilan_id>/bilan.pdf")
def bilan_pdf(bilan_id: int):
    return bilans_common.pdf(load_scoped(Bilan, bilan_id))


@bp.route("/bilans/<int:bilan_id>/tableau.csv")
def bilan_table_csv(bilan_id: int):
    return bilans_common.table_csv(load_scoped(Bilan, bilan_id), request.args.get("tableau"))


@bp.route("/bilans/<int:bilan_id>/produire-a-nouveau", methods=["POST"])
def bilan_again(bilan_id: int):
    """The same bilan produced again from the ledger of today: a new bilan, the old one kept."""
    item = load_scoped(Bilan, bilan_id)
    again = attempt(lambda: bilans.produce_again(item, request_actor()))
    if again is FAILED:
        return redirect(url_for("guichet.bilan", bilan_id=item.id))
    flash("Bilan produit à nouveau : comparez-le avec le précédent.", "success")
    return redirect(url_for("guichet.bilan", bilan_id=again.id))
