"""Each demo territory carries its seed convention (shared/seeds), entered exactly as written, with
dates placed around today so that its calendar, money and reminders have something to show.

- Saint-Dizier: seed 000 for the current calendar year (fixed term, 6 500 EUR at signature).
- Niortais: seed 002 signed fourteen months ago (annual, tacit renewal: renewed once).
- Rosny-sous-Bois: seed 003 notified twenty months ago (renewed once, twice at most), 0.8 FTE on
  the function, then an avenant at the renewal: the facilitator full time (1 FTE).
- Arles: seed 004 signed eight months ago (3 months' notice: the last day to object is close).

Past occurrences are mostly received on time, some late, some left late or missing; meetings are
held through the committees (with minutes and decisions); payments follow the deliverables; the
day's work (renewals, reminders into the mailbox) runs last.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from saas import clock
from saas.audit import api as audit
from saas.comites import api as comites
from saas.conventions import api as conventions
from saas.conventions import reminders, seeds
from saas.conventions.models import Obligation, Occurrence
from saas.db import db
from saas.partenaires.models import Organisation

DECISIONS = [
    "Transmettre le tableau de suivi actualisé des personnes en parcours",
    "Organiser une information collective sur les métiers du bâtiment",
    "Relancer les entreprises attributaires sur les heures de formation",
    "Présenter les profils validés de la CV thèque au prochain chantier",
]


class SignedMonthsAgo(NamedTuple):
    """A seed signed ``months_ago`` months before ``day`` of this month, the year of signature
    labelling its reference; ``parties``: the names of its organisations, in the seed's order."""

    seed: Callable[..., dict]
    day: int
    months_ago: int
    parties: tuple[str, ...]


SIGNED_MONTHS_AGO = {
    "niortais": SignedMonthsAgo(
        seeds.seed_002,
        day=15,
        months_ago=14,
        parties=(
            "Communauté d'Agglomération du Niortais",
            "Niort Insertion Emploi (AI)",
            "DDETS-PP des Deux-Sèvres",
        ),
    ),
    "arles-crau-camargue-montagnette": SignedMonthsAgo(
        seeds.seed_004,
        day=1,
        months_ago=8,
        parties=(
            "Communauté d'agglomération Arles Crau Camargue Montagnette",
            "Communauté de communes Vallée des Baux-Alpilles",
        ),
    ),
}


def _org(name: str) -> int:
    found = db.session.scalar(select(Organisation.id).where(Organisation.name == name))
    if found is None:
        raise LookupError(f"organisation de démonstration absente : {name}")
    return found


def _convention_for(slug: str, today: date):
    if slug == "saint-dizier":
        data = seeds.seed_000(
            _org("Communauté d'agglomération Saint-Dizier, Der & Blaise"),
            _org("GIP Mission Locale"),
            _org("Conseil régional Grand Est"),
            _org("Conseil départemental de la Haute-Marne"),
            today.year,
            date(today.year - 1, 12, 18),
        )
        return data, None
    if slug in SIGNED_MONTHS_AGO:
        spec = SIGNED_MONTHS_AGO[slug]
        signed = today.replace(day=spec.day) - relativedelta(months=spec.months_ago)
        return spec.seed(*map(_org, spec.parties), signed, str(signed.year)), None
    if slug == "rosny-sous-bois":
        notified = today.replace(day=1) - relativedelta(months=20)
        departement, ville = _org("Département de la Seine-Saint-Denis"), _org("Ville de Rosny-sous-Bois")
        data = seeds.seed_003(departement, ville, notified, "0.8", str(notified.year))
        renewal = notified + relativedelta(months=12)
        avenant = {
            "signed_on": renewal - timedelta(days=20),
            "effective_from": renewal,
            "summary": "Avenant n° 1 : le chargé de mission est affecté à temps plein à la fonction de "
            "facilitateur ; la subvention suit le temps de travail effectif (1 ETP).",
            "close": {"commitments": "current", "resources": "current"},
            "add": {
                "resources": [
                    {
                        "provider_id": ville,
                        "label": "Chargé de mission clauses d'insertion (facilitateur)",
                        "fte": "1",
                    }
                ],
                "commitments": [
                    {**data["commitments"][0], "posts_fte": "1"},
                ],
            },
        }
        return data, avenant
    return None, None


def _past_occurrences(convention_id: int, today: date):
    return db.session.execute(
        select(Occurrence, Obligation)
        .join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(
            Occurrence.convention_id == convention_id,
            Occurrence.due_on < today,
            Occurrence.received_on.is_(None),
        )
        .order_by(Occurrence.due_on, Occurrence.id)
    ).all()


def _parties(convention_id: int) -> list[int]:
    return [p.organisation_id for p in conventions.parties_of(convention_id)]


def fill(actor: audit.Actor, slug: str) -> dict[str, int]:
    """Enter the territory's seed convention and a plausible history; return counts."""
    today = clock.today()
    data, avenant = _convention_for(slug, today)
    if data is None:
        return {}
    rng = random.Random(f"{slug}-conventions")  # noqa: S311 - reproducible demo data
    convention = _signed_convention(actor, data, avenant)
    conventions.renew_due(actor, today)
    conventions.sync_occurrences(convention, today)
    parties = _parties(convention.id)
    counts = _past_obligations(actor, rng, convention.id, parties, today)
    counts["paiements"] = _payments(actor, rng, convention.id, today)
    _plan_next(actor, convention.id, parties, today)
    db.session.flush()
    result = reminders.run_daily(today)
    counts["rappels envoyés"] = result["rappels avant échéance"] + result["rappels de retard"]
    return counts


def _signed_convention(actor: audit.Actor, data: dict, avenant: dict | None):
    """The convention, its avenant (closing the terms it replaces) and its signed copy."""
    convention = conventions.create(actor, data)
    if avenant is not None:
        current = conventions.terms_in_force(convention, avenant["effective_from"] - timedelta(days=1))
        avenant["close"] = {
            "commitments": [c.id for c in current.commitments],
            "resources": [r.id for r in current.resources],
        }
        conventions.amend(actor, convention, avenant)
    conventions.add_document(
        actor,
        convention,
        "signed",
        f"Convention {convention.reference} signée",
        f"convention-{convention.reference}.pdf",
        "application/pdf",
        _pdf(f"Convention {convention.reference} - {convention.title}"),
    )
    return convention


def _past_obligations(actor, rng, convention_id: int, parties: list[int], today) -> dict[str, int]:
    """The past occurrences: most meetings held, most deliverables received (some late, some
    missing); an obligation after an event gets its event first."""
    counts = {"échéances reçues": 0, "réunions tenues": 0}
    for occurrence, obligation in _past_occurrences(convention_id, today):
        draw = rng.random()
        recent = (today - occurrence.due_on).days < 45
        if obligation.nature == "meeting":
            if draw < 0.8 or (recent and draw < 0.9):
                _hold(actor, rng, convention_id, obligation, occurrence, parties, today)
                counts["réunions tenues"] += 1
            continue
        if obligation.cadence == "after_event" and occurrence.event_on is None:
            conventions.record_event(
                actor,
                occurrence,
                occurrence.due_on - relativedelta(months=1) + timedelta(days=rng.randint(0, 12)),
            )
            if occurrence.due_on >= today:
                continue
        if draw < 0.78:
            received = occurrence.due_on - timedelta(days=rng.randint(0, 4))
        elif draw < 0.9:
            received = min(occurrence.due_on + timedelta(days=rng.randint(2, 20)), today)
        else:
            continue  # left late or missing
        conventions.record_receipt(actor, occurrence, received, None)
        counts["échéances reçues"] += 1
    return counts


def _payments(actor, rng, convention_id: int, today) -> int:
    """The instalments due paid some days after they became payable; the number paid."""
    paid = 0
    for instalment in conventions.instalments(today, convention_id):
        if instalment.status in ("payable", "late") and instalment.payable_since:
            paid_on = min(instalment.payable_since + timedelta(days=rng.randint(10, 28)), today)
            if instalment.status == "late" or paid_on < today:
                conventions.record_payment(
                    actor,
                    instalment.line,
                    instalment.period.number,
                    paid_on,
                    None,
                    f"Mandat {rng.randint(1000, 9999)}",
                )
                paid += 1
    return paid


def _hold(actor, rng, convention_id, obligation, occurrence, parties, today) -> None:
    held_on = min(occurrence.due_on - timedelta(days=rng.randint(0, 20)), today - timedelta(days=1))
    meeting = comites.plan_meeting(
        actor,
        obligation.category,
        None,
        held_on,
        place="Salle du conseil communautaire",
        convention_ids=[convention_id],
        invited_ids=parties,
        agenda="1. Point sur les personnes en parcours\n2. Marchés en cours et à venir\n3. Questions diverses",
    )
    present = [(organisation_id, None) for organisation_id in parties if rng.random() < 0.85] or [
        (parties[0], None)
    ]
    comites.hold_meeting(
        actor,
        meeting,
        "Tour de table des partenaires ; point sur les heures réalisées et les difficultés rencontrées.",
        present,
    )
    if rng.random() < 0.6:
        due = held_on + timedelta(days=rng.choice([15, 30, 45]))
        decision = comites.add_decision(actor, meeting, rng.choice(DECISIONS), rng.choice(parties), due)
        if due < today and rng.random() < 0.6:
            comites.close_decision(actor, decision, "done", min(due, today), None)


def _plan_next(actor, convention_id: int, parties: list[int], today: date) -> None:
    """The next proposed meeting of the convention, planned already."""
    for proposal in comites.proposals(today):
        if proposal.convention_id == convention_id and proposal.due_on and proposal.due_on >= today:
            comites.plan_meeting(
                actor,
                proposal.kind,
                None,
                proposal.due_on,
                convention_ids=[convention_id],
                invited_ids=parties,
                agenda="Ordre du jour à compléter",
            )
            return


def _pdf(title: str) -> bytes:
    """A minimal valid one-page PDF carrying the title (a stand-in for the signed scan)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 11 Tf 40 780 Td (" + text[:90] + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{index} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
