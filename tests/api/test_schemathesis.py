"""schemathesis over every operation of the OpenAPI document, against the app on a real socket.

The app is served by werkzeug on 127.0.0.1 (a thread), over the two-tenant world of
``tests.fixtures`` (marchés, lots, participants, missions, statements, conventions, comités). The
path ids are those of tenant A most of the time (so that the operations reach real objects), and
random otherwise. The run is bounded and reproducible (``FUZZ_MAX_EXAMPLES`` cases per operation
and phase, a fixed seed, derandomised, no deadline) and must find no server error and no
violation of the document: status code, content type, response schema and headers.

Alone: ``uv run pytest tests/api/test_schemathesis.py -s``; ``FUZZ_MAX_EXAMPLES=50`` digs deeper.
The figures are printed, and written as JSON to ``FUZZ_REPORT`` when that variable names a file.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import schemathesis
from schemathesis.engine import events
from schemathesis.engine import from_schema as engine_for
from werkzeug.serving import make_server

from saas.accounts import tokens
from saas.db import db
from tenants import context
from tests.fixtures import ACTOR
from tests.tenants.test_isolation_routes import TENANT_OBJECTS

# committed data: the fuzzer talks to the app served by another thread
pytestmark = pytest.mark.committed

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "10"))
WRITES = ["POST", "PUT", "PATCH", "DELETE"]
SEED = 20261201
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)


@pytest.fixture
def served(app) -> Iterator[str]:
    """The application on a real socket (127.0.0.1, a free port), one request at a time."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def make_reader(app, world) -> str:
    with app.app_context(), context.scoped(world.tenant_id):
        _token, clear = tokens.create_token(ACTOR, "Lecture seule", "lecture")
        db.session.commit()
        db.session.remove()
    return clear


@dataclass
class Figures:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    #: (operation, status, JSON or not) of every answer, for the read-only run.
    answers: list[tuple[str, int, bool]] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    violations: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> dict:
        return {
            "operations_fuzzed": len(self.operations),
            "cases": self.cases,
            "server_errors": len(self.server_errors),
            "violations": sum(self.violations.values()),
            "violations_by_check": dict(self.violations),
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
            "seconds": round(self.seconds, 1),
        }


def _config(base_url: str, token: str, world, probability: float, mode: str) -> schemathesis.Config:
    """Ids of tenant A's objects for the path parameters (``probability``), fixed seed; ``mode``
    of generation: ``all`` (valid and invalid inputs) or ``positive`` (valid only)."""
    dictionaries = {name: {"values": [world.ids[key]]} for name, key in TENANT_OBJECTS.items()}
    return schemathesis.Config.from_dict(
        {
            "base-url": base_url,
            "headers": {"Authorization": f"Bearer {token}"},
            "seed": SEED,
            "request-timeout": 30,
            "suppress-health-check": ["all"],
            "generation": {
                "mode": mode,
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "dictionaries": dictionaries,
            "parameters": {
                f"path.{name}": {"dictionary": name, "probability": probability} for name in TENANT_OBJECTS
            },
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            # the coverage phase (every boundary of every field, not bounded by max-examples)
            # takes over ten minutes here: the examples and fuzzing phases keep the run short.
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": False}},
        }
    )


def _record(figures: Figures, event: events.ScenarioFinished) -> None:
    recorder = event.recorder
    figures.operations.add(recorder.label)
    figures.cases += len(recorder.cases)
    for case_id, interaction in recorder.interactions.items():
        if interaction.response is None:
            continue
        status = interaction.response.status_code
        figures.statuses[status] += 1
        content_type = interaction.response.headers.get("content-type", [""])[0]
        figures.answers.append((recorder.label, status, content_type.startswith("application/json")))
        if status >= 500:
            figures.server_errors.append(f"{recorder.label} ({case_id})")
    for checks in recorder.checks.values():
        for check in checks:
            if check.status == "failure":
                figures.violations[check.name] += 1
                info = check.failure_info
                figures.examples.setdefault(
                    f"{recorder.label} {check.name}",
                    f"{info.failure.title}: {info.failure.message}"[:600] if info else "",
                )


def fuzz(
    base_url: str,
    token: str,
    world,
    methods: list[str] | None = None,
    probability=0.7,
    mode="all",
    path_regex: str | None = None,
) -> Figures:
    schema = schemathesis.openapi.from_url(
        f"{base_url}/api/openapi.json", config=_config(base_url, token, world, probability, mode)
    )
    if methods:
        schema = schema.include(method=methods)
    if path_regex:
        schema = schema.include(path_regex=path_regex)
    figures, started = Figures(), time.monotonic()
    for event in engine_for(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _record(figures, event)
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.NonFatalError):
            figures.examples.setdefault(f"{event.label} error", repr(event.value)[:600])
            figures.violations["error"] += 1
    figures.seconds = time.monotonic() - started
    return figures


def _report(figures: Figures, capsys, title: str = "schemathesis") -> None:
    summary = figures.summary()
    with capsys.disabled():
        print(f"\n{title}:", json.dumps(summary, ensure_ascii=False))
        for label, message in sorted(figures.examples.items()):
            print(f"  {label}: {message}")
    path = os.environ.get("FUZZ_REPORT")
    if path:
        runs = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as report:
                runs = json.load(report)
        runs[title] = {**summary, "examples": figures.examples}
        with open(path, "w", encoding="utf-8") as report:
            json.dump(runs, report, ensure_ascii=False, indent=1)


def documented_operations(app, methods: list[str]) -> set[str]:
    document = json.loads(app.test_client().get("/api/openapi.json").data)
    return {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method.upper() in methods
    }


def test_every_operation_answers_as_documented(app, two_tenants, served, capsys, monkeypatch):
    a, _ = two_tenants
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    figures = fuzz(served, a.api_token, a)
    _report(figures, capsys)
    assert figures.operations == documented_operations(app, ["GET", *WRITES])
    assert figures.server_errors == []
    assert sum(figures.violations.values()) == 0, figures.examples


def test_a_read_only_token_gets_a_json_403_on_every_write(app, two_tenants, served, capsys, monkeypatch):
    a, _ = two_tenants
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    reader = make_reader(app, a)
    # valid requests on URLs of existing objects: an invalid path is a 404 of the routing
    figures = fuzz(served, reader, a, methods=WRITES, probability=1.0, mode="positive")
    _report(figures, capsys, "schemathesis, jeton en lecture seule")
    assert figures.operations == documented_operations(app, WRITES)
    refused = [answer for answer in figures.answers if answer[1:] != (403, True)]
    assert figures.answers and refused == []
    assert figures.server_errors == []


def test_the_partner_api_answers_as_documented_to_a_partner_token(
    app, two_tenants, served, capsys, monkeypatch
):
    """The fuzz above sends the guichet's token, which these resources refuse (403): here, the
    SIAE's own token, valid and invalid bodies alike."""
    a, _ = two_tenants
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    figures = fuzz(served, a.partner_api_token, a, path_regex="^/api/v1/partenaire/")
    _report(figures, capsys, "schemathesis (jeton de partenaire)")
    assert figures.operations == {
        "GET /api/v1/partenaire/missions",
        "GET /api/v1/partenaire/releves",
        "POST /api/v1/partenaire/releves",
    }
    assert figures.server_errors == []
    assert sum(figures.violations.values()) == 0, figures.examples
