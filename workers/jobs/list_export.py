"""Export of a list of the workspace or of the admin console, too large to answer at once.

The page recorded the request that asked for it (its path and query string) and who asked; the
run replays that request here, as that user: the same view, the same filters, sorts and access
checks (a user who lost access since gets nothing), and the view writes its file to the run
(``blueprints.listing.send_table``) instead of sending it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, g

from saas.accounts import api as accounts
from tenants import api as tenants_api
from tenants import context
from workers.decorator import job


class ReplayRefused(RuntimeError):
    """The replayed request did not reach its export (no access any more, another territory)."""


@dataclass
class Replayed:
    answer: Any  # what the view returned (a response, or what a before_request answered)
    tenant_id: int | None  # the territory the request resolved to
    result: dict | None  # what the view wrote to the run (``g.export_result``)


def replay(path: str, args: dict, user, run_id: int | None) -> Replayed:
    """Run the request ``path?args`` as ``user`` (``run_id``: the run its export is written to; None
    to have the file answered) and restore the caller's scope afterwards."""
    scope_before = context.current()
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug's proxy
    try:
        with app.test_request_context(path, query_string=args, headers={"User-Agent": "export"}):
            g._login_user = user
            g.replayed = True
            g.export_run_id = run_id
            answer = app.preprocess_request() or app.dispatch_request()
            tenant = g.get("tenant")
            return Replayed(answer, tenant.id if tenant else None, g.get("export_result"))
    finally:
        context.reset()  # the request's end emptied the scope already, unless it failed first
        context.set_scope(scope_before)
        if scope_before.tenant_id is not None:
            tenants_api.enter_tenant(scope_before.tenant_id, scope_before.user_id)


@job("list_export", queue="exports", retries=2, intervals=(10, 60))
def export_list(run_id: int, path: str, args: dict, user_id: int) -> dict:
    user = accounts.acting_for_run(user_id, run_id)
    if user is None:
        raise ReplayRefused("le compte qui a demandé l'export n'existe plus ou est désactivé")
    replayed = replay(path, args, user, run_id)
    if replayed.tenant_id != context.require_tenant_id() or replayed.result is None:
        answer = replayed.answer
        raise ReplayRefused(
            f"la page n'a pas produit de fichier ({getattr(answer, 'status', answer)} {getattr(answer, 'location', '')})"
        )
    return replayed.result
