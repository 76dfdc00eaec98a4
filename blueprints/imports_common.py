"""The import of a spreadsheet of statements, for a partner in its portal and for the guichet in its
workspace: the same pages and the same steps (``saas.heures.imports``), each blueprint giving the
organisation it is scoped to (None for the guichet: the whole territory).

1. upload (``/imports/``): the file, or the template to fill;
2. preview (``/imports/<id>``): the columns recognised (a select per information, to change them),
   the counts and the report line by line (line, column, reason), and the choice to write the
   valid lines or only a file without errors;
3. confirm or abandon (POST).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf.file import FileField, FileRequired

from blueprints.files import attachment
from blueprints.forms import FAILED, Form, status_of
from blueprints.ui import int_arg
from saas import sheets
from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.heures import imports
from saas.heures.models import HourImport
from tenants.web import request_actor

#: lines of the preview shown on the page (the counts cover every line)
SHOWN_LINES = 200
SHOWN_PROBLEMS = 500


class UploadForm(Form):
    file = FileField(
        "Fichier (XLSX, XLS ou CSV)",
        validators=[FileRequired("Choisissez le fichier à importer.")],
        render_kw={"accept": ".xlsx,.xls,.csv,text/csv"},
    )


@dataclass(frozen=True)
class ImportPages:
    """The import pages of one blueprint: its name and the organisation of the request (None for
    the whole territory)."""

    blueprint: str
    organisation_id: Callable[[], int | None]

    def url(self, name: str, **values) -> str:
        return url_for(f"{self.blueprint}.{name}", **values)

    def record(self, import_id: int) -> HourImport:
        found = imports.get(import_id, self.organisation_id())
        if found is None:
            abort(404)
        return found

    def register(self, bp: Blueprint) -> None:
        bp.add_url_rule("/imports/", "imports", self.upload, methods=["GET", "POST"])
        bp.add_url_rule("/imports/modele.xlsx", "import_template", self.template)
        bp.add_url_rule("/imports/<int:import_id>", "import_preview", self.preview, methods=["GET", "POST"])
        bp.add_url_rule(
            "/imports/<int:import_id>/enregistrer", "import_confirm", self.confirm, methods=["POST"]
        )
        bp.add_url_rule(
            "/imports/<int:import_id>/abandonner", "import_abandon", self.abandon, methods=["POST"]
        )

    def _page(self, template: str, status: int = 200, **context):
        return render_template(template, pages=self, columns=imports.COLUMNS, **context), status

    def upload(self):
        form = UploadForm()
        if form.validate_on_submit():
            content = form.file.data.read()
            record = form.attempt(
                lambda: imports.receive(
                    request_actor(), form.file.data.filename, content, self.organisation_id()
                )
            )
            if record is not FAILED:
                return redirect(self.url("import_preview", import_id=record.id))
        recent = imports.recent(self.organisation_id())
        return self._page("imports/upload.html", status_of(form), form=form, recent=recent)

    def template(self):
        filename, mimetype, content = imports.template(self.organisation_id())
        return attachment(content, mimetype, filename)

    def _asked_mapping(self) -> dict[str, int]:
        asked = {}
        for column in imports.COLUMNS:
            index = int_arg(request.form.get(f"colonne-{column.key}"))
            if index is not None and index > 0:
                asked[column.key] = index - 1  # 0 is « ne pas lire »
        return asked

    def preview(self, import_id: int):
        record = self.record(import_id)
        if record.status != "preview":
            return self._page("imports/done.html", record=record)
        mapping = self._asked_mapping() if request.method == "POST" else None
        try:
            shown = imports.preview(record, mapping)
        except ValidationError as error:
            db.session.rollback()
            record = self.record(import_id)
            headers = sheets.read(record.content).headers
            return self._page(
                "imports/preview.html", 422, record=record, shown=None, headers=headers,
                mapping=mapping or record.mapping, error=error.message,
            )  # fmt: skip
        db.session.commit()  # the mapping chosen is kept for the confirmation
        return self._page(
            "imports/preview.html", record=record, shown=shown, headers=shown.sheet.headers,
            mapping=shown.mapping, error=None, shown_lines=SHOWN_LINES, shown_problems=SHOWN_PROBLEMS,
            labels=imports.COLUMN_LABELS,
        )  # fmt: skip

    def confirm(self, import_id: int):
        record = self.record(import_id)
        only_if_all_valid = request.form.get("mode") == "tout"
        try:
            counts = imports.confirm(request_actor(), record, only_if_all_valid)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(self.url("import_preview", import_id=import_id))
        db.session.commit()
        flash(
            f"Import enregistré : {counts['declared']} relevé(s) déclaré(s), {counts['corrected']} corrigé(s), "
            f"{counts['unchanged']} déjà à jour, {counts['refused']} ligne(s) écartée(s).",
            "success",
        )
        return redirect(self.url("import_preview", import_id=import_id))

    def abandon(self, import_id: int):
        record = self.record(import_id)
        if record.status != "preview":
            flash("Cet import est terminé : il ne s'abandonne plus.", "error")
            return redirect(self.url("import_preview", import_id=import_id))
        imports.abandon(request_actor(), record)
        db.session.commit()
        flash("L'import est abandonné : rien n'a été enregistré.", "success")
        return redirect(self.url("imports"))
