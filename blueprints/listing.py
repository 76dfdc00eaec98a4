"""Lists of the workspace: filters from the query string, sorting, pagination, export as shown.

A view builds a :class:`Listing` from a SQLAlchemy ``select`` and the columns it may sort on, then
either renders ``listing.page()`` or, when ``?export=xlsx|csv`` is asked, returns
``listing.export(...)``: the same filtered and sorted rows, every page, as a file. An export of more
than ``EXPORT_DIRECT_MAX_ROWS`` rows runs in the background: the page records a run that replays
the same request in a worker (``workers/jobs/list_export.py``), and shows the run's progress page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from flask import Response, current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from blueprints.files import attachment
from saas import bounds, paging, tabular
from saas.db import db
from saas.jobs import api as runs
from saas.jobs import exports
from saas.paging import PER_PAGE, Page

__all__ = ["PER_PAGE", "Listing", "Page", "page_asked", "send_table", "wants_export"]

EXPORT_BATCH = 500


def page_asked() -> int:
    """The page number of the query string (``?page=``), bounded; 1 when absent or unreadable."""
    return bounds.page_number(request.args.get("page"))


class Listing:
    def __init__(self, query, sorts: dict, default_sort: str, per_page: int = PER_PAGE):
        """``sorts`` maps a sort key of the URL to a column expression; ``-key`` sorts descending."""
        self.query = query
        column = self._read_sort(sorts, default_sort, per_page)
        # the row's id (each list selects its row's ``id``) breaks ties: a row shows on one page only
        order = [column, *([query.selected_columns.id] if "id" in query.selected_columns else [])]
        self.ordered = query.order_by(*(part.desc() if self.descending else part.asc() for part in order))

    def _read_sort(self, sorts: dict, default_sort: str, per_page: int):
        """Keep the sort of the URL (``?tri=``, ``default_sort`` when unknown); return what sorts."""
        self.sorts = sorts
        self.per_page = per_page
        asked = request.args.get("tri", default_sort)
        key = asked.lstrip("-")
        if key not in sorts:
            asked, key = default_sort, default_sort.lstrip("-")
        self.sort = asked
        self.descending = asked.startswith("-")
        return sorts[key]

    def page(self) -> Page:
        return paging.of_select(
            self.ordered, page_asked(), self.per_page, clamp=True, rows=True, counted_up_to=paging.COUNT_LIMIT
        )

    def shown(self) -> dict:
        """What the template of a list page reads: ``listing``, its ``page`` and ``page_url(number)``."""
        return {"listing": self, "page": self.page(), "page_url": lambda number: self.url(page=number)}

    def sort_column(self, key: str, label: str, numeric: bool = False) -> dict:
        """A column of ``components/table.html`` whose header link sorts by ``key``."""
        current = self.sort.lstrip("-") == key
        next_sort = key if (not current or self.descending) else f"-{key}"
        return {
            "key": key,
            "label": label,
            "numeric": numeric,
            "sort_url": self.url(tri=next_sort, page=None),
            "sorted": ("desc" if self.descending else "asc") if current else None,
        }

    def columns(self, *specs: tuple) -> list[dict]:
        """The columns of ``components/table.html`` from ``(key, label[, numeric])``: a column the
        list sorts on (its key in ``sorts``) gets its sorting header link."""
        return [
            self.sort_column(*spec)
            if spec[0] in self.sorts
            else {"key": spec[0], "label": spec[1], "numeric": len(spec) > 2 and spec[2]}
            for spec in specs
        ]

    def url(self, **changes) -> str:
        """This list's URL with the current filters, and ``changes`` applied (None removes)."""
        args = request.args.to_dict()
        args.update({k: v for k, v in changes.items() if v is not None})
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    def export_urls(self) -> dict[str, str]:
        return {fmt: self.url(export=fmt, page=None) for fmt in ("xlsx", "csv")}

    def export(self, basename: str, header: Sequence[str], to_row: Callable) -> Response:
        total = paging.count_of(self.query)
        if runs_in_background(total):
            return export_in_background()
        # streamed from a server-side cursor, 500 rows a fetch: every row, never all of them in memory
        result = db.session.execute(self.ordered.execution_options(yield_per=EXPORT_BATCH))
        return send_table(basename, header, (to_row(row) for row in result), total=total)


def runs_in_background(total: int | None) -> bool:
    """Whether an export of ``total`` rows asked by this request is too large to answer directly
    (never when the request is the replay of a run)."""
    limit = current_app.config["EXPORT_DIRECT_MAX_ROWS"]
    return total is not None and total > limit and g.get("export_run_id") is None


def export_in_background():
    """Record the run that replays this request in a worker, and show its progress page."""
    params = {"path": request.path, "args": request.args.to_dict(flat=False), "user_id": current_user.id}
    run = runs.request_run("list_export", params, current_user.id)
    db.session.commit()
    flash("L'export est lancé ; le fichier sera disponible sur cette page.", "info")
    return redirect(url_for("guichet.run_detail", run_id=run.id))


def send_table(
    basename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    sheet: str = "Export",
    total: int | None = None,
) -> Response:
    """``rows`` under ``header`` as the file that ``?export=`` asks for (XLSX unless CSV), to
    download; above ``EXPORT_DIRECT_MAX_ROWS`` rows (``total``), the progress page of a run that
    writes it; in that run, the file attached to it."""
    if runs_in_background(total):
        return export_in_background()
    fmt = request.args.get("export", "xlsx")
    fmt = fmt if fmt in ("xlsx", "csv") else "xlsx"
    run_id = g.get("export_run_id")
    if run_id is not None:
        g.export_result = exports.export_to_run(run_id, fmt, basename, header, rows, total, sheet)
        return Response(status=204)
    filename, mimetype, content = tabular.write(fmt, basename, header, rows, sheet=sheet)
    return attachment(content, mimetype, filename)


def wants_export() -> bool:
    return request.args.get("export") in ("xlsx", "csv")
