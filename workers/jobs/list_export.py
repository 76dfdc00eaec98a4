"""Export of a list of the workspace or of the admin console, too large to answer at once.

The page recorded the request that asked for it (its path and query string) and who asked; the
run replays that request here, as that user: the same view, the same filters, sorts and access
checks (a user who lost access since gets nothing), and the view writes its file to the run
(``blueprints.listing.send_table``) instead of sending it.
"""

from __future__ import annotations

from flask import current_app, g

from saas.accounts import api as accounts
from tenants import api as tenants_api
from tenants import context
from workers.decorator import job


class ReplayRefused(RuntimeError):
    """The replayed request did not reach its export (no access any more, another territory)."""


@job("list_export", queue="exports", retries=2, intervals=(10, 60))
def export_list(run_id: int, path: str, args: dict, user_id: int) -> dict:
    tenant_id = context.require_tenant_id()
    user = accounts.acting_for_run(user_id, run_id)
    if user is None:
        raise ReplayRefused("le compte qui a demandé l'export n'existe plus ou est désactivé")
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug's proxy
    try:
        with app.test_request_context(path, query_string=args, headers={"User-Agent": "export"}):
            g._login_user = user
            g.export_run_id = run_id
            answer = app.preprocess_request() or app.dispatch_request()
            tenant = g.get("tenant")
            result = g.get("export_result")
    finally:
        tenants_api.enter_tenant(tenant_id, None)  # the request's end emptied the scope
    if tenant is None or tenant.id != tenant_id or result is None:
        raise ReplayRefused(f"la page n'a pas produit de fichier ({getattr(answer, 'status', answer)} {getattr(answer, 'location', '')})")
    return result
