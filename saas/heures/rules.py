"""Counting rules: versions of the tenant's rules and of each marché's own (an override), the rule
in force for a marché, and the defaults before any version. A new version recounts nothing:
``saas.heures.api.preview_recount`` / ``apply_recount`` do, shown before applied.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from saas import cleaning
from saas.audit import api as audit
from saas.db import db, insert
from saas.errors import ValidationError
from saas.heures import repository
from saas.heures.enums import PartialEligibility
from saas.heures.models import CountingRule
from saas.heures.validation import parse_hours
from saas.marches.models import Marche
from saas.referentiels import api as referentiels
from tenants.context import require_tenant_id

DEFAULT_RULE = {
    "multipliers": {},
    "count_training": True,
    "training_cap_hours": None,
    "cdi_cap_hours": None,
    "require_eligibility": True,
    "rounding_step": Decimal("0.01"),
    "rounding": "nearest",
    # seed 002 art. 3: hours before the validation may be refused; count the days after it.
    "partial_eligibility": PartialEligibility.pro_rata.value,
}
#: the steps the counted hours may be rounded to (the ``rounding_step`` constraint of the table).
ROUNDING_STEPS = (Decimal("0.01"), Decimal("0.25"), Decimal("0.5"), Decimal("1"))


def rule_in_force(marche_id: int | None) -> CountingRule:
    """The marché's override if it has one, else the tenant's latest version (created on first use)."""
    rule = repository.rule_for(marche_id)
    if rule is None:
        rule = CountingRule(
            tenant_id=require_tenant_id(), marche_id=None, version=1, note="Règles par défaut", **DEFAULT_RULE
        )
        insert(rule)
    return rule


def _multipliers(multipliers: dict | None) -> dict[str, str]:
    """The coefficient of each contract type that differs from 1, between 0 and 10."""
    clean = {}
    for code, value in (multipliers or {}).items():
        message = f"Coefficient invalide pour {code}."
        factor = cleaning.in_range(
            cleaning.decimal(value, "multipliers", message, required=message),
            "multipliers",
            Decimal(0),
            Decimal(10),
            f"Le coefficient de {code} doit être compris entre 0 et 10.",
        )
        if referentiels.contract_type(code) is None:
            raise ValidationError("multipliers", f"Type de contrat inconnu : {code}.")
        if factor != 1:
            clean[code] = str(factor)
    return clean


def _caps(training_cap_hours, cdi_cap_hours) -> dict[str, Decimal | None]:
    return {
        "training_cap_hours": None
        if training_cap_hours in (None, "")
        else parse_hours(training_cap_hours, "training_cap_hours"),
        "cdi_cap_hours": None if cdi_cap_hours in (None, "") else _cap(cdi_cap_hours),
    }


def _rounding_step(value) -> Decimal:
    try:
        step = Decimal(str(value))
    except InvalidOperation:
        step = Decimal(-1)
    if step not in ROUNDING_STEPS:
        raise ValidationError("rounding_step", "Le pas d'arrondi est 0,01, 0,25, 0,5 ou 1 heure.")
    return step


def _check_choices(rounding: str, partial_eligibility: str) -> None:
    if rounding not in ("nearest", "up", "down"):
        raise ValidationError("rounding", "Choisissez le sens de l'arrondi.")
    if partial_eligibility not in set(PartialEligibility):
        raise ValidationError(
            "partial_eligibility",
            "Choisissez ce que compte un mois où l'éligibilité ne couvre qu'une partie des jours.",
        )


def new_rule_version(
    actor: audit.Actor,
    marche_id: int | None = None,
    multipliers: dict | None = None,
    count_training: bool = True,
    training_cap_hours=None,
    cdi_cap_hours=None,
    require_eligibility: bool = True,
    rounding_step="0.01",
    rounding: str = "nearest",
    note: str | None = None,
    partial_eligibility: str = PartialEligibility.pro_rata.value,
) -> CountingRule:
    """A new version of the tenant's rules, or of one marché's override. Nothing is recounted."""
    if marche_id is not None and db.session.get(Marche, (require_tenant_id(), marche_id)) is None:
        raise ValidationError("marche_id", "Marché inconnu.")
    clean = _multipliers(multipliers)
    caps = _caps(training_cap_hours, cdi_cap_hours)
    step = _rounding_step(rounding_step)
    _check_choices(rounding, partial_eligibility)
    previous = repository.latest_rule(marche_id)
    rule = CountingRule(
        tenant_id=require_tenant_id(),
        marche_id=marche_id,
        version=(previous.version + 1) if previous else 1,
        multipliers=clean,
        count_training=bool(count_training),
        require_eligibility=bool(require_eligibility),
        rounding_step=step,
        rounding=rounding,
        partial_eligibility=partial_eligibility,
        note=cleaning.optional(note),
        created_by=actor.user_id,
        **caps,
    )
    insert(rule)
    audit.record(
        "counting_rule.created",
        actor,
        "counting_rule",
        rule.id,
        {
            "version": rule.version,
            "marche": marche_id,
            "mois partiel": PartialEligibility(partial_eligibility).label,
        },
    )
    return rule


def _cap(value) -> Decimal:
    try:
        cap = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        raise ValidationError(
            "cdi_cap_hours", "Plafond de valorisation CDI : indiquez un nombre d'heures."
        ) from None
    if cap < 0:
        raise ValidationError("cdi_cap_hours", "Le plafond de valorisation CDI ne peut pas être négatif.")
    return cap
