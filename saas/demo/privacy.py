"""What the demo's admins find in « Données personnelles »: candidates whose last contact is more
than two years old (prescribed, never placed), whom the monthly run of the worker lists for
anonymisation (a simulation is asked of the worker as soon as they are loaded), and a person's
access request waiting for its answer (README, « Démonstration »)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from saas import clock
from saas.audit import api as audit
from saas.db import db
from saas.demo.year import FIRST_NAMES, LAST_NAMES
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.participants.models import Participant
from saas.privacy import requests, retention

#: candidates of each territory whose file is past its retention
OLD_CANDIDATES = 5


def _old_candidate(actor: audit.Actor, rng: random.Random, prescriber_id: int, months_ago: int) -> None:
    on = clock.today() - relativedelta(months=months_ago)
    person = participants.create(
        actor, rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES), birth_date=on - relativedelta(years=rng.randint(20, 55)),
        sex=rng.choice("FM"), phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00",
        projet_professionnel="Second œuvre du bâtiment",
    )  # fmt: skip
    participants.add_prescription(actor, person, prescriber_id, on, "Orientation vers les clauses sociales")
    # the file as it was then: created, and last seen, on the day of its prescription
    person.created_at = datetime.combine(on, time(9), UTC)
    person.last_contact_on = on


def fill(actor: audit.Actor, slug: str) -> dict[str, int]:
    rng = random.Random(f"privacy-{slug}")  # noqa: S311 - reproducible demo data, nothing secret
    prescriber = next(o for o in partenaires.list_all() if o.kind == "prescripteur")
    for index in range(OLD_CANDIDATES):
        _old_candidate(actor, rng, prescriber.id, 27 + 2 * index)
    current = db.session.scalars(select(Participant).order_by(Participant.id).limit(1)).first()
    if current is not None:  # the year's first person asked what the guichet holds on her
        requests.record(actor, current, "acces", clock.today() - timedelta(days=20))
    # the worker lists them now (the month's run may have gone before the territory was loaded)
    retention.request("simuler", actor)
    return {"dossiers_anciens": OLD_CANDIDATES}
