"""Statements written per second through the API, as a client program would: a new mission is
placed (copying the parties of the tenant's busiest mission, over the last months), then each of
its months is declared (``POST /releves``) and validated (``POST /releves/<id>/validation``), one
request after the other over one kept-alive connection; then, through the batch endpoint
(``POST /releves/lot``, ``validate: true``), the ten years of months of new missions, declared
and validated in batches of ``BATCH`` statements. The data written stays in the database (a
benchmark database)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import requests
from dateutil.relativedelta import relativedelta

from bench.load import USER_AGENT
from saas import clock

#: the statement paths the API has today; any other POST under /releves would be a batch endpoint
KNOWN_STATEMENT_PATHS = {
    "/api/v1/releves",
    "/api/v1/releves/{statement_id}",
    "/api/v1/releves/{statement_id}/validation",
    "/api/v1/releves/{statement_id}/rejet",
    "/api/v1/releves/{statement_id}/correction",
}
COPIED = ["participant_id", "employer_id", "lot_id", "modality", "contract_type"]
BATCH_PATH = "/api/v1/releves/lot"
#: statements of one batch (the endpoint takes up to 500), and the months of each batch's missions
BATCH, BATCH_MONTHS = 480, 120
BATCHES = 3


@dataclass(frozen=True)
class Writes:
    statements: int
    declared_per_second: float
    #: declared and validated (two requests a statement)
    validated_per_second: float
    batch_paths: list[str]
    #: statements declared and validated through the batch endpoint, and how many a second
    batch_statements: int = 0
    batch_per_second: float | None = None


def _client(base_url: str, token: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT})
    session.base_url = base_url  # type: ignore[attr-defined]  # read by _call
    return session


def _call(session: requests.Session, method: str, path: str, expected: int, **kwargs) -> dict:
    answer = session.request(method, session.base_url + path, timeout=60, **kwargs)  # type: ignore[attr-defined]
    if answer.status_code != expected:
        raise RuntimeError(f"{method} {path} : {answer.status_code} {answer.text[:500]}")
    return answer.json()


def batch_paths(session: requests.Session) -> list[str]:
    """POST paths under /api/v1/releves other than the one-by-one ones (a batch endpoint)."""
    document = _call(session, "GET", "/api/openapi.json", 200)
    return sorted(
        path
        for path, operations in document.get("paths", {}).items()
        if path.startswith("/api/v1/releves") and path not in KNOWN_STATEMENT_PATHS and "post" in operations
    )


def _new_mission(session: requests.Session, template_id: int, months: int, today: date) -> int:
    template = _call(session, "GET", f"/api/v1/missions/{template_id}", 200)
    start = today.replace(day=1) - relativedelta(months=months - 1)
    body = {name: template[name] for name in COPIED}
    body.update(
        start_date=start.isoformat(),
        end_date=(today.replace(day=1) + relativedelta(months=1, days=-1)).isoformat(),
        weekly_hours="35",
        job_title="Banc d'essai",
        override_reason="Banc d'essai : mesure des écritures par l'API",
    )
    return _call(session, "POST", "/api/v1/missions", 201, json=body)["id"]


def _months(today: date, count: int) -> list[date]:
    first = today.replace(day=1) - relativedelta(months=count - 1)
    return [first + relativedelta(months=index) for index in range(count)]


def _one_by_one(session: requests.Session, mission_id: int, months: list[date]) -> tuple[float, float]:
    declared_seconds = validated_seconds = 0.0
    for month in months:
        body = {"mission_id": mission_id, "month": month.isoformat(), "worked_hours": "70"}
        start = time.perf_counter()
        statement = _call(session, "POST", "/api/v1/releves", 201, json=body)
        declared = time.perf_counter()
        _call(
            session,
            "POST",
            f"/api/v1/releves/{statement['id']}/validation",
            200,
            json={"expected_version": statement["row_version"]},
        )
        declared_seconds += declared - start
        validated_seconds += time.perf_counter() - start
    return declared_seconds, validated_seconds


def _batches(session: requests.Session, template_id: int, today: date) -> tuple[int, float]:
    """Statements written in ``BATCHES`` batches, declared and validated, and the seconds taken
    by the batch requests alone (the missions are placed beforehand)."""
    written, seconds = 0, 0.0
    for _ in range(BATCHES):
        missions = [
            _new_mission(session, template_id, BATCH_MONTHS, today) for _ in range(BATCH // BATCH_MONTHS)
        ]
        items = [
            {"mission_id": mission_id, "month": month.isoformat(), "worked_hours": "70", "validate": True}
            for mission_id in missions
            for month in _months(today, BATCH_MONTHS)
        ]
        start = time.perf_counter()
        answer = _call(session, "POST", BATCH_PATH, 201, json={"releves": items})
        seconds += time.perf_counter() - start
        if answer["validated"] != len(items):
            raise RuntimeError(f"lot : {answer['validated']} relevés validés sur {len(items)}")
        written += len(items)
    return written, seconds


def measure(base_url: str, token: str, template_mission: int, months: int) -> Writes:
    session = _client(base_url, token)
    today = clock.today()
    mission_id = _new_mission(session, template_mission, months, today)
    declared_seconds, validated_seconds = _one_by_one(session, mission_id, _months(today, months))
    paths = batch_paths(session)
    written, seconds = _batches(session, template_mission, today) if BATCH_PATH in paths else (0, 0.0)
    return Writes(
        months,
        months / declared_seconds,
        months / validated_seconds,
        paths,
        written,
        written / seconds if written else None,
    )
