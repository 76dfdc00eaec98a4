"""How the participants pages word states and windows (French), shared by pages and exports."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import current_app, url_for

from saas import formats
from saas.partenaires import api as partenaires
from saas.participants.enums import PrescriptionState
from saas.participants.models import Eligibility
from saas.referentiels import api as referentiels

ANCHOR_LABELS = {
    "validation": "la date de validation",
    "first_mission": "le début de la première mission",
}
STATE_BADGES = {
    PrescriptionState.valid: "succes",
    PrescriptionState.expiring: "alerte",
    PrescriptionState.expired: "erreur",
}
#: the IAE rule shown for information: (structure kind given to the rule, wording).
IAE_CASES = (
    (None, "Embauche directe ou autre employeur (1 critère)"),
    ("siae_ai", "AI ou ETTI (1 critère de niveau 1, ou 2 de niveau 2)"),
    ("siae_aci", "ACI, EI ou EITI (1 critère de niveau 1, ou 3 de niveau 2)"),
)


def item_labels(list_name: str) -> dict[str, str]:
    return {item.code: item.label for item in referentiels.items(list_name)}


def item_choices(list_name: str) -> list[tuple[str, str]]:
    return [(item.code, item.label) for item in referentiels.items(list_name)]


def organisation_choices(kind: str | None = None, current: int | None = None) -> list[tuple[str, str]]:
    """Active organisations of the tenant (and the one already chosen, even if deactivated)."""
    return [(str(o.id), o.name) for o in partenaires.list_all(kind) if o.active or o.id == current]


def list_eligibility(row) -> str:
    """Eligibility today as the list shows it: valid until a date, open-ended, expired or none."""
    if row.eligible:
        if row.eligible_open:
            return "Valide (jusqu'à la première mission, puis selon la durée fixée)"
        return f"Valide jusqu'au {formats.date(row.eligible_until)}"
    return "Expirée" if row.had_eligibility else "Aucune"


def list_prescription(state: PrescriptionState | None, valid_until: date | None) -> str:
    if state is None:
        return "Aucune"
    return f"{state.label} ({formats.date(valid_until)})"


def window(eligibility: Eligibility) -> str:
    """« valide du … au … », or open until the first mission when the tenant counts from it."""
    if eligibility.valid_until is None:
        return (
            f"Valide à partir du {formats.date(eligibility.valid_from)} ; les {eligibility.validity_months} mois "
            "de validité courront à partir de la première mission"
        )
    return f"Valide du {formats.date(eligibility.valid_from)} au {formats.date(eligibility.valid_until)}"


def eligibility_state(eligibility: Eligibility, today: date) -> tuple[str, str]:
    """(label, badge kind) of one validation on ``today``."""
    if eligibility.revoked_at is not None:
        return "Retirée", "erreur"
    if eligibility.valid_from > today:
        return "À venir", "info"
    if eligibility.valid_until is not None and eligibility.valid_until < today:
        return "Expirée", "erreur"
    return "Valide", "succes"


def iae_rule(codes: list[str], criteria: Mapping | None = None) -> list[tuple[str, bool]]:
    """For information: is the IAE reference rule met by ``codes``, per kind of employer? With the
    referential's ``criteria`` by code (read already by the caller), nothing more is read."""
    if not codes:
        return []
    if criteria is None:
        return [(label, referentiels.eligibility_satisfied(codes, kind)) for kind, label in IAE_CASES]
    levels = [criteria[code].level for code in set(codes) if code in criteria]
    return [(label, referentiels.rule_satisfied(levels, kind)) for kind, label in IAE_CASES]


def mission_url(mission_id: int) -> str | None:
    """The mission page, once the missions pages are installed."""
    if "guichet.mission" in current_app.view_functions:
        return url_for("guichet.mission", mission_id=mission_id)
    return None


def rome_labels(codes: list[str], cache: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(code, label) of ROME codes; ``cache`` spares a lookup per row in lists."""
    cache = {} if cache is None else cache
    result = []
    for code in codes or []:
        if code not in cache:
            rome = referentiels.rome(code)
            cache[code] = rome.label if rome else "code inconnu"
        result.append((code, cache[code]))
    return result


def short_name(first_name: str, last_name: str) -> str:
    """First name and the initial of the last name (the CV library shows no more)."""
    initial = (last_name or "").strip()[:1].upper()
    return f"{first_name} {initial}." if initial else first_name
