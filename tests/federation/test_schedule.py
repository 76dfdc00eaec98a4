"""When reports are owed: the last month from the federation's report day of the next month, the
last year from the report day of January; the periods an admin may choose; the operator sets the
schedule of a Département."""

from __future__ import annotations

from datetime import date

import pytest

from saas.federation import building, outbox, schedule
from tests.conventions.world import in_tenant
from tests.fixtures import csrf_token, login


def _member(monthly=True, yearly=True, day=10) -> outbox.Membership:
    return outbox.Membership(
        1, "93", "Département", None, monthly, yearly, day, building.Territory("t", "T", ())
    )


@pytest.mark.parametrize(
    ("day", "owed"),
    [
        (date(2026, 12, 10), [("mois", date(2026, 11, 1)), ("annee", date(2025, 1, 1))]),
        (date(2026, 12, 9), [("mois", date(2026, 10, 1)), ("annee", date(2025, 1, 1))]),
        (date(2027, 1, 9), [("mois", date(2026, 11, 1)), ("annee", date(2025, 1, 1))]),
        (date(2027, 1, 10), [("mois", date(2026, 12, 1)), ("annee", date(2026, 1, 1))]),
    ],
)
def test_a_period_is_owed_from_the_report_day_after_it(day, owed):
    assert schedule.owed(_member(), day) == owed


def test_a_federation_without_monthly_reports_is_owed_the_year_only():
    assert schedule.owed(_member(monthly=False, day=1), date(2026, 3, 1)) == [("annee", date(2025, 1, 1))]


@pytest.mark.parametrize(
    "value", ["", "mois", "mois:2026-11-02", "annee:2026-03-01", "semaine:2026-01-01", "mois:abc"]
)
def test_a_period_that_names_no_report_is_refused(value):
    assert schedule.parse_period(value) is None


def test_the_choices_of_periods_parse_back():
    choices = schedule.period_choices(date(2026, 12, 2))
    assert (
        choices[0] == ("mois:2026-12-01", "décembre 2026") and ("annee:2025-01-01", "Année 2025") in choices
    )
    assert all(schedule.parse_period(value) is not None for value, _label in choices)


def test_the_operator_sets_the_schedule_of_a_departement(app, two_tenants, client):
    a, _ = two_tenants
    login(client, "operateur@exemple.fr")
    url = f"/plateforme/departements/{a.federation_id}"
    data = {"name": "Département 79", "tenant_ids": [a.tenant_id], "yearly_reports": "y", "report_day": "5"}
    answer = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    assert answer.status_code == 302
    refused = client.post(url, data={**data, "report_day": "31", "csrf_token": csrf_token(client, url)})
    assert refused.status_code == 400 and "Indiquez un jour de 1 à 28." in refused.get_data(as_text=True)
    with app.app_context(), in_tenant(a.tenant_id):
        member = outbox.membership(a.federation_id)  # still a member, with the new schedule
        assert (member.monthly, member.yearly, member.report_day) == (False, True, 5)
