"""The participants of one territory over the ten years: identity, prescription, eligibility
(validated again when a later mission starts after it ended), CV profile, then their missions one
after another, each with its follow-up plan (``saas.parcours.plan``), its exit and its situation
six months on. Distributions follow the demo (``saas.demo.year``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from bench.rows import Ids, Rows
from bench.shape import MISSIONS_PER_PERSON, Period
from bench.territory import Place, stamp
from saas.demo.year import CRITERIA_SETS, FIRST_NAMES, LAST_NAMES, PLACEMENTS, ROME_BTP
from saas.parcours.plan import follow_up_plan

EXITS = (
    "cdi_non_aide",
    "cdd_6_mois_et_plus",
    "cdd_moins_6_mois",
    "interim",
    "formation_qualifiante",
    "chomage",
    "sans_nouvelle",
)
SITUATIONS = ("cdi_non_aide", "cdd_moins_6_mois", "chomage")
OPEN_ENDED = ("cdi", "cdi_chantier")
VALIDITY_MONTHS = 24  # saas.settings: eligibility_validity_months, from the validation
JOBS = ("Ouvrier polyvalent", "Manœuvre", "Agent de propreté", "Aide-maçon", "Agent d'entretien")


@dataclass
class Mission:
    id: int
    lot_id: int
    contract_type: str
    start_date: date
    end_date: date | None
    exit_date: date | None
    weekly_hours: Decimal
    #: the participant's eligibility windows: (valid_from, valid_until, validated_on)
    windows: list[tuple[date, date | None, date]] = field(default_factory=list)


def _lots_by_year(place: Place) -> dict[int, tuple[list, list[float]]]:
    by_year: dict[int, tuple[list, list[float]]] = {}
    for lot in place.lots:
        for year in range(lot.start.year, lot.end.year + 1):
            lots, weights = by_year.setdefault(year, ([], []))
            lots.append(lot)
            weights.append(float(lot.obligation or 1))
    return by_year


class People:
    def __init__(self, place: Place, period: Period, ids: Ids, rows: Rows, exit_categories: dict[str, str]):
        self.place, self.period, self.ids, self.rows = place, period, ids, rows
        self.exit_categories = exit_categories
        self.lots_by_year = _lots_by_year(place)
        self.rng = random.Random(f"people-{place.spec.slug}")  # noqa: S311 - reproducible data
        self.number = 0

    def person(self) -> list[Mission]:
        """One participant and their missions (none for one in five: in the CV library only)."""
        rng, period = self.rng, self.period
        span = (period.last_month - period.first_month).days
        entry = period.first_month + timedelta(days=rng.randint(-60, span))
        participant_id = self._participant(entry)
        windows: list[tuple[date, date | None, date]] = []
        if rng.random() > 0.04:  # a few are placed with an audited override instead
            windows.append(self._eligibility(participant_id, entry))
        if rng.random() < 0.8:
            return self._missions(participant_id, entry, windows)
        return []

    def _participant(self, entry: date) -> int:
        rng, tenant, user = self.rng, self.place.tenant_id, self.place.user_id
        self.number += 1
        participant_id = self.ids("participants")
        self.rows.add(
            "participants",
            tenant,
            participant_id,
            f"P-{entry.year}-{self.number:05d}",
            rng.choice(["niveau_1_2", "niveau_3", "niveau_3", "niveau_4", "niveau_5"]),
            rng.sample(
                ["mobilite", "logement", "sante", "garde_enfants", "langue", "numerique"], rng.randint(0, 2)
            ),
            rng.choice(
                ["Maçonnerie", "Conduite d'engins", "Métiers de la propreté", "Espaces verts", "Logistique"]
            ),
            min(entry + timedelta(days=rng.randint(0, 400)), self.period.today),
            stamp(entry, 9),
        )
        phone = "06 " + " ".join(str(rng.randint(10, 99)) for _ in range(4))
        self.rows.add(
            "participant_identities",
            tenant,
            self.ids("participant_identities"),
            participant_id,
            rng.choice(LAST_NAMES),
            rng.choice(FIRST_NAMES),
            date(entry.year - rng.randint(18, 58), rng.randint(1, 12), rng.randint(1, 28)),
            rng.choice("FM"),
            phone,
            rng.choice(self.place.communes),
        )
        prescribed = entry - timedelta(days=rng.randint(3, 40))
        self.rows.add(
            "prescriptions",
            tenant,
            self.ids("prescriptions"),
            participant_id,
            rng.choice(self.place.orgs["prescripteur"]),
            prescribed,
            prescribed + relativedelta(months=2) - timedelta(days=1),
            "Orientation clause sociale",
            user,
            stamp(prescribed),
        )
        if rng.random() < 0.45:
            self._profile(participant_id, entry)
        return participant_id

    def _profile(self, participant_id: int, entry: date) -> None:
        """A CV profile, most of them validated (and so in the CV library)."""
        rng, user = self.rng, self.place.user_id
        validated = stamp(entry, 15) if rng.random() < 0.8 else None
        self.rows.add(
            "cv_profiles",
            self.place.tenant_id,
            self.ids("cv_profiles"),
            participant_id,
            rng.sample(ROME_BTP, rng.randint(1, 2)),
            "Travail en équipe, respect des consignes de sécurité",
            entry,
            rng.sample(["permis_b", "transports_commun", "velo"], 1),
            rng.choice([10, 20, 30]),
            validated,
            user if validated else None,
            True,
            stamp(entry, 15),
        )

    def _eligibility(self, participant_id: int, validated_on: date) -> tuple[date, date | None, date]:
        tenant = self.place.tenant_id
        valid_until = validated_on + relativedelta(months=VALIDITY_MONTHS) - timedelta(days=1)
        eligibility_id = self.ids("eligibilities")
        self.rows.add(
            "eligibilities",
            tenant,
            eligibility_id,
            participant_id,
            validated_on,
            self.place.user_id,
            "validation",
            VALIDITY_MONTHS,
            validated_on,
            valid_until,
            stamp(validated_on, 11),
        )
        for code, proof in self.rng.choice(CRITERIA_SETS):
            self.rows.add(
                "eligibility_criteria", tenant, self.ids("eligibility_criteria"), eligibility_id, code, proof
            )
        return validated_on, valid_until, validated_on

    def _missions(self, participant_id: int, entry: date, windows: list) -> list[Mission]:
        missions: list[Mission] = []
        start = entry + timedelta(days=self.rng.randint(5, 30))
        for _ in range(self.rng.choice(MISSIONS_PER_PERSON)):
            if start > self.period.last_month + relativedelta(months=1, days=-1):
                break
            if windows and windows[-1][1] is not None and windows[-1][1] < start:
                # validated again as the next mission begins, at times a few days into it
                on = min(start + timedelta(days=self.rng.choice([-20, -10, -5, 0, 3, 9])), self.period.today)
                windows.append(self._eligibility(participant_id, on))
            mission = self._mission(participant_id, start, list(windows))
            missions.append(mission)
            last = mission.exit_date or mission.end_date
            if last is None:
                break
            start = last + timedelta(days=self.rng.randint(1, 90))
        return missions

    def _lot(self, start: date):
        lots, weights = self.lots_by_year.get(start.year) or self.lots_by_year[max(self.lots_by_year)]
        return self.rng.choices(lots, weights=weights)[0]

    def _mission(self, participant_id: int, start: date, windows: list) -> Mission:
        rng, place, period = self.rng, self.place, self.period
        modality, employer_kind, contracts = rng.choice(PLACEMENTS)
        lot = self._lot(start)
        employer = lot.attributaire if employer_kind is None else rng.choice(place.orgs[employer_kind])
        contract = rng.choice(contracts)
        months = rng.choice(place.spec.months)
        open_ended = contract in OPEN_ENDED
        end = None if open_ended else start + relativedelta(months=months, days=-1)
        trial = start + (relativedelta(months=2) if open_ended else timedelta(days=13))
        exit_date = end if end is not None and end < period.today else None
        if open_ended and rng.random() < 0.7:  # most open-ended contracts end too, the person leaving
            leaves = start + relativedelta(months=months * 2, days=-1)
            exit_date = leaves if leaves < period.today else None
        eligible = any(lo <= start and (hi is None or start <= hi) for lo, hi, _ in windows)
        mission = Mission(
            self.ids("missions"),
            lot.id,
            contract,
            start,
            end,
            exit_date,
            Decimal(rng.choice([17.5, 20, 24, 28, 35])),
            windows,
        )
        motif = rng.choice(EXITS) if exit_date else None
        situation = (
            rng.choice(SITUATIONS)
            if exit_date and exit_date + relativedelta(months=6) <= period.today
            else None
        )
        self.rows.add(
            "missions",
            place.tenant_id,
            mission.id,
            participant_id,
            employer,
            lot.id,
            modality,
            contract,
            start,
            end,
            trial,
            mission.weekly_hours,
            rng.choice(JOBS),
            not eligible,
            None if eligible else "Dérogation du facilitateur : justificatifs en cours",
            None if eligible else place.user_id,
            exit_date,
            motif,
            self.exit_categories[motif] if motif else None,
            situation,
            exit_date + relativedelta(months=6) if situation else None,
            self.exit_categories[situation] == "emploi_durable" if situation else None,
            place.user_id,
            stamp(start - timedelta(days=3)),
        )
        self._follow_ups(mission, trial)
        return mission

    def _follow_ups(self, mission: Mission, trial: date) -> None:
        rng, place = self.rng, self.place
        last = mission.exit_date or self.period.today
        for step, due in follow_up_plan(mission.start_date, mission.end_date, trial):
            done = due < self.period.today and due <= last and rng.random() < 0.8
            self.rows.add(
                "follow_ups",
                place.tenant_id,
                self.ids("follow_ups"),
                mission.id,
                step.value,
                due,
                due if done else None,
                rng.choice(["visite", "entretien_individuel", "entretien_tripartite"]) if done else None,
                "Point d'étape sans difficulté particulière" if done else None,
                place.user_id if done else None,
                stamp(due, 17) if done else None,
            )
