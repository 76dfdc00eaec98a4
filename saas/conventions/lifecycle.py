"""Where a convention stands, and its life after signature: tacit renewal, objection to the
renewal (dénonciation) at a term, early termination."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from saas import clock
from saas.audit import api as audit
from saas.conventions import calendar as cal
from saas.conventions import checks, enums, occurrences, repository, timeline
from saas.conventions.models import Convention, ConventionObjection, ConventionRenewal
from saas.db import db, insert
from saas.errors import DomainError, ValidationError
from saas.partenaires.models import Organisation


@dataclass
class Standing:
    """Where a convention stands on a date: what the facilitator reads at the top of its page."""

    status: str
    period: cal.Period | None
    periods: list[cal.Period]
    next_term: date | None
    last_day_to_object: date | None
    renews: bool
    renewals_left: int | None
    ends_on: date | None
    objection: ConventionObjection | None

    @property
    def status_label(self) -> str:
        return enums.ConventionStatus(self.status).label


def standing(convention: Convention, day: date | None = None) -> Standing:
    """Where ``convention`` stands on ``day`` (today by default)."""
    return standings([convention], day)[convention.id]


def standings(conventions: list[Convention], day: date | None = None) -> dict[int, Standing]:
    """Where each convention stands on ``day``, by id, read in two queries for them all (their
    terms and their objections); a convention without terms (not made by ``create``) has none."""
    day = day or clock.today()
    ids = [convention.id for convention in conventions]
    versions = repository.versions_by_convention(ids)
    objections = repository.objections_by_convention(ids)
    return {
        convention.id: _standing(
            convention,
            day,
            [timeline.view(v) for v in versions[convention.id]],
            objections.get(convention.id),
        )
        for convention in conventions
        if versions[convention.id]
    }


def _standing(
    convention: Convention, day: date, views: list[cal.TermsView], objection: ConventionObjection | None
) -> Standing:
    objection_term = objection.effective_term if objection else None
    all_periods = cal.periods(
        convention.effective_on,
        views,
        objection_term=objection_term,
        terminated_on=convention.terminated_on,
        until=day,
    )
    period = cal.period_at(all_periods, day)
    # the whole life, as far as it is known: finite when the terms cap the renewals, an objection
    # fixes the last term, or the convention was terminated
    whole = cal.periods(
        convention.effective_on, views, objection_term=objection_term, terminated_on=convention.terminated_on
    )
    ends_on = None if whole[-1].renewable else whole[-1].end
    if convention.signed_on is None:
        status = "draft"
    elif convention.terminated_on is not None and convention.terminated_on <= day:
        status = "terminated"
    elif day < convention.effective_on:
        status = "upcoming"
    elif period is None:
        status = "ended"
    elif objection is not None:
        status = "ending"
    else:
        status = "active"
    renewals_left = None
    if ends_on is not None:
        current = period.number if period else (0 if day < convention.effective_on else len(whole))
        renewals_left = sum(
            1 for p in whole if p.number > current and cal.terms_at(views, p.start).duration_kind == "tacit"
        )
    return Standing(
        status=status,
        period=period,
        periods=all_periods,
        next_term=period.end if period else None,
        last_day_to_object=period.last_day_to_object if period and period.renewable else None,
        renews=bool(period and period.renewable),
        renewals_left=renewals_left,
        ends_on=ends_on,
        objection=objection,
    )


#: the last day to object to a tacit renewal is announced this many days ahead: on the dashboard of
#: the facilitators and in the reminders to the tenant admins alike.
OBJECTION_WINDOW_DAYS = 30


def objection_deadlines(
    day: date | None = None, within_days: int = OBJECTION_WINDOW_DAYS
) -> list[tuple[Convention, Standing]]:
    """Signed conventions whose last day to object falls within ``within_days``, nearest first."""
    day = day or clock.today()
    found = []
    signed = [convention for convention in repository.conventions() if convention.signed_on is not None]
    standing_of = standings(signed, day)
    for convention in signed:
        current = standing_of[convention.id]
        deadline = current.last_day_to_object
        if deadline is not None and day <= deadline <= day + timedelta(days=within_days):
            found.append((convention, current))
    return sorted(found, key=lambda pair: pair[1].last_day_to_object or day)  # set on every one found


def object_to_renewal(actor, convention: Convention, data: Mapping) -> ConventionObjection:
    """A party objects to the tacit renewal (dénonciation): the convention ends at the first term
    whose notice period is still open on the day the objection is received."""
    if convention.signed_on is None:
        raise DomainError("Une convention non signée ne se dénonce pas.")
    if repository.objection_of(convention.id) is not None:
        raise DomainError("La convention a déjà été dénoncée.")
    party = checks.party_of(convention, data.get("party_id"), "party_id")
    received_on = checks.date_of(data, "received_on", "Indiquez la date de réception de la dénonciation.")
    if received_on > clock.today():
        raise ValidationError("received_on", "La date de réception ne peut pas être dans le futur.")
    if received_on < convention.effective_on:
        raise ValidationError(
            "received_on", "La date de réception précède la prise d'effet de la convention."
        )
    versions = [timeline.view(v) for v in repository.versions_of(convention.id)]
    allowed = cal.terms_at(versions, received_on).objecting_party_id
    if allowed is not None and allowed != party.organisation_id:
        name = db.session.get_one(Organisation, (convention.tenant_id, allowed)).name
        raise ValidationError(
            "party_id", f"Seul(e) {name} peut mettre fin à cette convention à son échéance."
        )
    term = _term_ended_by(convention, versions, received_on)
    objection = ConventionObjection(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        party_id=party.organisation_id,
        received_on=received_on,
        effective_term=term.end,
        reason=checks.optional_text(data, "reason", 500),
        recorded_by=actor.user_id,
    )
    insert(objection)
    audit.record(
        "convention.objected",
        actor,
        "convention",
        convention.id,
        {"partie": party.organisation_id, "reçue le": str(received_on), "fin le": str(term.end)},
    )
    occurrences.sync_occurrences(convention)
    return objection


def _term_ended_by(convention: Convention, versions: list[cal.TermsView], received_on: date) -> cal.Period:
    """The first renewable period whose notice is still open on ``received_on`` (looking further
    ahead, period by period, until one is)."""

    def open_on(all_periods: list[cal.Period]) -> list[cal.Period]:
        return [
            p
            for p in all_periods
            if p.renewable and p.last_day_to_object and p.last_day_to_object >= received_on
        ]

    until = received_on
    while True:
        all_periods = cal.periods(
            convention.effective_on, versions, terminated_on=convention.terminated_on, until=until
        )
        candidates = open_on(all_periods)
        if candidates:
            return candidates[0]
        last = all_periods[-1]
        if not last.renewable:
            raise DomainError(
                "La convention prend fin à son terme sans reconduction : aucune dénonciation n'est nécessaire."
            )
        until = last.end + timedelta(days=1)


def objection_was_late(objection: ConventionObjection, convention: Convention) -> bool:
    """True when the objection came after the notice period of the term under way: it then takes
    effect at the following term."""
    day_periods = timeline.periods_of(convention, until=objection.received_on)
    period = cal.period_at(day_periods, objection.received_on)
    return period is not None and objection.effective_term != period.end


def terminate(actor, convention: Convention, data: Mapping) -> None:
    """Early termination for breach (seed 000 art. 13; seed 003 art. 8), from a date."""
    if convention.terminated_on is not None:
        raise DomainError("La convention est déjà résiliée.")
    on = checks.date_of(data, "terminated_on", "Indiquez la date de résiliation.")
    if on < convention.effective_on:
        raise ValidationError("terminated_on", "La résiliation ne peut précéder la prise d'effet.")
    convention.terminated_on = on
    convention.termination_reason = checks.text(data, "reason", "Indiquez le motif de la résiliation.", 500)
    db.session.flush()
    audit.record("convention.terminated", actor, "convention", convention.id, {"le": str(on)})
    occurrences.sync_occurrences(convention)


def renew_due(actor, day: date | None = None) -> list[ConventionRenewal]:
    """Record the tacit renewals that have happened by ``day`` (nobody objected in time).

    Idempotent: a renewal is one row per period; running twice records nothing more.
    """
    day = day or clock.today()
    done = []
    for convention in repository.conventions():
        if convention.signed_on is None:
            continue
        known = {r.period_no for r in repository.renewals_of(convention.id)}
        for period in timeline.periods_of(convention, until=day):
            if period.number < 2 or period.number in known or period.start > day:
                continue
            renewal = ConventionRenewal(
                tenant_id=convention.tenant_id,
                convention_id=convention.id,
                period_no=period.number,
                starts_on=period.start,
                ends_on=period.end,
            )
            insert(renewal)
            audit.record(
                "convention.renewed",
                actor,
                "convention",
                convention.id,
                {"période": period.number, "du": str(period.start), "au": str(period.end)},
            )
            done.append(renewal)
    return done


# --------------------------------------------------------------------------- what may be done

#: the actions on a convention, as :func:`allowed_actions` names them.
ACTIONS = (
    "sign",
    "add_party",
    "add_resource",
    "add_commitment",
    "add_obligation",
    "amend",
    "object",
    "terminate",
    "add_document",
)


def allowed_actions(convention: Convention, day: date | None = None) -> frozenset[str]:
    """What may be done to the convention on ``day``: a draft is completed then signed; a signed
    convention not terminated is amended, objected to while it still renews, or terminated; a
    document may always be added. The console offers these actions and no other."""
    has_terms = bool(repository.versions_of(convention.id))
    allowed = {"add_document"}
    if convention.signed_on is None:
        allowed.add("add_party")
        if has_terms:
            allowed |= {"sign", "add_resource", "add_commitment", "add_obligation"}
    elif has_terms and convention.terminated_on is None:
        allowed |= {"amend", "terminate"}
        if repository.objection_of(convention.id) is None and standing(convention, day).renews:
            allowed.add("object")
    return frozenset(allowed)
