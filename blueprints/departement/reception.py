"""The receiver of the reports that territories push over HTTP (a Département's own instance).

No session and no CSRF token: the report is authenticated by its signature (HMAC of the
membership's key). The answer is JSON: the receipt (201, or 200 for a report already received),
or the reason of the refusal with the fields at fault.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from saas.db import db
from saas.extensions import csrf
from saas.federation import api as federation
from tenants import api as tenants_api

bp = Blueprint("reception", __name__, url_prefix="/federation/v1")
#: a yearly report with the pieces of its posts (2 Mo each, in base64)
MAX_REPORT_BYTES = 64 * 1024 * 1024
csrf.exempt(bp)


@bp.route("/departements/<code>/rapports", methods=["POST"])
def receive(code: str):
    found = tenants_api.federation_by_code(code[:3])
    if found is None or found.code != code:
        return jsonify({"refus": f"Aucun Département « {code[:3]} » sur ce service."}), 404
    tenants_api.enter_federation(found.id, None)
    request.max_content_length = MAX_REPORT_BYTES  # a yearly report carries its pieces
    try:
        receipt = federation.receive(
            found.id,
            found.code,
            request.get_data(cache=False),
            request.headers.get(federation.KEY_HEADER, ""),
            request.headers.get(federation.SIGNATURE_HEADER, ""),
            "http",
        )
    except federation.Refused as refusal:
        db.session.rollback()
        return jsonify(refusal.body()), refusal.status
    db.session.commit()
    return jsonify(receipt), 200 if receipt["doublon"] else 201


@bp.route("/departements/<code>/lots")
def handed_lots(code: str):
    """The lots the Département handed to the territory that asks, signed and recent."""
    found = tenants_api.federation_by_code(code[:3])
    if found is None or found.code != code:
        return jsonify({"refus": f"Aucun Département « {code[:3]} » sur ce service."}), 404
    tenants_api.enter_federation(found.id, None)
    try:
        lots = federation.lots_request(
            found.id,
            found.code,
            request.args.get("territoire", "")[:63],
            request.headers.get(federation.KEY_HEADER, ""),
            request.headers.get(federation.SIGNATURE_HEADER, ""),
            request.headers.get(federation.DATE_HEADER, ""),
        )
    except federation.Refused as refusal:
        return jsonify(refusal.body()), refusal.status
    return jsonify({"lots": lots})
