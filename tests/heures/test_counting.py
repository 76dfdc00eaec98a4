"""Counting rules as arithmetic (no database): multipliers, training, CDI cap, eligibility, rounding,
and the exact split of counted hours between lots."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from saas.heures.counting import EligibleDays, Rule, count, round_hours, split

ALL = EligibleDays.whole(31)
NONE = EligibleDays(31, 0)


def rule(**changes) -> Rule:
    values = {
        "multipliers": {},
        "count_training": True,
        "training_cap_hours": None,
        "cdi_cap_hours": None,
        "require_eligibility": True,
        "rounding_step": D("0.01"),
        "rounding": "nearest",
    }
    values.update(changes)
    return Rule(**values)


def test_raw_hours_count_one_for_one_by_default():
    assert count(rule(), D("151.67"), D("10"), "cdd", ALL, False)[0] == D("161.67")


def test_multiplier_per_contract_type_applies_to_worked_hours_only():
    counted, detail = count(rule(multipliers={"cdi": D("1.5")}), D(100), D(10), "cdi", ALL, True)
    assert counted == D("160.00")
    assert detail["multiplier"] == "1.5"
    assert count(rule(multipliers={"cdi": D("1.5")}), D(100), D(10), "cdd", ALL, False)[0] == D("110.00")


def test_training_hours_not_counted_or_capped():
    assert count(rule(count_training=False), D(100), D(20), "cdd", ALL, False)[0] == D("100.00")
    assert count(rule(training_cap_hours=D(7)), D(100), D(20), "cdd", ALL, False)[0] == D("107.00")


def test_hours_without_valid_eligibility_count_zero_when_the_rule_requires_it():
    counted, detail = count(rule(), D(100), D(0), "cdd", NONE, False)
    assert counted == 0 and detail["eligible"] is False
    assert count(rule(require_eligibility=False), D(100), D(0), "cdd", NONE, False)[0] == D("100.00")


def test_cdi_valorisation_cap_counts_what_is_left_under_the_cap():
    capped = rule(cdi_cap_hours=D(455))
    assert count(capped, D(151), D(0), "cdi", ALL, True, counted_before_for_mission=D(400))[0] == D("55.00")
    assert count(capped, D(151), D(0), "cdi", ALL, True, counted_before_for_mission=D(455))[0] == 0
    # the cap is for CDI missions only
    assert count(capped, D(151), D(0), "cdd", ALL, False, counted_before_for_mission=D(455))[0] == D("151.00")


def test_rounding_is_explicit_step_and_direction():
    assert round_hours(D("10.10"), D("0.25"), "nearest") == D("10.00")
    assert round_hours(D("10.13"), D("0.25"), "nearest") == D("10.25")
    assert round_hours(D("10.01"), D("1"), "up") == D("11.00")
    assert round_hours(D("10.99"), D("1"), "down") == D("10.00")
    assert round_hours(D("10.5"), D("1"), "nearest") == D("11.00")
    assert count(rule(rounding_step=D("0.5"), rounding="down"), D("10.4"), D(0), "cdd", ALL, False)[0] == D(
        "10.00"
    )


def test_split_pro_rata_of_weights_to_the_cent():
    assert split(D("100"), [(1, D(1000)), (2, D(3000))]) == [(1, D("25.00")), (2, D("75.00"))]
    assert split(D("0.01"), [(1, D(1)), (2, D(1))]) in ([(1, D("0.01"))], [(2, D("0.01"))])
    assert split(D("10"), [(1, D(0)), (2, D(0))]) == []


@given(
    total=st.decimals(min_value=0, max_value=10000, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=100000, places=2), min_size=1, max_size=6),
)
def test_split_never_creates_or_loses_a_cent(total, weights):
    parts = split(total, list(enumerate(weights)))
    if any(w > 0 for w in weights) and total > 0:
        assert sum(hours for _, hours in parts) == total
    else:
        assert parts == []
    assert all(hours > 0 for _, hours in parts)
    assert len({key for key, _ in parts}) == len(parts)


# --- a month partly covered by eligibility (finding 9.3) --------------------------------------------

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
#: eligibility validated on 14/03/2026 (for 24 months): 18 of the 31 days of March are covered.
FROM_14 = EligibleDays.of(*MARCH, [(date(2026, 3, 14), date(2028, 3, 13), date(2026, 3, 14))])


def test_the_eligible_days_of_a_month_follow_the_validity_windows():
    assert (FROM_14.days, FROM_14.eligible_days, FROM_14.first, FROM_14.last) == (
        31,
        18,
        date(2026, 3, 14),
        date(2026, 3, 31),
    )
    ending = EligibleDays.of(*MARCH, [(date(2024, 3, 21), date(2026, 3, 20), date(2024, 3, 21))])
    assert (ending.eligible_days, ending.last) == (20, date(2026, 3, 20))
    # two validations in a row leave no gap; the mission's own days make the period
    renewed = EligibleDays.of(
        date(2026, 3, 10),
        date(2026, 3, 31),
        [
            (date(2024, 3, 1), date(2026, 3, 15), date(2024, 3, 1)),
            (date(2026, 3, 16), None, date(2026, 3, 16)),
        ],
    )
    assert (renewed.days, renewed.eligible_days, renewed.partial) == (22, 22, False)
    assert EligibleDays.of(*MARCH, []).eligible_days == 0


def test_pro_rata_counts_the_days_covered_to_the_cent():
    counted, detail = count(rule(), D(100), D(0), "cdd", FROM_14, False)
    assert counted == D("58.06")  # 100 × 18 ÷ 31 = 58,0645…
    share = detail["eligibility"]
    assert (share["rule"], share["days"], share["eligible_days"], share["eligible_hours"]) == (
        "pro_rata",
        31,
        18,
        "58.06",
    )
    assert share["message"].startswith(
        "Éligibilité validée le 14/03/2026 : 18 jours sur 31 comptés, 58,06 h sur 100 h"
    )
    assert share["message"] in detail["steps"]
    # worked and training hours each pro rata, before the multiplier: 120 × 18/31 = 69,68 ; 10 → 5,81
    counted, _ = count(rule(multipliers={"cdi": D(2)}), D(120), D(10), "cdi", FROM_14, True)
    assert counted == D("69.68") * 2 + D("5.81")


def test_pro_rata_rounds_half_up_to_the_cent_then_the_rule_rounds():
    seventeen = EligibleDays.of(*MARCH, [(date(2026, 3, 15), None, date(2026, 3, 15))])
    assert count(rule(), D(100), D(0), "cdd", seventeen, False)[0] == D("54.84")  # 54,838…
    assert count(
        rule(), D("0.31"), D(0), "cdd", EligibleDays(31, 1, date(2026, 3, 31), date(2026, 3, 31)), False
    )[0] == D("0.01")  # 0,01 exactly: a cent is never lost
    assert count(
        rule(), D("0.15"), D(0), "cdd", EligibleDays(31, 1, date(2026, 3, 31), date(2026, 3, 31)), False
    )[0] == D("0.00")  # 0,0048… half up to the cent
    quarter = rule(rounding_step=D("0.25"), rounding="nearest")
    counted, detail = count(quarter, D(100), D(0), "cdd", FROM_14, False)
    assert counted == D("58.00")  # 58,06 to the nearest quarter
    assert detail["eligibility"]["eligible_hours"] == "58.06"


def test_count_nothing_and_count_the_month_modes():
    nothing, detail = count(rule(partial_eligibility="none"), D(100), D(0), "cdd", FROM_14, False)
    assert nothing == 0 and detail["eligibility"]["rule"] == "none"
    assert "mois non compté, 0 h sur 100 h" in detail["eligibility"]["message"]
    whole, detail = count(rule(partial_eligibility="month"), D(100), D(0), "cdd", FROM_14, False)
    assert whole == D("100.00") and detail["eligibility"]["eligible_hours"] == "100.00"
    assert (
        "mois compté en entier (18 jours sur 31 couverts), 100 h sur 100 h"
        in detail["eligibility"]["message"]
    )
    # no day covered: nothing counts, whatever the mode
    for mode in ("none", "pro_rata", "month"):
        assert count(rule(partial_eligibility=mode), D(100), D(0), "cdd", NONE, False)[0] == 0
    # a month fully covered says nothing of eligibility
    assert "eligibility" not in count(rule(), D(100), D(0), "cdd", ALL, False)[1]
