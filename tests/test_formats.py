"""saas.formats: the French formats every page, message and export uses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

from saas import formats

NNBSP = "\u202f"  # Babel's thousands separator in French


def test_number_has_fixed_decimals_and_narrow_spaces():
    assert formats.number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert formats.number(D("12.5"), 2) == "12,50"
    assert formats.number(None) == ""


def test_decimal_drops_trailing_zeros():
    assert formats.decimal(D("1000000")) == f"1{NNBSP}000{NNBSP}000"
    assert formats.decimal(D("29.50")) == "29,5"
    assert formats.decimal(D("2.345"), max_digits=1) == "2,3"
    assert formats.decimal(D("7.9"), max_digits=0) == "8"


def test_hours():
    assert formats.hours(D("29.5")) == "29,5 h"
    assert formats.hours(D("1500")) == f"1{NNBSP}500 h"


def test_amount_shows_cents_only_when_there_are_any():
    assert formats.amount(D("1500")) == f"1{NNBSP}500 €"
    assert formats.amount(D("1500.5")) == f"1{NNBSP}500,50 €"
    assert formats.amount(D("33.333"), unit=None) == "33,33"
    assert formats.amount(D("99.999"), unit=None) == "100"
    assert formats.amount(D("29.5"), unit="h") == "29,50 h"


def test_amount_matches_the_old_two_places_helper():
    """The conventions' ``_fr``: two decimals, ``,00`` dropped."""
    for raw in ("0", "1", "1.5", "12.34", "1234.5", "1234567.891", "99.999", "-3.10"):
        old = f"{D(raw):,.2f}".replace(",", NNBSP).replace(".", ",")
        old = old[:-3] if old.endswith(",00") else old
        assert formats.amount(D(raw), unit=None) == old, raw


def test_percent():
    assert formats.percent(D("0.05")) == "5 %"
    assert formats.percent(D("0.075")) == "7,5 %"
    assert formats.percent(D("0.12"), digits=1) == "12,0 %"
    assert formats.percent(0.123, digits=1) == "12,3 %"


def test_dates_in_paris():
    assert formats.date(date(2026, 3, 1)) == "01/03/2026"
    assert formats.date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "01/04/2026"
    assert formats.date(None) == ""
    moment = datetime(2026, 7, 14, 8, 5, 9, tzinfo=UTC)
    assert formats.datetime(moment) == "14/07/2026 10:05"
    assert formats.datetime(moment, seconds=True) == "14/07/2026 10:05:09"
    assert formats.datetime(None) == ""


def test_months_and_names():
    assert formats.month(date(2026, 3, 1)) == "mars 2026"
    assert formats.month(None) == ""
    assert (
        formats.MONTH_NAMES[0] == "janvier"
        and formats.MONTH_NAMES[7] == "août"
        and len(formats.MONTH_NAMES) == 12
    )
    assert formats.WEEKDAY_NAMES == ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def test_value_of_unknown_kind():
    assert formats.value(None) == "—"
    assert formats.value(True) == "oui"
    assert formats.value(D("12.50")) == "12,50"
    assert formats.value(1500) == f"1{NNBSP}500"
    assert formats.value("2026-03-01") == "01/03/2026"
    assert formats.value("2026-07-14T08:05:00+00:00") == "14/07/2026 10:05"
    assert formats.value("2025-13-45") == "2025-13-45"
    assert formats.value("3.5") == "3,5"
    assert formats.value([1, "a"]) == "1, a"
    assert formats.value([("clé", 2)]) == "clé : 2"
    assert formats.value([]) == "—"


def test_typed_is_what_a_person_types_in_a_field():
    assert formats.typed(D("1500.50")) == "1500,5"
    assert formats.typed(D("1500")) == "1500"
    assert formats.typed(D("0.05") * 100) == "5"
    assert formats.typed(None) == ""
