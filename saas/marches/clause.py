"""The clause-drafting aid: the article of the CCAP for a lot's insertion clause, in plain French.

The facilitateur advises the buyer from the drafting of the contract documents (docs/domain.md, seed
004). :func:`draft` turns the parameters of a lot (its considerations, its obligation and how it was
computed, its penalties) into numbered paragraphs ready to paste. No database access: the caller
passes the marché, the lot and the contact of the guichet.
"""

from __future__ import annotations

from decimal import Decimal

from saas import formats
from saas.marches.enums import Consideration, ObligationMode, Rounding
from saas.marches.obligation import ROUNDING_PHRASES

LEGAL_BASIS = {
    Consideration.clause_execution: (
        "En application de l'article L2112-2 du code de la commande publique, les conditions d'exécution "
        "du présent marché comportent des considérations relatives au domaine social : le titulaire met "
        "en œuvre une action d'insertion professionnelle au profit de personnes rencontrant des "
        "difficultés sociales ou professionnelles particulières."
    ),
    Consideration.critere_attribution: (
        "Conformément à l'article R2152-7 du code de la commande publique, les performances en matière "
        "d'insertion professionnelle des publics en difficulté constituent un critère d'attribution, "
        "dont la pondération est fixée par le règlement de la consultation. Les engagements du titulaire "
        "au titre de ce critère ont valeur contractuelle."
    ),
    Consideration.marche_reserve_siae: (
        "En application de l'article L2113-13 du code de la commande publique, le présent marché est "
        "réservé aux structures d'insertion par l'activité économique mentionnées à l'article L5132-4 "
        "du code du travail et aux structures équivalentes."
    ),
    Consideration.marche_reserve_ea_esat: (
        "En application de l'article L2113-12 du code de la commande publique, le présent marché est "
        "réservé aux entreprises adaptées, aux établissements et services d'aide par le travail et aux "
        "structures équivalentes."
    ),
    Consideration.marche_insertion: (
        "Le présent marché a pour objet des prestations de qualification et d'insertion "
        "professionnelles (article R2123-1 du code de la commande publique) : l'insertion des "
        "personnes en difficulté en est le support même."
    ),
}

PUBLICS = (
    "Les heures d'insertion sont réalisées par des personnes éloignées de l'emploi qui remplissent "
    "les critères d'éligibilité en vigueur sur le territoire, notamment : les demandeurs d'emploi de "
    "longue durée ; les bénéficiaires de minima sociaux (RSA, ASS, AAH) ; les jeunes de moins de 26 ans "
    "de faible niveau de qualification ; les travailleurs handicapés ; les demandeurs d'emploi de plus "
    "de 50 ans ; les personnes résidant dans un quartier prioritaire de la politique de la ville ; les "
    "personnes suivies par un PLIE, salariées d'une structure d'insertion par l'activité économique ou "
    "d'un GEIQ, ou accompagnées par une entreprise adaptée ou un ESAT. L'éligibilité de chaque personne "
    "est vérifiée et validée par le facilitateur avant toute mise à l'emploi ; les heures réalisées par "
    "une personne dont l'éligibilité n'a pas été validée ne sont pas prises en compte."
)

MODALITIES = (
    "Le titulaire choisit, en lien avec le facilitateur, une ou plusieurs des modalités suivantes :\n"
    "a) l'embauche directe de personnes éligibles (CDI, CDD, contrat d'apprentissage ou de "
    "professionnalisation, contrat aidé) ;\n"
    "b) la mise à disposition de salariés en insertion par une structure d'insertion par l'activité "
    "économique (association intermédiaire, entreprise de travail temporaire d'insertion), par un "
    "groupement d'employeurs pour l'insertion et la qualification (GEIQ) ou par une entreprise de "
    "travail temporaire ;\n"
    "c) la sous-traitance ou la cotraitance d'une partie des prestations avec une structure d'insertion "
    "par l'activité économique (entreprise d'insertion, atelier et chantier d'insertion) ou avec une "
    "entreprise adaptée ou un ESAT ;\n"
    "d) la formation préalable à l'embauche des personnes recrutées, dont les heures sont prises en "
    "compte selon les règles de comptage du territoire."
)

REPORTING = (
    "Le titulaire transmet au facilitateur, au plus tard le 10 de chaque mois, l'état des heures "
    "d'insertion réalisées le mois précédent, par personne et par contrat, accompagné des pièces "
    "justificatives : contrats de travail, de mise à disposition ou de sous-traitance, relevés d'heures "
    "ou bulletins de salaire, attestations des structures d'insertion. Il informe le facilitateur sans "
    "délai de toute embauche, fin de contrat ou difficulté d'exécution de l'action d'insertion. Le "
    "facilitateur contrôle ces éléments et rend compte de l'exécution de la clause au pouvoir "
    "adjudicateur."
)


def _decimal(inputs: dict, key: str) -> Decimal:
    """An input the obligation was computed from (``obligation.compute`` records those of its mode)."""
    value = inputs.get(key)
    if value is None or value == "":
        raise ValueError(f"obligation computed without {key}")
    return Decimal(value)


def _hours(value: Decimal | None) -> str:
    value = value or Decimal(0)
    return f"{formats.decimal(value)} heure" + ("s" if value >= 2 else "")


def _rounding(inputs: dict) -> str:
    return ROUNDING_PHRASES[Rounding(inputs.get("rounding") or Rounding.nearest)]


def _volume(marche, lot) -> str:
    """The paragraph on the hours due: how many, and how they were computed."""
    inputs = lot.obligation_inputs or {}
    hours = _hours(lot.obligation_hours)
    mode = ObligationMode(lot.obligation_mode)
    if mode is ObligationMode.fixed:
        return f"Le titulaire s'engage à réaliser au minimum {hours} d'insertion pendant la durée d'exécution du lot."
    if mode is ObligationMode.formula:
        cost = inputs.get("hourly_cost") or {}
        return (
            f"Le titulaire s'engage à réaliser au minimum {hours} d'insertion pendant la durée d'exécution "
            f"du lot. Ce volume est calculé comme suit : montant HT du lot "
            f"({formats.amount(_decimal(inputs, 'amount_ht'))}) × part de la main-d'œuvre "
            f"({formats.percent(_decimal(inputs, 'labour_share'))}) × taux d'insertion "
            f"({formats.percent(_decimal(inputs, 'insertion_rate'))}) ÷ coût horaire de référence "
            f"({formats.amount(Decimal(cost.get('amount', '0')))}), {_rounding(inputs)}."
        )
    if mode is ObligationMode.percentage:
        return (
            f"Le titulaire s'engage à confier à des personnes en insertion au moins "
            f"{formats.percent(_decimal(inputs, 'hours_share'))} des heures travaillées pour l'exécution du lot. "
            f"Le volume dû est calculé sur les heures travaillées déclarées par le titulaire, "
            f"{_rounding(inputs)} ; il s'établit à {hours} au vu des déclarations reçues à ce jour."
        )
    base, per = _decimal(inputs, "per_amount_base"), _decimal(inputs, "per_amount_hours")
    text = (
        f"Le titulaire s'engage à réaliser {_hours(per)} d'insertion par tranche de {formats.amount(base)} HT "
        f"facturés au titre du lot ; le volume dû évolue avec la facturation ({_rounding(inputs)})."
    )
    if lot.amount_ht:
        estimate = Decimal(lot.amount_ht) / base * per
        text += (
            f" Pour le montant prévisionnel du lot ({formats.amount(lot.amount_ht)} HT), il représente environ "
            f"{_hours(estimate.quantize(Decimal(1)))}."
        )
    return text


def _publics(marche) -> str:
    text = PUBLICS
    if marche.anru:
        project = f" (projet {marche.anru_project_id})" if marche.anru_project_id else ""
        text += (
            f" Le marché relève d'un projet de renouvellement urbain financé par l'ANRU{project} : les "
            "heures d'insertion bénéficient en priorité aux habitants des quartiers prioritaires de la "
            "politique de la ville."
        )
    return text


def _facilitator(tenant_name: str, name: str | None, email: str | None) -> str:
    text = (
        f"Le guichet unique des clauses sociales ({tenant_name}) accompagne gratuitement le titulaire : "
        "analyse des besoins de recrutement, choix des modalités, présentation de candidats dont "
        "l'éligibilité a été validée, suivi des personnes et des heures réalisées."
    )
    contact = ", ".join(part for part in (name, email) if part)
    if contact:
        text += f" Contact : {contact}."
    return text


def _penalties(lot) -> str | None:
    if lot.penalty_per_hour is None:
        return None
    return (
        "En cas de non-respect de son engagement d'insertion constaté en fin d'exécution, et sauf "
        "circonstances indépendantes de sa volonté appréciées sur avis du facilitateur, le titulaire "
        f"encourt une pénalité de {formats.amount(lot.penalty_per_hour)} HT par heure d'insertion non "
        "réalisée. Le défaut de transmission des justificatifs mensuels peut donner lieu à la même "
        "pénalité sur les heures non justifiées."
    )


def draft(marche, lot, tenant_name: str, facilitator_name: str | None, facilitator_email: str | None) -> str:
    """The article of the clause for ``lot`` of ``marche``, as numbered paragraphs of plain text."""
    considerations = [Consideration(c) for c in (marche.considerations or [])] or [
        Consideration.clause_execution
    ]
    sections = [
        ("Fondement juridique", "\n".join(LEGAL_BASIS[c] for c in considerations)),
        ("Publics concernés", _publics(marche)),
        ("Volume d'heures d'insertion", _volume(marche, lot)),
        ("Modalités de mise en œuvre", MODALITIES),
        ("Suivi et justificatifs", REPORTING),
        (
            "Accompagnement par le facilitateur",
            _facilitator(tenant_name, facilitator_name, facilitator_email),
        ),
    ]
    penalties = _penalties(lot)
    if penalties:
        sections.append(("Pénalités", penalties))
    header = [
        "Article — Clause sociale d'insertion",
        f"Marché {marche.reference} : {marche.object}",
        f"Lot {lot.number} : {lot.object}",
    ]
    body = [f"{index}. {title}\n{text}" for index, (title, text) in enumerate(sections, start=1)]
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n"
