"""Per-tenant rule settings (``tenants.settings`` JSONB), with the defaults of docs/domain.md.

Read through here so that every rule has one name, one default and one validation.
"""

from __future__ import annotations

import json

from sqlalchemy import text

from saas import cleaning
from saas.audit import api as audit
from saas.db import db, forget_read, read_once
from saas.errors import ValidationError
from tenants.context import require_tenant_id

DEFAULTS: dict[str, object] = {
    # seed 002 art. 3: a fiche de prescription is valid 2 months.
    "prescription_validity_months": 2,
    # docs/domain.md: eligibility valid 24 months by default...
    "eligibility_validity_months": 24,
    # ...counted from the validation ("validation") or from the first mission ("first_mission").
    "eligibility_anchor": "validation",
    # a prescription is flagged "bientôt expirée" this many days before its end.
    "prescription_warning_days": 15,
    # conventions: a reminder goes this many days before an obligation falls due...
    "reminder_days_before": 7,
    # ...an occurrence not received is "en retard" after its due date, "manquant" after this delay.
    "obligation_missing_after_days": 30,
    # an instalment payable for longer than this is "en retard de paiement".
    "payment_delay_days": 30,
    # personal data (docs/domain.md, CNIL référentiel of social and insertion follow-up): a person's
    # identity, contact, CV, proofs and notes are erased this many months after the last contact...
    "retention_months_after_contact": 24,
    # ...by the monthly run of the worker ("automatique"), or once the admin confirms its list
    # ("confirmation").
    "retention_mode": "confirmation",
    # the proofs attached to hour statements, months after the statement's month...
    "proof_retention_months": 36,
    # ...and the documents of a convention, months after its end.
    "convention_document_retention_months": 120,
    # the access logs (reads of a participant's file, of a proof), 6 to 12 months.
    "access_log_retention_months": 12,
    # the processing register and the participants' notice: who is responsible, whom to write to.
    "privacy_controller": "",
    "privacy_contact": "",
}

CHOICES = {
    "eligibility_anchor": ("validation", "first_mission"),
    "retention_mode": ("confirmation", "automatique"),
}

#: free-text settings and their longest length.
TEXTS = {"privacy_controller": 200, "privacy_contact": 300}

audit.ACTION_LABELS["tenant.rule_settings_updated"] = "Modification des règles de validité"


def _stored() -> dict:
    """The stored settings of the tenant in scope, read once per transaction (``read_once``)."""
    tenant_id = require_tenant_id()

    def load() -> dict:
        query = text("SELECT settings FROM tenants WHERE id = :tenant_id")
        return db.session.execute(query, {"tenant_id": tenant_id}).scalar() or {}

    return read_once(("tenant_settings", tenant_id), load)


def get(key: str):
    """The value of ``key`` for the tenant in scope, or its default."""
    stored = _stored().get(key)
    return DEFAULTS[key] if stored is None else stored


#: integer settings a tenant admin may change, with their bounds.
RANGES = {
    "prescription_validity_months": (1, 12),
    "eligibility_validity_months": (1, 60),
    "prescription_warning_days": (0, 60),
    "reminder_days_before": (1, 60),
    "obligation_missing_after_days": (1, 180),
    "payment_delay_days": (1, 180),
    "retention_months_after_contact": (6, 60),
    "proof_retention_months": (12, 120),
    "convention_document_retention_months": (12, 240),
    "access_log_retention_months": (6, 12),
}

MESSAGES = {
    "prescription_validity_months": "La durée de validité d'une prescription doit être comprise entre 1 et 12 mois.",
    "eligibility_validity_months": "La durée de validité de l'éligibilité doit être comprise entre 1 et 60 mois.",
    "prescription_warning_days": "Le délai d'alerte doit être compris entre 0 et 60 jours.",
    "reminder_days_before": "Le rappel avant échéance doit partir entre 1 et 60 jours avant.",
    "obligation_missing_after_days": "Le délai avant « manquant » doit être compris entre 1 et 180 jours.",
    "payment_delay_days": "Le délai de paiement doit être compris entre 1 et 180 jours.",
    "eligibility_anchor": "Choisissez le point de départ de la validité de l'éligibilité.",
    "retention_months_after_contact": "La durée de conservation après le dernier contact doit être comprise "
    "entre 6 et 60 mois.",
    "retention_mode": "Choisissez si l'anonymisation s'applique d'elle-même ou après votre confirmation.",
    "proof_retention_months": "La durée de conservation des justificatifs doit être comprise entre 12 et 120 mois.",
    "convention_document_retention_months": "La durée de conservation des documents de convention doit être "
    "comprise entre 12 et 240 mois.",
    "access_log_retention_months": "La durée de conservation des journaux de consultation doit être comprise "
    "entre 6 et 12 mois.",
    "privacy_controller": "Le nom du responsable du traitement compte 200 caractères au plus.",
    "privacy_contact": "Le contact pour les droits des personnes compte 300 caractères au plus.",
}


def current() -> dict[str, object]:
    """Every setting of the tenant in scope, stored value or default."""
    stored = _stored()
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def _checked(key: str, value) -> object:
    if key not in DEFAULTS:
        raise ValidationError(key, "Paramètre inconnu.")
    if key in CHOICES:
        if value not in CHOICES[key]:
            raise ValidationError(key, MESSAGES[key])
        return value
    if key in TEXTS:
        return _text(key, value)
    low, high = RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ValidationError(key, MESSAGES[key])
    number = int(value)
    if not low <= number <= high:
        raise ValidationError(key, MESSAGES[key])
    return number


def _text(key: str, value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(key, MESSAGES[key])
    cleaned = cleaning.text(value, key) or ""  # a NUL character is refused, naming the field
    if len(cleaned) > TEXTS[key]:
        raise ValidationError(key, MESSAGES[key])
    return cleaned


def set_values(actor: audit.Actor, **values) -> dict[str, object]:
    """Store rule settings of the tenant in scope (merged into ``tenants.settings``), audited.

    Only future decisions use the new values: a prescription or an eligibility keeps the validity
    computed when it was recorded.
    """
    checked = {key: _checked(key, value) for key, value in values.items()}
    if not checked:
        return {}
    before = current()
    db.session.execute(
        text("UPDATE tenants SET settings = settings || CAST(:values AS jsonb) WHERE id = :tenant_id"),
        {"values": json.dumps(checked), "tenant_id": require_tenant_id()},
    )
    forget_read(("tenant_settings", require_tenant_id()))
    changes = {
        key: {"avant": before[key], "après": value} for key, value in checked.items() if before[key] != value
    }
    audit.record(
        "tenant.rule_settings_updated", actor, "tenant", require_tenant_id(), {"changements": changes}
    )
    return checked
