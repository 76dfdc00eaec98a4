"""Browser tests: the app served on a real socket, Debian's Chromium driven by Playwright, axe-core.

One browser for the package (closed before the other tests run), one context (cookies, viewport)
per test. Chromium is Debian's package
(``/usr/bin/chromium``), never a browser downloaded by Playwright. Without it the tests are skipped
on a developer's machine and fail in CI (``CI=true``), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.checks import Figures

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FIGURES = Figures()


def require_chromium(path: str = CHROMIUM) -> str:
    """The browser to drive; without it, skip with the reason (on a laptop) or fail (in CI)."""
    if Path(path).is_file():
        return path
    reason = (
        f"Chromium introuvable ({path}) : les tests du navigateur ont besoin du paquet Debian "
        "« chromium » (apt-get install chromium chromium-driver)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} En CI, .ci/run doit l'installer.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--disable-gpu"])
        yield launched
        launched.close()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the test output keeps to the failures
        pass


@pytest.fixture(scope="package")
def live_server(app) -> Iterator[str]:
    """The test application on 127.0.0.1 (a free port), over the test database and Redis."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, live_server):
    """A fresh context per test (no cookie shared between tests), 1280 px wide, French."""
    from tests.browser.checks import AXE_INIT_SCRIPT

    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 900}, locale="fr-FR"
    )
    context.add_init_script(script=AXE_INIT_SCRIPT)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def audit_page(page):
    """``audit_page(name)``: checks the current page (axe, both widths) and counts it."""

    def check(name: str) -> None:
        FIGURES.check(page, name)

    return check


def pytest_terminal_summary(terminalreporter) -> None:
    if FIGURES.pages:
        terminalreporter.write_sep("-", "navigateur : pages visitées et violations axe")
        for line in FIGURES.summary():
            terminalreporter.write_line(line)
