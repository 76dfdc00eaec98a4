"""The shape most posted forms of the workspace share: run the form through the domain, then go
to the page that shows the result, or show the form's page again with its errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect

from blueprints.forms import FAILED
from blueprints.views_common import submitted


def saved_then(form, action: Callable, done: str | Callable[[Any], str], then: str, again: Callable[[], Any]):
    """``submitted(form, action, done)``, then a redirect to the address ``then`` once saved, else
    ``again()``: the page of the form, its errors shown (it says its own status)."""
    if submitted(form, action, done) is FAILED:
        return again()
    return redirect(then)
