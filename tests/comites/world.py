"""The world of the committee tests: a signed convention of the guichet and the Département with
its meeting obligations and their occurrences (``build_calendar``), and what a test reads back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from saas import clock
from saas.comites import api as comites
from saas.comites.models import Meeting
from saas.conventions.models import (
    Convention,
    ConventionParty,
    ConventionTerms,
    Obligation,
    Occurrence,
)
from saas.db import db
from saas.partenaires import api as partenaires
from tenants import context
from tests.fixtures import ACTOR

TODAY = clock.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@dataclass
class Calendar:
    """A signed convention of the guichet and the Département, with its meeting obligations."""

    convention_id: int
    guichet_id: int
    departement_id: int
    outsider_id: int
    #: the semiannual comité de suivi in force, and its occurrences by name.
    suivi_id: int
    occurrences: dict[str, int] = field(default_factory=dict)
    #: obligations that a comité de suivi must never mark.
    others: dict[str, int] = field(default_factory=dict)


def _added(model, **columns) -> int:
    """The id of a new row of ``model`` in the current tenant."""
    row = model(tenant_id=context.require_tenant_id(), **columns)
    db.session.add(row)
    db.session.flush()
    return row.id


def _obligation(convention_id: int, responsible_id: int, nature: str, category: str, label: str, **kw) -> int:
    kw.setdefault("cadence", "semiannual")
    columns = {"nature": nature, "category": category, "label": label, **kw}
    return _added(Obligation, convention_id=convention_id, responsible_id=responsible_id, **columns)


def _occurrence(obligation_id: int, convention_id: int, period_no: int, seq: int, due_on: date) -> int:
    ids = {"obligation_id": obligation_id, "convention_id": convention_id}
    return _added(Occurrence, **ids, period_no=period_no, seq=seq, due_on=due_on)


def _signed_convention(reference: str, guichet_id: int, departement_id: int) -> int:
    """A tacit convention signed 400 days ago between the guichet and the Département; its id."""
    tenant_id = context.require_tenant_id()
    convention = Convention(
        tenant_id=tenant_id,
        reference=reference,
        title="Accompagnement des bénéficiaires",
        kind="accompagnement",
        signed_on=days(-400),
        effective_on=days(-365),
    )
    db.session.add(convention)
    db.session.flush()
    db.session.add(
        ConventionTerms(
            tenant_id=tenant_id,
            convention_id=convention.id,
            number=0,
            signed_on=days(-400),
            effective_from=days(-365),
            object="Accompagnement des bénéficiaires des clauses",
            duration_kind="tacit",
        )
    )
    for organisation_id, role, is_guichet in (
        (guichet_id, "porteur", True),
        (departement_id, "departement", False),
    ):
        db.session.add(
            ConventionParty(
                tenant_id=tenant_id,
                convention_id=convention.id,
                organisation_id=organisation_id,
                role=role,
                is_guichet=is_guichet,
            )
        )
    return convention.id


def build_calendar(reference: str = "CONV-2025-01", suivi_dues=(-60, 120, 300)) -> Calendar:
    """Inside a tenant scope: the convention, its parties, a semiannual comité de suivi whose
    occurrences fall ``suivi_dues`` days from today, and obligations it must not touch."""
    guichet = partenaires.create(ACTOR, f"Guichet {reference}", "donneur_ordre")
    departement = partenaires.create(ACTOR, f"Département {reference}", "cofinanceur")
    outsider = partenaires.create(ACTOR, f"Préfecture {reference}", "etat")
    cid = _signed_convention(reference, guichet.id, departement.id)
    suivi = _obligation(cid, guichet.id, "meeting", "comite_suivi", "Comité de suivi semestriel")
    calendar = Calendar(cid, guichet.id, departement.id, outsider.id, suivi)
    for index, offset in enumerate(suivi_dues):
        calendar.occurrences[f"s{index + 1}"] = _occurrence(
            suivi, cid, 1 + index // 2, 1 + index % 2, days(offset)
        )
    # the same comité as signed, replaced by avenant 1: no longer in force
    replaced = _obligation(
        cid, guichet.id, "meeting", "comite_suivi", "Comité de suivi (initial)", until_terms=1
    )
    pilotage = _obligation(
        cid, departement.id, "meeting", "comite_pilotage", "Comité de pilotage", cadence="annual"
    )
    report = _obligation(cid, guichet.id, "deliverable", "bilan_annuel", "Bilan annuel", cadence="annual")
    for name, obligation_id in (("replaced", replaced), ("pilotage", pilotage), ("report", report)):
        calendar.others[name] = _occurrence(
            obligation_id, cid, 1, 1, days(suivi_dues[min(1, len(suivi_dues) - 1)])
        )
    db.session.flush()
    return calendar


def occurrence(occurrence_id: int) -> Occurrence:
    return db.session.get(Occurrence, (context.require_tenant_id(), occurrence_id))


def held(calendar: Calendar) -> dict[str, tuple[int | None, date | None]]:
    """``{name: (meeting_id, received_on)}`` of every occurrence of the calendar."""
    db.session.expire_all()
    names = {**calendar.occurrences, **calendar.others}
    return {name: (occurrence(i).meeting_id, occurrence(i).received_on) for name, i in names.items()}


def suivi(calendar: Calendar, meeting_on: date, **kwargs) -> Meeting:
    """A comité de suivi of the calendar's convention, the guichet and the Département invited."""
    return comites.plan_meeting(
        ACTOR,
        "comite_suivi",
        "Comité de suivi",
        meeting_on,
        convention_ids=[calendar.convention_id],
        invited_ids=[calendar.guichet_id, calendar.departement_id],
        **kwargs,
    )
