"""Concurrent users, simulated by ``hey`` (Debian package ``hey``, a compiled load tool: a Python
client would spend on the two cores what the server needs). Each user sends its next request as
soon as the previous answer is read, over a kept-alive connection, for a fixed duration; every
answer's time is read back from hey's CSV output and the percentiles computed here."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass

from bench.stats import Latency, latency

#: the User-Agent hey sends whatever it is told (Debian's 0.1.4); the session cookie is bound to
#: the browser's User-Agent, so the login is made with this exact value, and so is every request.
USER_AGENT = "hey/0.0.1"


class LoadToolMissing(RuntimeError):
    pass


def hey_path() -> str:
    path = shutil.which("hey")
    if path is None:
        raise LoadToolMissing(
            "L'outil de charge « hey » est introuvable : installez-le (sudo apt-get install hey)."
        )
    return path


@dataclass(frozen=True)
class Answers:
    """Times (ms) of the answers with the expected status, and how many did not have it."""

    milliseconds: list[float]
    errors: int
    statuses: dict[int, int]


def parse_hey_csv(text: str, expected: int = 200) -> Answers:
    """Rows of ``hey -o csv``: ``response-time`` (seconds) and ``status-code`` of each request."""
    milliseconds: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    for row in csv.DictReader(io.StringIO(text)):
        status = int(row["status-code"])
        statuses[status] = statuses.get(status, 0) + 1
        if status == expected:
            milliseconds.append(float(row["response-time"]) * 1000)
        else:
            errors += 1
    return Answers(milliseconds, errors, statuses)


def hey_command(url: str, users: int, seconds: float, headers: dict[str, str]) -> list[str]:
    command = [hey_path(), "-z", f"{seconds:g}s", "-c", str(users), "-o", "csv", "-disable-redirects"]
    command += ["-t", "60"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


def measure(url: str, users: int, seconds: float, headers: dict[str, str] | None = None) -> Latency:
    """p50/p95 of ``url`` with ``users`` at once for ``seconds``; raises when nothing answered."""
    result = subprocess.run(  # noqa: S603 - hey, found on the PATH
        hey_command(url, users, seconds, headers or {}),
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    )
    answers = parse_hey_csv(result.stdout)
    if not answers.milliseconds:
        raise RuntimeError(f"aucune réponse 200 de {url} : {answers.statuses}")
    return latency(answers.milliseconds, answers.errors, seconds)


def warm(url: str, users: int, headers: dict[str, str] | None = None, requests: int = 0) -> None:
    """A few requests first, so that every worker has loaded what the route needs."""
    count = requests or max(users * 2, 4)
    command = [hey_path(), "-n", str(count), "-c", str(users), "-disable-redirects", "-t", "60"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    subprocess.run([*command, url], capture_output=True, check=True, timeout=300)  # noqa: S603
