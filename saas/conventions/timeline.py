"""The life of a convention in time: its versions of terms as the calendar reads them, its periods
(renewals, objection, termination included) and the window each version of the terms is in force."""

from __future__ import annotations

from datetime import date

from saas import clock
from saas.conventions import calendar as cal
from saas.conventions import repository
from saas.conventions.models import Convention, ConventionObjection, ConventionTerms


def view(terms: ConventionTerms) -> cal.TermsView:
    return cal.TermsView(
        number=terms.number,
        effective_from=terms.effective_from,
        duration_kind=terms.duration_kind,
        period_months=terms.period_months,
        end_on=terms.end_on,
        max_renewals=terms.max_renewals,
        notice_months=terms.notice_months,
        amendments_at_renewal_only=terms.amendments_at_renewal_only,
        objecting_party_id=terms.objecting_party_id,
    )


def periods_of(convention: Convention, until: date | None = None) -> list[cal.Period]:
    return periods_from(
        convention, repository.versions_of(convention.id), repository.objection_of(convention.id), until
    )


def periods_from(
    convention: Convention,
    versions: list[ConventionTerms],
    objection: ConventionObjection | None,
    until: date | None = None,
) -> list[cal.Period]:
    """:func:`periods_of` from the convention's versions of terms and objection, read by the caller."""
    return cal.periods(
        convention.effective_on,
        [view(v) for v in versions],
        objection_term=objection.effective_term if objection else None,
        terminated_on=convention.terminated_on,
        until=until or clock.today(),
    )


def windows(convention_id: int) -> dict[int, tuple[date, date | None]]:
    """Terms number -> [effective_from, next version's effective_from)."""
    return windows_from(repository.versions_of(convention_id))


def windows_from(versions: list[ConventionTerms]) -> dict[int, tuple[date, date | None]]:
    """:func:`windows` from the versions of terms, read by the caller (in order of number)."""
    result = {}
    for index, version in enumerate(versions):
        following = versions[index + 1].effective_from if index + 1 < len(versions) else None
        result[version.number] = (version.effective_from, following)
    return result
