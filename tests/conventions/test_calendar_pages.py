"""The facilitateur's pages of the conventions' obligations: the calendar (statuses, filters,
export, receipt and its cancellation, the general assembly's date), the compliance view, the
dashboard's block, and who may see them."""

from __future__ import annotations

import csv
import html
import io
import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from saas import clock
from saas.audit.models import AuditEntry
from saas.conventions import api as conventions
from saas.conventions import seeds
from saas.conventions.enums import OCCURRENCE_STATUSES
from saas.conventions.models import Obligation, Occurrence
from saas.db import db
from saas.partenaires import api as partenaires
from tests.conventions.world import in_tenant
from tests.fixtures import ACTOR, csrf_token, login
from tests.web import text_of

ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
ROW_ID = re.compile(r'id="echeance-(\d+)"')
BADGE = re.compile(r'<span class="badge badge--\w+">([^<]+)</span>')
STATUS_LABELS = set(OCCURRENCE_STATUSES.values())
#: an occurrence joined to its obligation.
OF_OBLIGATION = (Obligation.tenant_id == Occurrence.tenant_id) & (Obligation.id == Occurrence.obligation_id)


@contextmanager
def scope(app, world):
    """Reads and writes (with a commit) in the tenant of ``world``."""
    with app.app_context(), in_tenant(world.tenant_id):
        try:
            yield
        finally:
            db.session.rollback()
            db.session.remove()


def url(world, path: str) -> str:
    return f"/t/{world.slug}{path}"


@pytest.fixture
def worlds(two_tenants, client):
    a, b = two_tenants
    login(client, a.facilitateur_email)
    return a, b


def expected_statuses(app, world, convention_id: int | None = None) -> dict[int, str]:
    """Occurrence id -> status label, as the domain computes it one row at a time."""
    with scope(app, world):
        query = select(Occurrence, Obligation.nature).join(Obligation, OF_OBLIGATION)
        if convention_id is not None:
            query = query.where(Occurrence.convention_id == convention_id)
        return {
            row.id: OCCURRENCE_STATUSES[conventions.occurrence_status(row, nature)]
            for row, nature in db.session.execute(query).all()
        }


def shown_statuses(page: str) -> dict[int, str]:
    """Occurrence id -> the status badge of its row in the calendar."""
    shown = {}
    for row in ROW.findall(page):
        match = ROW_ID.search(row)
        if match is None:
            continue
        (status,) = [label for label in BADGE.findall(row) if label in STATUS_LABELS]
        shown[int(match.group(1))] = status
    return shown


def csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def occurrence_state(app, world, occurrence_id: int) -> tuple[date, date | None, bool, str]:
    with scope(app, world):
        row = db.session.get(Occurrence, (world.tenant_id, occurrence_id))
        nature = db.session.get(Obligation, (world.tenant_id, row.obligation_id)).nature
        return row.due_on, row.received_on, row.provisional, conventions.occurrence_status(row, nature)


def open_occurrence(app, world, convention_id: int, nature: str):
    """The first occurrence of the convention of that nature not received (or held) yet:
    ``(id, due_on, category)``, or None."""
    with scope(app, world):
        return db.session.execute(
            select(Occurrence.id, Occurrence.due_on, Obligation.category)
            .join(Obligation, OF_OBLIGATION)
            .where(
                Occurrence.convention_id == convention_id,
                Occurrence.received_on.is_(None),
                Obligation.nature == nature,
            )
            .order_by(Occurrence.due_on, Occurrence.id)
        ).first()


def open_deliverable(app, world, convention_id: int) -> tuple[int, date]:
    """An occurrence of a deliverable not received yet: (id, due date)."""
    row = open_occurrence(app, world, convention_id, "deliverable")
    assert row is not None, "the fixture's convention has an open deliverable"
    return row.id, row.due_on


def audited(app, world, action: str, occurrence_id: int) -> int:
    with scope(app, world):
        return len(
            db.session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == action, AuditEntry.target_id == str(occurrence_id)
                )
            ).all()
        )


# --- the calendar --------------------------------------------------------------------------------


def test_the_calendar_lists_the_conventions_occurrences_with_their_status(app, client, worlds):
    a, _ = worlds
    convention_id = a.ids["convention_id"]
    expected = expected_statuses(app, a, convention_id)
    assert expected and len(set(expected.values())) >= 2  # a receipt and an open one at least
    response = client.get(url(a, f"/calendrier/?du=&au=&convention={convention_id}"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert shown_statuses(page) == expected
    assert expected[a.ids["occurrence_id"]] in ("Reçu", "Reçu en retard")
    # grouped by month in the order of the due dates, under the month's French name
    with scope(app, a):
        first_due = db.session.get(Occurrence, (a.tenant_id, a.ids["occurrence_id"])).due_on
    assert re.search(r'<h2 id="mois-[\d-]+">[a-zéû]+ \d{4}</h2>', page)
    assert f'id="mois-{first_due.replace(day=1).isoformat()}"' in page
    # sorted on another column: one table, the same rows
    by_convention = client.get(url(a, f"/calendrier/?du=&au=&convention={convention_id}&tri=obligation"))
    other = by_convention.get_data(as_text=True)
    assert shown_statuses(other) == expected and 'id="mois-' not in other


def test_the_default_period_runs_from_a_month_ago_to_three_months_ahead(app, client, worlds):
    a, _ = worlds
    today = clock.today()
    start, end = today - relativedelta(months=1), today + relativedelta(months=3)
    with scope(app, a):
        due = dict(db.session.execute(select(Occurrence.id, Occurrence.due_on)).all())
    inside = {i for i, day in due.items() if start <= day <= end}
    assert inside and len(inside) < len(due), "the fixture has due dates inside and outside the window"
    page = client.get(url(a, "/calendrier/")).get_data(as_text=True)
    assert set(shown_statuses(page)) == inside
    assert f'value="{start.isoformat()}"' in page and f'value="{end.isoformat()}"' in page


def test_filtering_by_status_missing_shows_only_the_missing_ones(app, client, worlds):
    a, _ = worlds
    missing = {i for i, label in expected_statuses(app, a).items() if label == "Manquant"}
    assert missing, "the fixture's convention, renewed once, has deliverables missing"
    page = client.get(url(a, "/calendrier/?du=&au=&statut=missing")).get_data(as_text=True)
    shown = shown_statuses(page)
    assert set(shown) == missing
    assert set(shown.values()) == {"Manquant"}


def test_marking_an_occurrence_received_changes_its_status_and_is_audited(app, client, worlds):
    a, _ = worlds
    occurrence_id, due_on = open_deliverable(app, a, a.ids["convention_id"])
    assert occurrence_state(app, a, occurrence_id)[1] is None
    prefix = f"recu-{occurrence_id}-"
    token = csrf_token(client, url(a, "/calendrier/?du=&au="))
    action = url(a, f"/calendrier/{occurrence_id}/reception?du=&au=&statut=missing&tri=-echeance")

    future = client.post(
        action,
        data={f"{prefix}csrf_token": token, f"{prefix}received_on": "2099-01-01"},
        follow_redirects=True,
    )
    assert "La date de réception ne peut pas être dans le futur." in text_of(future)
    assert occurrence_state(app, a, occurrence_id)[1] is None

    today = clock.today()
    received_on = min(due_on, today)
    done = client.post(
        action,
        data={
            f"{prefix}csrf_token": token,
            f"{prefix}received_on": received_on.isoformat(),
            f"{prefix}note": "Reçu par courriel",
        },
    )
    assert done.status_code == 302
    location = done.headers["Location"]
    assert "/calendrier/" in location and "statut=missing" in location and "tri=-echeance" in location
    assert location.endswith(f"#echeance-{occurrence_id}")
    _, received, _, status = occurrence_state(app, a, occurrence_id)
    assert received == received_on and status == "received"
    assert audited(app, a, "obligation.received", occurrence_id) == 1
    page = client.get(url(a, f"/calendrier/?du=&au=&convention={a.ids['convention_id']}"))
    text = page.get_data(as_text=True)
    assert shown_statuses(text)[occurrence_id] == "Reçu"
    assert "Reçu par courriel" in text and "reçu le" in html.unescape(text)

    again = client.post(
        action, data={f"{prefix}csrf_token": token, f"{prefix}received_on": received_on.isoformat()}
    )
    assert again.status_code == 302
    assert audited(app, a, "obligation.received", occurrence_id) == 1  # refused: already received


def test_cancelling_a_receipt_reopens_the_occurrence(app, client, worlds):
    a, _ = worlds
    occurrence_id = a.ids["occurrence_id"]
    assert occurrence_state(app, a, occurrence_id)[1] is not None
    response = client.post(
        url(a, f"/calendrier/{occurrence_id}/reception/annulation?du=&au="),
        data={"csrf_token": csrf_token(client, url(a, "/calendrier/"))},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "la réception est annulée" in text_of(response)
    _, received, _, status = occurrence_state(app, a, occurrence_id)
    assert received is None and status in ("late", "missing", "upcoming")
    assert audited(app, a, "obligation.receipt_cancelled", occurrence_id) == 1


def test_the_general_assembly_date_moves_the_due_date_of_an_after_event_report(app, client, worlds):
    a, _ = worlds
    year = clock.today().year
    with scope(app, a):
        orgs = [
            partenaires.create(ACTOR, name, "donneur_ordre").id for name in ("Agglo", "GIP", "Région", "CD")
        ]
        convention = conventions.create(ACTOR, seeds.seed_000(*orgs, year, date(year - 1, 12, 18)))
        report = db.session.execute(
            select(Occurrence.id)
            .join(Obligation, OF_OBLIGATION)
            .where(Occurrence.convention_id == convention.id, Obligation.category == "rapport_activite")
        ).scalar_one()
        convention_id = convention.id
        db.session.commit()
    due_on, _, provisional, _ = occurrence_state(app, a, report)
    assert provisional and due_on == date(year, 7, 15)
    page = client.get(url(a, f"/calendrier/?du=&au=&convention={convention_id}")).get_data(as_text=True)
    row = next(r for r in ROW.findall(page) if f'id="echeance-{report}"' in r)
    assert "prévisionnelle" in row and "Date de l&#39;assemblée générale" in row
    assert "après : assemblée générale du G.I.P" in row

    prefix = f"evenement-{report}-"
    response = client.post(
        url(a, f"/calendrier/{report}/evenement?convention={convention_id}"),
        data={f"{prefix}csrf_token": csrf_token(client, url(a, "/")), f"{prefix}event_on": f"{year}-05-20"},
    )
    assert response.status_code == 302 and f"convention={convention_id}" in response.headers["Location"]
    due_on, _, provisional, _ = occurrence_state(app, a, report)
    assert due_on == date(year, 6, 20) and not provisional
    assert audited(app, a, "obligation.event_dated", report) == 1
    page = client.get(url(a, f"/calendrier/?du=&au=&convention={convention_id}")).get_data(as_text=True)
    row = next(r for r in ROW.findall(page) if f'id="echeance-{report}"' in r)
    assert f"20/06/{year}" in row and "prévisionnelle" not in row
    assert f"assemblée générale du G.I.P le 20/05/{year}" in row


def test_meeting_rows_link_to_planning_a_meeting_instead_of_a_receipt(app, client, worlds):
    a, _ = worlds
    if "guichet.meeting_new" not in app.view_functions:
        pytest.skip("the committees pages are not installed")
    convention_id = a.ids["convention_id"]
    meeting = open_occurrence(app, a, convention_id, "meeting")
    assert meeting is not None
    page = client.get(url(a, f"/calendrier/?du=&au=&convention={convention_id}")).get_data(as_text=True)
    row = next(r for r in ROW.findall(page) if f'id="echeance-{meeting.id}"' in r)
    assert f"kind={meeting.category}" in row and f"convention_id={convention_id}" in row
    assert "Planifier la réunion" in row and f"recu-{meeting.id}-received_on" not in row


def test_the_export_returns_the_filtered_rows_as_csv(app, client, worlds):
    a, _ = worlds
    convention_id = a.ids["convention_id"]
    expected = expected_statuses(app, a, convention_id)
    response = client.get(url(a, f"/calendrier/?du=&au=&convention={convention_id}&export=csv"))
    assert response.status_code == 200
    assert response.content_type.startswith("text/csv")
    assert "calendrier-obligations.csv" in response.headers["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[0] == "Échéance" and "Statut" in header
    assert len(rows) == len(expected)
    status = header.index("Statut")
    assert sorted(r[status] for r in rows) == sorted(expected.values())
    assert {r[header.index("Convention")] for r in rows} == {"CD93-A"}
    xlsx = client.get(url(a, f"/calendrier/?du=&au=&convention={convention_id}&export=xlsx"))
    assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"
    missing = client.get(url(a, "/calendrier/?du=&au=&statut=missing&export=csv"))
    assert {r[status] for r in csv_rows(missing)[1:]} == {"Manquant"}


# --- compliance ----------------------------------------------------------------------------------


def compliance_csv(client, world, table: str, day: date | None = None) -> dict[str, list[str]]:
    query = f"?export=csv&tableau={table}" + (f"&date={day.isoformat()}" if day else "")
    response = client.get(url(world, f"/conformite/{query}"))
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    header, *rows = csv_rows(response)
    assert header[1:] == [
        "Échéances passées",
        "Reçues à temps",
        "Reçues en retard",
        "En retard",
        "Manquantes",
        "Taux à temps (%)",
    ]
    return {row[0]: row[1:] for row in rows}


def test_compliance_counts_match_and_a_receipt_on_time_counts_once_more(app, client, worlds):
    a, _ = worlds
    with scope(app, a):
        by_partner = conventions.compliance("partner")
        by_convention = conventions.compliance("convention")
    partners = compliance_csv(client, a, "partenaires")
    assert {label: [int(v) for v in values[:5]] for label, values in partners.items()} == {
        r["label"]: [r["due"], r["on_time"], r["received_late"], r["late"], r["missing"]] for r in by_partner
    }
    assert set(compliance_csv(client, a, "conventions")) == {r["label"] for r in by_convention}

    page = client.get(url(a, "/conformite/")).get_data(as_text=True)
    assert "Par partenaire responsable" in page and "Par convention" in page
    today = clock.today().isoformat()
    for row in by_partner:  # each partner leads to its obligations in the calendar
        assert f'?partenaire={row["id"]}&amp;du=&amp;au={today}">{html.escape(row["label"])}</a>' in page

    occurrence_id, due_on = open_deliverable(app, a, a.ids["convention_id"])
    with scope(app, a):
        responsible = db.session.get(
            Obligation,
            (a.tenant_id, db.session.get(Occurrence, (a.tenant_id, occurrence_id)).obligation_id),
        ).responsible_id
        name = partenaires.get(responsible).name
    before = compliance_csv(client, a, "partenaires").get(name, ["0"] * 6)
    prefix = f"recu-{occurrence_id}-"
    client.post(
        url(a, f"/calendrier/{occurrence_id}/reception"),
        data={
            f"{prefix}csrf_token": csrf_token(client, url(a, "/")),
            f"{prefix}received_on": min(due_on, clock.today()).isoformat(),
        },
    )
    after = compliance_csv(client, a, "partenaires")[name]
    assert int(after[1]) == int(before[1]) + 1  # reçues à temps
    assert int(after[4]) + int(after[3]) == int(before[4]) + int(before[3]) - (
        1 if due_on < clock.today() else 0
    )


def test_compliance_as_of_a_date_and_its_links_to_the_filtered_calendar(app, client, worlds):
    a, _ = worlds
    day = clock.today() - timedelta(days=400)
    with scope(app, a):
        expected = {r["label"]: r["due"] for r in conventions.compliance("convention", day)}
    shown = compliance_csv(client, a, "conventions", day)
    assert {label: int(values[0]) for label, values in shown.items()} == expected
    page = client.get(url(a, f"/conformite/?date={day.isoformat()}")).get_data(as_text=True)
    assert f"Situation au {day.strftime('%d/%m/%Y')}" in page
    assert f"convention={a.ids['convention_id']}" in html.unescape(page)
    assert f"au={day.isoformat()}" in html.unescape(page)


# --- the dashboard -------------------------------------------------------------------------------


def test_the_dashboard_counts_late_and_missing_and_names_the_next_last_day_to_object(app, client, worlds):
    a, _ = worlds
    today = clock.today()
    with scope(app, a):
        accm = partenaires.create(ACTOR, "ACCM", "donneur_ordre").id
        donneur = partenaires.create(ACTOR, "Donneur", "donneur_ordre").id
        coop = conventions.create(ACTOR, seeds.seed_004(accm, donneur, today - relativedelta(months=8), "T"))
        last_day = conventions.standing(coop, today).last_day_to_object
        db.session.commit()
    assert last_day is not None and today <= last_day <= today + timedelta(days=60)
    statuses = list(expected_statuses(app, a).values())
    with scope(app, a):
        soon = db.session.scalar(
            select(func.count())
            .select_from(Occurrence)
            .where(
                Occurrence.received_on.is_(None),
                Occurrence.due_on.between(today, today + timedelta(days=14)),
            )
        )
    page = text_of(client.get(url(a, "/")))
    assert '<h2 id="conventions-bloc-titre">Conventions</h2>' in page
    assert f"<strong>{soon}</strong> échéance(s) dans les 14 prochains jours" in page
    assert f"<strong>{statuses.count('En retard')}</strong> échéance(s) en retard" in page
    assert f"<strong>{statuses.count('Manquant')}</strong> échéance(s) manquante(s)" in page
    assert "COOP-T" in page and last_day.strftime("%d/%m/%Y") in page
    assert "statut=missing" in page


# --- who may see them ----------------------------------------------------------------------------


def test_a_partner_user_gets_404_on_these_pages(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    token = csrf_token(client, "/espaces")
    assert client.get(url(a, "/calendrier/")).status_code == 404
    assert client.get(url(a, "/conformite/")).status_code == 404
    occurrence_id = a.ids["occurrence_id"]
    response = client.post(
        url(a, f"/calendrier/{occurrence_id}/reception/annulation"), data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert occurrence_state(app, a, occurrence_id)[1] is not None


def test_another_tenants_occurrence_gives_404_on_the_receipt_routes(app, client, worlds):
    a, b = worlds
    other = b.ids["occurrence_id"]
    token = csrf_token(client, url(a, "/"))
    for path in ("reception", "reception/annulation", "evenement"):
        response = client.post(url(a, f"/calendrier/{other}/{path}"), data={"csrf_token": token})
        assert response.status_code == 404, path
    assert occurrence_state(app, b, other)[1] is not None
