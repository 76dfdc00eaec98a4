"""A realistic year of clause execution for a demo territory.

Deterministic (seeded by the territory's slug): hourly costs, partners, marchés and lots in
every obligation mode, a few hundred participants with prescriptions, eligibility and CV
profiles, missions of every modality with their follow-ups and exits, twelve months of hour
statements including corrections and rejections, and one mutualisation agreement. Everything
goes through the domain apis, so the demo obeys the same rules as the pages. Every person is
fictitious. Runs in the scope of the territory (the caller enters it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from stdnum import luhn

from saas import clock
from saas.audit import api as audit
from saas.db import db
from saas.demo import batches
from saas.errors import DomainError, ValidationError
from saas.heures import api as heures
from saas.heures.models import Releve
from saas.marches import api as marches
from saas.marches.models import Lot, Marche
from saas.parcours import api as parcours
from saas.parcours.models import Mission
from saas.partenaires import api as partenaires
from saas.partenaires.models import Organisation
from saas.participants import api as participants
from saas.participants.models import Participant

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Inès",
    "Manon",
    "Chloé",
    "Sarah",
    "Yasmine",
    "Aïcha",
    "Fatou",
    "Julie",
    "Emma",
    "Lina",
    "Nadia",
    "Sofia",
    "Océane",
    "Mélissa",
    "Lucas",
    "Hugo",
    "Nathan",
    "Mohamed",
    "Karim",
    "Yanis",
    "Enzo",
    "Thomas",
    "Kevin",
    "Mamadou",
    "Samir",
    "Julien",
    "Bilal",
    "Dylan",
    "Anthony",
    "Rayan",
    "Théo",
    "Mathis",
    "Ibrahim",
    "Maxime",
    "Adrien",
    "Jordan",
    "Moussa",
    "Rémi",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Diallo",
    "Traoré",
    "Benali",
    "Haddad",
    "Nguyen",
    "Cissé",
    "Mendy",
    "Kone",
]
ROME_BTP = ["F1703", "F1704", "F1702", "F1602", "F1606", "F1701", "K2204", "A1203", "N1103", "F1603"]
CRITERIA_SETS = [
    [("beneficiaire_rsa", "attestation_caf")],
    [("detld", "attestation_france_travail")],
    [("deld", "attestation_france_travail"), ("jeune_moins_26_ans", "piece_identite")],
    [("resident_qpv", "justificatif_domicile"), ("niveau_qualification_3_ou_moins", "attestation_honneur")],
    [("suivi_plie", "attestation_plie")],
    [("beneficiaire_ass", "attestation_france_travail")],
    [("senior_50_ans_et_plus", "piece_identite"), ("deld", "attestation_france_travail")],
]
EXTRA_PARTNERS = [
    ("Entreprise Générale du Bâtiment", "entreprise"),
    ("Voirie et Réseaux Services", "entreprise"),
    ("Propreté Urbaine Services", "entreprise"),
    ("ETTI Tremplin Intérim", "siae_etti"),
    ("Association Intermédiaire Coup de Main", "siae_ai"),
    ("GEIQ BTP", "geiq"),
    ("Atelier et Chantier Nature", "siae_aci"),
    ("Intérim Plus", "ett"),
]
PRESCRIBERS = [
    ("France Travail", "france_travail"),
    ("Mission Locale", "mission_locale"),
    ("Cap emploi", "cap_emploi"),
    ("PLIE", "plie"),
]


@dataclass
class YearSize:
    participants: int = 220
    marches: int = 6


def _siret(rng: random.Random) -> str:
    """A fictitious SIRET that passes the checks: a Luhn-valid SIREN, then a Luhn-valid whole."""
    siren = "".join(str(rng.randint(0, 9)) for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    body = siren + "".join(str(rng.randint(0, 9)) for _ in range(4))
    return body + luhn.calc_check_digit(body)


def _partners(actor, rng, slug: str) -> dict[str, list[Organisation]]:
    existing = partenaires.list_all()
    names = {o.name for o in existing}
    for name, kind in EXTRA_PARTNERS:
        if name not in names:
            partenaires.create(actor, name, kind, _siret(rng) if kind != "geiq" else None)
    for name, prescriber_kind in PRESCRIBERS:
        if not any(o.prescriber_kind == prescriber_kind for o in existing):
            partenaires.create(actor, name, "prescripteur", prescriber_kind=prescriber_kind)
    buyers = [o for o in partenaires.list_all() if o.kind == "donneur_ordre"]
    if len(buyers) < 2:  # a mutualisation needs two donneurs d'ordre
        partenaires.create(
            actor, "Office public de l'habitat du territoire", "donneur_ordre", buyer_kind="bailleur_social"
        )
    return _by_kind()


def _by_kind() -> dict[str, list[Organisation]]:
    by_kind: dict[str, list[Organisation]] = {}
    for organisation in partenaires.list_all():
        by_kind.setdefault(str(organisation.kind), []).append(organisation)
    return by_kind


SECTORS = ["batiment_gros_oeuvre", "batiment_second_oeuvre", "travaux_publics", "proprete", "espaces_verts"]
OBJECTS = [
    "Réhabilitation du groupe scolaire",
    "Aménagement des espaces publics du centre-ville",
    "Construction d'une médiathèque",
    "Entretien des espaces verts communautaires",
    "Nettoyage des bâtiments administratifs",
    "Rénovation énergétique de logements sociaux",
]
#: the operations the marchés belong to (two or three marchés each)
OPERATIONS = [
    "Renouvellement urbain du quartier prioritaire",
    "Programme pluriannuel d'investissement",
    "Entretien du patrimoine",
]
MODES = ["formula", "formula", "fixed", "per_amount", "formula", "percentage"]
LOT_OBJECTS = ["Gros œuvre", "Voirie et réseaux", "Second œuvre", "Espaces verts"]


def _marches(actor, rng, orgs, size: YearSize, year_start: date, communes: list[str]) -> list:
    marches.add_hourly_cost(actor, date(2025, 1, 1), Decimal("30.00"), "Coût horaire de référence 2025")
    marches.add_hourly_cost(actor, date(2026, 1, 1), Decimal("30.50"), "Revalorisation du SMIC 2026")
    companies = orgs["entreprise"]
    siae = orgs.get("siae_aci", []) + orgs.get("siae_ei", [])
    lots = []
    for index in range(size.marches):
        marche, amount = _marche(actor, rng, orgs, index, year_start, communes)
        lot_count = rng.randint(1, 3)
        for number in range(1, lot_count + 1):
            mode = MODES[(index + number) % len(MODES)]
            data = {
                "number": str(number),
                "object": LOT_OBJECTS[number % 4],
                "amount_ht": (amount / Decimal(lot_count)).quantize(Decimal(1)),
                "attributaire_id": companies[(index + number) % len(companies)].id,
                "obligation_mode": mode,
                "rounding": "nearest",
            }
            lot = marches.create_lot(actor, marche, data | _obligation(rng, mode))
            _figures(actor, rng, lot, mode, year_start)
            if siae and rng.random() < 0.5:
                marches.add_subcontractor(actor, lot, siae[0].id, "sous_traitant")
            lots.append(lot)
    return lots


def _marche(actor, rng, orgs, index: int, year_start: date, communes: list[str]):
    """The ``index``-th marché of the year, notified before it starts; with its amount."""
    buyer = orgs["donneur_ordre"][index % len(orgs["donneur_ordre"])]
    notified = year_start - timedelta(days=rng.randint(20, 150))
    # amounts of urban works and renewal programmes: a few million euros HT
    amount = Decimal(rng.randrange(3_000_000, 15_000_000, 100_000))
    marche = marches.create_marche(
        actor,
        {
            "donneur_ordre_id": buyer.id,
            "reference": f"{notified.year}-{index + 1:03d}",
            "object": rng.choice(OBJECTS) + f" — opération {index + 1}",
            "operation": OPERATIONS[index % len(OPERATIONS)],
            "sector": SECTORS[index % len(SECTORS)],
            "procedure": "appel_offres_ouvert" if amount > 2_000_000 else "procedure_adaptee",
            "notification_date": notified,
            "start_date": notified + timedelta(days=30),
            "end_date": notified + relativedelta(years=2),
            "amount_ht": amount,
            "anru": index == 0,
            "anru_project_id": "ANRU-DEMO-001" if index == 0 else None,
            "execution_communes": communes[:2],
            "considerations": ["clause_execution"] + (["critere_attribution"] if index % 4 == 3 else []),
        },
    )
    return marche, amount


def _obligation(rng, mode: str) -> dict:
    """The figures of a lot's obligation in ``mode``."""
    if mode == "formula":
        return {
            "labour_share": Decimal("0.5"),
            "insertion_rate": Decimal(rng.choice(["0.1", "0.12", "0.15"])),
        }
    if mode == "fixed":
        return {"fixed_hours": Decimal(rng.randrange(800, 3000, 50))}
    if mode == "percentage":
        return {"hours_share": Decimal("0.07")}
    return {"per_amount_hours": Decimal(1), "per_amount_base": Decimal(2000)}


def _figures(actor, rng, lot, mode: str, year_start: date) -> None:
    """A year of monthly figures (amounts invoiced or hours worked) for a lot whose obligation reads them."""
    if mode not in ("per_amount", "percentage"):
        return
    kind = "invoiced_amount" if mode == "per_amount" else "hours_worked"
    for month in range(12):
        value = (
            Decimal(rng.randrange(20_000, 120_000, 1000))
            if kind == "invoiced_amount"
            else Decimal(rng.randrange(600, 2400, 10))
        )
        marches.record_figure(actor, lot, kind, year_start + relativedelta(months=month, day=28), value)


# (modality, employer kind or None for the attributaire, contract types)
#: the exit motifs a mission of the simulated year ends with (``ref_exit_motifs`` codes).
EXIT_MOTIFS = (
    "cdi_non_aide",
    "cdd_6_mois_et_plus",
    "cdd_moins_6_mois",
    "interim",
    "formation_qualifiante",
    "chomage",
    "sans_nouvelle",
)

PLACEMENTS = [
    (
        "embauche_directe",
        None,
        ["cdd", "cdd", "cdi", "apprentissage", "professionnalisation", "cdi_chantier"],
    ),
    ("mise_a_disposition", "siae_etti", ["contrat_mission_etti"]),
    ("mise_a_disposition", "siae_ai", ["mise_a_disposition_ai"]),
    ("mise_a_disposition", "geiq", ["geiq_professionnalisation"]),
    ("mise_a_disposition", "ett", ["interim"]),
    ("sous_traitance", "siae_aci", ["cddi"]),
    ("cotraitance", "siae_aci", ["cddi"]),
    ("formation_prealable", "geiq", ["formation_prealable"]),
]


def _person(actor, rng, orgs, communes, index: int, validated_on: date):
    sex = rng.choice("FM")
    participant = participants.create(
        actor,
        rng.choice(LAST_NAMES),
        rng.choice(FIRST_NAMES),
        birth_date=date(rng.randint(1966, 2005), rng.randint(1, 12), rng.randint(1, 28)),
        sex=sex,
        phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        commune_insee=rng.choice(communes),
        qualification_level=rng.choice(["niveau_1_2", "niveau_3", "niveau_3", "niveau_4", "niveau_5"]),
        freins=rng.sample(
            ["mobilite", "logement", "sante", "garde_enfants", "langue", "numerique"], rng.randint(0, 2)
        ),
        projet_professionnel=rng.choice(
            [
                "Maçonnerie",
                "Conduite d'engins",
                "Métiers de la propreté",
                "Espaces verts",
                "Logistique",
                "Peinture",
            ]
        ),
    )
    prescriber = rng.choice(orgs["prescripteur"])
    participants.add_prescription(
        actor,
        participant,
        prescriber.id,
        validated_on - timedelta(days=rng.randint(3, 40)),
        "Orientation clause sociale",
    )
    eligible = index % 25 != 7  # a few people are placed with an audited override
    if eligible:
        participants.validate_eligibility(actor, participant, rng.choice(CRITERIA_SETS), validated_on)
    if rng.random() < 0.45:
        participants.save_profile(
            actor,
            participant,
            rome_codes=rng.sample(ROME_BTP, rng.randint(1, 2)),
            skills="Travail en équipe, respect des consignes de sécurité",
            available_from=validated_on,
            mobility=rng.sample(["permis_b", "transports_commun", "velo"], 1),
            mobility_radius_km=rng.choice([10, 20, 30]),
        )
        if rng.random() < 0.8:
            participants.validate_profile(actor, participant)
    return participant, eligible


def _statements(actor, rng, mission, last_month: date, awaiting: list[int]) -> None:
    month = mission.start_date.replace(day=1)
    end = min(
        d for d in (mission.end_date, mission.exit_date, last_month + relativedelta(months=1, days=-1)) if d
    )
    while month <= min(end, last_month):
        # within the hours of the contract for the month (saas.heures.validation)
        bounds = heures.month_bounds(mission, month)
        bound = bounds.contract_hours
        training = Decimal(rng.choice([0, 0, 0, 7, 14]))
        training = training if training * 4 <= bound else Decimal(0)
        worked = ((bound - training) * Decimal(rng.uniform(0.8, 1.0))).quantize(Decimal("0.01"))
        if mission.contract_type == "formation_prealable":
            worked, training = Decimal(0), worked + training
        statement = heures.declare(actor, mission.id, month, worked, training, Decimal(rng.choice([0, 0, 7])))
        roll = rng.random()
        if month == last_month and (roll < 0.35 or not awaiting):
            awaiting.append(statement.id)  # last month's statements are still coming in
        elif roll < 0.05:
            heures.reject(actor, statement, "Relevé incomplet : feuille d'heures non signée")
            statement = heures.declare(actor, mission.id, month, worked, training, source="partenaire")
            heures.validate(actor, statement)
        elif roll < 0.10 and bounds.legal_hours - worked - training >= 7:
            heures.validate(actor, statement)
            fixed = heures.correct(
                actor,
                statement,
                worked + Decimal(7),
                training,
                comment="Heures supplémentaires oubliées",
                confirm_over_contract=True,  # above the contract at times, and audited
            )
            heures.validate(actor, fixed)
        else:
            heures.validate(actor, statement)
        month += relativedelta(months=1)


@dataclass(frozen=True)
class Year:
    """The months of the year loaded: it ends last month."""

    today: date
    last_month: date
    start: date

    @classmethod
    def ending_last_month(cls) -> Year:
        today = clock.today()
        last_month = today.replace(day=1) - relativedelta(months=1)
        return cls(today, last_month, last_month - relativedelta(months=11))


def _agreement_and_rules(actor, lots: list, year_start: date) -> None:
    buyers_lots: dict[int, list] = {}
    for lot in lots:
        buyer = db.session.get_one(Marche, (lot.tenant_id, lot.marche_id)).donneur_ordre_id
        buyers_lots.setdefault(buyer, []).append(lot)
    pair = [group[0] for group in list(buyers_lots.values())[:2]]
    if len(pair) == 2:
        heures.create_agreement(
            actor,
            "Mutualisation des heures entre donneurs d'ordre",
            year_start,
            None,
            "pro_rata",
            [(pair[0].id, None), (pair[1].id, None)],
            "Globalisation des heures (convention de coopération)",
        )
    heures.new_rule_version(
        actor, training_cap_hours="35", note="Heures de formation plafonnées à 35 h par mois"
    )


def _setup(actor, slug: str, communes: list[str], size: YearSize, year: Year):
    """Partners, marchés and lots, the mutualisation and the rules: once, in one transaction.

    Return (organisations by kind, lots); a territory whose lots exist was set up already.
    """
    lots = list(db.session.scalars(select(Lot).order_by(Lot.id)))
    if lots:
        return _by_kind(), lots
    rng = random.Random(slug)  # noqa: S311 - reproducible demo data, nothing secret
    orgs = _partners(actor, rng, slug)
    lots = _marches(actor, rng, orgs, size, year.start, communes)
    _agreement_and_rules(actor, lots, year.start)
    db.session.commit()
    return orgs, lots


def fill_year(
    actor: audit.Actor, slug: str, communes: list[str], size: YearSize | None = None
) -> dict[str, int]:
    """Load the year ending last month into the territory in scope; return counts.

    Commits every ``batches.BATCH`` participants: a load interrupted halfway resumes where the last
    batch ended (each person draws from a generator of her own, so the result does not depend on
    where it stopped).
    """
    size = size or YearSize()
    year = Year.ending_last_month()
    orgs, lots = _setup(actor, slug, communes, size, year)
    done = db.session.scalar(select(func.count()).select_from(Participant)) or 0
    # at least one statement of last month awaits validation: it may be in a batch already loaded
    awaiting = list(db.session.scalars(select(Releve.id).where(Releve.status == "declared").limit(1)))
    loader = batches.Batches(done, size.participants)
    for first in range(done, size.participants, batches.BATCH):
        last = min(first + batches.BATCH, size.participants)
        for index in range(first, last):
            rng = random.Random(f"{slug}/{index}")  # noqa: S311 - reproducible demo data
            _participant_year(actor, rng, orgs, lots, communes, index, year, awaiting)
        loader.commit(last)
    batches.analyze()
    return {
        "participants": db.session.scalar(select(func.count()).select_from(Participant)) or 0,
        "missions": db.session.scalar(select(func.count()).select_from(Mission)) or 0,
    }


def _participant_year(actor, rng, orgs, lots, communes, index: int, year: Year, awaiting: list[int]) -> None:
    """One person: her entry, maybe a placement with its follow-ups, exit and statements."""
    today, year_start = year.today, year.start
    # one person in eight was already in parcours when the year began
    early = index % 8 == 0
    entry = (
        year_start - timedelta(days=rng.randint(10, 60))
        if early
        else year_start + timedelta(days=rng.randint(0, 320))
    )
    participant, eligible = _person(actor, rng, orgs, communes, index, entry)
    every_modality_once = index < 2 * len(PLACEMENTS)  # each modality at least twice
    if rng.random() > 0.55 and not early and not every_modality_once:
        return  # in the CV library, not placed yet
    modality, employer_kind, contracts = PLACEMENTS[index % len(PLACEMENTS)]
    # people go where the hours are due: lots drawn in proportion to their obligation
    lot = rng.choices(lots, weights=[float(lot.obligation_hours or 1) for lot in lots])[0]
    employer_id = lot.attributaire_id if employer_kind is None else rng.choice(orgs[employer_kind]).id
    contract = rng.choice(contracts)
    start = max(entry + timedelta(days=rng.randint(5, 30)), year_start)
    if start >= today:
        return
    open_ended = contract in ("cdi", "cdi_chantier")
    end = None if open_ended else start + relativedelta(months=rng.choice([1, 1, 1, 2, 2, 3, 4]), days=-1)
    try:
        mission = parcours.place(
            actor,
            participant.id,
            employer_id,
            lot.id,
            modality,
            contract,
            start,
            Decimal(rng.choice([17.5, 20, 24, 28, 35])),
            end_date=end,
            trial_end_date=start + timedelta(days=13) if not open_ended else start + relativedelta(months=2),
            job_title=rng.choice(
                ["Ouvrier polyvalent", "Manœuvre", "Agent de propreté", "Aide-maçon", "Agent d'entretien"]
            ),
            override_reason=None if eligible else "Dérogation du facilitateur : justificatifs en cours",
        )
    except (ValidationError, DomainError):
        return
    _follow_ups_and_exit(actor, rng, mission, end, today)
    _statements(actor, rng, mission, year.last_month, awaiting)


def _follow_ups_and_exit(actor, rng, mission, end: date | None, today: date) -> None:
    for follow_up in parcours.follow_ups_of(mission.id):
        if follow_up.due_on < today and rng.random() < 0.8:
            parcours.record_follow_up(
                actor,
                follow_up,
                follow_up.due_on,
                rng.choice(["visite", "entretien_individuel", "entretien_tripartite"]),
                "Point d'étape sans difficulté particulière",
            )
    if end is None or end >= today:
        return
    parcours.record_exit(
        actor,
        mission,
        end,
        rng.choice(EXIT_MOTIFS),
    )
    if end + relativedelta(months=6) <= today:
        parcours.record_situation_6m(
            actor,
            mission,
            rng.choice(["cdi_non_aide", "cdd_moins_6_mois", "chomage"]),
            end + relativedelta(months=6),
        )
