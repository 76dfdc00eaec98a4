"""Talking to a running server as a person would: logging in through the form, with the
User-Agent the load tool will send (the session is bound to it)."""

from __future__ import annotations

import requests

from bench.load import USER_AGENT
from bench.queries import CSRF


def login(base_url: str, email: str, password: str) -> requests.Session:
    """A session logged in as ``email``; its cookies serve the load tool too."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    page = session.get(base_url + "/connexion", timeout=60)
    match = CSRF.search(page.text)
    if match is None:
        raise RuntimeError("pas de jeton CSRF sur la page de connexion")
    answer = session.post(
        base_url + "/connexion",
        data={"email": email, "password": password, "csrf_token": match.group(1) or match.group(2)},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302 or "/connexion" in answer.headers.get("Location", ""):
        raise RuntimeError(f"connexion refusée pour {email} ({answer.status_code})")
    return session


def cookie_header(session: requests.Session) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in session.cookies.items())}
