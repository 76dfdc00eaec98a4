"""A long bilan (more than a year) produced by a worker, its progress on the run's page."""

from __future__ import annotations

from datetime import date

from saas.audit import api as audit
from saas.bilans import api as bilans
from saas.jobs import api as runs
from workers.decorator import job


@job(bilans.PRODUCTION_KIND, queue="exports", retries=2, intervals=(10, 60))
def produce_bilan(
    run_id: int,
    kind: str,
    scope_kind: str,
    scope_key: str | None,
    start: str,
    end: str,
    user_id: int | None,
    email: str | None = None,
) -> dict:
    runs.report_progress_apart(run_id, 10, "Calcul des chiffres sur le registre…")
    period = bilans.Period.between(date.fromisoformat(start), date.fromisoformat(end))
    bilan = bilans.produce(kind, scope_kind, scope_key, period, audit.Actor(user_id=user_id, email=email))
    # committed with the run's end (runs.finish), or not at all
    return {"bilan_id": bilan.id}
