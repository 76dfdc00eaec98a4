"""A real local SMTP server for the mail tests, and the app pointed at it."""

from __future__ import annotations

import socket
from contextlib import contextmanager

from rq import Queue, SimpleWorker

from saas import extensions

SMTP_KEYS = ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL")


def work(redis) -> None:
    SimpleWorker([Queue("default", connection=redis)], connection=redis).work(burst=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_backend(app, port: int):
    """The app configured for the SMTP backend on ``port`` (Flask-Mail reads its settings at init)."""
    saved = {key: app.config.get(key) for key in SMTP_KEYS}
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False
    )
    extensions.mail.init_app(app)
    try:
        yield
    finally:
        app.config.update(saved)
        extensions.mail.init_app(app)
