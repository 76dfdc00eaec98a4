"""The base form: French messages from WTForms' own translations, CSRF from Flask-WTF.

A value that could not be read ("abc" as a number, "31/02" as a date) gets only its reading error:
the checks of the value ("cannot be negative") would be about a value that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms.fields import FieldList, FormField

from saas.db import db
from saas.errors import DomainError, ValidationError

FAILED = object()


def _keep_reading_errors(form) -> None:
    """A field in error whose value could not be read keeps its reading error only (WTForms also
    runs the validators on the missing value, which then says "cannot be negative" of "abc"). A
    field left empty whose errors ``Optional()`` cleared stays without error."""
    for field in form:
        if isinstance(field, FormField):
            _keep_reading_errors(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    _keep_reading_errors(entry.form)
                elif entry.process_errors and entry.errors:
                    entry.errors = list(entry.process_errors)
            field.errors = (
                [entry.errors for entry in field.entries] if any(e.errors for e in field.entries) else []
            )
        elif field.process_errors and field.errors:
            field.errors = list(field.process_errors)


class Form(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        _keep_reading_errors(self)
        return valid

    def add_domain_error(self, error: ValidationError) -> None:
        """Attach every message of a domain validation error to the field it names, or to the form."""
        for name, messages in error.errors.items():
            field = getattr(self, name, None)
            if field is not None and isinstance(getattr(field, "errors", None), list):
                field.errors = [*field.errors, *messages]
            else:
                self.form_errors.extend(messages)

    def attempt(self, action: Callable):
        """Run ``action`` (one saas call) and commit; return its result, or :data:`FAILED`.

        On a domain refusal the transaction is rolled back and the message goes to the field it
        names (``ValidationError``) or to the top of the form (any other ``DomainError``).
        """
        try:
            result = action()
        except ValidationError as error:
            db.session.rollback()
            self.add_domain_error(error)
            return FAILED
        except DomainError as error:
            db.session.rollback()
            self.form_errors.append(error.message)
            return FAILED
        db.session.commit()
        return result


class FilterForm(Form):
    """The filters of a list (a GET form, no CSRF). Its fields' ids start with ``filtre-``: a page
    showing a list and a creation form with a field of the same name (``kind``) keeps its ids unique."""

    class Meta:
        csrf = False

        def bind_field(self, form, unbound_field, options):
            if "id" not in unbound_field.kwargs:
                options = {**options, "id": f"filtre-{options.get('prefix', '')}{options['name']}"}
            return unbound_field.bind(form=form, **options)
