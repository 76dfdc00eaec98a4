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
from saas.demo.year import CRITERIA_SETS, EXIT_MOTIFS, FIRST_NAMES, LAST_NAMES, PLACEMENTS, ROME_BTP
from saas.parcours.plan import follow_up_plan

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
            tenant_id=tenant,
            id=participant_id,
            reference=f"P-{entry.year}-{self.number:05d}",
            qualification_level=rng.choice(["niveau_1_2", "niveau_3", "niveau_3", "niveau_4", "niveau_5"]),
            freins=rng.sample(
                ["mobilite", "logement", "sante", "garde_enfants", "langue", "numerique"], rng.randint(0, 2)
            ),
            projet_professionnel=rng.choice(
                ["Maçonnerie", "Conduite d'engins", "Métiers de la propreté", "Espaces verts", "Logistique"]
            ),
            last_contact_on=min(entry + timedelta(days=rng.randint(0, 400)), self.period.today),
            created_at=stamp(entry, 9),
        )
        phone = "06 " + " ".join(str(rng.randint(10, 99)) for _ in range(4))
        self.rows.add(
            "participant_identities",
            tenant_id=tenant,
            id=self.ids("participant_identities"),
            participant_id=participant_id,
            last_name=rng.choice(LAST_NAMES),
            first_name=rng.choice(FIRST_NAMES),
            birth_date=date(entry.year - rng.randint(18, 58), rng.randint(1, 12), rng.randint(1, 28)),
            sex=rng.choice("FM"),
            phone=phone,
            commune_insee=rng.choice(self.place.communes),
        )
        prescribed = entry - timedelta(days=rng.randint(3, 40))
        self.rows.add(
            "prescriptions",
            tenant_id=tenant,
            id=self.ids("prescriptions"),
            participant_id=participant_id,
            prescripteur_id=rng.choice(self.place.orgs["prescripteur"]),
            prescribed_on=prescribed,
            valid_until=prescribed + relativedelta(months=2) - timedelta(days=1),
            content="Orientation clause sociale",
            created_by=user,
            created_at=stamp(prescribed),
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
            tenant_id=self.place.tenant_id,
            id=self.ids("cv_profiles"),
            participant_id=participant_id,
            rome_codes=rng.sample(ROME_BTP, rng.randint(1, 2)),
            skills="Travail en équipe, respect des consignes de sécurité",
            available_from=entry,
            mobility=rng.sample(["permis_b", "transports_commun", "velo"], 1),
            mobility_radius_km=rng.choice([10, 20, 30]),
            validated_at=validated,
            validated_by=user if validated else None,
            published=True,
            updated_at=stamp(entry, 15),
        )

    def _eligibility(self, participant_id: int, validated_on: date) -> tuple[date, date | None, date]:
        tenant = self.place.tenant_id
        valid_until = validated_on + relativedelta(months=VALIDITY_MONTHS) - timedelta(days=1)
        eligibility_id = self.ids("eligibilities")
        self.rows.add(
            "eligibilities",
            tenant_id=tenant,
            id=eligibility_id,
            participant_id=participant_id,
            validated_on=validated_on,
            validated_by=self.place.user_id,
            anchor="validation",
            validity_months=VALIDITY_MONTHS,
            valid_from=validated_on,
            valid_until=valid_until,
            created_at=stamp(validated_on, 11),
        )
        for code, proof in self.rng.choice(CRITERIA_SETS):
            self.rows.add(
                "eligibility_criteria",
                tenant_id=tenant,
                id=self.ids("eligibility_criteria"),
                eligibility_id=eligibility_id,
                criterion_code=code,
                proof_type=proof,
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
        motif = rng.choice(EXIT_MOTIFS) if exit_date else None
        situation = (
            rng.choice(SITUATIONS)
            if exit_date and exit_date + relativedelta(months=6) <= period.today
            else None
        )
        self.rows.add(
            "missions",
            tenant_id=place.tenant_id,
            id=mission.id,
            participant_id=participant_id,
            employer_id=employer,
            lot_id=lot.id,
            modality=modality,
            contract_type=contract,
            start_date=start,
            end_date=end,
            trial_end_date=trial,
            weekly_hours=mission.weekly_hours,
            job_title=rng.choice(JOBS),
            eligibility_override=not eligible,
            override_reason=None if eligible else "Dérogation du facilitateur : justificatifs en cours",
            override_by=None if eligible else place.user_id,
            exit_date=exit_date,
            exit_motif=motif,
            exit_category=self.exit_categories[motif] if motif else None,
            situation_6m_motif=situation,
            situation_6m_on=exit_date + relativedelta(months=6) if situation else None,
            durable_confirmed=self.exit_categories[situation] == "emploi_durable" if situation else None,
            created_by=place.user_id,
            created_at=stamp(start - timedelta(days=3)),
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
                tenant_id=place.tenant_id,
                id=self.ids("follow_ups"),
                mission_id=mission.id,
                step=step.value,
                due_on=due,
                done_on=due if done else None,
                kind=rng.choice(["visite", "entretien_individuel", "entretien_tripartite"]) if done else None,
                notes="Point d'étape sans difficulté particulière" if done else None,
                done_by=place.user_id if done else None,
                recorded_at=stamp(due, 17) if done else None,
            )
