"""Counting rules as arithmetic (no database): multipliers, training, CDI cap, eligibility, rounding,
and the exact split of counted hours between lots."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from saas.heures.counting import Rule, count, round_hours, split


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
    assert count(rule(), D("151.67"), D("10"), "cdd", True, False)[0] == D("161.67")


def test_multiplier_per_contract_type_applies_to_worked_hours_only():
    counted, detail = count(rule(multipliers={"cdi": D("1.5")}), D(100), D(10), "cdi", True, True)
    assert counted == D("160.00")
    assert detail["multiplier"] == "1.5"
    assert count(rule(multipliers={"cdi": D("1.5")}), D(100), D(10), "cdd", True, False)[0] == D("110.00")


def test_training_hours_not_counted_or_capped():
    assert count(rule(count_training=False), D(100), D(20), "cdd", True, False)[0] == D("100.00")
    assert count(rule(training_cap_hours=D(7)), D(100), D(20), "cdd", True, False)[0] == D("107.00")


def test_hours_without_valid_eligibility_count_zero_when_the_rule_requires_it():
    counted, detail = count(rule(), D(100), D(0), "cdd", False, False)
    assert counted == 0 and detail["eligible"] is False
    assert count(rule(require_eligibility=False), D(100), D(0), "cdd", False, False)[0] == D("100.00")


def test_cdi_valorisation_cap_counts_what_is_left_under_the_cap():
    capped = rule(cdi_cap_hours=D(455))
    assert count(capped, D(151), D(0), "cdi", True, True, counted_before_for_mission=D(400))[0] == D("55.00")
    assert count(capped, D(151), D(0), "cdi", True, True, counted_before_for_mission=D(455))[0] == 0
    # the cap is for CDI missions only
    assert count(capped, D(151), D(0), "cdd", True, False, counted_before_for_mission=D(455))[0] == D(
        "151.00"
    )


def test_rounding_is_explicit_step_and_direction():
    assert round_hours(D("10.10"), D("0.25"), "nearest") == D("10.00")
    assert round_hours(D("10.13"), D("0.25"), "nearest") == D("10.25")
    assert round_hours(D("10.01"), D("1"), "up") == D("11.00")
    assert round_hours(D("10.99"), D("1"), "down") == D("10.00")
    assert round_hours(D("10.5"), D("1"), "nearest") == D("11.00")
    assert count(rule(rounding_step=D("0.5"), rounding="down"), D("10.4"), D(0), "cdd", True, False)[0] == D(
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
