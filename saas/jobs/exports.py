"""A table written to a file that a run keeps: the rows go through :mod:`saas.tabular` to a
temporary file (constant memory, whatever their number), progress is committed on the way."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence

from saas import tabular
from saas.jobs import api as runs

#: progress is committed every this many rows.
PROGRESS_EVERY = 2000
PREPARING = "Préparation du fichier…"


def _counted(run_id: int, rows: Iterable[Sequence], total: int | None) -> Iterator[Sequence]:
    for index, row in enumerate(rows, 1):
        yield row
        if total and index % PROGRESS_EVERY == 0:
            runs.report_progress_apart(run_id, int(90 * index / total), PREPARING)


def export_to_run(
    run_id: int,
    fmt: str,
    basename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    total: int | None = None,
    sheet: str = "Export",
) -> dict:
    """Write ``rows`` as ``fmt`` and attach the file to the run (committed with the run's end);
    return the run's result."""
    with tempfile.TemporaryFile() as out:
        filename, mimetype = tabular.write_to(
            out, fmt, basename, header, _counted(run_id, rows, total), sheet
        )
        out.seek(0)
        artifact = runs.attach_file(run_id, filename, mimetype, out.read())
    return {"artifact_id": artifact.id, "filename": filename, "rows": total}
