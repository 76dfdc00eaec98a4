"""The base form: French messages from WTForms' own translations, CSRF from Flask-WTF."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm

from saas.db import db
from saas.errors import DomainError, ValidationError

FAILED = object()


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
