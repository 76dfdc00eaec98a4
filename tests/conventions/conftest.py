"""What the conventions tests share as fixtures: the service's today, pinned."""

from __future__ import annotations

from datetime import date

import pytest

from saas import clock


@pytest.fixture
def today(monkeypatch):
    """Pin the service's today: ``today.set(date)``."""

    class Pin:
        def set(self, day: date) -> None:
            monkeypatch.setattr(clock, "today", lambda: day)

    return Pin()
