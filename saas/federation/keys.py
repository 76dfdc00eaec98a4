"""The keys of the federation: the signing key of each membership and the secret of the person keys.

A report is signed with HMAC-SHA256 over its exact bytes, with the newest key of the membership
(territory, federation); the receiver accepts every key of the membership that is not retired, so
that a rotation is: add a key (both ends), send with it, retire the old one. On one service both
ends read the same rows; with a Département on its own instance the operator gives the same key to
both (``guichet federation cle``).

A person's key is HMAC-SHA256 over her folded names and birth date with the federation's person
secret, the same for all its member territories: a person who worked in two territories has one
key, and the Département, which never holds the secret, cannot go back from a key to a name.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from saas import clock
from saas.db import db, insert
from saas.federation.models import PersonKeySecret, SigningKey

SIGNATURE_HEADER = "X-Guichet-Signature"
KEY_HEADER = "X-Guichet-Cle"
DATE_HEADER = "X-Guichet-Date"
#: how old a signed request (no body: the lots a territory asks for) may be when it arrives
REQUEST_SECONDS = 300


def request_material(code: str, slug: str, timestamp: int) -> bytes:
    """What signs a request for the lots handed to a territory: it names the Département, the
    territory and the time, so that it cannot be replayed later or for another."""
    return f"lots\n{code}\n{slug}\n{timestamp}".encode()


@dataclass(frozen=True)
class Signed:
    key_id: str
    signature: str

    def headers(self) -> dict[str, str]:
        return {KEY_HEADER: self.key_id, SIGNATURE_HEADER: self.signature}


def signature(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def live_keys(federation_id: int, territory_slug: str) -> list[SigningKey]:
    """The keys of the membership not retired, the newest first."""
    query = select(SigningKey).where(
        SigningKey.federation_id == federation_id,
        SigningKey.territory_slug == territory_slug,
        SigningKey.retired_at.is_(None),
    )
    return list(db.session.scalars(query.order_by(SigningKey.created_at.desc(), SigningKey.id.desc())))


def add_key(federation_id: int, territory_slug: str, key_id: str | None = None, secret: bytes | None = None):
    """A new key of the membership (given, to hold the same key as the other end, or drawn)."""
    return insert(
        SigningKey(
            federation_id=federation_id,
            territory_slug=territory_slug,
            key_id=key_id or secrets.token_hex(8),
            secret=secret or secrets.token_bytes(32),
        )
    )


def retire_older(federation_id: int, territory_slug: str) -> int:
    """Retire every key of the membership but the newest; how many were retired."""
    keys = live_keys(federation_id, territory_slug)
    for key in keys[1:]:
        key.retired_at = clock.now()
    return len(keys[1:])


def sign(federation_id: int, territory_slug: str, body: bytes) -> Signed:
    """Sign with the newest key of the membership (one is made the first time)."""
    keys = live_keys(federation_id, territory_slug)
    key = keys[0] if keys else add_key(federation_id, territory_slug)
    return Signed(key.key_id, signature(key.secret, body))


def verify(federation_id: int, territory_slug: str, key_id: str, given: str, body: bytes) -> bool:
    """Whether ``given`` signs ``body`` with a live key ``key_id`` of the membership."""
    key = next((k for k in live_keys(federation_id, territory_slug) if k.key_id == key_id), None)
    return key is not None and hmac.compare_digest(signature(key.secret, body), given or "")


def person_secret(federation_id: int) -> PersonKeySecret:
    """The newest generation of the federation's person secret (the first is made when needed)."""
    query = select(PersonKeySecret).where(PersonKeySecret.federation_id == federation_id)
    found = db.session.scalar(query.order_by(PersonKeySecret.generation.desc()).limit(1))
    if found is None:
        found = insert(
            PersonKeySecret(federation_id=federation_id, generation=1, secret=secrets.token_bytes(32))
        )
    return found


def new_person_generation(federation_id: int, secret: bytes | None = None) -> PersonKeySecret:
    """Rotate the person secret: the keys sent from now on link to none sent before."""
    current = person_secret(federation_id)
    return insert(
        PersonKeySecret(
            federation_id=federation_id,
            generation=current.generation + 1,
            secret=secret or secrets.token_bytes(32),
        )
    )


def fingerprint(secret: bytes) -> str:
    """What tells two person secrets apart in the reports (not the secret: a digest of it), so
    that the console never compares keys made with two secrets, whatever their generation says."""
    return hashlib.sha256(b"guichet-personnes:" + secret).hexdigest()[:16]


def person_key(secret: bytes, last_name_folded: str, first_name_folded: str, birth_date: date) -> str:
    material = f"{last_name_folded.strip()}|{first_name_folded.strip()}|{birth_date.isoformat()}"
    return hmac.new(secret, material.encode(), hashlib.sha256).hexdigest()
