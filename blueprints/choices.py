"""The options of a select, a radio or a checkbox group, in the shape WTForms takes.

WTForms 3.3 deprecates ``(value, label)`` tuples in ``choices`` and 3.4 removes them: every
``choices`` (declared on a field or set by a view) goes through :func:`select_choices`, and pytest
turns the deprecation warning into an error. Templates read the options of a field with
``field.iter_choices()`` (``.value``, ``.label``), never by unpacking ``field.choices``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import SelectChoice


def select_choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """``[(value, label), ...]`` as WTForms' ``SelectChoice`` objects, in the same order."""
    return [SelectChoice(value, label) for value, label in pairs]
