"""Starting a worker: RQ worker with its scheduler (retries, delayed jobs) and the cron process."""

from __future__ import annotations

import multiprocessing

from flask import Flask
from rq import Worker

from workers.app import set_app
from workers.queues import QUEUES, connection
from workers.schedule import build_cron


def _run_cron(redis_url: str) -> None:
    build_cron(connection(redis_url)).start()


def run_worker(app: Flask, with_cron: bool = True, burst: bool = False) -> None:
    set_app(app)
    redis_url = app.config["REDIS_URL"]
    cron_process = None
    if with_cron:
        cron_process = multiprocessing.get_context("fork").Process(
            target=_run_cron, args=(redis_url,), name="guichet-cron", daemon=True
        )
        cron_process.start()
    try:
        conn = connection(redis_url)
        worker = Worker(list(QUEUES), connection=conn, name=None)
        worker.work(with_scheduler=True, burst=burst, logging_level=app.config["LOG_LEVEL"])
    finally:
        if cron_process is not None and cron_process.is_alive():
            cron_process.terminate()
            cron_process.join(timeout=5)
