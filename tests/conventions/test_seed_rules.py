"""The rules of the four seed conventions (shared/seeds), on their exact terms: duration and
renewal, notice and objection, the calendar their obligations generate, and their money."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from saas.conventions import api as conventions
from saas.conventions import seeds
from saas.conventions.models import Obligation, Occurrence
from saas.db import db
from saas.errors import DomainError, ValidationError
from tests.conventions.world import in_tenant, seed_world
from tests.fixtures import ACTOR


@pytest.fixture
def world(app):
    with app.app_context():
        built = seed_world()
        db.session.remove()
    with app.app_context():
        yield built


@pytest.fixture
def orgs(world):
    """The ids of the seed partners, the test running in their tenant's scope (rolled back after)."""
    with in_tenant(world.tenant_id):
        yield world.orgs
        db.session.rollback()


def occurrences(convention, category: str, period: int | None = None) -> list[Occurrence]:
    query = (
        select(Occurrence)
        .join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(Occurrence.convention_id == convention.id, Obligation.category == category)
        .order_by(Occurrence.due_on)
    )
    if period is not None:
        query = query.where(Occurrence.period_no == period)
    return list(db.session.scalars(query))


def test_000_fixed_term_year_and_its_meetings_and_reports(orgs, today):
    """000 art. 5.1: quarterly reviews, a comité de suivi every semester, a comité de pilotage
    every year; art. 6: the activity report within a month of the general assembly."""
    today.set(date(2021, 12, 1))
    convention = conventions.create(
        ACTOR,
        seeds.seed_000(orgs["agglo"], orgs["gip"], orgs["region"], orgs["cd52"], 2021, date(2020, 12, 18)),
    )
    standing = conventions.standing(convention, date(2021, 12, 1))
    assert standing.status == "active"
    assert standing.next_term == date(2021, 12, 31)
    assert standing.renews is False and standing.last_day_to_object is None
    assert standing.ends_on == date(2021, 12, 31)
    assert [o.due_on for o in occurrences(convention, "revue_trimestrielle")] == [
        date(2021, 3, 31),
        date(2021, 6, 30),
        date(2021, 9, 30),
        date(2021, 12, 31),
    ]
    assert [o.due_on for o in occurrences(convention, "comite_suivi")] == [
        date(2021, 6, 30),
        date(2021, 12, 31),
    ]
    assert [o.due_on for o in occurrences(convention, "comite_pilotage")] == [date(2021, 12, 31)]
    (report,) = occurrences(convention, "rapport_activite")
    assert report.provisional and report.due_on == date(2021, 7, 15)
    conventions.record_event(ACTOR, report, date(2021, 6, 24))
    assert report.due_on == date(2021, 7, 24) and not report.provisional
    assert conventions.standing(convention, date(2022, 1, 1)).status == "ended"


def test_000_participation_is_paid_in_full_at_signature(orgs, today):
    """000 art. 3 and 12: 6 500 EUR, the whole at signature, with no deliverable to wait for."""
    today.set(date(2021, 1, 10))
    convention = conventions.create(
        ACTOR,
        seeds.seed_000(orgs["agglo"], orgs["gip"], orgs["region"], orgs["cd52"], 2021, date(2021, 1, 5)),
    )
    (due,) = conventions.instalments(date(2021, 1, 10), convention.id)
    assert (due.amount, due.due_on, due.status) == (D("6500.00"), date(2021, 1, 5), "payable")
    assert conventions.instalments(date(2021, 3, 1), convention.id)[0].status == "late"  # 30 days after
    conventions.record_payment(ACTOR, due.line, 1, date(2021, 1, 8))
    (paid,) = conventions.instalments(date(2021, 3, 1), convention.id)
    assert paid.status == "paid" and paid.payment.amount == D("6500.00")
    with pytest.raises(DomainError, match="déjà payée"):
        conventions.record_payment(ACTOR, due.line, 1, date(2021, 1, 9))


def test_002_annual_tacit_renewal_without_limit(orgs, today):
    """002 art. 8: annual from the signature, renewed tacitly, for as long as nobody objects."""
    today.set(date(2026, 11, 22))
    convention = conventions.create(
        ACTOR, seeds.seed_002(orgs["can"], orgs["siae"], orgs["ddets"], date(2023, 3, 15), "2023")
    )
    standing = conventions.standing(convention, date(2026, 11, 22))
    assert standing.period.number == 4
    assert standing.period.start == date(2026, 3, 15)
    assert standing.next_term == date(2027, 3, 14)
    assert standing.last_day_to_object == date(2027, 3, 14)  # no notice written: until the term
    assert standing.renews and standing.renewals_left is None
    renewals = conventions.renew_due(ACTOR, date(2026, 11, 22))
    assert [(r.period_no, r.starts_on) for r in renewals] == [
        (2, date(2024, 3, 15)),
        (3, date(2025, 3, 15)),
        (4, date(2026, 3, 15)),
    ]
    assert conventions.renew_due(ACTOR, date(2026, 11, 22)) == []  # never twice


def test_002_statements_on_the_10th_weekly_contracts_and_semester_table(orgs, today):
    """002 art. 2-3: justificatifs on the 10th of each month, contracts every week, the table of
    people in parcours every semester, two comités de suivi a year."""
    today.set(date(2024, 4, 1))
    convention = conventions.create(
        ACTOR, seeds.seed_002(orgs["can"], orgs["siae"], orgs["ddets"], date(2023, 3, 15), "2023")
    )
    statements = occurrences(convention, "releve_heures", period=1)
    assert len(statements) == 13  # the months March 2023 .. March 2024 touched by the period
    assert statements[0].due_on == date(2023, 4, 10)
    assert {d.due_on.day for d in statements} == {10}
    weekly = occurrences(convention, "etat_contrats", period=1)
    assert len(weekly) == 52 and {w.due_on.weekday() for w in weekly} == {4}
    assert [t.due_on for t in occurrences(convention, "tableau_parcours", period=1)] == [
        date(2023, 9, 14),
        date(2024, 3, 14),
    ]
    assert len(occurrences(convention, "comite_suivi", period=1)) == 2
    # the second period started on 15 March 2024: its occurrences exist, the third's not yet
    assert occurrences(convention, "comite_suivi", period=2)
    assert not occurrences(convention, "comite_suivi", period=3)


def test_objection_in_time_ends_at_the_term_and_late_one_at_the_next(orgs, today):
    """004: renewal unless a party objects 3 months before the annual term."""
    today.set(date(2026, 6, 1))
    first = conventions.create(ACTOR, seeds.seed_004(orgs["accm"], orgs["ccvba"], date(2026, 1, 1), "A"))
    standing = conventions.standing(first, date(2026, 6, 1))
    today.set(date(2026, 10, 1))
    assert (standing.next_term, standing.last_day_to_object) == (date(2026, 12, 31), date(2026, 9, 30))
    objection = conventions.object_to_renewal(
        ACTOR, first, {"party_id": orgs["ccvba"], "received_on": date(2026, 9, 30)}
    )
    assert objection.effective_term == date(2026, 12, 31)
    assert not conventions.objection_was_late(objection, first)
    assert conventions.standing(first, date(2026, 10, 1)).status == "ending"
    assert conventions.standing(first, date(2027, 1, 1)).status == "ended"

    second = conventions.create(ACTOR, seeds.seed_004(orgs["accm"], orgs["ccvba"], date(2026, 1, 1), "B"))
    late = conventions.object_to_renewal(
        ACTOR, second, {"party_id": orgs["ccvba"], "received_on": date(2026, 10, 1)}
    )
    assert late.effective_term == date(2027, 12, 31)
    assert conventions.objection_was_late(late, second)
    assert conventions.standing(second, date(2027, 1, 1)).status == "ending"


def test_004_avenant_only_at_the_annual_renewal(orgs, today):
    today.set(date(2026, 6, 1))
    convention = conventions.create(ACTOR, seeds.seed_004(orgs["accm"], orgs["ccvba"], date(2026, 1, 1), "A"))
    with pytest.raises(ValidationError, match="renouvellement annuel") as refused:
        conventions.amend(
            ACTOR,
            convention,
            {"signed_on": date(2026, 5, 1), "effective_from": date(2026, 6, 1), "summary": "x"},
        )
    assert refused.value.field == "effective_from"
    terms = conventions.amend(
        ACTOR,
        convention,
        {
            "signed_on": date(2026, 5, 20),
            "effective_from": date(2027, 1, 1),
            "summary": "Préavis porté à 2 mois",
            "notice_months": 2,
        },
    )
    assert terms.number == 1


def test_003_renewed_twice_at_most_with_one_month_notice_from_the_departement(orgs, today):
    """003 art. 5: one year from notification, tacitly renewable twice at most; the Département
    may end it at the annual term with one month's notice."""
    today.set(date(2025, 1, 1))
    convention = conventions.create(
        ACTOR, seeds.seed_003(orgs["cd93"], orgs["rosny"], date(2024, 3, 1), "1", "2024")
    )
    standing = conventions.standing(convention, date(2025, 1, 1))
    assert (standing.next_term, standing.last_day_to_object) == (date(2025, 2, 28), date(2025, 1, 31))
    assert standing.renewals_left == 2
    today.set(date(2025, 2, 1))
    periods = conventions.periods_of(convention, until=date(2030, 1, 1))
    assert [(p.start, p.end) for p in periods] == [
        (date(2024, 3, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2027, 2, 28)),
    ]
    assert periods[-1].renewable is False
    assert conventions.standing(convention, date(2027, 3, 1)).status == "ended"
    with pytest.raises(ValidationError, match="Seul") as refused:
        conventions.object_to_renewal(
            ACTOR, convention, {"party_id": orgs["rosny"], "received_on": date(2025, 1, 15)}
        )
    assert refused.value.field == "party_id"
    objection = conventions.object_to_renewal(
        ACTOR, convention, {"party_id": orgs["cd93"], "received_on": date(2025, 1, 31)}
    )
    assert objection.effective_term == date(2025, 2, 28)


def test_003_subsidy_per_post_pro_rata_40_at_start_60_on_deliverables(orgs, today):
    """003 art. 3.2 and 6: 15 000 EUR per full-time post, pro rata of the time on the function;
    40 % at start; 60 % at the end, payable only once the four documents are received."""
    today.set(date(2024, 3, 5))
    convention = conventions.create(
        ACTOR, seeds.seed_003(orgs["cd93"], orgs["rosny"], date(2024, 3, 1), "0.8", "2024")
    )
    start, end = conventions.instalments(date(2024, 3, 5), convention.id)
    assert (start.amount, start.due_on, start.status) == (D("4800.00"), date(2024, 3, 1), "payable")
    assert (end.amount, end.due_on, end.status) == (D("7200.00"), date(2025, 2, 28), "waiting")
    assert len(end.missing) == 4
    conventions.record_payment(ACTOR, start.line, 1, date(2024, 3, 5))
    with pytest.raises(DomainError, match="non exigible"):
        conventions.record_payment(ACTOR, end.line, 1, date(2024, 3, 5))
    today.set(date(2025, 3, 20))
    conventions.sync_occurrences(convention, date(2025, 3, 20))
    for category in ("bilan_activite", "bilan_financier", "bulletins_salaire"):
        conventions.record_receipt(ACTOR, occurrences(convention, category, 1)[0], date(2025, 3, 10))
    assert conventions.instalments(date(2025, 3, 20), convention.id)[1].status == "waiting"
    conventions.record_receipt(ACTOR, occurrences(convention, "fiche_poste", 1)[0], date(2025, 3, 12))
    end = conventions.instalments(date(2025, 3, 20), convention.id)[1]
    assert end.status == "payable" and end.payable_since == date(2025, 3, 12)
    assert conventions.instalments(date(2025, 4, 12), convention.id)[1].status == "late"
    with pytest.raises(ValidationError) as wrong:
        conventions.record_payment(ACTOR, end.line, 1, date(2025, 3, 20), amount="7000")
    assert wrong.value.field == "amount"
    conventions.record_payment(ACTOR, end.line, 1, date(2025, 3, 20))
    # the second period (renewed on 1 March 2025) has its own 40 %
    second = [i for i in conventions.instalments(date(2025, 3, 20), convention.id) if i.period.number == 2]
    assert [i.amount for i in second] == [D("4800.00"), D("7200.00")]


def test_avenant_changes_terms_from_its_date_and_keeps_the_former_ones(orgs, today):
    """A change of terms is a dated avenant; the terms in force at any date can be shown."""
    today.set(date(2025, 3, 20))
    convention = conventions.create(
        ACTOR, seeds.seed_003(orgs["cd93"], orgs["rosny"], date(2024, 3, 1), "0.8", "2024")
    )
    (commitment,) = conventions.terms_in_force(convention, date(2024, 6, 1)).commitments
    conventions.amend(
        ACTOR,
        convention,
        {
            "signed_on": date(2025, 2, 10),
            "effective_from": date(2025, 3, 1),
            "summary": "Le facilitateur est à temps plein sur la fonction",
            "close": {"commitments": [commitment.id]},
            "add": {
                "commitments": [
                    {
                        "payer_id": orgs["cd93"],
                        "payee_id": orgs["rosny"],
                        "label": "Subvention au poste de facilitateur",
                        "basis": "per_post",
                        "rate_per_post": "15000",
                        "posts_fte": "1",
                        "schedule": [
                            {"label": "40 %", "percent": "40", "trigger": "start"},
                            {
                                "label": "60 %",
                                "percent": "60",
                                "trigger": "end",
                                "required_deliverables": ["bilan_activite"],
                            },
                        ],
                    }
                ]
            },
        },
    )
    before = conventions.terms_in_force(convention, date(2024, 6, 1))
    after = conventions.terms_in_force(convention, date(2025, 6, 1))
    assert before.terms.number == 0 and [c.posts_fte for c in before.commitments] == [D("0.80")]
    assert after.terms.number == 1 and [c.posts_fte for c in after.commitments] == [D("1.00")]
    amounts = {
        (i.period.number, i.line.seq): i.amount
        for i in conventions.instalments(date(2025, 3, 20), convention.id)
    }
    assert amounts[(1, 1)] == D("4800.00") and amounts[(2, 1)] == D("6000.00")
    db.session.flush()
    # the database itself refuses to overwrite terms
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="never overwritten"), db.session.begin_nested():
        db.session.execute(
            text("UPDATE financial_commitments SET rate_per_post = 1 WHERE id = :id"),
            {"id": commitment.id},
        )


def test_signed_convention_changes_only_by_avenant(orgs, today):
    today.set(date(2026, 6, 1))
    convention = conventions.create(ACTOR, seeds.seed_004(orgs["accm"], orgs["ccvba"], date(2026, 1, 1), "A"))
    with pytest.raises(DomainError, match="avenant"):
        conventions.add_obligation(
            ACTOR,
            convention,
            {
                "responsible_id": orgs["ccvba"],
                "nature": "deliverable",
                "category": "autre_livrable",
                "cadence": "annual",
            },
        )


def test_end_of_mission_evaluations_follow_the_missions_of_the_structure(orgs, today):
    from saas.parcours import api as parcours
    from tests.builders import add_lot, eligible_participant

    today.set(date(2025, 12, 1))
    convention = conventions.create(
        ACTOR, seeds.seed_002(orgs["can"], orgs["siae"], orgs["ddets"], date(2025, 1, 6), "2025")
    )
    _, lot = add_lot(orgs["can"], "M-1", D(500), orgs["siae"])
    person = eligible_participant("Ada Lovelace", date(2025, 1, 2))
    mission = parcours.place(
        ACTOR,
        person,
        orgs["siae"],
        lot,
        "mise_a_disposition",
        "cddi",
        date(2025, 2, 3),
        D(35),
        end_date=date(2025, 5, 30),
        trial_end_date=date(2025, 2, 14),
    )
    conventions.sync_occurrences(convention, date(2025, 12, 1))
    (evaluation,) = occurrences(convention, "evaluation_fin_mission")
    assert (evaluation.seq, evaluation.due_on) == (mission.id, date(2025, 6, 14))


def test_a_received_report_keeps_its_date_and_a_late_meeting_counts_late(orgs, today):
    today.set(date(2021, 12, 1))
    convention = conventions.create(
        ACTOR,
        seeds.seed_000(orgs["agglo"], orgs["gip"], orgs["region"], orgs["cd52"], 2021, date(2020, 12, 18)),
    )
    (report,) = occurrences(convention, "rapport_activite")
    conventions.record_event(ACTOR, report, date(2021, 6, 24))
    conventions.record_receipt(ACTOR, report, date(2021, 7, 20), "reçu par courriel")
    with pytest.raises(DomainError, match="déjà reçue"):
        conventions.record_event(ACTOR, report, date(2021, 7, 1))
    conventions.cancel_receipt(ACTOR, report)
    assert report.received_on is None and report.note is None
    first_review = occurrences(convention, "revue_trimestrielle")[0]
    conventions.record_receipt(ACTOR, first_review, date(2021, 4, 15))
    assert conventions.occurrence_status(first_review, "meeting", date(2021, 12, 1)) == "held_late"
    (gip,) = [row for row in conventions.compliance("partner", date(2021, 12, 1)) if row["id"] == orgs["gip"]]
    assert gip["received_late"] == 1 and gip["on_time"] == 0


def test_errors_of_nested_rows_name_their_full_path(orgs, today):
    today.set(date(2024, 3, 5))
    data = seeds.seed_003(orgs["cd93"], orgs["rosny"], date(2024, 3, 1), "0.8", "X")
    data["commitments"][0]["schedule"][1]["percent"] = "soixante"
    with pytest.raises(ValidationError) as bad_percent:
        conventions.create(ACTOR, data)
    assert bad_percent.value.field == "commitments.0.schedule.1.percent"
    db.session.rollback()
    data = seeds.seed_003(orgs["cd93"], orgs["rosny"], date(2024, 3, 1), "0.8", "Y")
    data["parties"][1]["role"] = "arbitre"
    with pytest.raises(ValidationError) as bad_role:
        conventions.create(ACTOR, data)
    assert bad_role.value.field == "parties.1.role"


def test_the_planned_end_is_known_once_the_renewals_are_capped_or_an_objection_came(orgs, today):
    today.set(date(2024, 6, 1))
    capped = conventions.create(
        ACTOR, seeds.seed_003(orgs["cd93"], orgs["rosny"], date(2024, 3, 1), "1", "CAP")
    )
    standing = conventions.standing(capped, date(2024, 6, 1))
    assert (standing.ends_on, standing.renewals_left) == (date(2027, 2, 28), 2)
    open_ended = conventions.create(
        ACTOR, seeds.seed_004(orgs["accm"], orgs["ccvba"], date(2024, 1, 1), "OPEN")
    )
    assert conventions.standing(open_ended, date(2024, 6, 1)).ends_on is None
    today.set(date(2024, 10, 2))
    conventions.object_to_renewal(
        ACTOR, open_ended, {"party_id": orgs["ccvba"], "received_on": date(2024, 10, 1)}
    )
    late = conventions.standing(open_ended, date(2024, 10, 2))
    # received after 30 September: the convention renews once more and ends a year later
    assert (late.ends_on, late.renewals_left, late.status) == (date(2025, 12, 31), 1, "ending")


def test_an_avenant_can_extend_a_fixed_term_or_set_an_end_to_a_tacit_one(orgs, today):
    today.set(date(2021, 11, 2))
    fixed = conventions.create(
        ACTOR,
        seeds.seed_000(orgs["agglo"], orgs["gip"], orgs["region"], orgs["cd52"], 2021, date(2020, 12, 18)),
    )
    conventions.amend(
        ACTOR,
        fixed,
        {
            "signed_on": date(2021, 11, 1),
            "effective_from": date(2021, 11, 2),
            "summary": "Prolongée",
            "end_on": date(2022, 6, 30),
            "duration_kind": "fixed",
        },
    )
    assert conventions.standing(fixed, date(2022, 3, 1)).status == "active"
    assert conventions.standing(fixed, date(2022, 3, 1)).ends_on == date(2022, 6, 30)
    tacit = conventions.create(
        ACTOR, seeds.seed_002(orgs["can"], orgs["siae"], orgs["ddets"], date(2021, 1, 1), "T")
    )
    conventions.amend(
        ACTOR,
        tacit,
        {
            "signed_on": date(2021, 11, 1),
            "effective_from": date(2021, 11, 2),
            "summary": "Fin fixée",
            "duration_kind": "fixed",
            "end_on": date(2022, 6, 30),
        },
    )
    periods = conventions.periods_of(tacit, until=date(2030, 1, 1))
    assert [(p.start, p.end, p.renewable) for p in periods] == [
        (date(2021, 1, 1), date(2021, 12, 31), True),
        (date(2022, 1, 1), date(2022, 6, 30), False),
    ]
    with pytest.raises(ValidationError) as early:
        conventions.amend(
            ACTOR,
            tacit,
            {
                "signed_on": date(2021, 11, 2),
                "effective_from": date(2021, 11, 3),
                "summary": "x",
                "end_on": date(2021, 11, 1),
            },
        )
    assert early.value.field == "end_on"


def test_a_fixed_term_of_several_years_runs_in_yearly_exercices(orgs, today):
    today.set(date(2026, 6, 1))
    data = seeds.seed_000(orgs["agglo"], orgs["gip"], orgs["region"], orgs["cd52"], 2024, date(2023, 12, 18))
    data["end_on"] = date(2026, 12, 31)
    data["commitments"][0]["recurrence"] = "each_period"
    convention = conventions.create(ACTOR, data)
    periods = conventions.periods_of(convention, until=date(2030, 1, 1))
    assert [(p.start, p.end, p.renewable) for p in periods] == [
        (date(2024, 1, 1), date(2024, 12, 31), False),
        (date(2025, 1, 1), date(2025, 12, 31), False),
        (date(2026, 1, 1), date(2026, 12, 31), False),
    ]
    assert [o.due_on for o in occurrences(convention, "comite_pilotage")] == [
        date(2024, 12, 31),
        date(2025, 12, 31),
        date(2026, 12, 31),
    ]
    assert [i.amount for i in conventions.instalments(date(2026, 6, 1), convention.id)] == [D("6500.00")] * 3
    standing = conventions.standing(convention, date(2026, 6, 1))
    assert (standing.renewals_left, standing.ends_on, standing.renews) == (0, date(2026, 12, 31), False)


def test_periods_keep_the_anniversary_of_a_month_end_start():
    from saas.conventions import calendar as cal

    monthly = cal.TermsView(0, date(2024, 1, 31), "tacit", 1, None, None, 0)
    ends = [p.end for p in cal.periods(date(2024, 1, 31), [monthly], until=date(2024, 5, 15))]
    assert ends == [date(2024, 2, 28), date(2024, 3, 30), date(2024, 4, 29), date(2024, 5, 30)]


def test_termination_cuts_the_calendar_and_what_was_not_yet_due(orgs, today):
    """000 art. 13 / 003 art. 8: termination for breach; nothing falls due after it."""
    today.set(date(2024, 9, 1))
    convention = conventions.create(
        ACTOR, seeds.seed_003(orgs["cd93"], orgs["rosny"], date(2024, 3, 1), "1", "R")
    )
    conventions.terminate(
        ACTOR, convention, {"terminated_on": date(2024, 8, 31), "reason": "Non-respect des engagements"}
    )
    money = conventions.instalments(date(2024, 9, 1), convention.id)
    assert [(i.line.seq, i.amount) for i in money] == [(1, D("6000.00"))]  # the 60 % at the end is gone
    assert occurrences(convention, "bilan_activite") == []
    assert conventions.standing(convention, date(2024, 9, 1)).status == "terminated"
