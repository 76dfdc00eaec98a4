"""What the pages of the workspace and of the admin console do the same way: a list page with its
export declared once, the columns of an export (label and value side by side), a posted form run
through the domain, the select fields a view fills."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, render_template

from blueprints.choices import select_choices
from blueprints.forms import FAILED
from blueprints.listing import Listing, wants_export

#: one column of an export: its header and the row's attribute (a key for a dict row), or a
#: function of the row.
Column = tuple[str, str | Callable[[Any], Any]]


class Export:
    """The columns of an exported table, declared once: ``Export(("Mois", "month"), ...)``."""

    def __init__(self, *columns: Column, prepare: Callable[[Any], Any] | None = None) -> None:
        self.columns = columns
        self.header: list[str] = [label for label, _ in columns]
        self.prepare = prepare

    def prepared(self, prepare: Callable[[Any], Any]) -> Export:
        """The same columns, read on ``prepare(row)`` (a row of the page built from the query's)."""
        return Export(*self.columns, prepare=prepare)

    def row(self, row: Any) -> list:
        row = self.prepare(row) if self.prepare else row
        return [_value(row, value) for _, value in self.columns]


def _value(row: Any, value: str | Callable[[Any], Any]) -> Any:
    if callable(value):
        return value(row)
    return row[value] if isinstance(row, dict) else getattr(row, value)


class ListPage:
    """A list page declared once: its template, and the name and columns of the file its export
    sends: ``ListPage("guichet/missions.html", "missions", ("Participant", "reference"), ...)``."""

    def __init__(self, template: str, basename: str, *columns: Column) -> None:
        self.template = template
        self.basename = basename
        self.export = Export(*columns)

    def render(
        self,
        listing: Listing,
        page_context: Callable[[list], dict] | None = None,
        prepare: Callable[[Any], Any] | None = None,
        **context,
    ):
        """The file of every row when an export is asked (each row read on ``prepare(row)``, a row
        of the page built from the query's, when given), else the page with ``listing.shown()``,
        the ``context`` and ``page_context(page.items)`` (what is built from the rows shown)."""
        if wants_export():
            export = self.export.prepared(prepare) if prepare else self.export
            return listing.export(self.basename, export.header, export.row)
        shown = listing.shown()
        if page_context is not None:
            context.update(page_context(shown["page"].items))
        return render_template(self.template, **shown, **context)


def submitted(form, action: Callable, done: str | Callable[[Any], str]):
    """``form.attempt_if_valid(action)``, and ``done`` (a message, or a function of the result)
    flashed once it is saved. Return the result, or :data:`FAILED` when the form is not valid or
    the domain refuses (the errors are on the form)."""
    result = form.attempt_if_valid(action)
    if result is not FAILED:
        flash(done(result) if callable(done) else done, "success")
    return result


def with_choices(form, **choices: list[tuple[str, str]]):
    """The form, its select fields named in ``choices`` given their (value, label) pairs."""
    for name, pairs in choices.items():
        form[name].choices = select_choices(pairs)
    return form
