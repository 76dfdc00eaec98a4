"""Kinds of partner organisation (docs/domain.md, "organisation")."""

from __future__ import annotations

from enum import auto

from saas.choices import Choices


class OrganisationKind(Choices):
    donneur_ordre = auto(), "Donneur d'ordre"
    entreprise = auto(), "Entreprise"
    siae_ai = auto(), "SIAE — Association intermédiaire (AI)"
    siae_etti = auto(), "SIAE — Entreprise de travail temporaire d'insertion (ETTI)"
    siae_ei = auto(), "SIAE — Entreprise d'insertion (EI)"
    siae_aci = auto(), "SIAE — Atelier et chantier d'insertion (ACI)"
    siae_eiti = auto(), "SIAE — Entreprise d'insertion par le travail indépendant (EITI)"
    geiq = auto(), "GEIQ"
    ett = auto(), "Entreprise de travail temporaire (ETT)"
    ea_esat = auto(), "Entreprise adaptée / ESAT"
    prescripteur = auto(), "Prescripteur"
    organisme_formation = auto(), "Organisme de formation"
    etat = auto(), "État (DDETS)"
    cofinanceur = auto(), "Cofinanceur"

    @property
    def carries_siret(self) -> bool:
        return self in SIRET_REQUIRED


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
#: entreprises and SIAE carry a SIRET (docs/domain.md).
SIRET_REQUIRED = frozenset({OrganisationKind.entreprise, *SIAE_KINDS})
#: organisations that may employ or place a participant besides the lot's attributaire.
PLACING_KINDS = frozenset(
    {*SIAE_KINDS, OrganisationKind.geiq, OrganisationKind.ett, OrganisationKind.ea_esat}
)
#: organisations that may hold a lot, work on it as subcontractor / cotraitant, or employ.
COMPANY_KINDS = frozenset({OrganisationKind.entreprise, *PLACING_KINDS})


class PrescriberKind(Choices):
    france_travail = auto(), "France Travail"
    mission_locale = auto(), "Mission Locale"
    cap_emploi = auto(), "Cap emploi"
    plie = auto(), "PLIE"
    departement = auto(), "Service insertion du Département"
    ccas = auto(), "CCAS / CIAS"
    autre = auto(), "Autre prescripteur"


class BuyerKind(Choices):
    """The kind of a donneur d'ordre, as the network's national collection counts buyers."""

    commune = auto(), "Commune"
    intercommunalite = auto(), "Intercommunalité (EPCI, EPT)"
    departement = auto(), "Département"
    region = auto(), "Région"
    etat = auto(), "État et ses services"
    etablissement_public = auto(), "Établissement public"
    bailleur_social = auto(), "Bailleur social"
    sante = auto(), "Établissement de santé"
    sem_spl = auto(), "SEM, SPL"
    prive = auto(), "Acheteur privé"


def prescriber_label(value: str | None) -> str | None:
    """The French label of a prescriber kind (None stays None)."""
    return PrescriberKind.label_of(value) if value else None
