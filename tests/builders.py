"""Builders for the clause execution core: a tenant with buyers, lots, a participant and missions.

Plain functions over the domain apis (the same calls the pages make), so that a test states its
own numbers. They run inside ``context.scoped(tenant_id)`` and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from saas.accounts import memberships
from saas.db import db
from saas.marches.models import Lot, Marche
from saas.parcours import api as parcours
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from tenants import api as tenants_api
from tenants import context
from tests.fixtures import ACTOR, make_user

SIRETS = ["73282932000074", "55208131766522", "41234567000019", "38012986643097"]


@dataclass
class ClauseWorld:
    tenant_id: int
    actor_user_id: int
    buyers: list[int] = field(default_factory=list)
    lots: list[int] = field(default_factory=list)
    marches: list[int] = field(default_factory=list)
    employer_id: int = 0
    participants: list[int] = field(default_factory=list)
    missions: list[int] = field(default_factory=list)


def new_tenant(slug: str = "clauses") -> int:
    with context.scoped(platform=True):
        tenant = memberships.create_tenant(ACTOR, slug, f"Territoire {slug}", "agglomeration")
        db.session.commit()
        return tenant.id


def add_lot(buyer_id: int, reference: str, obligation: Decimal, attributaire_id: int) -> tuple[int, int]:
    """A marché with one lot of ``obligation`` fixed hours (the obligation modes are tested apart)."""
    tenant_id = context.require_tenant_id()
    marche = Marche(
        tenant_id=tenant_id,
        donneur_ordre_id=buyer_id,
        reference=reference,
        object=f"Travaux {reference}",
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
        execution_communes=[],
        considerations=["clause_execution"],
    )
    db.session.add(marche)
    db.session.flush()
    lot = Lot(
        tenant_id=tenant_id,
        marche_id=marche.id,
        number="1",
        object="Gros œuvre",
        attributaire_id=attributaire_id,
        obligation_mode="fixed",
        fixed_hours=obligation,
        obligation_hours=obligation,
        obligation_inputs={"mode": "fixed"},
        rounding="nearest",
    )
    db.session.add(lot)
    db.session.flush()
    return marche.id, lot.id


def eligible_participant(name: str, validated_on: date = date(2025, 1, 2)) -> int:
    participant = participants.create(ACTOR, name, "Camille", birth_date=date(1990, 5, 4), sex="F")
    participants.validate_eligibility(
        ACTOR, participant, [("beneficiaire_rsa", "attestation_caf")], validated_on
    )
    return participant.id


def clause_world(slug: str = "clauses", obligations=(Decimal(1000), Decimal(3000))) -> ClauseWorld:
    tenant_id = new_tenant(slug)
    with context.scoped(tenant_id):
        tenants_api.enter_tenant(tenant_id, None)
        user = make_user(f"facil-{slug}@exemple.fr", "Facilitatrice")
        world = ClauseWorld(tenant_id, user.id)
        employer = partenaires.create(ACTOR, "Bâtisseurs SA", "entreprise", SIRETS[0])
        world.employer_id = employer.id
        for index, obligation in enumerate(obligations):
            buyer = partenaires.create(ACTOR, f"Donneur {index}", "donneur_ordre")
            marche_id, lot_id = add_lot(buyer.id, f"M-{index}", obligation, employer.id)
            world.buyers.append(buyer.id)
            world.marches.append(marche_id)
            world.lots.append(lot_id)
        db.session.commit()
    return world


def place(world: ClauseWorld, participant_id: int, lot_id: int, contract: str = "cdd", **kwargs) -> int:
    values = {
        "modality": "embauche_directe",
        "start_date": date(2025, 1, 6),
        "end_date": date(2025, 12, 31) if contract != "cdi" else None,
        "weekly_hours": Decimal(35),
        **kwargs,
    }
    mission = parcours.place(
        ACTOR, participant_id, world.employer_id, lot_id, contract_type=contract, **values
    )
    return mission.id


def built_world(app, slug: str = "clauses", **kwargs) -> ClauseWorld:
    """:func:`clause_world` in an application context of its own, committed."""
    with app.app_context():
        world = clause_world(slug, **kwargs)
        db.session.remove()
    return world


@contextmanager
def in_world(app, world: ClauseWorld) -> Iterator[ClauseWorld]:
    """The block runs in the tenant of ``world``, as its facilitateur; what it leaves uncommitted is
    rolled back."""
    with app.app_context(), context.scoped(world.tenant_id):
        tenants_api.enter_tenant(world.tenant_id, world.actor_user_id)
        yield world
        db.session.rollback()
        db.session.remove()


def in_scope(app, world, action):
    """Run ``action()`` in ``world``'s tenant and commit; ``action`` returns plain values."""
    with app.app_context(), context.scoped(world.tenant_id):
        tenants_api.enter_tenant(world.tenant_id, None)
        result = action()
        db.session.commit()
        db.session.remove()
    return result


def seed_audit_rows(engine, tenant_id: int, count: int, label: str) -> None:
    """``count`` audit rows of the tenant, written as superuser (fast), their targets
    ``<label>-1`` to ``<label>-<count>``: an export must give each back exactly once."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (tenant_id, action, actor_email, target_type, target_id, details) "
                "SELECT :t, 'organisation.created', :email, 'organisation', :label || '-' || g, "
                "jsonb_build_object('rang', g) FROM generate_series(1, :n) AS g"
            ),
            {"t": tenant_id, "n": count, "label": label, "email": f"{label}@exemple.fr"},
        )


def audit_rows(engine, action: str, target_id: object = None, platform: bool = False) -> list:
    """The audit rows of ``action`` (on ``target_id`` when given) in the order written, read as
    superuser: every tenant's, or with ``platform`` the platform's (``tenant_id`` NULL)."""
    on_target = "" if target_id is None else " AND target_id = :target"
    log = "NULL AS tenant_id, actor_email, ip_address, target_id, details FROM platform_audit_log"
    if not platform:
        log = "tenant_id, actor_email, ip_address, target_id, details FROM audit_log"
    with engine.connect() as conn:
        return conn.execute(
            text(f"SELECT {log} WHERE action = :action{on_target} ORDER BY id"),
            {"action": action, "target": None if target_id is None else str(target_id)},
        ).all()


def monthly_deliverable(world, category: str, day_of_month: int, label: str) -> dict:
    """An obligation of a convention: the SIAE (``organisation_id``) sends the Ville
    (``donneur_ordre_id``) a deliverable each month, on ``day_of_month``."""
    return {
        "responsible_id": world.ids["organisation_id"],
        "recipient_id": world.ids["donneur_ordre_id"],
        "nature": "deliverable",
        "category": category,
        "cadence": "monthly",
        "day_of_month": day_of_month,
        "label": label,
    }
