"""Redis connection and RQ queues."""

from __future__ import annotations

import redis
from flask import current_app
from rq import Queue

QUEUES = ("default", "exports")


def connection(url: str | None = None) -> redis.Redis:
    return redis.Redis.from_url(url or current_app.config["REDIS_URL"])


def queue(name: str = "default", conn: redis.Redis | None = None) -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name}")
    return Queue(name, connection=conn or connection())
