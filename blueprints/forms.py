"""The base form: French messages from WTForms' own translations, CSRF from Flask-WTF.

Every form also gets the bounds of ``saas.bounds`` on every field, whatever its own validators say:
no NUL character (PostgreSQL refuses it in text), no text longer than its kind allows (one line:
``SHORT_TEXT``, a text area: ``LONG_TEXT``, unless the field has its own ``Length``), no number
beyond bigint (a select of ids included) and no date outside ``MIN_DATE``..``MAX_DATE``.

A value that could not be read ("abc" as a number, "31/02" as a date) gets only its reading error:
the checks of the value ("cannot be negative") would be about a value that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date

from flask import flash, request
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from saas import bounds
from saas.db import db
from saas.errors import DomainError, ValidationError

FAILED = object()
EMAIL_INVALID = "Adresse électronique non valide."


def _leaves(fields) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            yield from _leaves(field.entries)
        else:
            yield field


def _text_limit(field: Field) -> int | None:
    if not isinstance(field, StringField) or isinstance(field, HiddenField):
        return None  # a hidden field carries the page's own state, not a person's text
    if any(isinstance(v, Length) for v in field.validators):
        return None
    return bounds.LONG_TEXT if isinstance(field, TextAreaField) else bounds.SHORT_TEXT


def bound_error(field: Field) -> str | None:
    """The message of the first bound of ``saas.bounds`` that ``field``'s input breaks, or None."""
    raw = [value for value in (field.raw_data or []) if isinstance(value, str)]
    if any("\x00" in value for value in raw):
        return bounds.NUL_MESSAGE
    limit = _text_limit(field)
    if limit is not None and isinstance(field.data, str) and len(field.data) > limit:
        return bounds.too_long_message(limit)
    data = field.data
    if isinstance(field, SelectField | RadioField) and any(
        v.isdigit() and int(v) > bounds.MAX_ID for v in raw
    ):
        return bounds.TOO_BIG_MESSAGE  # a select of ids: no row can have it
    if isinstance(data, int) and not isinstance(data, bool) and abs(data) > bounds.MAX_ID:
        return bounds.TOO_BIG_MESSAGE
    if isinstance(data, date) and not bounds.date_in_range(data if type(data) is date else data.date()):
        return bounds.DATE_MESSAGE
    return None


def _keep_reading_errors(form) -> None:
    """A field in error whose value could not be read keeps its reading error only (WTForms also
    runs the validators on the missing value, which then says "cannot be negative" of "abc"). A
    field left empty whose errors ``Optional()`` cleared stays without error, and one left empty
    keeps the message of its ``InputRequired`` ("Indiquez la date"), not "not a valid date"."""
    for field in form:
        if isinstance(field, FormField):
            _keep_reading_errors(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    _keep_reading_errors(entry.form)
                elif _unreadable(entry):
                    entry.errors = list(entry.process_errors)
            field.errors = (
                [entry.errors for entry in field.entries] if any(e.errors for e in field.entries) else []
            )
        elif _unreadable(field):
            field.errors = list(field.process_errors)


def _unreadable(field) -> bool:
    """Something was typed, it could not be read, and the field is in error."""
    typed = any(isinstance(v, str) and v.strip() for v in (field.raw_data or []))
    return bool(typed and field.process_errors and field.errors)


class Form(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        _keep_reading_errors(self)
        for field in _leaves(self):
            message = bound_error(field)
            if message is not None:
                field.errors = [*list(field.errors), message]
                valid = False
        return valid

    def values(self, *names: str) -> dict:
        """The data of the fields ``names``, by name: the keyword arguments of a saas call."""
        return {name: self[name].data for name in names}

    def add_domain_error(self, error: ValidationError) -> None:
        """Attach every message of a domain validation error to the field it names, or to the form."""
        for name, messages in error.errors.items():
            field = getattr(self, name, None)
            if field is not None and isinstance(getattr(field, "errors", None), list):
                field.errors = [*field.errors, *messages]
            else:
                self.form_errors.extend(messages)

    def attempt(self, action: Callable, rename: Mapping[str, str] | None = None):
        """Run ``action`` (one saas call) and commit; return its result, or :data:`FAILED`.

        On a domain refusal the transaction is rolled back and the message goes to the field it
        names (``ValidationError``; ``rename`` maps a domain field to the form's, ``expires_at`` to
        ``expires_on``) or to the top of the form (any other ``DomainError``). The refusal stays in
        ``self.refusal`` (a view answering 409 to a ``ConflictError`` reads it).
        """
        self.refusal = None

        def refused(error: DomainError) -> None:
            self.refusal = error
            if isinstance(error, ValidationError):
                self.add_domain_error(
                    error.renamed(lambda field: rename.get(field, field)) if rename else error
                )
            else:
                self.form_errors.append(error.message)

        return attempt(action, refused)

    def attempt_if_valid(self, action: Callable, rename: Mapping[str, str] | None = None):
        """:meth:`attempt` ``action`` once the form is sent and valid; :data:`FAILED` otherwise."""
        self.refusal = None
        if not self.validate_on_submit():
            return FAILED
        return self.attempt(action, rename)


def attempt(action: Callable, refused: Callable[[DomainError], None] | None = None):
    """Run ``action`` (one saas call) and commit; return its result, or :data:`FAILED`.

    On a domain refusal (``DomainError``, ``ValidationError`` included) the transaction is rolled
    back and ``refused(error)`` called; without ``refused``, the message is flashed as an error
    (a button with no form to show it in: « valider », « désactiver »).
    """
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        (refused or _flash_refusal)(error)
        return FAILED
    db.session.commit()
    return result


def _flash_refusal(error: DomainError) -> None:
    flash(error.message, "error")


def status_of(form) -> int:
    """The status of a page showing ``form``: 400 once it was posted and refused (an error of one
    of its fields or of the form itself: ``form.errors`` holds both), 200 otherwise."""
    return 400 if request.method == "POST" and form.errors else 200


EXPIRED_MESSAGE = "Le formulaire a expiré : rechargez la page et recommencez."
NOT_SAVED_MESSAGE = "L'action n'a pas pu être enregistrée."


def form_error_messages(form) -> list[str]:
    """Every error of ``form`` as a sentence to read at the top of a page: a field's after its label
    (a hidden field's alone, an expired CSRF token as :data:`EXPIRED_MESSAGE`), then the form's own."""
    messages = []
    for field in form:
        if field.type == "CSRFTokenField":
            messages.extend(EXPIRED_MESSAGE for _ in field.errors[:1])
        elif field.type == "HiddenField":
            messages.extend(field.errors)
        else:
            messages.extend(f"{field.label.text} : {error}" for error in field.errors)
    return [*messages, *form.form_errors]


def flash_form_errors(form, *, joined: bool = False) -> None:
    """Flash the errors of a form that the page cannot show in place: one message each, or with
    ``joined`` all in one (a row's button, answered by one line), :data:`NOT_SAVED_MESSAGE` if none."""
    messages = form_error_messages(form)
    if joined:
        flash(" ".join(messages) or NOT_SAVED_MESSAGE, "error")
    else:
        for message in messages:
            flash(message, "error")


def email_field(
    label: str = "Adresse électronique",
    required: str | None = None,
    *,
    invalid: str = EMAIL_INVALID,
    max_length: int | None = None,
    **kwargs,
) -> EmailField:
    """An address field: ``required`` is the message when it is left empty (None: it may be),
    ``invalid`` the one of an address that is not one; ``max_length`` a ``Length`` of its own."""
    validators = [DataRequired(required) if required else Optional(), Email(invalid)]
    if max_length is not None:
        validators.append(Length(max=max_length))
    return EmailField(label, validators=validators, **kwargs)


def choice_field(
    label: str, validators: list | None = None, *, multiple: bool = False, **kwargs
) -> SelectField | SelectMultipleField:
    """A select (several check boxes with ``multiple``) whose options the view sets
    (``views_common.with_choices``): the tenant's organisations, lots, missions... The value is not
    checked against the options here; the domain checks it and names the field in its refusal."""
    kind = SelectMultipleField if multiple else SelectField
    return kind(label, choices=[], validate_choice=False, validators=validators, **kwargs)


class FilterForm(Form):
    """The filters of a list (a GET form, no CSRF). Its fields' ids start with ``filtre-``: a page
    showing a list and a creation form with a field of the same name (``kind``) keeps its ids unique."""

    class Meta:
        csrf = False

        def bind_field(self, form, unbound_field, options):
            if "id" not in unbound_field.kwargs:
                options = {**options, "id": f"filtre-{options.get('prefix', '')}{options['name']}"}
            return unbound_field.bind(form=form, **options)
