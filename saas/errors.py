"""Domain errors. The HTTP layer turns them into French form errors or JSON bodies naming the field."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the operation; ``message`` is French, for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Bad input for one field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    def __init__(self, message: str = "Élément introuvable."):
        super().__init__(message)


class ConflictError(DomainError):
    """The object changed since it was read (another user decided first): reload and retry."""
