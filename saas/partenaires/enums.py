"""Kinds of partner organisation (domain.md, "organisation")."""

from __future__ import annotations

import enum


class OrganisationKind(enum.StrEnum):
    donneur_ordre = "donneur_ordre"
    entreprise = "entreprise"
    siae_ai = "siae_ai"
    siae_etti = "siae_etti"
    siae_ei = "siae_ei"
    siae_aci = "siae_aci"
    siae_eiti = "siae_eiti"
    geiq = "geiq"
    ett = "ett"
    ea_esat = "ea_esat"
    prescripteur = "prescripteur"
    organisme_formation = "organisme_formation"
    etat = "etat"
    cofinanceur = "cofinanceur"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def carries_siret(self) -> bool:
        return self in SIRET_REQUIRED


KIND_LABELS = {
    OrganisationKind.donneur_ordre: "Donneur d'ordre",
    OrganisationKind.entreprise: "Entreprise",
    OrganisationKind.siae_ai: "SIAE — Association intermédiaire (AI)",
    OrganisationKind.siae_etti: "SIAE — Entreprise de travail temporaire d'insertion (ETTI)",
    OrganisationKind.siae_ei: "SIAE — Entreprise d'insertion (EI)",
    OrganisationKind.siae_aci: "SIAE — Atelier et chantier d'insertion (ACI)",
    OrganisationKind.siae_eiti: "SIAE — Entreprise d'insertion par le travail indépendant (EITI)",
    OrganisationKind.geiq: "GEIQ",
    OrganisationKind.ett: "Entreprise de travail temporaire (ETT)",
    OrganisationKind.ea_esat: "Entreprise adaptée / ESAT",
    OrganisationKind.prescripteur: "Prescripteur",
    OrganisationKind.organisme_formation: "Organisme de formation",
    OrganisationKind.etat: "État (DDETS)",
    OrganisationKind.cofinanceur: "Cofinanceur",
}

#: the structures of insertion by economic activity (SIAE).
SIAE_KINDS = frozenset(
    {
        OrganisationKind.siae_ai,
        OrganisationKind.siae_etti,
        OrganisationKind.siae_ei,
        OrganisationKind.siae_aci,
        OrganisationKind.siae_eiti,
    }
)
#: entreprises and SIAE carry a SIRET (domain.md).
SIRET_REQUIRED = frozenset({OrganisationKind.entreprise, *SIAE_KINDS})
#: organisations that may employ or place a participant besides the lot's attributaire.
PLACING_KINDS = frozenset(
    {*SIAE_KINDS, OrganisationKind.geiq, OrganisationKind.ett, OrganisationKind.ea_esat}
)
#: organisations that may hold a lot, work on it as subcontractor / cotraitant, or employ.
COMPANY_KINDS = frozenset({OrganisationKind.entreprise, *PLACING_KINDS})


class PrescriberKind(enum.StrEnum):
    france_travail = "france_travail"
    mission_locale = "mission_locale"
    cap_emploi = "cap_emploi"
    plie = "plie"
    departement = "departement"
    ccas = "ccas"
    autre = "autre"


PRESCRIBER_LABELS = {
    PrescriberKind.france_travail: "France Travail",
    PrescriberKind.mission_locale: "Mission Locale",
    PrescriberKind.cap_emploi: "Cap emploi",
    PrescriberKind.plie: "PLIE",
    PrescriberKind.departement: "Service insertion du Département",
    PrescriberKind.ccas: "CCAS / CIAS",
    PrescriberKind.autre: "Autre prescripteur",
}


def prescriber_label(value: str | None) -> str | None:
    """The French label of a prescriber kind (None stays None)."""
    if not value:
        return None
    try:
        return PRESCRIBER_LABELS[PrescriberKind(value)]
    except ValueError:
        return value
