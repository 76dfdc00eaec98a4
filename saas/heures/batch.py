"""Statements written in a batch (``POST /api/v1/releves/lot``): each one declared, and validated
when asked, by the very rules of ``saas.heures.api`` one by one (checks, audit entries), in one
transaction: the batch writes everything or nothing. The lookups that do not change within a batch
(missions, lots, rules, a participant's eligibility) are read once, and the audit entries are
written together at its end.

A batch with errors writes nothing and says, for each statement at fault (by its index in the
batch, from 0), every field at fault and why; ``_schema`` holds what is about no one field (a
statement that cannot be validated). A conflict (another client changed a statement in between)
stops the batch at once, as one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from saas.audit import api as audit
from saas.db import db
from saas.errors import ConflictError, DomainError, ValidationError
from saas.heures import api as heures
from saas.heures.enums import Source
from saas.heures.models import Counting, Releve

#: the key of what is about no one field of a statement, as a schema says it.
WHOLE_ITEM = "_schema"


@dataclass(frozen=True)
class BatchLine:
    index: int
    statement: Releve
    counting: Counting | None


class BatchError(DomainError):
    """Statements of a batch at fault: ``errors[index][field]`` lists the messages."""

    def __init__(self, errors: Mapping[int, Mapping[str, list[str]]]):
        count = len(errors)
        super().__init__(
            f"{count} relevé{'s' if count > 1 else ''} du lot en erreur : rien n'a été enregistré."
        )
        self.errors = {index: dict(fields) for index, fields in errors.items()}


def _write(actor: audit.Actor, item: Mapping, source: str) -> tuple[Releve, Counting | None]:
    data = dict(item)
    validate = bool(data.pop("and_validate", False))
    statement = heures.declare(actor, source=source, **data)
    return statement, heures.validate(actor, statement) if validate else None


def declare_batch(
    actor: audit.Actor, items: Iterable[Mapping], source: str = Source.api.value
) -> list[BatchLine]:
    """Declare each statement of ``items`` (the fields of ``declare``, and ``and_validate``: true to
    validate it at once), in order; all of them, or none (``BatchError`` naming each one at fault).

    A statement at fault is refused before it writes anything, so the batch goes on and reports
    the errors of every other statement, judged after those before it (two statements of one
    mission and month: the second is refused).
    """
    lines: list[BatchLine] = []
    errors: dict[int, dict[str, list[str]]] = {}
    with heures.batch_lookups(), audit.written_together():
        for index, item in enumerate(items):
            try:
                statement, counting = _write(actor, item, source)
            except ConflictError:
                raise
            except ValidationError as error:
                errors[index] = error.errors
            except DomainError as error:
                errors[index] = {WHOLE_ITEM: [error.message]}
            else:
                lines.append(BatchLine(index, statement, counting))
    if errors:
        db.session.rollback()
        raise BatchError(errors)
    return lines
