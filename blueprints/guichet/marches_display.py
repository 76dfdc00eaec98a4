"""What the marchés pages show: rows of tables and description lists, in French formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import url_for
from markupsafe import Markup

from saas import formats
from saas.heures.progress import Progress
from saas.marches import api as marches
from saas.marches.api import COMPANY_KINDS, SUBCONTRACTOR_ROLES
from saas.marches.enums import Consideration, LotFigureKind, ObligationMode, Rounding
from saas.marches.models import Lot, Marche
from saas.partenaires import api as partenaires
from saas.partenaires.enums import OrganisationKind
from saas.referentiels import api as referentiels
from saas.referentiels.enums import ItemList

COST_SOURCES = {
    "lot": "coût propre au lot",
    "marche": "coût propre au marché",
    "table": "barème du territoire",
}


def organisation_choices(kind: str) -> list[tuple[str, str]]:
    return [(str(o.id), o.name) for o in partenaires.list_all(kind)]


def company_choices() -> list[tuple[str, str]]:
    return [
        (str(o.id), f"{o.name} ({OrganisationKind(o.kind).label})")
        for o in partenaires.list_all()
        if o.kind in COMPANY_KINDS
    ]


def organisation_name(organisation_id: int | None) -> str | None:
    organisation = partenaires.get(organisation_id) if organisation_id else None
    return organisation.name if organisation else None


def hours(value: Decimal | None) -> str:
    value = Decimal(value or 0)
    return formats.amount(value, unit="h")


def money(value: Decimal | None) -> str | None:
    return None if value is None else formats.amount(value)


def rate(figures: Progress | None) -> str | None:
    if figures is None or figures.rate is None:
        return None
    return formats.percent(figures.rate, digits=1)


def _progress_cells(figures: Progress | None) -> dict:
    return {
        "obligation": hours(figures.obligation) if figures else None,
        "counted": hours(figures.counted) if figures else None,
        "raw": hours(figures.raw) if figures else None,
        "rate": rate(figures),
    }


# --- list of marchés -------------------------------------------------------------------------------------


def list_row(row, figures: Progress | None, sectors: dict) -> dict:
    return {
        "reference": {"text": row.reference, "url": url_for("guichet.marche", marche_id=row.id)},
        "objet": row.object,
        "donneur": row.donneur_name,
        "sector": sectors.get(row.sector) if row.sector else None,
        "notification": formats.date(row.notification_date) or None,
        "montant": money(row.amount_ht),
        **_progress_cells(figures),
    }


def export_row(row, figures: dict, sectors: dict) -> tuple:
    figure = figures.get(row.id)
    return (
        row.reference,
        row.object,
        row.donneur_name,
        sectors.get(row.sector, row.sector) if row.sector else None,
        row.anru,
        row.notification_date,
        row.amount_ht,
        figure.obligation if figure else Decimal(0),
        figure.counted if figure else Decimal(0),
        figure.raw if figure else Decimal(0),
        (figure.rate * 100).quantize(Decimal("0.1")) if figure and figure.rate is not None else None,
    )


# --- marché ---------------------------------------------------------------------------------------------------


def _communes(codes: list[str]) -> str | None:
    names = []
    for code in codes or []:
        commune = referentiels.commune(code)
        names.append(f"{commune.name} ({code})" if commune else code)
    return ", ".join(names) or None


def marche_details(marche: Marche) -> list[tuple[str, object]]:
    considerations = [Consideration(c).label for c in marche.considerations or []]
    anru = (
        "Oui" + (f" (projet {marche.anru_project_id})" if marche.anru_project_id else "")
        if marche.anru
        else "Non"
    )
    return [
        ("Donneur d'ordre", organisation_name(marche.donneur_ordre_id)),
        ("Objet", marche.object),
        ("Opération", marche.operation),
        ("Secteur", referentiels.item_label(ItemList.secteur, marche.sector) if marche.sector else None),
        (
            "Procédure",
            referentiels.item_label(ItemList.procedure, marche.procedure) if marche.procedure else None,
        ),
        ("Notification", formats.date(marche.notification_date)),
        ("Exécution", _period(marche)),
        ("Montant HT", money(marche.amount_ht)),
        ("Renouvellement urbain (ANRU)", anru),
        ("Communes d'exécution", _communes(marche.execution_communes)),
        ("Considérations sociales", Markup("<br>").join(considerations) if considerations else None),
        ("Coût horaire propre au marché", money(marche.hourly_cost_override)),
        ("Date du barème horaire", formats.date(marches.cost_date(marche))),
        ("Notes", marche.notes),
    ]


def _period(marche: Marche) -> str | None:
    if not marche.start_date and not marche.end_date:
        return None
    return f"du {formats.date(marche.start_date) or '—'} au {formats.date(marche.end_date) or '—'}"


def lot_row(lot: Lot, figures: Progress | None) -> dict:
    return {
        "number": {"text": f"Lot {lot.number}", "url": url_for("guichet.lot", lot_id=lot.id)},
        "object": lot.object,
        "attributaire": organisation_name(lot.attributaire_id),
        "mode": ObligationMode(lot.obligation_mode).label,
        **_progress_cells(figures),
        "obligation": hours(lot.obligation_hours),
        "people": formats.number(figures.people) if figures else "0",
    }


# --- lot ------------------------------------------------------------------------------------------------------


def lot_details(lot: Lot, marche: Marche) -> list[tuple[str, object]]:
    return [
        ("Marché", f"{marche.reference} — {marche.object}"),
        ("Objet du lot", lot.object),
        ("Montant HT", money(lot.amount_ht)),
        ("Entreprise attributaire", organisation_name(lot.attributaire_id) or "Non attribué"),
        ("Pénalité par heure non réalisée", money(lot.penalty_per_hour)),
        ("Notes", lot.notes),
    ]


def _cost(inputs: dict) -> str:
    cost = inputs.get("hourly_cost") or {}
    text = formats.amount(Decimal(cost["amount"]))
    source = COST_SOURCES.get(cost.get("source"), "")
    if cost.get("source") == "table":
        source += f" en vigueur le {formats.date(_iso(cost.get('looked_up_on')))} (depuis le {formats.date(_iso(cost.get('valid_from')))})"
    return f"{text} — {source}"


def _iso(value):
    return date.fromisoformat(value) if value else None


def obligation_inputs(lot: Lot) -> list[tuple[str, object]]:
    """The inputs the stored obligation was computed from, as terms and values."""
    inputs = lot.obligation_inputs or {}
    if not inputs:
        return []
    mode = ObligationMode(inputs["mode"])
    items = [("Mode de calcul", mode.label)]
    if mode is ObligationMode.fixed:
        items.append(("Nombre d'heures fixé", hours(Decimal(inputs["fixed_hours"]))))
    elif mode is ObligationMode.formula:
        items += [
            ("Montant HT du lot", formats.amount(Decimal(inputs["amount_ht"]))),
            ("Part de main-d'œuvre", formats.percent(Decimal(inputs["labour_share"]))),
            ("Taux d'insertion", formats.percent(Decimal(inputs["insertion_rate"]))),
            ("Coût horaire", _cost(inputs)),
        ]
    elif mode is ObligationMode.percentage:
        items += [
            ("Part des heures travaillées", formats.percent(Decimal(inputs["hours_share"]))),
            (
                "Heures travaillées relevées",
                f"{hours(Decimal(inputs['hours_worked_total']))} ({inputs['figures_count']} relevé(s))",
            ),
        ]
    else:
        items += [
            ("Heures par tranche", hours(Decimal(inputs["per_amount_hours"]))),
            ("Tranche facturée", formats.amount(Decimal(inputs["per_amount_base"]))),
            (
                "Montant facturé relevé",
                f"{formats.amount(Decimal(inputs['invoiced_total']))} ({inputs['figures_count']} relevé(s))",
            ),
        ]
    items += [
        ("Valeur avant arrondi", formats.number(Decimal(inputs["exact"]), 2) + " h"),
        ("Arrondi", Rounding(inputs["rounding"]).label),
    ]
    return items


def figure_rows(figures) -> list[dict]:
    return [
        {
            "date": formats.date(f.recorded_on),
            "kind": LotFigureKind.label_of(f.kind),
            "value": formats.amount(f.value) if f.kind == LotFigureKind.invoiced_amount else hours(f.value),
            "note": f.note,
        }
        for f in figures
    ]


def role_label(role: str) -> str:
    return SUBCONTRACTOR_ROLES.get(role, role)
