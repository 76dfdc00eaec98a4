"""Domain errors. The HTTP layer turns them into French form errors or JSON bodies naming the field."""

from __future__ import annotations

from collections.abc import Callable, Mapping


class DomainError(Exception):
    """A rule of the domain refused the operation; ``message`` is French, for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Bad input: ``errors`` maps every field at fault to all its messages; ``field`` and
    ``message`` are the first of them (what a caller naming one field reads)."""

    def __init__(self, field: str, message: str, errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.field = field
        self.errors = {key: list(messages) for key, messages in (errors or {field: [message]}).items()}

    @classmethod
    def of(cls, errors: Mapping[str, list[str]]) -> ValidationError:
        field, messages = next(iter(errors.items()))
        return cls(field, messages[0], errors)

    def renamed(self, rename: Callable[[str], str]) -> ValidationError:
        """The same errors, each field named by ``rename(field)``."""
        errors: dict[str, list[str]] = {}
        for field, messages in self.errors.items():
            errors.setdefault(rename(field), []).extend(messages)
        return ValidationError.of(errors)


class Checks:
    """Runs several checks of one input and reports all their errors at once, not the first only::

    checks = Checks()
    month = checks.run(_check_month, mission, month)
    hours = checks.run(_hours, value, "worked_hours")
    checks.raise_errors()
    """

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def run(self, check: Callable, *args, **kwargs):
        """``check(*args, **kwargs)``, or None when it raised a ``ValidationError`` (kept)."""
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            for field, messages in error.errors.items():
                self.errors.setdefault(field, []).extend(messages)
            return None

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError.of(self.errors)


class NotFound(DomainError):
    def __init__(self, message: str = "Élément introuvable."):
        super().__init__(message)


class ConflictError(DomainError):
    """The object changed since it was read (another user decided first): reload and retry."""
