"""How a report reaches its receiver: one interface, two ways.

- ``LocalTransport``: the federation is on this service; the receiver runs in a transaction of its
  own, in the scope of the federation (it sees nothing of the territory).
- ``HttpTransport``: the Département runs its own instance; the report is POSTed, signed, to its
  receiver (``/federation/v1/departements/<code>/rapports``).

Both answer the receipt, raise ``reception.Refused`` when the receiver refuses the report (recorded,
not sent again) and ``DeliveryFailed`` when it could not be reached (sent again later).
"""

from __future__ import annotations

from typing import Protocol

import httpx

from saas.db import db
from saas.federation import reception
from saas.federation.keys import DATE_HEADER, Signed
from saas.logging import get_logger
from tenants import context

log = get_logger("saas.federation.transport")
RECEIVER_PATH = "/federation/v1/departements/{code}/rapports"
LOTS_PATH = "/federation/v1/departements/{code}/lots"
TIMEOUT_SECONDS = 30


class DeliveryFailed(Exception):
    """The receiver could not be reached, or failed: the outbox sends the report again later."""


class Transport(Protocol):
    name: str

    def deliver(self, federation_id: int, code: str, body: bytes, signed: Signed) -> dict: ...

    def handed_lots(
        self, federation_id: int, code: str, slug: str, signed: Signed, timestamp: int
    ) -> list[dict]: ...


class LocalTransport:
    name = "local"

    def deliver(self, federation_id: int, code: str, body: bytes, signed: Signed) -> dict:
        with context.scoped(None, federation_id=federation_id):
            try:
                receipt = reception.receive(
                    federation_id, code, body, signed.key_id, signed.signature, self.name
                )
                db.session.commit()
                return receipt
            except reception.Refused:
                db.session.rollback()
                raise
            except Exception as error:  # the receiver failed: as a server answering 500
                db.session.rollback()
                log.exception("federation.receiver_failed", federation=code)
                raise DeliveryFailed(
                    "Le récepteur du Département a échoué ; le rapport repartira."
                ) from error
            finally:
                db.session.remove()

    def handed_lots(
        self, federation_id: int, code: str, slug: str, signed: Signed, timestamp: int
    ) -> list[dict]:
        with context.scoped(None, federation_id=federation_id):
            try:
                return reception.lots_request(
                    federation_id, code, slug, signed.key_id, signed.signature, str(timestamp)
                )
            finally:
                db.session.rollback()
                db.session.remove()


class HttpTransport:
    name = "http"

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    def url(self, code: str) -> str:
        return self.base_url + RECEIVER_PATH.format(code=code)

    def deliver(self, federation_id: int, code: str, body: bytes, signed: Signed) -> dict:
        headers = {"Content-Type": "application/json", **signed.headers()}
        try:
            with httpx.Client(timeout=TIMEOUT_SECONDS) as client:
                answer = client.post(self.url(code), content=body, headers=headers)
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"Département injoignable ({_network(error)}).") from error
        if answer.status_code in (200, 201):
            return _json(answer, dict)
        if 400 <= answer.status_code < 500 and answer.status_code not in (408, 429):
            raise reception.Refused(answer.status_code, *_reason(answer))
        raise DeliveryFailed(f"Le Département a répondu {answer.status_code}.")

    def handed_lots(
        self, federation_id: int, code: str, slug: str, signed: Signed, timestamp: int
    ) -> list[dict]:
        headers = {**signed.headers(), DATE_HEADER: str(timestamp)}
        try:
            with httpx.Client(timeout=TIMEOUT_SECONDS) as client:
                answer = client.get(
                    self.base_url + LOTS_PATH.format(code=code), params={"territoire": slug}, headers=headers
                )
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"Département injoignable ({_network(error)}).") from error
        if answer.status_code == 200:
            lots = _json(answer, dict).get("lots", [])
            return lots if isinstance(lots, list) else []
        if 400 <= answer.status_code < 500:
            raise reception.Refused(answer.status_code, *_reason(answer))
        raise DeliveryFailed(f"Le Département a répondu {answer.status_code}.")


def _network(error: httpx.HTTPError) -> str:
    """What went wrong on the way, in words."""
    if isinstance(error, httpx.TimeoutException):
        return "délai dépassé"
    if isinstance(error, httpx.ConnectError):
        return "connexion refusée ou impossible"
    return "erreur du réseau"


def _json(answer: httpx.Response, kind: type):
    """The answer's JSON body, or ``DeliveryFailed`` when it is none (a proxy's page, say)."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not isinstance(body, kind):
        raise DeliveryFailed("Le Département a répondu sans accusé de réception lisible.")
    return body


def _reason(answer: httpx.Response) -> tuple[str, dict]:
    try:
        body = answer.json()
    except ValueError:
        return f"Refusé ({answer.status_code}).", {}
    if not isinstance(body, dict):
        return f"Refusé ({answer.status_code}).", {}
    return str(body.get("refus") or f"Refusé ({answer.status_code})."), body.get("errors", {}).get("json", {})


def for_endpoint(endpoint_url: str | None) -> Transport:
    """The transport of a membership: local without an address, HTTP to it otherwise."""
    return LocalTransport() if not endpoint_url else HttpTransport(endpoint_url)
