"""The local SMTP server of the mail tests."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from tests.mail.smtp import Recorder, free_port


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, recorder
    finally:
        controller.stop()
