"""The codes audit details hold, named for the journal pages and exports (``saas.audit.api``
cannot know the domains: this layer, which knows them all, names their enums' codes)."""

from __future__ import annotations

from saas.audit import api as audit_api
from saas.comites import api as comites
from saas.conventions import enums as conventions
from saas.heures import enums as heures
from saas.jobs.enums import JobKind
from saas.mail import enums as mail
from saas.marches import api as marches_api
from saas.marches import enums as marches
from saas.parcours import enums as parcours
from saas.partenaires import enums as partenaires
from saas.referentiels import api as referentiels
from tenants.enums import ROLE_LABELS, TENANT_KIND_LABELS

#: the fields an update lists (tenants, organisations, contacts, marchés, lots, participants,
#: meetings), by the labels of their forms.
FIELDS = {
    "active": "actif",
    "address": "adresse",
    "agenda": "ordre du jour",
    "amount_ht": "montant HT",
    "anru": "ANRU",
    "anru_project_id": "projet ANRU",
    "attributaire_id": "attributaire",
    "birth_date": "date de naissance",
    "commune_insee": "commune",
    "communes": "communes",
    "considerations": "considérations",
    "convention_ids": "conventions",
    "donneur_ordre_id": "donneur d'ordre",
    "email": "adresse électronique",
    "end_date": "fin",
    "execution_communes": "communes d'exécution",
    "federation_ids": "Départements",
    "first_name": "prénom",
    "fixed_hours": "nombre d'heures",
    "function": "fonction",
    "hourly_cost_override": "coût horaire particulier",
    "hours_share": "part des heures",
    "insertion_rate": "taux d'insertion",
    "invited_ids": "invités",
    "is_primary": "contact principal",
    "kind": "type",
    "labour_share": "part main-d'œuvre",
    "last_name": "nom",
    "meeting_on": "date",
    "minutes": "compte rendu",
    "name": "nom",
    "notes": "notes",
    "notification_date": "date de notification",
    "number": "numéro",
    "object": "objet",
    "obligation_mode": "mode de calcul",
    "penalty_per_hour": "pénalité par heure",
    "per_amount_base": "montant de référence",
    "per_amount_hours": "heures par montant",
    "phone": "téléphone",
    "place": "lieu",
    "prescriber_kind": "type de prescripteur",
    "buyer_kind": "type d'acheteur",
    "procedure": "procédure",
    "qpv_code": "QPV",
    "reference": "référence",
    "rounding": "arrondi",
    "sector": "secteur",
    "sex": "sexe",
    "siren": "SIREN",
    "siret": "SIRET",
    "start_date": "début",
    "starts_at": "heure",
    "status": "statut",
    "title": "intitulé",
}


def _criteria() -> dict[str, str]:
    return {criterion.code: criterion.label for criterion in referentiels.criteria()}


#: what names the codes of the journal, in this order (a later label wins): a table ``{code: label}``,
#: an enum with labels, or a function that gives a table when asked
CODE_NAMES = (
    ROLE_LABELS,
    TENANT_KIND_LABELS,
    {"coordinateur": "Coordinateur"},
    JobKind,
    heures.AllocationKey,
    heures.ReleveStatus,
    heures.Source,
    marches.Consideration,
    marches.ObligationMode,
    marches_api.SUBCONTRACTOR_ROLES,
    marches.LotFigureKind,
    parcours.Modality,
    parcours.FollowUpStep,
    parcours.FollowUpKind,
    parcours.MissionState,
    partenaires.OrganisationKind,
    partenaires.PrescriberKind,
    partenaires.BuyerKind,
    comites.MeetingStatus,
    comites.DecisionStatus,
    mail.MailCategory,
    conventions.Kind,
    conventions.PartyRole,
    conventions.DurationKind,
    conventions.DocumentKind,
    conventions.CommitmentBasis,
    conventions.Recurrence,
    conventions.Trigger,
    conventions.CATEGORIES,
    conventions.Cadence,
    conventions.OccurrenceStatus,
    conventions.InstalmentStatus,
    conventions.ConventionStatus,
    _criteria,
)


def name_codes() -> None:
    audit_api.name_fields(FIELDS)
    audit_api.name_codes(*(item.labels() if isinstance(item, type) else item for item in CODE_NAMES))
