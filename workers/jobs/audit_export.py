"""Export of the audit log, as filtered on the page, to XLSX or CSV."""

from __future__ import annotations

from saas.audit import api as audit
from saas.jobs import api as runs
from workers.decorator import job


@job("audit_export", queue="exports", retries=2, intervals=(10, 60))
def export_audit_log(run_id: int, fmt: str = "xlsx", filters: dict | None = None) -> dict:
    def progress(percent: int) -> None:
        runs.report_progress(run_id, percent, "Préparation du fichier…")

    filename, mimetype, content = audit.export(audit.AuditFilters.from_params(filters or {}), fmt, progress)
    artifact = runs.attach_file(run_id, filename, mimetype, content)
    # no commit here: the file is committed with the run's end (runs.finish), or not at all
    return {"artifact_id": artifact.id, "filename": filename}
