"""Avenants: once signed, a convention changes only by avenant, effective from its date; what it
replaces is closed, never erased, and the terms in force at any date stay readable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from saas import clock, formats
from saas.audit import api as audit
from saas.conventions import calendar as cal
from saas.conventions import checks, drafting, occurrences, repository, timeline
from saas.conventions.models import (
    Convention,
    ConventionResource,
    ConventionTerms,
    FinancialCommitment,
    Obligation,
)
from saas.db import db, insert
from saas.errors import DomainError, ValidationError


@dataclass
class TermsInForce:
    terms: ConventionTerms
    resources: list[ConventionResource]
    commitments: list[FinancialCommitment]
    obligations: list[Obligation]


def terms_in_force(convention: Convention, day: date | None = None) -> TermsInForce:
    """The signed terms as changed by every avenant effective on or before ``day``."""
    day = day or clock.today()
    versions = repository.versions_of(convention.id)
    current = versions[0]
    for version in versions:
        if version.effective_from <= day:
            current = version
    number = current.number
    return TermsInForce(
        terms=current,
        resources=repository.children(ConventionResource, convention.id, number),
        commitments=repository.children(FinancialCommitment, convention.id, number),
        obligations=repository.children(Obligation, convention.id, number),
    )


def amend(actor, convention: Convention, data: Mapping) -> ConventionTerms:
    """Record an avenant: new terms from ``effective_from``; what it replaces is closed, never erased.

    ``data``: signed_on, effective_from, summary, any duration term or object/articles to change,
    ``add`` {resources, commitments, obligations} and ``close`` {resources, commitments,
    obligations: [ids]} (to change an obligation, close it and add its new version).

    Obligations follow the avenant from its date. Money follows the terms in force at the start of
    each period: a commitment changed in the middle of a period applies from the next one (the
    avenants of seed 003 and 004 take effect at the renewal).
    """
    require_amendable(convention)
    versions = repository.versions_of(convention.id)
    latest = versions[-1]
    signed_on = checks.date_of(data, "signed_on", "Indiquez la date de signature de l'avenant.")
    effective_from = _effective_from(convention, versions, data)
    summary = checks.text(data, "summary", "Décrivez ce que change l'avenant.", 5000)
    number = latest.number + 1
    duration = _duration_after(convention, latest, data, effective_from)
    terms = ConventionTerms(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        number=number,
        signed_on=signed_on,
        effective_from=effective_from,
        summary=summary,
        object=checks.optional_text(data, "object", 5000) or latest.object,
        articles=drafting.clean_articles(data["articles"])
        if data.get("articles") is not None
        else latest.articles,
        objecting_party_id=_objecting_party(convention, latest, data),
        created_by=actor.user_id,
        **duration,
    )
    insert(terms)
    closed = _close(convention, data.get("close") or {}, number)
    drafting.insert_terms(convention, data.get("add") or {}, number, "add.")
    db.session.flush()
    audit.record(
        "convention.amended",
        actor,
        "convention",
        convention.id,
        {"avenant": number, "effet": str(effective_from), "résumé": summary, "clos": closed},
    )
    occurrences.sync_occurrences(convention)
    return terms


def require_amendable(convention: Convention) -> None:
    """An avenant follows the signature and stops with the termination."""
    if convention.signed_on is None:
        raise DomainError("Une convention non signée se complète directement ; l'avenant suit la signature.")
    if convention.terminated_on is not None:
        raise DomainError("La convention est résiliée : elle ne peut plus être modifiée.")


def _effective_from(convention: Convention, versions: list[ConventionTerms], data: Mapping) -> date:
    """The date the avenant takes effect: after the latest terms, while the convention is in force,
    at a renewal when the terms allow avenants only then."""
    latest = versions[-1]
    effective_from = checks.date_of(data, "effective_from", "Indiquez la date d'effet de l'avenant.")
    if effective_from <= latest.effective_from:
        raise ValidationError(
            "effective_from",
            "Un avenant prend effet après les termes précédents (en vigueur depuis le "
            f"{formats.date(latest.effective_from)}).",
        )
    all_periods = timeline.periods_of(convention, until=effective_from)
    if cal.terms_at([timeline.view(v) for v in versions], effective_from).amendments_at_renewal_only:
        _require_renewal_date(all_periods, effective_from)
    if cal.period_at(all_periods, effective_from) is None:
        raise ValidationError("effective_from", "La convention n'est plus en vigueur à cette date.")
    return effective_from


def _require_renewal_date(all_periods: list[cal.Period], effective_from: date) -> None:
    if effective_from in [p.start for p in all_periods if p.number > 1]:
        return
    following = next((p.end for p in all_periods if p.start <= effective_from <= p.end), None)
    hint = f" ; prochain renouvellement le {formats.date(following + timedelta(days=1))}" if following else ""
    raise ValidationError(
        "effective_from",
        "Cette convention ne peut être modifiée par avenant qu'au moment de son renouvellement annuel"
        + hint
        + ".",
    )


DURATION_KEYS = ("duration_kind", "end_on", "max_renewals", "notice_months", "period_months")


def _duration_after(
    convention: Convention, latest: ConventionTerms, data: Mapping, effective_from: date
) -> dict:
    """The duration terms of the avenant: the latest ones, with what ``data`` changes."""
    scalar: dict[str, Any] = {
        "duration_kind": latest.duration_kind,
        "period_months": latest.period_months,
        "end_on": latest.end_on,
        "max_renewals": latest.max_renewals,
        "notice_months": latest.notice_months,
        "amendments_at_renewal_only": latest.amendments_at_renewal_only,
    }
    if any(key in data for key in DURATION_KEYS):
        if repository.objection_of(convention.id) is not None:
            raise DomainError("La convention est dénoncée : sa durée ne peut plus changer par avenant.")
        merged = {**scalar, **{k: v for k, v in data.items() if k in scalar}}
        scalar = drafting.duration_terms(merged, convention.effective_on)
        if scalar["end_on"] is not None and scalar["end_on"] < effective_from:
            raise ValidationError("end_on", "La nouvelle date de fin précède la date d'effet de l'avenant.")
    if "amendments_at_renewal_only" in data:
        scalar["amendments_at_renewal_only"] = bool(data["amendments_at_renewal_only"])
    return scalar


def _objecting_party(convention: Convention, latest: ConventionTerms, data: Mapping) -> int | None:
    if "objecting_party_id" not in data:
        return latest.objecting_party_id
    if not data["objecting_party_id"]:
        return None
    return checks.party_of(convention, data["objecting_party_id"], "objecting_party_id").organisation_id


CLOSABLE = (
    ("resources", ConventionResource),
    ("commitments", FinancialCommitment),
    ("obligations", Obligation),
)


def _close(convention: Convention, close: Mapping, number: int) -> dict[str, list[int]]:
    """Close the terms in force named by ``close`` at avenant ``number``; their ids by kind."""
    closed: dict[str, list[int]] = {}
    for kind, model in CLOSABLE:
        for raw_id in close.get(kind) or []:
            try:
                row = db.session.get(model, (convention.tenant_id, int(raw_id)))
            except (TypeError, ValueError):
                row = None
            if (
                not isinstance(row, ConventionResource | FinancialCommitment | Obligation)  # None: not found
                or row.convention_id != convention.id
                or row.until_terms is not None
            ):
                raise ValidationError(f"close.{kind}", "Ce terme n'est pas en vigueur dans cette convention.")
            row.until_terms = number
            closed.setdefault(kind, []).append(row.id)
    return closed
