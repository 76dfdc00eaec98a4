"""The base form: French messages from WTForms' own translations, CSRF from Flask-WTF."""

from __future__ import annotations

from flask_wtf import FlaskForm

from saas.errors import ValidationError


class Form(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

    def add_domain_error(self, error: ValidationError) -> None:
        """Attach a domain validation error to the field it names, or to the form."""
        field = getattr(self, error.field, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), error.message]
        else:
            self.form_errors.append(error.message)
