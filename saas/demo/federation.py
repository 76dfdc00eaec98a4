"""The demo's Département (Seine-Saint-Denis): people who worked in two of its territories, and
the reports its member territories push through the worker.

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
from sqlalchemy import select

from saas import clock
from saas.audit import api as audit
from saas.db import db
from saas.federation import outbox
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


def _reports(slug: str, actor: audit.Actor) -> int:
    made = 0
    with _in(slug):
        for member in outbox.memberships():
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
    return sum(_reports(slug, actor) for slug in federated)
