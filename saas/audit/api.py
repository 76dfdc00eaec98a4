"""Writing and reading the audit log.

``record`` adds an entry to the current transaction, in the tenant of the current scope (or as a
platform entry when there is none). Security events that must survive a rollback of the request
(failed logins, refused access) use ``record_now``, which commits a short transaction of its own.
Inside ``written_together`` (a batch of statements), a tenant's entries are written in one INSERT
at the end of the block, in the order they were recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert

from saas import formats, tabular
from saas.audit import repository
from saas.audit.models import AuditEntry, PlatformAuditEntry
from saas.db import DayRange, db
from tenants.context import current_tenant_id


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    email: str | None = None
    ip_address: str | None = None
    user_agent: str | None = None


ACTION_LABELS = {
    "login.success": "Connexion",
    "login.failure": "Échec de connexion",
    "login.rate_limited": "Connexion bloquée (trop de tentatives)",
    "logout": "Déconnexion",
    "mfa.enabled": "Activation de la double authentification",
    "mfa.disabled": "Désactivation de la double authentification",
    "mfa.reset": "Réinitialisation de la double authentification",
    "mfa.recovery_codes_regenerated": "Nouveaux codes de secours",
    "mfa.recovery_code_used": "Connexion avec un code de secours",
    "mfa.failure": "Code de double authentification refusé",
    "mfa.rate_limited": "Double authentification bloquée (trop de codes faux)",
    "tenant.mfa_policy_changed": "Double authentification exigée ou non pour tous",
    "access.refused": "Accès refusé",
    "password.set": "Mot de passe choisi",
    "password.reset_requested": "Demande de nouveau mot de passe",
    "password.reset_limited": "Demande de nouveau mot de passe refusée (trop de demandes)",
    "password.reset": "Nouveau mot de passe choisi par le lien reçu",
    "login.unlocked": "Connexion débloquée par le lien reçu",
    "user.invited": "Invitation d'un utilisateur",
    "membership.role_changed": "Changement de rôle",
    "membership.deactivated": "Désactivation d'un accès",
    "membership.reactivated": "Réactivation d'un accès",
    "tenant.created": "Création d'un territoire",
    "tenant.updated": "Modification d'un territoire",
    "tenant.settings_updated": "Modification des paramètres",
    "federation.created": "Création d'un Département",
    "federation.updated": "Modification d'un Département",
    "federation.coordinator_invited": "Invitation d'un coordinateur",
    "organisation.created": "Création d'une organisation",
    "organisation.updated": "Modification d'une organisation",
    "organisation.deactivated": "Désactivation d'une organisation",
    "organisation.reactivated": "Réactivation d'une organisation",
    "contact.added": "Ajout d'un contact",
    "contact.updated": "Modification d'un contact",
    "contact.removed": "Suppression d'un contact",
    "api_token.created": "Création d'un jeton d'API",
    "api_token.revoked": "Révocation d'un jeton d'API",
    "hourly_cost.created": "Ajout d'un coût horaire",
    "marche.created": "Création d'un marché",
    "marche.updated": "Modification d'un marché",
    "lot.created": "Création d'un lot",
    "lot.updated": "Modification d'un lot",
    "lot.obligation_recomputed": "Recalcul des heures dues d'un lot",
    "lot.subcontractor_added": "Ajout d'un sous-traitant",
    "lot.subcontractor_removed": "Retrait d'un sous-traitant",
    "lot.figure_recorded": "Relevé d'activité d'un lot",
    "audit.exported": "Export du journal",
    "demo.loaded": "Chargement des données de démonstration",
    "counting_rule.created": "Nouvelle version des règles de comptage",
    "follow_up.recorded": "Suivi de mission enregistré",
    "hours.corrected": "Correction d'un relevé d'heures",
    "hours.declared": "Déclaration d'un relevé d'heures",
    "hours.over_contract_confirmed": "Heures au-delà du contrat confirmées",
    "hours.proof_attached": "Ajout d'un justificatif d'heures",
    "hours.proof_read": "Consultation d'un justificatif d'heures",
    "hours.imported": "Import d'un fichier de relevés d'heures",
    "hours.import_abandoned": "Abandon d'un import de relevés d'heures",
    "hours.recounted": "Recalcul des heures comptées",
    "hours.rejected": "Rejet d'un relevé d'heures",
    "hours.validated": "Validation d'un relevé d'heures",
    "mission.created": "Mise à l'emploi (nouvelle mission)",
    "mission.eligibility_override": "Mission sans éligibilité valide (dérogation)",
    "mission.exit_recorded": "Sortie de mission enregistrée",
    "mission.situation_6m_recorded": "Situation à 6 mois enregistrée",
    "mutualisation.created": "Création d'une mutualisation d'heures",
    "accompaniment.recorded": "Accompagnement noté par le référent",
    "weekly.reported": "Point hebdomadaire d'un employeur",
    "evaluation.recorded": "Évaluation de fin de mission",
    "member.invited_by_partner": "Invitation d'un collègue par un partenaire",
    "member.organisation_admin": "Droit d'inviter ses collègues (partenaire)",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


#: what the ``target_type`` of an entry (a table) is called by people.
TARGET_LABELS = {
    "api_token": "Jeton d'API",
    "contact": "Contact",
    "convention": "Convention",
    "convention_document": "Document de convention",
    "counting_rule": "Règles de comptage",
    "federation": "Département",
    "hour_statement": "Relevé d'heures",
    "hourly_cost": "Coût horaire",
    "lot": "Lot",
    "marche": "Marché",
    "meeting": "Réunion",
    "meeting_decision": "Décision",
    "membership": "Accès",
    "mission": "Mission",
    "mutualisation": "Mutualisation",
    "obligation_occurrence": "Échéance",
    "organisation": "Organisation",
    "participant": "Participant",
    "tenant": "Territoire",
    "user": "Utilisateur",
}

#: keys of ``details`` whose plain spelling (accents, spaces) differs from the code's.
DETAIL_LABELS = {
    "apres": "après",
    "cle": "clé",
    "comptees": "comptées",
    "criteres": "critères",
    "ecart": "écart",
    "echeances": "échéances",
    "echeances_liberees": "échéances libérées",
    "etape": "étape",
    "marche": "marché",
    "organisation_id": "organisation",
    "periode": "période",
    "perimetre": "périmètre",
    "piece": "pièce",
    "presents": "présents",
    "regle": "règle",
    "releves": "relevés",
    "reunion": "réunion",
    "role": "rôle",
    "slug": "adresse",
    "valide_jusqu_au": "valide jusqu'au",
}

#: codes that a detail may hold, as people call them (roles, kinds, statuses...): named with
#: :func:`name_codes` by the layer that knows every domain (``blueprints.ui``).
CODE_LABELS: dict[str, str] = {}
#: names of the fields a detail lists (``champs``: what an update changed), as forms call them.
FIELD_LABELS: dict[str, str] = {}
FIELD_LIST_KEYS = ("champs",)
#: functions returning more labels, read at display time (codes of reference data, in the database).
CODE_LABEL_SOURCES: list[Callable[[], Mapping]] = []


def name_codes(*labels: Mapping | Callable[[], Mapping]) -> None:
    """A domain names the codes its audit details hold (``{code: label}``, or a function giving
    them), so that the journal shows "Clé au prorata", not ``pro_rata``."""
    for item in labels:
        if callable(item):
            if item not in CODE_LABEL_SOURCES:  # each app built (tests, workers) names them again
                CODE_LABEL_SOURCES.append(item)
        else:
            CODE_LABELS.update({str(code): label for code, label in item.items()})


def name_fields(labels: Mapping[str, str]) -> None:
    """Name the fields that ``champs`` lists ("federation_ids" -> "Départements")."""
    FIELD_LABELS.update(labels)


def code_labels() -> dict[str, str]:
    labels = dict(CODE_LABELS)
    for source in CODE_LABEL_SOURCES:
        labels.update({str(code): label for code, label in source().items()})
    return labels


def target_label(target_type: str | None, target_id: str | None) -> str:
    """``hour_statement``, ``1815`` -> "Relevé d'heures n° 1815"."""
    if not target_type:
        return target_id or ""
    label = TARGET_LABELS.get(target_type, target_type.replace("_", " ").capitalize())
    return f"{label} n° {target_id}" if target_id else label


def _code_label(value, labels: Mapping):
    if isinstance(value, list):
        return [_code_label(item, labels) for item in value]
    if isinstance(value, dict):
        return detail_items(value, labels)
    return labels.get(value, value) if isinstance(value, str) else value


def detail_items(details: dict, labels: Mapping | None = None) -> list[tuple[str, object]]:
    """The details of an entry as (label, value) with codes named; the page formats the values.
    ``labels``: :func:`code_labels`, read once for a whole page."""
    labels = code_labels() if labels is None else labels
    return [
        (
            DETAIL_LABELS.get(key, str(key).replace("_", " ")),
            _code_label(value, FIELD_LABELS if key in FIELD_LIST_KEYS else labels),
        )
        for key, value in sorted((details or {}).items())
    ]


#: the tenant entries recorded inside ``written_together``, not written yet
_together: ContextVar[list[dict] | None] = ContextVar("audit_written_together", default=None)


@contextmanager
def written_together() -> Iterator[None]:
    """The tenant entries :func:`record` adds in the block, written in one INSERT when it ends
    without an exception (none when it raises: the transaction is given up)."""
    entries: list[dict] = []
    token = _together.set(entries)
    try:
        yield
    finally:
        _together.reset(token)
    if entries:
        db.session.execute(insert(AuditEntry.__table__), entries)


def record(
    action: str,
    actor: Actor | None = None,
    target_type: str | None = None,
    target_id: object = None,
    details: dict | None = None,
    tenant_id: int | None = None,
) -> None:
    """Append an entry in the current transaction.

    Outside a tenant (and without ``tenant_id``) the entry goes to the platform's log. A plain
    INSERT without RETURNING: a platform row written from a tenant or an anonymous scope may be
    appended but not read back, by design of the row-level security policy.
    """
    actor = actor or Actor()
    tenant_id = tenant_id if tenant_id is not None else current_tenant_id()
    values = {
        "actor_user_id": actor.user_id,
        "actor_email": actor.email,
        "action": action,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "ip_address": actor.ip_address,
        "user_agent": (actor.user_agent or "")[:300] or None,
        "details": details or {},
    }
    together = _together.get()
    if tenant_id is None:
        db.session.execute(insert(PlatformAuditEntry.__table__).values(**values))
    elif together is not None:
        together.append({"tenant_id": tenant_id, **values})
    else:
        db.session.execute(insert(AuditEntry.__table__).values(tenant_id=tenant_id, **values))


def record_now(action: str, actor: Actor | None = None, **kwargs) -> None:
    """Record in a transaction of its own: the entry stays even if the request fails afterwards."""
    db.session.rollback()
    record(action, actor, **kwargs)
    db.session.commit()


@dataclass(frozen=True)
class AuditFilters(DayRange):
    """The entries of an action, of an actor (part of the address), recorded within the days."""

    action: str | None = None
    actor: str | None = None

    @classmethod
    def from_params(cls, params: dict) -> AuditFilters:
        def _date(value):
            return date.fromisoformat(value) if value else None

        return cls(
            action=params.get("action") or None,
            actor=params.get("actor") or None,
            date_from=_date(params.get("date_from")),
            date_to=_date(params.get("date_to")),
        )

    def as_params(self) -> dict:
        return {
            "action": self.action,
            "actor": self.actor,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


def search(filters: AuditFilters, page: int, per_page: int = 50, platform: bool = False):
    return repository.search(filters, page, per_page, platform=platform)


def known_actions(platform: bool = False) -> list[str]:
    return repository.distinct_actions(platform=platform)


EXPORT_BATCH = 500
EXPORT_COLUMNS = ("Date", "Action", "Utilisateur", "Objet", "Identifiant", "Adresse IP", "Détails")


def _export_rows(entries: Iterable[AuditEntry]):
    labels = code_labels()
    for entry in entries:
        yield (
            formats.datetime(entry.occurred_at, seconds=True),
            action_label(entry.action),
            entry.actor_email or "",
            TARGET_LABELS.get(entry.target_type or "", entry.target_type or ""),
            entry.target_id or "",
            entry.ip_address or "",
            ", ".join(f"{key} : {value}" for key, value in detail_items(entry.details, labels)),
        )


def export(filters: AuditFilters, fmt: str, progress: Callable[[int], None]) -> tuple[str, str, bytes]:
    """The filtered log as XLSX or CSV, read in batches; ``progress`` may commit between them."""
    total = repository.count(filters)

    def rows():
        for index, row in enumerate(_export_rows(repository.iter_entries(filters, batch=EXPORT_BATCH)), 1):
            yield row
            if total and index % EXPORT_BATCH == 0:
                progress(int(90 * index / total))

    return tabular.write(fmt, "journal", EXPORT_COLUMNS, rows(), sheet="Journal")
