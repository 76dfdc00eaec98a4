"""The errors of the statement form as a person reads them: the summary names each field once,
every error of every field is shown (in the summary and at the field), and a value that could not
be read gets only that error."""

from __future__ import annotations

import html
import re

import pytest

from tests.clause_pages import new_participant, place_through_page
from tests.fixtures import csrf_token

SUMMARY_ITEM = re.compile(r'<ul class="resume-erreurs__liste">(.*?)</ul>', re.S)
LINK = re.compile(r'<a href="#([\w-]+)">(.*?)</a>', re.S)


@pytest.fixture
def new_statement_url(app, client, site):
    mission_id = place_through_page(client, site, new_participant(app, site, "Erreurs"))
    return site.url(f"/missions/{mission_id}/heures/nouveau")


def _post(client, url, **data):
    base = {"month": "2025-03", "worked_hours": "", "training_hours": "", "absence_hours": "", "comment": ""}
    response = client.post(url, data={**base, **data, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 400
    return html.unescape(response.get_data(as_text=True))


def _summary(page: str) -> dict[str, str]:
    """Field id -> text of its line in the error summary."""
    return {
        target: " ".join(text.split()) for target, text in LINK.findall(SUMMARY_ITEM.search(page).group(1))
    }


def _field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="champ__erreur" id="{field_id}-erreur">(.*?)</p>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()) if match else ""


def test_the_summary_names_the_field_once(client, new_statement_url):
    page = _post(client, new_statement_url, worked_hours="-5")
    line = _summary(page)["worked_hours"]
    assert line == "Heures travaillées : Le nombre d'heures ne peut pas être négatif."
    assert line.count("Heures travaillées") == 1


def test_a_value_that_cannot_be_read_gets_only_the_reading_error(client, new_statement_url):
    page = _post(client, new_statement_url, worked_hours="abc")
    assert "négatif" not in _summary(page)["worked_hours"]
    assert "négatif" not in _field_error(page, "worked_hours")
    assert "décimal" in _field_error(page, "worked_hours")


def test_every_error_of_every_field_is_shown(client, new_statement_url):
    """The month is outside the mission and two figures are beyond a month: all three are said, in
    the summary and at each field, not the first one only."""
    page = _post(client, new_statement_url, month="2024-11", worked_hours="800", training_hours="900")
    summary = _summary(page)
    assert set(summary) >= {"month", "worked_hours", "training_hours"}, summary
    assert "en dehors des dates de la mission" in _field_error(page, "month")
    assert "744 heures" in _field_error(page, "worked_hours")
    assert "744 heures" in _field_error(page, "training_hours")


OPTION = re.compile(r'<option([^>]*)value="(\d{4}-\d{2})"([^>]*)>([^<]*)</option>')


def _month_options(page: str) -> tuple[list[str], list[str]]:
    """(labels of the month choices, values of the selected ones)."""
    select = re.search(r'<select[^>]*name="month"[^>]*>(.*?)</select>', page, re.S)
    assert select, "the month is chosen in a list, not typed"
    options = OPTION.findall(select.group(1))
    return [label for *_, label in options], [
        v for before, v, after, _ in options if "selected" in before + after
    ]


def test_the_month_is_chosen_among_the_missions_months_first_free_one_proposed(
    client, site, new_statement_url
):
    """The mission runs from 6 January to 31 December 2025: its twelve months are offered, none
    before; the first month without a statement is proposed."""
    page = html.unescape(client.get(new_statement_url).get_data(as_text=True))
    labels, selected = _month_options(page)
    assert labels[0] == "janvier 2025" and labels[-1] == "décembre 2025" and len(labels) == 12
    assert selected == ["2025-01"]
    _post_ok = client.post(
        new_statement_url,
        data={"month": "2025-01", "worked_hours": "100", "csrf_token": csrf_token(client, new_statement_url)},
    )
    assert _post_ok.status_code == 302
    labels, selected = _month_options(html.unescape(client.get(new_statement_url).get_data(as_text=True)))
    assert selected == ["2025-02"]
    outside = _post(client, new_statement_url, month="2024-12", worked_hours="10")
    assert "Ce mois est en dehors des dates de la mission." in _field_error(outside, "month")


def test_an_empty_optional_date_is_no_error(app):
    """Optional() clears the reading error of an empty date: it stays cleared."""
    from werkzeug.datastructures import MultiDict
    from wtforms import DateField
    from wtforms.validators import Optional

    from blueprints.forms import Form

    class Dated(Form):
        class Meta:
            csrf = False

        on = DateField("Le", validators=[Optional()])

    with app.test_request_context():
        empty, bad = Dated(MultiDict({"on": ""})), Dated(MultiDict({"on": "31/02"}))
        assert empty.validate() and empty.on.errors == []
        assert (not bad.validate() and bad.on.errors == ["Not a valid date value."]) or bad.on.errors
