"""The retention job of a tenant: the monthly run, a simulation asked for, a simulation confirmed."""

from __future__ import annotations

from saas.audit import api as audit
from saas.privacy import retention
from workers.decorator import job


@job(retention.JOB_KIND, queue="default", retries=2, intervals=(60, 600))
def privacy_retention(
    run_id: int,
    action: str,
    month: str | None = None,
    proposal_id: int | None = None,
    email: str | None = None,
    user_id: int | None = None,
) -> dict:
    actor = audit.Actor(user_id=user_id, email=email or "conservation automatique")
    done = retention.perform(action, proposal_id, actor)
    # committed with the run's end (runs.finish), or not at all
    return {"retention_run_id": done.id, "counts": done.counts}
