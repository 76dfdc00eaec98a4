"""The four conventions of ``shared/seeds``, as data for :func:`saas.conventions.api.create`.

Amounts, percentages, cadences, renewal and notice rules are those written in the seeds; the
articles cited are theirs. The dates left blank in the seeds ("prend effet à compter du ……") are
given by the caller. Where a seed names no delay (end-of-mission evaluations), the choice made is
stated in the obligation's label.
"""

from __future__ import annotations

from datetime import date


def _deliverable(responsible, recipient, category, cadence, label, article, **extra) -> dict:
    return {
        "responsible_id": responsible,
        "recipient_id": recipient,
        "nature": "deliverable",
        "category": category,
        "cadence": cadence,
        "label": label,
        "article": article,
        **extra,
    }


def _meeting(responsible, recipient, category, cadence, label, article, **extra) -> dict:
    return {
        **_deliverable(responsible, recipient, category, cadence, label, article, **extra),
        "nature": "meeting",
    }


#: seed 000 art. 6 and 7: the reports are due in the month after the GIP's general assembly (June).
AFTER_GIP_GENERAL_ASSEMBLY = {
    "event_label": "assemblée générale du G.I.P",
    "event_default_month": 6,
    "offset_months": 1,
}


def seed_000(agglo: int, gip: int, region: int, departement: int, year: int, signed_on: date) -> dict:
    """Saint-Dizier, Der & Blaise and the GIP Mission Locale: accompaniment of the beneficiaries,
    1 January to 31 December, 0.5 FTE adviser, 6 500 EUR paid in full at signature."""
    return {
        "reference": f"ACC-{year}",
        "title": "Convention de partenariat — accompagnement des bénéficiaires des clauses sociales d'insertion",
        "kind": "accompagnement",
        "signed_on": signed_on,
        "signed_at_place": "Saint-Dizier",
        "effective_on": date(year, 1, 1),
        "object": (
            "Définir les engagements réciproques du G.I.P Mission Locale et de la Communauté "
            "d'agglomération Saint-Dizier, Der & Blaise dans le cadre de la mise en œuvre de "
            "l'accompagnement des bénéficiaires des clauses sociales d'insertion."
        ),
        "articles": [
            {
                "numero": "2",
                "titre": "Engagements du G.I.P",
                "texte": "Mise à disposition d'un conseiller en insertion professionnelle à mi-temps (0.5 ETP) ; "
                "collecte des profils après validation du facilitateur pour alimenter la CV thèque ; "
                "accompagnement des bénéficiaires ; bilan qualitatif et quantitatif : tableau de "
                "consolidation des heures.",
            },
            {
                "numero": "3",
                "titre": "Engagements de l'Agglomération",
                "texte": "Participation financière de 6 500 euros (six mille cinq cent euros) au profit du "
                "porteur de l'action, le G.I.P.",
            },
            {
                "numero": "4",
                "titre": "Co-financements",
                "texte": "Co-financement du Conseil Régional Grand-Est et du Conseil Départemental de la "
                "Haute-Marne ; demandes d'évaluation harmonisées (bilan qualitatif, tableau de "
                "consolidation des heures).",
            },
            {
                "numero": "12",
                "titre": "Modalité de versement",
                "texte": "La totalité de la participation financière est versée dès la signature.",
            },
            {
                "numero": "13",
                "titre": "Durée et résiliation",
                "texte": "L'Agglomération peut mettre fin de plein droit et sans délai à la convention pour "
                "faute et en cas de non-respect de ses termes.",
            },
        ],
        "duration_kind": "fixed",
        "end_on": date(year, 12, 31),
        "parties": [
            {
                "organisation_id": agglo,
                "role": "partenaire",
                "represented_by": "M. Quentin BRIERE, Président",
                "is_guichet": True,
            },
            {"organisation_id": gip, "role": "porteur", "represented_by": "M. Mokhtar KAHLAL, Président"},
            {"organisation_id": region, "role": "cofinanceur", "signatory": False},
            {"organisation_id": departement, "role": "cofinanceur", "signatory": False},
        ],
        "resources": [
            {"provider_id": gip, "label": "Conseiller en insertion professionnelle (mi-temps)", "fte": "0.5"}
        ],
        "commitments": [
            {
                "payer_id": agglo,
                "payee_id": gip,
                "label": "Participation financière de l'Agglomération",
                "basis": "fixed",
                "amount": "6500",
                "recurrence": "once",
                "article": "3, 12",
                "schedule": [{"label": "Totalité à la signature", "percent": "100", "trigger": "signature"}],
            }
        ],
        "obligations": [
            _meeting(
                gip,
                agglo,
                "revue_trimestrielle",
                "quarterly",
                "Réunion trimestrielle avec la DDEE (à l'initiative du G.I.P)",
                "5.1",
            ),
            _meeting(
                gip,
                agglo,
                "comite_suivi",
                "semiannual",
                "Comité de suivi (prescripteurs), une fois par semestre",
                "5.1",
            ),
            _meeting(
                gip,
                agglo,
                "comite_pilotage",
                "annual",
                "Comité de pilotage (financeurs), une fois par an",
                "5.1",
            ),
            *(
                _deliverable(
                    gip, agglo, category, "after_event", label, article, **AFTER_GIP_GENERAL_ASSEMBLY
                )
                for category, label, article in (
                    (
                        "rapport_activite",
                        "Rapport moral d'activités de l'année précédente, dans le mois suivant l'assemblée générale",
                        "6.1",
                    ),
                    (
                        "rapport_accompagnement",
                        "Rapport relatif à l'accompagnement des bénéficiaires, dans le mois suivant l'assemblée générale",
                        "6.1",
                    ),
                    (
                        "rapport_financier",
                        "Rapport financier (coût de l'accompagnement, affectation des subventions), avec le rapport d'activités",
                        "7.2",
                    ),
                )
            ),
            _deliverable(
                gip,
                agglo,
                "bilan_qualitatif",
                "at_end",
                "Bilan qualitatif et quantitatif de l'action, avec le tableau de consolidation des heures",
                "2, 4, 5.2",
            ),
            _deliverable(
                gip,
                agglo,
                "bilan_activite",
                "at_end",
                "Bilan d'activité de l'opération, à l'issue de la convention",
                "11",
            ),
            _deliverable(
                gip,
                agglo,
                "bilan_financier",
                "at_end",
                "Bilan financier de l'opération, à l'issue de la convention",
                "11",
            ),
        ],
    }


def seed_002(can: int, siae: int, ddets: int, signed_on: date, year_label: str) -> dict:
    """Niortais: the guichet, a placement structure (AI/ETTI) and the State (DDETS-PP). Annual,
    tacit renewal; statements on the 10th, weekly contracts, two comités de suivi a year."""
    return {
        "reference": f"MAD-{year_label}",
        "title": "Convention de partenariat pour la mise en œuvre de la clause sociale d'insertion — structure de mise à disposition",
        "kind": "mise_a_disposition",
        "signed_on": signed_on,
        "signed_at_place": "Niort",
        "effective_on": signed_on,  # art. 8: "prend effet à compter de la date du jour de sa signature"
        "object": (
            "Définir les règles de coopération entre le guichet unique clauses d'insertion de la "
            "Communauté d'Agglomération du Niortais, l'État représenté par la DDETS-PP et la structure "
            "de mise à disposition, pour la mise en œuvre de la clause sociale dans les marchés publics."
        ),
        "articles": [
            {
                "numero": "3",
                "titre": "Engagements de la structure de mise à disposition",
                "texte": "Fiches de prescription valables deux mois ; éligibilité validée par le guichet "
                "avant toute mission ; CV validés par le guichet ; information hebdomadaire des contrats ; "
                "justificatifs le 10 de chaque mois ; fiches d'évaluation de fin de mission ; deux comités "
                "de suivi par an ; respect des décisions collectives consignées dans les comptes rendus.",
            },
            {
                "numero": "8",
                "titre": "Durée",
                "texte": "Prend effet à la date de signature ; annuelle, reconduite par tacite reconduction.",
            },
            {
                "numero": "9",
                "titre": "Modification, résiliation",
                "texte": "Peut être dénoncée à la demande de l'une des parties ; modifiée par voie d'avenant.",
            },
        ],
        "duration_kind": "tacit",
        "period_months": 12,
        "max_renewals": None,
        "notice_months": 0,
        "parties": [
            {
                "organisation_id": can,
                "role": "porteur",
                "represented_by": "M. Jérôme BALOGE, Président",
                "is_guichet": True,
            },
            {"organisation_id": siae, "role": "partenaire", "represented_by": "Le Président"},
            {
                "organisation_id": ddets,
                "role": "etat",
                "represented_by": "Le Préfet des Deux-Sèvres, M. Emmanuel AUBRY",
            },
        ],
        "obligations": [
            _deliverable(
                siae,
                can,
                "releve_heures",
                "monthly",
                "Relevés d'heures, contrats de travail et tableau de suivi du mois écoulé, le 10 de chaque mois",
                "3",
                day_of_month=10,
                offset_months=1,
            ),
            _deliverable(
                siae,
                can,
                "etat_contrats",
                "weekly",
                "Information hebdomadaire des contrats en cours et à venir (chaque vendredi)",
                "3",
                weekday=4,
            ),
            _deliverable(
                siae,
                can,
                "evaluation_fin_mission",
                "mission_end",
                "Fiche d'évaluation de fin de mission (délai de 15 jours retenu par le guichet)",
                "3",
                offset_days=15,
            ),
            _meeting(
                siae,
                can,
                "comite_suivi",
                "semiannual",
                "Comité de suivi des salariés en parcours clauses (deux par an)",
                "3",
            ),
            _deliverable(
                can,
                siae,
                "tableau_parcours",
                "semiannual",
                "Tableau des salariés en parcours clauses, chaque semestre",
                "2",
            ),
            _deliverable(
                can,
                siae,
                "bilan_annuel",
                "annual",
                "Bilan annuel du guichet unique (à la structure et à la DDETS-PP)",
                "2",
            ),
            _meeting(
                ddets,
                can,
                "dialogue_gestion",
                "annual",
                "Dialogue de gestion annuel (bilan de la convention)",
                "5, 7",
            ),
        ],
    }


def seed_003(departement: int, ville: int, notified_on: date, posts_fte: str, year_label: str) -> dict:
    """Seine-Saint-Denis and Rosny-sous-Bois: 15 000 EUR per full-time facilitator post pro rata of
    the time on the function, 40 % at start, 60 % at the end on delivery of the activity bilan,
    financial bilan, payslips and job description; one year, tacitly renewable twice at most; the
    Département may end it at the annual term with one month's notice."""
    return {
        "reference": f"CD93-{year_label}",
        "title": "Convention de coopération sur la mise en œuvre des clauses sociales dans les marchés publics en Seine-Saint-Denis",
        "kind": "soutien_departement",
        "signed_on": notified_on,
        "effective_on": notified_on,  # art. 5: "valable un an à compter de sa notification"
        "object": (
            "Définir les engagements réciproques entre la structure locale et le Département, les "
            "conditions d'attribution du soutien financier du Département au poste de facilitateur et "
            "les modalités de coopération opérationnelle dans la mise en œuvre des clauses sociales."
        ),
        "articles": [
            {
                "numero": "3.2",
                "titre": "Soutien financier aux postes de facilitateurs",
                "texte": "15 000 euros par poste de facilitateur en place à temps plein.",
            },
            {
                "numero": "5",
                "titre": "Durée",
                "texte": "Valable un an à compter de sa notification ; renouvelable par tacite reconduction "
                "deux fois au maximum ; le Département peut y mettre fin à son échéance annuelle avec un "
                "préavis d'un mois.",
            },
            {
                "numero": "6",
                "titre": "Versement de la subvention",
                "texte": "Au prorata du temps de travail effectif sur la fonction ; 40 % au démarrage de "
                "l'action, 60 % à la fin sur production du bilan d'activité, du bilan financier, des "
                "bulletins de salaire et de la fiche de poste.",
            },
            {"numero": "7", "titre": "Avenant", "texte": "Toute modification fait l'objet d'un avenant."},
        ],
        "duration_kind": "tacit",
        "period_months": 12,
        "max_renewals": 2,
        "notice_months": 1,
        "objecting_party_id": departement,
        "parties": [
            {
                "organisation_id": departement,
                "role": "departement",
                "represented_by": "M. Stéphane Troussel, Président du Conseil départemental",
            },
            {
                "organisation_id": ville,
                "role": "porteur",
                "represented_by": "M. Claude Capillon, Maire",
                "is_guichet": True,
            },
        ],
        "resources": [
            {
                "provider_id": ville,
                "label": "Chargé de mission clauses d'insertion (facilitateur)",
                "fte": posts_fte,
            }
        ],
        "commitments": [
            {
                "payer_id": departement,
                "payee_id": ville,
                "label": "Subvention au poste de facilitateur",
                "basis": "per_post",
                "rate_per_post": "15000",
                "posts_fte": posts_fte,
                "recurrence": "each_period",
                "article": "3.2, 6",
                "schedule": [
                    {"label": "40 % au démarrage de l'action", "percent": "40", "trigger": "start"},
                    {
                        "label": "60 % à la fin de l'action, sur pièces",
                        "percent": "60",
                        "trigger": "end",
                        "required_deliverables": [
                            "bilan_activite",
                            "bilan_financier",
                            "bulletins_salaire",
                            "fiche_poste",
                        ],
                    },
                ],
            }
        ],
        "obligations": [
            _deliverable(
                ville,
                departement,
                "dispositif_local",
                "at_start",
                "Dispositif local de mise en œuvre des clauses d'insertion (annexe 1)",
                "6",
            ),
            _deliverable(
                ville, departement, "bilan_activite", "at_end", "Bilan d'activité du facilitateur", "6"
            ),
            _deliverable(ville, departement, "bilan_financier", "at_end", "Bilan financier de l'action", "6"),
            _deliverable(
                ville, departement, "bulletins_salaire", "at_end", "Bulletins de salaire du facilitateur", "6"
            ),
            _deliverable(ville, departement, "fiche_poste", "at_end", "Fiche de poste du facilitateur", "6"),
            _meeting(
                ville,
                departement,
                "comite_pilotage",
                "annual",
                "Comité de pilotage local, au minimum une fois par an",
                "4.1",
            ),
            _meeting(
                departement,
                ville,
                "reunion_reseau",
                "ad_hoc",
                "Rencontres du réseau des facilitateurs et coordination départementale",
                "3.1",
            ),
        ],
    }


def seed_004(accm: int, donneur: int, signed_on: date, year_label: str) -> dict:
    """Arles Crau Camargue Montagnette and a donneur d'ordre: one year, tacit renewal unless a party
    objects 3 months before the annual term; avenants only at the annual renewal."""
    return {
        "reference": f"COOP-{year_label}",
        "title": "Convention de coopération « Clauses d'insertion dans les marchés »",
        "kind": "cooperation_donneur_ordre",
        "signed_on": signed_on,
        "signed_at_place": "Arles",
        "effective_on": signed_on,
        "object": (
            "Définir les conditions de mise en œuvre opérationnelle du partenariat entre la communauté "
            "d'agglomération porteuse du poste « facilitateur » des clauses d'insertion et le donneur "
            "d'ordre signataire."
        ),
        "articles": [
            {
                "numero": "Confidentialité",
                "titre": "Confidentialité",
                "texte": "Les signataires et leurs collaborateurs sont tenus au secret professionnel.",
            },
            {
                "numero": "Durée",
                "titre": "Durée de la convention",
                "texte": "Un an, renouvelable par tacite reconduction sauf demande contraire de l'une des deux "
                "parties exprimée 3 mois avant l'échéance annuelle ; modifiable par avenant au moment du "
                "renouvellement annuel.",
            },
        ],
        "duration_kind": "tacit",
        "period_months": 12,
        "max_renewals": None,
        "notice_months": 3,
        "amendments_at_renewal_only": True,
        "parties": [
            {"organisation_id": accm, "role": "porteur", "is_guichet": True},
            {"organisation_id": donneur, "role": "partenaire"},
        ],
        "obligations": [
            _deliverable(
                donneur,
                accm,
                "designation_referent",
                "at_start",
                "Désignation d'un référent interne, interlocuteur du facilitateur",
                "Engagements",
            ),
            _deliverable(
                donneur,
                accm,
                "informations_marches",
                "ad_hoc",
                "Transmission des informations utiles (attributaires, calendrier prévisionnel), dans les meilleurs délais",
                "Engagements",
            ),
            _meeting(
                accm,
                donneur,
                "reunion_bilan",
                "annual",
                "Bilan annuel de la convention par les parties signataires",
                "Suivi et évaluation",
            ),
        ],
    }
