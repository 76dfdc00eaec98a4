"""The participants' notice (RGPD art. 13 and 14) of the tenant in scope, in plain French: short
sentences, « vous ». Made from the register (``saas.privacy.register.build``), so that the notice and
the register always say the same: the controller, the recipients the tenant really has, its durations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from saas.privacy.inventory import Category
from saas.privacy.register import Register, months


@dataclass(frozen=True)
class Section:
    """A part of the notice: a question, short sentences, a list, then sentences after it."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notice:
    title: str
    lead: str
    controller: str
    sections: tuple[Section, ...]
    edited_on: date


#: each category of data as the notice tells it
NOTICE_DATA = {
    Category.identite: "votre nom, votre prénom, votre date de naissance et votre sexe",
    Category.coordonnees: "votre adresse électronique, votre téléphone, votre commune et votre quartier",
    Category.situation: "votre niveau de qualification et ce qui freine votre retour à l'emploi",
    Category.eligibilite: "les critères qui vous rendent éligible (par exemple : bénéficiaire du RSA)",
    Category.parcours: "qui vous a orienté vers nous, vos contrats et votre situation à la fin",
    Category.heures: "vos heures de travail et de formation, chaque mois",
    Category.justificatifs: "les justificatifs de ces heures, envoyés par votre employeur",
    Category.suivi: "votre projet, les entretiens, le suivi de vos missions et leur évaluation",
    Category.cv: "votre CV et vos compétences, si vous nous les donnez",
    Category.journaux: "la trace de chaque consultation de votre dossier : qui l'a ouvert, et quand",
    Category.droits: "les demandes que vous nous faites sur vos données, et nos réponses",
}


def listed(items: list[str]) -> tuple[str, ...]:
    """The items of a list in a sentence: each ends with « ; », the last with a full stop."""
    return tuple(f"{item}{' ;' if index < len(items) - 1 else '.'}" for index, item in enumerate(items))


RIGHTS = (
    "voir vos données et en recevoir une copie (droit d'accès) ;",
    "faire corriger une donnée fausse ou incomplète (rectification) ;",
    "demander que vos données soient effacées (effacement), dans les limites prévues par la loi ;",
    "demander que l'on n'utilise plus vos données le temps d'une vérification (limitation) ;",
    "vous opposer à l'usage de vos données, pour une raison qui tient à votre situation (opposition) ;",
    "recevoir vos données dans un fichier que vous pouvez réutiliser (portabilité).",
)

CNIL = (
    "Si vous pensez que vos droits ne sont pas respectés, vous pouvez vous plaindre auprès de la CNIL "
    "(Commission nationale de l'informatique et des libertés) : sur son site www.cnil.fr, ou par courrier "
    "à CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07."
)


def _kept(register: Register) -> Section:
    values = register.values
    return Section(
        "Combien de temps gardons-nous vos données ?",
        (
            f"Nous gardons votre dossier {months(values['retention_months_after_contact'])} après votre "
            "dernier contact avec le guichet. Tant que vous êtes en mission, il reste ouvert.",
            "Ensuite, votre nom, votre date de naissance, vos coordonnées, votre CV, les justificatifs et les "
            "notes sont effacés. Il ne reste que des chiffres, sans votre nom, pour les bilans.",
            f"Les justificatifs de vos heures sont gardés au plus {months(values['proof_retention_months'])} "
            "après le mois travaillé.",
            "La trace des consultations de votre dossier est gardée "
            f"{months(values['access_log_retention_months'])}.",
        ),
    )


def _how(register: Register) -> Section:
    where = (
        f"Écrivez à : {register.contact}."
        if register.contact
        else f"Adressez-vous au guichet des clauses sociales de {register.tenant_name}."
    )
    return Section(
        "Comment faire ?",
        (where, "La personne qui vous accompagne au guichet peut vous aider à écrire votre demande."),
        closing=(CNIL,),
    )


def notice(register: Register) -> Notice:
    """The notice for the participants of the tenant in scope: plain French, short sentences, « vous »."""
    controller = register.controller
    return Notice(
        title="Vos données personnelles au guichet des clauses sociales",
        lead="Ce document vous explique quelles informations nous gardons sur vous, pourquoi, qui les voit, "
        "et comment faire respecter vos droits.",
        controller=controller,
        sections=(
            Section(
                "Qui est responsable de vos données ?",
                (
                    f"Le guichet des clauses sociales de {register.tenant_name} vous accompagne vers l'emploi.",
                    f"Le responsable de vos données est {controller}.",
                ),
            ),
            Section(
                "Pourquoi gardons-nous vos données ?",
                ("Nous les gardons :",),
                (
                    "pour vous accompagner vers un emploi durable ;",
                    "pour vous proposer des emplois sur des marchés publics qui comportent une clause "
                    "sociale, et compter vos heures de travail ;",
                    "pour rendre compte aux acheteurs publics et aux financeurs, avec des chiffres où votre "
                    "nom n'apparaît pas.",
                ),
                closing=("C'est une mission d'intérêt public.",),
            ),
            Section(
                "Quelles données ?",
                ("Nous gardons :",),
                listed([NOTICE_DATA[line.category] for line in register.categories]),
                closing=(
                    "Certains critères sont sensibles (handicap, RSA, justice). Nous notons seulement le "
                    "critère et le type de justificatif vu : nous ne gardons pas le document.",
                    "Nous ne demandons jamais votre numéro de sécurité sociale.",
                ),
            ),
            Section("Qui voit vos données ?", items=tuple(r.notice for r in register.recipients)),
            _kept(register),
            Section(
                "Quels sont vos droits ?",
                ("Vous pouvez :",),
                RIGHTS,
                (
                    "Nous vous répondons dans un délai d'un mois. Si votre demande est complexe, ce délai peut "
                    "être prolongé de deux mois : nous vous le disons avant la fin du premier mois.",
                ),
            ),
            _how(register),
        ),
        edited_on=register.edited_on,
    )
