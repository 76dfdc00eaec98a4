"""Closed lists whose members carry their French label: one enum style, value and label together.

    class Rounding(Choices):
        nearest = auto(), "À l'heure la plus proche"
        up = auto(), "À l'heure supérieure"

    Rounding.up == "up"; Rounding.up.label == "À l'heure supérieure"
    Rounding.choices() == [("nearest", "À l'heure la plus proche"), ("up", "À l'heure supérieure")]

A member is a ``str`` (a ``StrEnum``): stored, compared and serialised by its value. ``auto()``
makes the value the member's name, exactly as written (``Sex.F == "F"``); a value that cannot be a
name is written out (``import_ = "import", "Import"``). Without a label, a member's label is its
value.
"""

from __future__ import annotations

import enum


class Choices(enum.StrEnum):
    """A ``StrEnum`` whose members are ``value, label`` (like Django's ``TextChoices``)."""

    _label: str

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list) -> str:
        """``auto()`` is the member's name as written (``StrEnum`` would lower its case)."""
        return name

    def __new__(cls, value: str, label: str | None = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = value if label is None else label
        return member

    @property
    def label(self) -> str:
        return self._label

    @classmethod
    def choices(cls, blank: str | None = None) -> list[tuple[str, str]]:
        """``(value, label)`` pairs in declaration order, for a form's select; ``blank`` adds an
        empty first choice with that label."""
        pairs = [(member.value, member.label) for member in cls]
        return [("", blank), *pairs] if blank is not None else pairs

    @classmethod
    def labels(cls) -> dict[Choices, str]:
        """``{member: label}``: the shape of the old ``*_LABELS`` dicts (a member is its value)."""
        return {member: member.label for member in cls}

    @classmethod
    def described(cls) -> str:
        """``value (label), …``: the list for an API field's description."""
        return ", ".join(f"{member.value} ({member.label})" for member in cls)

    @classmethod
    def label_of(cls, value: str | None, default: str | None = None) -> str:
        """The label of a stored value; for None or a value the list does not have, ``default``
        (the value itself, or "", without one)."""
        try:
            return cls(value or "").label  # None is no value of the list either
        except ValueError:
            return (value or "") if default is None else default
