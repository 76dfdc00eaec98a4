"""The receiver of the reports, on the Département's side: the same for a report from this service
(local transport) and from another instance (HTTP).

It checks, in this order: the federation, the membership of the territory, the signature (a live
key of the membership), the format (``schemas.ReportSchema``); then stores the report once per
(territory, period, version). The same report received again is not stored twice: its receipt says
so. A version received with other content is refused (a report never changes silently). A refusal
says why, the sender records it.

Runs in the scope of the federation (``app.federation_id``): ``received_reports`` lets nothing
else be written or read.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field

import marshmallow
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from saas.db import db
from saas.federation import building, handover, keys, members
from saas.federation.models import ReceivedReport
from saas.federation.schemas import ReportSchema
from saas.logging import get_logger

log = get_logger("saas.federation.reception")

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SIGNATURE = re.compile(r"^[0-9a-f]{64}$")
KEY_ID = re.compile(r"^[0-9A-Za-z_-]{1,32}$")


@dataclass
class Refused(Exception):
    """A report the receiver does not take: ``status`` is the HTTP status that says so."""

    status: int
    reason: str
    fields: dict = field(default_factory=dict)

    def body(self) -> dict:
        answer: dict = {"refus": self.reason}
        if self.fields:
            answer["errors"] = {"json": self.fields}
        return answer


def short_key(key: str) -> int:
    """A person key as the console counts it: its first 8 bytes, a signed 64-bit integer."""
    return int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)


def summary(payload: dict) -> dict:
    """The report without what the console never reads whole: the person keys (kept apart as
    ``short_key``) and the content of the pieces (read one by one when downloaded)."""
    people = payload.get("personnes", {})
    funding = payload.get("financement", {})
    pieces = [{k: v for k, v in piece.items() if k != "contenu"} for piece in funding.get("pieces", [])]
    return {
        **payload,
        "personnes": {
            **{k: v for k, v in people.items() if k != "cles"},
            "nombre": len(people.get("cles", [])),
        },
        "financement": {**funding, "pieces": pieces},
    }


def _parsed(body: bytes) -> dict:
    if b"\\u0000" in body:  # PostgreSQL keeps no NUL in a text or a JSONB value
        raise Refused(400, "Le rapport contient un caractère nul.")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Refused(400, "Le rapport n'est pas un document JSON lisible.") from None
    if not isinstance(payload, dict):
        raise Refused(400, "Le rapport doit être un objet JSON.")
    try:  # a lone surrogate (« \\ud800 ») reads as JSON but is no text PostgreSQL keeps
        json.dumps(payload, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise Refused(400, "Le rapport contient un caractère invalide.") from None
    return payload


def _territory_slug(payload: dict) -> str:
    territory = payload.get("territoire")
    slug = territory.get("code") if isinstance(territory, dict) else None
    if not isinstance(slug, str) or len(slug) > 63 or not SLUG.match(slug):
        raise Refused(
            422, "Le rapport ne dit pas de quel territoire il vient.", {"territoire": ["Code invalide."]}
        )
    return slug


def _signed_by(federation_id: int, slug: str, key_id: str, signature: str, material: bytes) -> bool:
    """Whether ``signature`` (64 hexadecimal digits) signs ``material`` with the live key
    ``key_id`` of the membership; anything else is no signature."""
    if not KEY_ID.match(key_id or "") or not SIGNATURE.match(signature or ""):
        return False
    return keys.verify(federation_id, slug, key_id, signature, material)


def _checked(
    federation_id: int, code: str, body: bytes, key_id: str, signature: str
) -> tuple[dict, dict, str]:
    payload = _parsed(body)
    slug = _territory_slug(payload)
    if not members.is_member(federation_id, slug):
        raise Refused(403, "Ce territoire n'est pas membre de ce Département.")
    if not _signed_by(federation_id, slug, key_id, signature, body):
        raise Refused(401, "Signature invalide : la clé est inconnue, retirée, ou le rapport a été modifié.")
    try:
        loaded = ReportSchema().load(payload)
    except marshmallow.ValidationError as error:
        raise Refused(422, "Le rapport ne suit pas le format attendu.", error.normalized_messages()) from None
    if loaded["federation"] != code:
        raise Refused(422, "Le rapport est adressé à un autre Département.", {"federation": ["Autre code."]})
    return payload, loaded, slug


def receive(federation_id: int, code: str, body: bytes, key_id: str, signature: str, transport: str) -> dict:
    """Check and store a report; its receipt (``Refused`` when it is not taken). The caller commits."""
    payload, loaded, slug = _checked(federation_id, code, body, key_id, signature)
    period, digest = loaded["periode"], building.digest(payload)
    values = {
        "federation_id": federation_id,
        "territory_slug": slug,
        "territory_name": loaded["territoire"]["nom"],
        "period_kind": period["type"],
        "period_start": period["debut"],
        "period_end": period["fin"],
        "version": loaded["version"],
        "format": loaded["format"],
        "payload": payload,
        "summary": summary(payload),
        "person_keys": [short_key(key) for key in loaded["personnes"]["cles"]],
        "digest": digest,
        "key_id": key_id,
        "transport": transport,
    }
    statement = (
        pg_insert(ReceivedReport).values(**values).on_conflict_do_nothing().returning(ReceivedReport.id)
    )
    new_id = db.session.execute(statement).scalar()
    stored = db.session.scalar(
        select(ReceivedReport).where(
            ReceivedReport.federation_id == federation_id,
            ReceivedReport.territory_slug == slug,
            ReceivedReport.period_kind == period["type"],
            ReceivedReport.period_start == period["debut"],
            ReceivedReport.version == loaded["version"],
        )
    )
    assert stored is not None, "the report was stored, or was already"
    if new_id is None and stored.digest != digest:
        raise Refused(
            409, f"La version {loaded['version']} de ce rapport a déjà été reçue avec un autre contenu."
        )
    log.info("federation.received", territory=slug, version=loaded["version"], duplicate=new_id is None)
    return {
        "recu": True,
        "id": stored.id,
        "version": stored.version,
        "recu_le": stored.received_at.isoformat(),
        "doublon": new_id is None,
    }


def lots_request(
    federation_id: int, code: str, slug: str, key_id: str, signature: str, timestamp: str
) -> list[dict]:
    """The lots handed to a member territory that asks for them with a signed, recent request."""
    if not SLUG.match(slug or "") or not members.is_member(federation_id, slug):
        raise Refused(403, "Ce territoire n'est pas membre de ce Département.")
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        raise Refused(400, "Date de la demande absente ou invalide.") from None
    if abs(time.time() - sent_at) > keys.REQUEST_SECONDS:
        raise Refused(401, "Demande trop ancienne (ou horloge décalée de plus de 5 minutes).")
    if not _signed_by(federation_id, slug, key_id, signature, keys.request_material(code, slug, sent_at)):
        raise Refused(401, "Signature invalide : la clé est inconnue ou retirée.")
    return handover.lots_for(federation_id, slug)
