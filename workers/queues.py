"""Redis connection and RQ queues."""

from __future__ import annotations

from collections.abc import Callable

import redis
from flask import current_app
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job

QUEUES = ("default", "exports")
#: the statuses of a job that will still run (or runs): a job in one of them is not sent again.
LIVE_STATUSES = {"created", "queued", "scheduled", "started", "deferred", "rate_limited", "ready_to_enqueue"}
#: how long RQ keeps a job's result, and a failed job (to look into it).
RESULT_TTL = 300
FAILURE_TTL = 7 * 24 * 3600


def connection(url: str | None = None) -> redis.Redis:
    return redis.Redis.from_url(url or current_app.config["REDIS_URL"])


def queue(name: str = "default", conn: redis.Redis | None = None) -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name}")
    return Queue(name, connection=conn or connection())


def queued_job(target: Queue, job_id: str) -> Job | None:
    """The job of that id in the queue's Redis, if there is one."""
    return Job.fetch_many([job_id], connection=target.connection)[0]


def enqueue_once(target: Queue, function: Callable, args: tuple, job_id: str, **options) -> bool:
    """Enqueue under a deterministic id (``unique``); False when that id is already queued.
    ``options`` are the job's own: ``retry``, ``timeout``, ``description``."""
    try:
        target.enqueue_call(
            function,
            args=args,
            job_id=job_id,
            unique=True,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            **options,
        )
    except DuplicateJobError:
        return False
    return True
