"""The Flask app a worker process runs jobs in: built once per process, reused by every job."""

from __future__ import annotations

from flask import Flask

_app: Flask | None = None


def get_app() -> Flask:
    global _app
    if _app is None:
        from saas import create_app

        _app = create_app()
    return _app


def set_app(app: Flask) -> None:
    """The worker command (and the tests) hand over the app they already built."""
    global _app
    _app = app
