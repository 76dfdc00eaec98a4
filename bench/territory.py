"""One territory's frame: the tenant, its facilitateur, its organisations, dated hourly costs,
counting rules, marchés and lots (obligations computed by ``saas.marches.obligation``) and its
mutualisation agreements. The people and the hours come after (``bench.people``, ``bench.ledger``).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from bench.rows import Ids, Rows
from bench.shape import Period, Territory
from saas.demo.year import EXTRA_PARTNERS, LOT_OBJECTS, OBJECTS, PRESCRIBERS, SECTORS, _siret
from saas.heures import counting as arithmetic
from saas.heures.rules import DEFAULT_RULE
from saas.marches import obligation as obligations
from saas.marches.enums import ObligationMode, Rounding
from saas.partenaires.enums import BuyerKind

MODES = ("formula", "formula", "formula", "fixed", "per_amount", "percentage")
TRAINING_CAP = Decimal(35)


def stamp(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@dataclass
class LotInfo:
    id: int
    buyer: int
    attributaire: int
    start: date
    end: date
    obligation: Decimal


@dataclass
class Agreement:
    id: int
    valid_from: date
    valid_to: date | None
    weights: list[tuple[int, Decimal]]


@dataclass
class Place:
    """What the people and the hours of one territory refer to."""

    spec: Territory
    tenant_id: int
    user_id: int
    communes: list[str]
    orgs: dict[str, list[int]] = field(default_factory=dict)
    lots: list[LotInfo] = field(default_factory=list)
    #: rule id, the rule, in force from
    rules: list[tuple[int, arithmetic.Rule, datetime]] = field(default_factory=list)
    agreements: dict[int, list[Agreement]] = field(default_factory=dict)

    def rule_at(self, moment: datetime) -> tuple[int, arithmetic.Rule, int]:
        """The tenant's latest version at ``moment``: its id, the rule and its version."""
        version = max(v for v, (_, _, since) in enumerate(self.rules) if since <= moment)
        rule_id, rule, _ = self.rules[version]
        return rule_id, rule, version + 1

    def agreement_for(self, lot_id: int, month: date) -> Agreement | None:
        for agreement in self.agreements.get(lot_id, ()):
            if agreement.valid_from <= month and (agreement.valid_to is None or agreement.valid_to >= month):
                return agreement
        return None


def build(
    spec: Territory, period: Period, communes: list[str], ids: Ids, rows: Rows, password_hash: str, email: str
) -> Place:
    rng = random.Random(f"frame-{spec.slug}")  # noqa: S311 - reproducible data, nothing secret
    created = stamp(period.first_month - timedelta(days=30))
    tenant_id = ids("tenants")
    rows.add(
        "tenants",
        id=tenant_id,
        slug=spec.slug,
        name=spec.name,
        kind="agglomeration",
        siren=None,
        communes_insee=communes[:5],
        created_at=created,
    )
    user_id = ids("users")
    rows.add(
        "users",
        id=user_id,
        email=email,
        display_name=f"Facilitatrice {spec.name}",
        password_hash=password_hash,
        created_at=created,
    )
    rows.add(
        "tenant_memberships",
        tenant_id=tenant_id,
        id=ids("tenant_memberships"),
        user_id=user_id,
        role="facilitateur",
        organisation_id=None,
        created_at=created,
    )
    place = Place(spec, tenant_id, user_id, communes)
    _organisations(place, rng, ids, rows, created)
    _costs_and_rules(place, period, ids, rows)
    _marches(place, rng, period, ids, rows)
    _agreements(place, rng, period, ids, rows)
    return place


BUYER_KINDS = list(BuyerKind)


def _organisations(place: Place, rng: random.Random, ids: Ids, rows: Rows, created: datetime) -> None:
    scale = max(1, place.spec.participants // 500)
    plan = [(f"Donneur d'ordre {n + 1}", "donneur_ordre", None) for n in range(min(8, 2 + scale // 4))]
    plan += [(f"Entreprise du bâtiment {n + 1}", "entreprise", None) for n in range(min(40, 3 + scale))]
    plan += [
        (f"{name} {n + 1}", kind, None)
        for name, kind in EXTRA_PARTNERS
        for n in range(min(3, 1 + scale // 10))
    ]
    plan += [(name, "prescripteur", prescriber) for name, prescriber in PRESCRIBERS]
    sirets: set[str] = set()
    for name, kind, prescriber in plan:
        siret = None
        if kind not in ("donneur_ordre", "prescripteur", "geiq"):
            while (siret := _siret(rng)) in sirets:
                pass
            sirets.add(siret)
        org_id = ids("organisations")
        rows.add(
            "organisations",
            tenant_id=place.tenant_id,
            id=org_id,
            name=name,
            kind=kind,
            prescriber_kind=prescriber,
            # the buyers of a territory are of every kind in turn (the national collection counts them)
            buyer_kind=BUYER_KINDS[len(place.orgs.get(kind, ())) % len(BUYER_KINDS)]
            if kind == "donneur_ordre"
            else None,
            siret=siret,
            commune_insee=rng.choice(place.communes),
            created_at=created,
        )
        place.orgs.setdefault(kind, []).append(org_id)


def _costs_and_rules(place: Place, period: Period, ids: Ids, rows: Rows) -> None:
    for year in range(period.first_month.year - 2, period.today.year + 1):
        amount = Decimal("26.00") + Decimal("0.50") * (year - period.first_month.year)
        rows.add(
            "hourly_costs",
            tenant_id=place.tenant_id,
            id=ids("hourly_costs"),
            valid_from=date(year, 1, 1),
            amount=amount,
            note=f"Coût horaire {year}",
            created_at=stamp(date(year, 1, 1)),
        )
    second = stamp(period.first_month + relativedelta(years=5))
    for version, since, cap, note in (
        (1, stamp(period.first_month - relativedelta(years=1)), None, "Règles par défaut"),
        (2, second, TRAINING_CAP, "Heures de formation plafonnées à 35 h par mois"),
    ):
        values = {**DEFAULT_RULE, "training_cap_hours": cap}
        rule_id = ids("counting_rules")
        rows.add(
            "counting_rules",
            tenant_id=place.tenant_id,
            id=rule_id,
            marche_id=None,
            version=version,
            multipliers=json.dumps(values["multipliers"]),
            count_training=values["count_training"],
            training_cap_hours=cap,
            cdi_cap_hours=values["cdi_cap_hours"],
            require_eligibility=values["require_eligibility"],
            rounding_step=values["rounding_step"],
            rounding=values["rounding"],
            note=note,
            created_by=place.user_id,
            created_at=since,
            partial_eligibility=values["partial_eligibility"],
        )
        rule = arithmetic.Rule(
            multipliers={},
            count_training=values["count_training"],
            training_cap_hours=cap,
            cdi_cap_hours=None,
            require_eligibility=values["require_eligibility"],
            rounding_step=Decimal(values["rounding_step"]),
            rounding=values["rounding"],
            partial_eligibility=values["partial_eligibility"],
        )
        place.rules.append((rule_id, rule, since))


def _obligation(
    mode: str, amount: Decimal, rng: random.Random, cost_on: date, first_year: int
) -> tuple[dict, obligations.Obligation]:
    params: dict = {
        "labour_share": None,
        "insertion_rate": None,
        "fixed_hours": None,
        "hours_share": None,
        "per_amount_hours": None,
        "per_amount_base": None,
    }
    figures: dict[str, list[Decimal]] = {"hours_worked": [], "invoiced": []}
    cost = None
    if mode == "formula":
        params |= {
            "labour_share": Decimal("0.5"),
            "insertion_rate": Decimal(rng.choice(["0.05", "0.07", "0.1"])),
        }
        amount_cost = Decimal("26.00") + Decimal("0.50") * (cost_on.year - first_year)
        cost = obligations.choose_hourly_cost(None, None, (date(cost_on.year, 1, 1), amount_cost), cost_on)
    elif mode == "fixed":
        params["fixed_hours"] = Decimal(rng.randrange(400, 3000, 50))
    elif mode == "percentage":
        params["hours_share"] = Decimal("0.07")
        figures["hours_worked"] = [Decimal(rng.randrange(600, 2400, 10)) for _ in range(12)]
    else:
        params |= {"per_amount_hours": Decimal(1), "per_amount_base": Decimal(2000)}
        figures["invoiced"] = [Decimal(rng.randrange(20_000, 120_000, 1000)) for _ in range(12)]
    lot_params = obligations.LotParameters(
        mode=ObligationMode(mode), rounding=Rounding.nearest, amount_ht=amount, **params
    )
    return params | {"figures": figures}, obligations.compute(lot_params, cost, **figures)


def _marches(place: Place, rng: random.Random, period: Period, ids: Ids, rows: Rows) -> None:
    per_year = max(2, round(place.spec.participants / 600))
    buyers, companies = place.orgs["donneur_ordre"], place.orgs["entreprise"]
    for year in range(period.first_month.year - 1, period.today.year + 1):
        for index in range(per_year):
            start = date(year, 1, 1) + timedelta(days=rng.randint(0, 330))
            end = start + relativedelta(years=rng.choice([2, 2, 3]))
            notified = start - timedelta(days=30)
            amount = Decimal(rng.randrange(300_000, 8_000_000, 50_000))
            marche_id, buyer = ids("marches"), buyers[(year + index) % len(buyers)]
            rows.add(
                "marches",
                tenant_id=place.tenant_id,
                id=marche_id,
                donneur_ordre_id=buyer,
                reference=f"{year}-{index + 1:03d}",
                object=f"{rng.choice(OBJECTS)} — opération {index + 1}",
                # two marchés of a year in turn make one operation
                operation=f"Opération {year}-{index // 2 + 1}",
                sector=SECTORS[index % len(SECTORS)],
                procedure="appel_offres_ouvert" if amount > 2_000_000 else "procedure_adaptee",
                notification_date=notified,
                start_date=start,
                end_date=end,
                amount_ht=amount,
                anru=index == 0 and year % 3 == 0,
                execution_communes=place.communes[:2],
                considerations=["clause_execution"],
                created_at=stamp(notified),
            )
            _lots(
                place,
                rng,
                ids,
                rows,
                marche_id,
                buyer,
                companies,
                start,
                end,
                amount,
                period.first_month.year,
            )


def _lots(place, rng, ids, rows, marche_id, buyer, companies, start, end, amount, first_year) -> None:
    count = rng.randint(1, 3)
    for number in range(1, count + 1):
        mode = rng.choice(MODES)
        lot_amount = (amount / count).quantize(Decimal(1))
        params, result = _obligation(mode, lot_amount, rng, start - timedelta(days=30), first_year)
        lot_id, attributaire = ids("lots"), rng.choice(companies)
        rows.add(
            "lots",
            tenant_id=place.tenant_id,
            id=lot_id,
            marche_id=marche_id,
            number=str(number),
            object=LOT_OBJECTS[number % 4],
            amount_ht=lot_amount,
            attributaire_id=attributaire,
            obligation_mode=mode,
            fixed_hours=params["fixed_hours"],
            labour_share=params["labour_share"],
            insertion_rate=params["insertion_rate"],
            hours_share=params["hours_share"],
            per_amount_hours=params["per_amount_hours"],
            per_amount_base=params["per_amount_base"],
            rounding="nearest",
            obligation_hours=result.hours,
            obligation_inputs=json.dumps(result.inputs),
            created_at=stamp(start - timedelta(days=25)),
        )
        kind = "hours_worked" if mode == "percentage" else "invoiced_amount"
        for month, value in enumerate(params["figures"]["hours_worked"] or params["figures"]["invoiced"]):
            on = start + relativedelta(months=month, day=28)
            rows.add(
                "lot_figures",
                tenant_id=place.tenant_id,
                id=ids("lot_figures"),
                lot_id=lot_id,
                kind=kind,
                recorded_on=on,
                value=value,
                created_by=place.user_id,
                created_at=stamp(on),
            )
        place.lots.append(LotInfo(lot_id, buyer, attributaire, start, end, result.hours))


def _agreements(place: Place, rng: random.Random, period: Period, ids: Ids, rows: Rows) -> None:
    """One agreement every two years (pro rata of the obligations) between two lots of two buyers."""
    taken: set[int] = set()
    for year in range(period.first_month.year, period.today.year, 2 if place.spec.large else 5):
        starting = [
            lot for lot in place.lots if lot.start.year == year and lot.id not in taken and lot.obligation
        ]
        pair = next(((a, b) for a in starting for b in starting if a.buyer != b.buyer), None)
        if pair is None:
            continue
        valid_from = max(a.start for a in pair).replace(day=1)
        valid_to = min(a.end for a in pair)
        agreement = Agreement(
            ids("mutualisation_agreements"), valid_from, valid_to, [(lot.id, lot.obligation) for lot in pair]
        )
        rows.add(
            "mutualisation_agreements",
            tenant_id=place.tenant_id,
            id=agreement.id,
            name=f"Mutualisation des heures {year}",
            valid_from=valid_from,
            valid_to=valid_to,
            allocation_key="pro_rata",
            notes="Globalisation des heures (convention de coopération)",
            created_at=stamp(valid_from),
        )
        for lot in pair:
            rows.add(
                "mutualisation_members",
                tenant_id=place.tenant_id,
                id=ids("mutualisation_members"),
                agreement_id=agreement.id,
                lot_id=lot.id,
                share=None,
            )
            place.agreements.setdefault(lot.id, []).append(agreement)
            taken.add(lot.id)
