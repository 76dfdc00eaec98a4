"""Meetings proposed from the conventions' cadence: the next meeting proposed for a convention is
the earliest occurrence not held yet of its meeting obligation (an overdue one first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from saas import clock
from saas.comites import repository
from saas.comites.enums import kind_label


class _NextMeeting(NamedTuple):
    due_on: date
    label: str


class NextMeeting(_NextMeeting):
    """``(due_on, obligation label)``; ``overdue`` when that occurrence is already past due,
    ``obligation_id`` the obligation it belongs to."""

    overdue: bool  # attributes of the subclass, not fields of the tuple
    obligation_id: int | None

    def __new__(cls, due_on: date, label: str, overdue: bool = False, obligation_id: int | None = None):
        self = super().__new__(cls, due_on, label)
        self.overdue = overdue
        self.obligation_id = obligation_id
        return self


@dataclass(frozen=True)
class Proposal:
    """One meeting obligation of a convention and the date proposed for its next meeting."""

    convention_id: int
    convention_reference: str
    convention_title: str
    obligation_id: int
    kind: str
    label: str
    cadence: str
    #: None: no occurrence left to hold in the calendar.
    due_on: date | None
    overdue: bool

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


def next_proposed(convention_id: int, kind: str, today: date | None = None) -> NextMeeting | None:
    """The next meeting of ``kind`` the convention calls for: the earliest occurrence of its meeting
    obligation of that kind not held yet, due on or after today, or the oldest overdue one if there
    is one (flagged ``overdue``). None when there is nothing left to hold."""
    today = today or clock.today()
    rows = [
        row
        for row in repository.proposal_rows(convention_id=convention_id, kind=kind)
        if row.due_on is not None
    ]
    if not rows:
        return None
    first = min(rows, key=lambda row: (row.due_on, row.obligation_id))
    return NextMeeting(first.due_on, first.label, first.due_on < today, first.obligation_id)


def proposals(today: date | None = None) -> list[Proposal]:
    """For every convention still running, one line per meeting obligation in force, with the date
    proposed for its next meeting (the soonest first; overdue ones first of all)."""
    today = today or clock.today()
    return [
        Proposal(
            convention_id=row.convention_id,
            convention_reference=row.reference,
            convention_title=row.convention_title,
            obligation_id=row.obligation_id,
            kind=row.category,
            label=row.label,
            cadence=row.cadence,
            due_on=row.due_on,
            overdue=row.due_on is not None and row.due_on < today,
        )
        for row in repository.proposal_rows(today=today)
    ]
