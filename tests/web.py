"""What the page tests do with the test client: read a page as a person does, post a form."""

from __future__ import annotations

import html

from tests.fixtures import csrf_token


def text_of(response) -> str:
    """The page as a reader sees it: entities decoded, French narrow and no-break spaces as plain ones."""
    return html.unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace("\u00a0", " ")


def post(client, url: str, data: dict, page: str | None = None, **kwargs):
    """Post a form with the CSRF token of ``page`` (the form's own URL by default)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)}, **kwargs)
