"""Queries per request: every statement sent to PostgreSQL while the service answers one request,
counted by a SQLAlchemy event listener, in process, through the Flask test client (the session's
``set_config``, the session and membership reads included: they are the request's fixed cost)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class Counter:
    """Statements seen on this thread since ``counting`` began (other threads are not counted)."""

    statements: list[str] = field(default_factory=list)
    thread: int = field(default_factory=threading.get_ident)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting() -> Iterator[Counter]:
    """Count every statement any engine executes on this thread inside the block."""
    counter = Counter()

    def _seen(conn, cursor, statement, parameters, context, executemany) -> None:
        if threading.get_ident() == counter.thread:
            counter.statements.append(statement)

    event.listen(Engine, "before_cursor_execute", _seen)
    try:
        yield counter
    finally:
        event.remove(Engine, "before_cursor_execute", _seen)


def login(client, email: str, password: str) -> None:
    """Log a test client in through the login form, as a person does."""
    page = client.get("/connexion").get_data(as_text=True)
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError("pas de jeton CSRF sur la page de connexion")
    token = match.group(1) or match.group(2)
    answer = client.post("/connexion", data={"email": email, "password": password, "csrf_token": token})
    if answer.status_code != 302 or "/connexion" in answer.headers.get("Location", ""):
        raise RuntimeError(f"connexion refusée pour {email} ({answer.status_code})")


def per_request(client, path: str, headers: dict[str, str] | None = None) -> tuple[int, int]:
    """``(status, statements)`` of one GET of ``path``."""
    with counting() as counter:
        answer = client.get(path, headers=headers or {})
        answer.get_data()  # a streamed body runs its queries while it is read
        answer.close()
    return answer.status_code, counter.count
