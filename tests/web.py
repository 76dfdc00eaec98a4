"""What the page tests do with the test client: read a page as a person does, post a form."""

from __future__ import annotations

import html
import re

from tests.fixtures import csrf_token

#: the operator's form for a new tenant with its first admin (``/plateforme/territoires``).
NEW_TENANT = {
    "name": "PLIE du Val",
    "slug": "plie-du-val",
    "kind": "plie",
    "siren": "",
    "communes": "93064",
    "admin_email": "chef@plie.fr",
    "admin_name": "Cheffe PLIE",
}


def text_of(response, collapse: bool = False) -> str:
    """The page as a reader sees it: entities decoded, French narrow and no-break spaces as plain ones;
    with ``collapse``, any run of white space as one plain space."""
    page = html.unescape(response.get_data(as_text=True))
    if collapse:
        return re.sub(r"[\s\u202f\u00a0]+", " ", page)
    return page.replace("\u202f", " ").replace("\u00a0", " ")


def post(client, url: str, data: dict, page: str | None = None, **kwargs):
    """Post a form with the CSRF token of ``page`` (the form's own URL by default)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)}, **kwargs)


def refused_page(client, url: str, data: dict, page: str | None = None, **kwargs) -> str:
    """Post a form that must be refused: asserts the 400 answer and returns the page as text."""
    response = post(client, url, data, page, **kwargs)
    assert response.status_code == 400, response.status_code
    return text_of(response)
