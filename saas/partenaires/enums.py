"""Kinds of partner organisation (docs/domain.md, "organisation")."""

from __future__ import annotations

from saas.choices import Choices


class OrganisationKind(Choices):
    donneur_ordre = "donneur_ordre", "Donneur d'ordre"
    entreprise = "entreprise", "Entreprise"
    siae_ai = "siae_ai", "SIAE — Association intermédiaire (AI)"
    siae_etti = "siae_etti", "SIAE — Entreprise de travail temporaire d'insertion (ETTI)"
    siae_ei = "siae_ei", "SIAE — Entreprise d'insertion (EI)"
    siae_aci = "siae_aci", "SIAE — Atelier et chantier d'insertion (ACI)"
    siae_eiti = "siae_eiti", "SIAE — Entreprise d'insertion par le travail indépendant (EITI)"
    geiq = "geiq", "GEIQ"
    ett = "ett", "Entreprise de travail temporaire (ETT)"
    ea_esat = "ea_esat", "Entreprise adaptée / ESAT"
    prescripteur = "prescripteur", "Prescripteur"
    organisme_formation = "organisme_formation", "Organisme de formation"
    etat = "etat", "État (DDETS)"
    cofinanceur = "cofinanceur", "Cofinanceur"

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
    france_travail = "france_travail", "France Travail"
    mission_locale = "mission_locale", "Mission Locale"
    cap_emploi = "cap_emploi", "Cap emploi"
    plie = "plie", "PLIE"
    departement = "departement", "Service insertion du Département"
    ccas = "ccas", "CCAS / CIAS"
    autre = "autre", "Autre prescripteur"


def prescriber_label(value: str | None) -> str | None:
    """The French label of a prescriber kind (None stays None)."""
    return PrescriberKind.label_of(value) if value else None
