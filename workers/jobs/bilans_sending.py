"""The day's scheduled bilans of a tenant: each one due for the period just ended, sent once."""

from __future__ import annotations

from datetime import date

from saas.bilans import sending
from saas.db import db
from tenants import repository as tenants_repository
from tenants.context import require_tenant_id
from workers.decorator import job


@job(sending.DAILY_KIND, queue="default", retries=2, intervals=(60, 600))
def bilans_envois(run_id: int, day: str) -> dict:
    tenant = tenants_repository.tenant_by_id(require_tenant_id())
    assert tenant is not None, "a job runs in the scope of its tenant"
    result = sending.run_due(date.fromisoformat(day), tenant.slug, tenant.display_name)
    db.session.commit()
    return result
