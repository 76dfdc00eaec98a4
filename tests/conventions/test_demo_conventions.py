"""The demo territories carry the four seed conventions exactly as written, and what follows from
them: the calendar, the money table and the reminders in the mailbox."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

from sqlalchemy import func, select

from saas import clock
from saas.comites.models import Meeting
from saas.conventions import api as conventions
from saas.conventions.models import Obligation, Occurrence
from saas.db import db
from saas.demo.territories import load_demo
from saas.demo.year import YearSize
from saas.mail.models import OutgoingMail
from tenants import api as tenants_api
from tests.conventions.world import in_tenant


def cadences(convention) -> dict[str, str]:
    terms = conventions.terms_in_force(convention)
    return {o.category: o.cadence for o in terms.obligations}


@dataclass
class Read:
    """One demo territory's convention as the test reads it."""

    convention: object
    terms: object
    standing: object
    money: list
    reminders: int
    held: int


def test_the_four_seed_conventions_in_the_demo(app):
    with app.app_context():
        load_demo(YearSize(participants=0, marches=1))
        seen = {}
        for slug, check in SEEDS.items():
            tenant = tenants_api.tenant_by_slug(slug)
            with in_tenant(tenant.id):
                (convention,) = conventions.conventions()
                occurrences = db.session.scalar(
                    select(func.count())
                    .select_from(Occurrence)
                    .where(Occurrence.convention_id == convention.id)
                )
                read = Read(
                    convention,
                    conventions.terms_in_force(convention),
                    conventions.standing(convention),
                    conventions.instalments(convention_id=convention.id),
                    db.session.scalar(
                        select(func.count())
                        .select_from(OutgoingMail)
                        .where(OutgoingMail.category == "reminder")
                    ),
                    db.session.scalar(
                        select(func.count()).select_from(Meeting).where(Meeting.status == "held")
                    ),
                )
                seen[slug] = read
                assert occurrences > 0, slug
                assert conventions.documents_of(convention.id), slug
                check(read)
        assert len(seen) == 4


def _seed_000(read: Read) -> None:  # saint-dizier
    convention, terms, money = read.convention, read.terms, read.money
    assert terms.terms.duration_kind == "fixed"
    assert (
        convention.effective_on.month,
        terms.terms.end_on.month,
        terms.terms.end_on.day,
    ) == (1, 12, 31)
    assert [r.fte for r in terms.resources] == [D("0.50")]
    (commitment,) = terms.commitments
    assert commitment.amount == D("6500.00") and commitment.recurrence == "once"
    (line,) = conventions.schedule_lines_of(commitment.id)
    assert (line.percent, line.trigger) == (D("100.00"), "signature")
    assert money[0].status == "paid" and money[0].amount == D("6500.00")
    c = cadences(convention)
    assert (c["revue_trimestrielle"], c["comite_suivi"], c["comite_pilotage"]) == (
        "quarterly",
        "semiannual",
        "annual",
    )
    assert c["rapport_activite"] == "after_event"
    assert read.held > 0


def _seed_002(read: Read) -> None:  # niortais
    convention, terms, standing = read.convention, read.terms, read.standing
    assert read.reminders > 0  # weekly and monthly obligations: always something to remind
    assert (
        terms.terms.duration_kind,
        terms.terms.max_renewals,
        terms.terms.notice_months,
    ) == (
        "tacit",
        None,
        0,
    )
    assert convention.effective_on == convention.signed_on
    assert standing.period.number == 2 and len(conventions.renewals_of(convention.id)) == 1
    c = cadences(convention)
    assert c["releve_heures"] == "monthly" and c["etat_contrats"] == "weekly"
    assert c["tableau_parcours"] == "semiannual" and c["comite_suivi"] == "semiannual"
    (statement,) = [o for o in terms.obligations if o.category == "releve_heures"]
    assert statement.day_of_month == 10


def _seed_003(read: Read) -> None:  # rosny-sous-bois
    convention, terms, standing = read.convention, read.terms, read.standing
    first = conventions.terms_in_force(convention, convention.effective_on)
    assert (first.terms.max_renewals, first.terms.notice_months) == (2, 1)
    assert first.terms.objecting_party_id is not None
    assert [(c.rate_per_post, c.posts_fte) for c in first.commitments] == [(D("15000.00"), D("0.80"))]
    assert [(c.rate_per_post, c.posts_fte) for c in terms.commitments] == [(D("15000.00"), D("1.00"))]
    lines = conventions.schedule_lines_of(terms.commitments[0].id)
    assert [(line.percent, line.trigger) for line in lines] == [
        (D("40.00"), "start"),
        (D("60.00"), "end"),
    ]
    assert set(lines[1].required_deliverables) == {
        "bilan_activite",
        "bilan_financier",
        "bulletins_salaire",
        "fiche_poste",
    }
    by_period = {(i.period.number, i.line.seq): i for i in read.money}
    assert by_period[(1, 1)].amount == D("4800.00") and by_period[(1, 2)].amount == D("7200.00")
    assert by_period[(2, 1)].amount == D("6000.00") and by_period[(2, 2)].amount == D("9000.00")
    assert by_period[(2, 2)].status == "waiting"
    assert standing.period.number == 2 and standing.renewals_left == 1


def _seed_004(read: Read) -> None:  # arles-crau-camargue-montagnette
    terms, standing = read.terms, read.standing
    assert (terms.terms.notice_months, terms.terms.amendments_at_renewal_only) == (3, True)
    assert standing.last_day_to_object is not None and standing.last_day_to_object >= clock.today()
    assert db.session.scalar(
        select(func.count()).select_from(Obligation).where(Obligation.category == "reunion_bilan")
    )


#: the demo territories, in the order they are read, and what each carries.
SEEDS = {
    "saint-dizier": _seed_000,
    "niortais": _seed_002,
    "rosny-sous-bois": _seed_003,
    "arles-crau-camargue-montagnette": _seed_004,
}
