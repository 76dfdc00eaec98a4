"""The step of ``tests/factories.py`` for the personal data duty: a person's request and a
simulation of the retention job waiting for the admin."""

from __future__ import annotations

from saas import clock
from saas.participants import api as participants
from saas.privacy import requests, retention
from saas.privacy.models import RunTrigger
from tests.world import ACTOR, World


def _privacy(world: World, made: dict, letter: str) -> None:
    participant = participants.get(world.ids["participant_id"])
    request = requests.record(ACTOR, participant, "acces", clock.today())
    run = retention.simulate(ACTOR, RunTrigger.administrateur)
    world.ids.update(privacy_request_id=request.id, retention_run_id=run.id)
