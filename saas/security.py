"""Passwords (argon2id) and random tokens (stored as SHA-256, never in clear)."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

#: argon2id with the library's recommended parameters, unless the configuration says otherwise
#: (``PASSWORD_HASH_*`` in ``saas/config.py``: the test suite asks for a light cost, production keeps
#: these).
_hasher = PasswordHasher()


def configure_hasher(time_cost: int | None, memory_kib: int | None, parallelism: int | None) -> None:
    """Set the argon2id cost; a hash made with other parameters is redone at the next login."""
    global _hasher
    defaults = PasswordHasher()
    _hasher = PasswordHasher(
        time_cost=time_cost or defaults.time_cost,
        memory_cost=memory_kib or defaults.memory_cost,
        parallelism=parallelism or defaults.parallelism,
    )


MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Same cost as a real check, so that timing does not tell which accounts exist.
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """A French sentence saying what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
    if password.lower() == password or password.upper() == password:
        return "Le mot de passe doit mêler majuscules et minuscules."
    if not any(ch.isdigit() for ch in password) and password.isalpha():
        return "Le mot de passe doit contenir au moins un chiffre ou un caractère spécial."
    if is_common_password(password):
        return (
            "Ce mot de passe fait partie des plus courants, même avec des chiffres ou des signes "
            "autour ; choisissez-en un autre (une phrase de plusieurs mots, par exemple)."
        )
    return None


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The 30 000 most common passwords of the leaks studied by zxcvbn (Dropbox), shipped with
    the ``zxcvbn`` package: no network call."""
    return frozenset(FREQUENCY_LISTS["passwords"])


_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SEPARATORS = re.compile(r"[\s\-_.]+")


def is_common_password(password: str) -> bool:
    """A common password as is, or dressed up: capitals, separators, digits or signs around it
    ("Motdepasse2024!", "Mot-de-passe-123", "Azerty123456")."""
    lowered = password.lower()
    core = _SEPARATORS.sub("", _EDGES.sub("", lowered))
    common = _common_passwords()
    return lowered in common or (len(core) >= 4 and core in common)


def new_token() -> tuple[str, str]:
    """A fresh random token and the digest to store."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
