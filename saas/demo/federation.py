"""The demo's Département (Seine-Saint-Denis): people who worked in two of its territories, and
the reports its member territories push through the worker; its own marchés, handed by commune;
its members' facilitator posts and their pieces; a network meeting.

A dozen people of the first member territory also worked in the second (their identities are the
same there), so the console counts them once across territories. Each member prepares the reports
of the twelve months before this one and of last year; the worker pushes them (the outbox sends
them again later if Redis or the worker is down). Run again, it makes no new version: nothing
changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, text

from saas import clock
from saas.audit import api as audit
from saas.db import db
from saas.federation import console, funding, handover, outbox
from saas.federation.models import DeliverableKind
from saas.participants.models import Identity
from tenants import api as tenants_api
from tenants import context

#: the people of the first member who also worked in the second
SHARED = 12
MONTHS = 12


def _identities(limit: int) -> list[Identity]:
    query = select(Identity).where(Identity.birth_date.is_not(None)).order_by(Identity.participant_id)
    return list(db.session.scalars(query.limit(limit)))


@contextmanager
def _in(slug: str) -> Iterator[None]:
    """The territory's scope, in the transaction begun too; its work is committed by the caller."""
    tenant = tenants_api.tenant_by_slug(slug)
    assert tenant is not None, "the demo territories are loaded first"
    with context.scoped(tenant.id):
        tenants_api.enter_tenant(tenant.id, None)
        yield


def _share_people(first: str, second: str) -> None:
    with _in(first):
        people = [(i.last_name, i.first_name, i.birth_date) for i in _identities(SHARED)]
        db.session.commit()
    with _in(second):
        for identity, (last_name, first_name, birth_date) in zip(_identities(SHARED), people, strict=False):
            identity.last_name, identity.first_name, identity.birth_date = last_name, first_name, birth_date
        db.session.commit()


def _periods(today: date) -> list[tuple[str, date]]:
    months = [("mois", today.replace(day=1) - relativedelta(months=back)) for back in range(1, MONTHS + 1)]
    return [*months, ("annee", date(today.year - 1, 1, 1))]


#: the Département's marchés of the demo: (reference, object, lots: (number, object, hours, communes))
MARCHES = [
    (
        "CD93-2026-014",
        "Reconstruction du collège Jean-Moulin et de ses abords",
        [
            ("1", "Gros œuvre (Montreuil)", "4200", "93048"),
            ("2", "Voirie et réseaux (Rosny-sous-Bois)", "900", "93064"),
            ("3", "Espaces verts (Saint-Denis)", "350", "93066"),
            ("4", "Clôtures (Villepinte)", "120", "93078"),
        ],
    ),
]
#: the posts of the demo's members: (title, FTE, pieces of last year)
POSTS = {
    "rosny-sous-bois": ("Chargée de mission clauses d'insertion", "1", tuple(DeliverableKind)),
    "est-ensemble": (
        "Facilitatrice clauses sociales",
        "0.8",
        (DeliverableKind.fiche_poste, DeliverableKind.bilan_activite),
    ),
    "plaine-commune": ("Facilitateur clauses du PLIE", "0.5", (DeliverableKind.fiche_poste,)),
}
#: the smallest file the type sniffer reads as a PDF: the demo's pieces
PIECE = b"%PDF-1.4\n%%EOF\n"


def _department_side(federation_id: int) -> None:
    """The Département's marchés and a network meeting, once (a marché that exists is left alone)."""
    db.session.remove()
    with context.scoped(None, federation_id=federation_id):
        if not handover.marches_of(federation_id):
            for reference, object_, lots in MARCHES:
                marche = handover.create_marche(
                    federation_id, reference, object_, date(clock.today().year, 1, 1), None
                )
                for number, lot_object, hours, communes in lots:
                    handover.add_lot(marche, number, lot_object, hours, communes)
            members = console.members(federation_id)
            held = clock.today().replace(day=1) - relativedelta(months=2)
            funding.add_meeting(
                federation_id,
                members,
                held,
                "operationnelle",
                "Clauses des collèges : bilan du semestre",
                [m.slug for m in members],
            )
        db.session.commit()
        db.session.remove()


def _post(slug: str, federation_id: int, actor: audit.Actor) -> None:
    if slug not in POSTS or funding.posts(federation_id):
        return
    title, fte, pieces = POSTS[slug]
    post = funding.add_post(actor, federation_id, title, fte, date(clock.today().year - 2, 1, 1), None)
    for kind in pieces:
        funding.add_piece(actor, post, clock.today().year - 1, kind.value, f"{kind.value}.pdf", PIECE)


def _reports(slug: str, actor: audit.Actor) -> int:
    made = 0
    with _in(slug):
        for member in outbox.memberships():
            _post(slug, member.federation_id, actor)
            outbox.pull_lots(member, actor)
            db.session.commit()
            for kind, start in _periods(clock.today()):
                made += outbox.prepare(member, kind, start, actor) is not None
                db.session.commit()  # each push is enqueued at its commit
    return made


def fill(actor: audit.Actor, members: list[tuple[str, list[str]]]) -> int:
    """Share people between the first two territories of the demo's federation, then prepare every
    member's reports; how many versions were made."""
    federated = [slug for slug, codes in members if codes]
    if len(federated) >= 2:
        _share_people(federated[0], federated[1])
    for code in sorted({code for _slug, codes in members for code in codes}):
        federation_id = db.session.execute(
            text("SELECT id FROM federations WHERE code = :c"), {"c": code}
        ).scalar()
        if federation_id is not None:
            _department_side(federation_id)
    return sum(_reports(slug, actor) for slug in federated)
