"""blueprints.forms.attempt: one path from a domain refusal to what the person reads."""

from __future__ import annotations

from flask import get_flashed_messages
from wtforms import DateField, StringField

from blueprints.forms import FAILED, Form, attempt
from saas.errors import ConflictError, DomainError, ValidationError


class _Form(Form):
    class Meta:
        csrf = False

    name = StringField("Nom")
    expires_on = DateField("Expire le")


def _refuse(error: DomainError):
    def action():
        raise error

    return action


def test_a_validation_error_goes_to_its_field(app):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        form.validate()
        assert form.attempt(_refuse(ValidationError("name", "Le nom est déjà pris."))) is FAILED
        assert form.name.errors == ["Le nom est déjà pris."] and form.form_errors == []


def test_a_field_the_form_lacks_goes_to_the_top_of_the_form(app):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        form.validate()
        assert form.attempt(_refuse(ValidationError("other", "Refusé."))) is FAILED
        assert form.form_errors == ["Refusé."]


def test_a_domain_field_renamed_to_the_forms(app):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        form.validate()
        form.attempt(
            _refuse(ValidationError("expires_at", "Trop loin.")), rename={"expires_at": "expires_on"}
        )
        assert form.expires_on.errors == ["Trop loin."]


def test_any_other_refusal_goes_to_the_top_of_the_form_and_stays_readable(app):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        form.validate()
        error = ConflictError("Le relevé a changé entre-temps.")
        assert form.attempt(_refuse(error)) is FAILED
        assert form.form_errors == ["Le relevé a changé entre-temps."] and form.refusal is error


def test_success_returns_the_result(app):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        form.validate()
        assert form.attempt(lambda: 42) == 42 and form.refusal is None and not form.errors


def test_without_a_form_the_refusal_is_flashed(app):
    with app.test_request_context("/", method="POST"):
        assert attempt(_refuse(DomainError("Déjà validé."))) is FAILED
        assert get_flashed_messages(with_categories=True) == [("error", "Déjà validé.")]
        assert attempt(lambda: "ok") == "ok"
