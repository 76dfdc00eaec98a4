"""Starting a worker: RQ worker with its scheduler (retries, delayed jobs) and the cron process."""

from __future__ import annotations

import multiprocessing
import time

import redis
from flask import Flask
from rq import Worker

from saas.logging import get_logger
from workers.app import set_app
from workers.queues import QUEUES, connection
from workers.schedule import build_cron

log = get_logger("workers.runner")
#: seconds the worker and the cron scheduler wait before they try Redis again.
REDIS_RETRY_SECONDS = 1


def _run_cron(redis_url: str, sweep_interval: int) -> None:
    """The periodic scheduler; it outlives a Redis outage (RQ's own loop stops at the first error)."""
    while True:
        try:
            build_cron(connection(redis_url), sweep_interval).start()
            return
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            log.warning("cron.redis_unavailable", retry_in=REDIS_RETRY_SECONDS)
            time.sleep(REDIS_RETRY_SECONDS)


def run_worker(app: Flask, with_cron: bool = True, burst: bool = False) -> None:
    set_app(app)
    redis_url = app.config["REDIS_URL"]
    cron_process = None
    if with_cron:
        cron_process = multiprocessing.get_context("fork").Process(
            target=_run_cron,
            args=(redis_url, app.config["JOB_SWEEP_INTERVAL_SECONDS"]),
            name="guichet-cron",
            daemon=True,
        )
        cron_process.start()
    try:
        _work(redis_url, burst, app.config["LOG_LEVEL"])
    finally:
        if cron_process is not None and cron_process.is_alive():
            cron_process.terminate()
            cron_process.join(timeout=5)


def _work(redis_url: str, burst: bool, logging_level: str) -> None:
    """RQ's worker, started again when Redis goes away under it (RQ gives up if Redis is lost while
    a job runs); the runs it had in hand are found again by the sweep."""
    while True:
        try:
            worker = Worker(list(QUEUES), connection=connection(redis_url), name=None)
            worker.work(with_scheduler=True, burst=burst, logging_level=logging_level)
            return
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            log.warning("worker.redis_unavailable", retry_in=REDIS_RETRY_SECONDS)
            time.sleep(REDIS_RETRY_SECONDS)
