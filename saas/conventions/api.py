"""Conventions: creation and signature, avenants, objection and termination, tacit renewal, the
obligations calendar and its reminders, and the money (commitments, instalments, payments).

Terms are never overwritten. Before signature a convention is a draft whose terms may still be
completed; once signed, every change is an avenant (:func:`amend`), effective from its date, and
the terms in force at any date stay readable (:func:`terms_in_force`).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal, overload

from sqlalchemy import select

from saas import clock, uploads
from saas import settings as tenant_settings
from saas.audit import api as audit
from saas.conventions import calendar as cal
from saas.conventions import enums, repository
from saas.conventions.models import (
    Convention,
    ConventionDocument,
    ConventionObjection,
    ConventionParty,
    ConventionRenewal,
    ConventionResource,
    ConventionTerms,
    FinancialCommitment,
    Obligation,
    Occurrence,
    Payment,
    ScheduleLine,
)
from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.partenaires.models import Organisation
from tenants.context import require_tenant_id

for _action, _label in {
    "convention.created": "Création d'une convention",
    "convention.signed": "Signature d'une convention",
    "convention.completed": "Ajout à une convention non signée",
    "convention.amended": "Avenant à une convention",
    "convention.objected": "Dénonciation d'une convention à son échéance",
    "convention.terminated": "Résiliation d'une convention",
    "convention.renewed": "Reconduction tacite d'une convention",
    "convention.document_added": "Ajout d'un document à une convention",
    "convention.document_read": "Téléchargement d'un document de convention",
    "obligation.received": "Réception d'un livrable ou tenue d'une réunion",
    "obligation.receipt_cancelled": "Annulation d'une réception",
    "obligation.event_dated": "Date d'un événement déclencheur (assemblée générale…)",
    "payment.recorded": "Paiement d'une échéance",
}.items():
    audit.ACTION_LABELS[_action] = _label

get = repository.convention
conventions = repository.conventions
parties_of = repository.parties_of
documents_of = repository.documents_of
renewals_of = repository.renewals_of
objection_of = repository.objection_of
versions_of = repository.versions_of
occurrence = repository.occurrence
schedule_lines_of = repository.schedule_lines_of
CalendarFilters = repository.CalendarFilters
calendar_rows = repository.calendar_rows
calendar_count = repository.calendar_count
calendar_row = repository.calendar_row
calendar_sorts = repository.calendar_sorts
compliance = repository.compliance

DOCUMENT_MIMETYPES = {"application/pdf", "image/png", "image/jpeg"}
DOCUMENT_MAX_BYTES = 15 * 1024 * 1024
#: a late reminder is sent for occurrences due at most this long ago (not for years of backlog).
LATE_REMINDER_WINDOW_DAYS = 60
CENT = Decimal("0.01")
#: money columns hold up to 10 digits before the point; FTE and percentages far less.
MAX_NUMBER = Decimal("10000000000")


# --------------------------------------------------------------------------- input checks


def _text(data: Mapping, key: str, message: str, maximum: int = 300) -> str:
    value = (data.get(key) or "").strip() if isinstance(data.get(key) or "", str) else data.get(key)
    if not value:
        raise ValidationError(key, message)
    if len(value) > maximum:
        raise ValidationError(key, f"{maximum} caractères au plus.")
    return value


def _optional_text(data: Mapping, key: str, maximum: int = 300) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    value = str(value).strip()
    if len(value) > maximum:
        raise ValidationError(key, f"{maximum} caractères au plus.")
    return value


def _choice(data: Mapping, key: str, choices: Mapping, message: str, default=None) -> str:
    value = data.get(key) or default
    if value not in choices:
        raise ValidationError(key, message)
    return value


@overload
def _date(data: Mapping, key: str, message: str, required: Literal[True] = True) -> date: ...
@overload
def _date(data: Mapping, key: str, message: str, required: bool) -> date | None: ...
def _date(data: Mapping, key: str, message: str, required: bool = True) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise ValidationError(key, message)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(key, message) from None


def _int(
    data: Mapping, key: str, low: int, high: int, message: str, default: int | None = None
) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(key, message) from None
    if not low <= number <= high:
        raise ValidationError(key, message)
    return number


@overload
def _decimal(data: Mapping, key: str, message: str, required: Literal[True] = True) -> Decimal: ...
@overload
def _decimal(data: Mapping, key: str, message: str, required: bool) -> Decimal | None: ...
def _decimal(data: Mapping, key: str, message: str, required: bool = True) -> Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise ValidationError(key, message)
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except InvalidOperation:
        raise ValidationError(key, message) from None
    if not number.is_finite() or number <= 0:
        raise ValidationError(key, message)
    if number >= MAX_NUMBER:
        raise ValidationError(key, "Valeur trop grande.")
    return number.quantize(Decimal("0.0001"), ROUND_HALF_UP)


@contextmanager
def _within(key: str):
    """Errors of one row of a nested list name their full path: ``commitments.0.schedule.1.percent``."""
    try:
        yield
    except ValidationError as error:
        if error.field == key or error.field.startswith(key + "."):
            raise
        raise ValidationError(f"{key}.{error.field}", error.message) from None


def _organisation(organisation_id, key: str) -> Organisation:
    try:
        found = db.session.get(Organisation, (require_tenant_id(), int(organisation_id)))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationError(key, "Choisissez une organisation partenaire du territoire.")
    return found


def _party_of(convention: Convention, organisation_id, key: str) -> ConventionParty:
    organisation = _organisation(organisation_id, key)
    party = next((p for p in parties_of(convention.id) if p.organisation_id == organisation.id), None)
    if party is None:
        raise ValidationError(key, f"{organisation.name} n'est pas partie à cette convention.")
    return party


# --------------------------------------------------------------------------- terms


def _view(terms: ConventionTerms) -> cal.TermsView:
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


def _duration_terms(data: Mapping, effective_on: date) -> dict:
    kind = _choice(data, "duration_kind", enums.DURATION_KINDS, "Choisissez la durée de la convention.")
    terms: dict[str, Any] = {
        "duration_kind": kind,
        "period_months": _int(
            data, "period_months", 1, 60, "La durée d'une période est comprise entre 1 et 60 mois.", 12
        ),
        "end_on": None,
        "max_renewals": None,
        "notice_months": _int(data, "notice_months", 0, 12, "Le préavis est compris entre 0 et 12 mois.", 0),
        "amendments_at_renewal_only": bool(data.get("amendments_at_renewal_only")),
    }
    if kind == "fixed":
        end_on = _date(data, "end_on", "Indiquez la date de fin de la convention.")
        if end_on < effective_on:
            raise ValidationError("end_on", "La date de fin précède la prise d'effet.")
        terms["end_on"] = end_on
        terms["notice_months"] = 0
    else:
        terms["max_renewals"] = _int(
            data, "max_renewals", 0, 50, "Le nombre de reconductions est compris entre 0 et 50."
        )
    return terms


def create(actor: audit.Actor, data: Mapping) -> Convention:
    """A convention with its parties and signed terms (obligations, money, resources may follow).

    ``data``: reference, title, kind, effective_on, signed_on, signed_at_place, object, articles,
    duration_kind, period_months, end_on, max_renewals, notice_months, objecting_party_id,
    amendments_at_renewal_only, parties [{organisation_id, role, signatory, represented_by,
    is_guichet}], and optionally resources, commitments, obligations (see the ``add_*`` functions).
    """
    tenant_id = require_tenant_id()
    reference = _text(data, "reference", "Indiquez la référence de la convention.", 40)
    if db.session.scalar(
        select(Convention.id).where(Convention.tenant_id == tenant_id, Convention.reference == reference)
    ):
        raise ValidationError("reference", "Une convention porte déjà cette référence.")
    effective_on = _date(data, "effective_on", "Indiquez la date de prise d'effet.")
    signed_on = _date(data, "signed_on", "Date de signature invalide.", required=False)
    convention = Convention(
        tenant_id=tenant_id,
        reference=reference,
        title=_text(data, "title", "Indiquez l'intitulé de la convention."),
        kind=_choice(data, "kind", enums.KINDS, "Choisissez le type de convention."),
        signed_on=signed_on,
        signed_at_place=_optional_text(data, "signed_at_place", 120),
        effective_on=effective_on,
        created_by=actor.user_id,
    )
    db.session.add(convention)
    db.session.flush()
    parties = data.get("parties") or []
    if len(parties) < 2:
        raise ValidationError("parties", "Une convention lie au moins deux parties.")
    for index, party in enumerate(parties):
        _add_party(convention, party, f"parties.{index}")
    objecting = data.get("objecting_party_id")
    terms = ConventionTerms(
        tenant_id=tenant_id,
        convention_id=convention.id,
        number=0,
        signed_on=signed_on,
        effective_from=effective_on,
        object=_text(data, "object", "Indiquez l'objet de la convention.", 5000),
        articles=_articles(data.get("articles")),
        objecting_party_id=_party_of(convention, objecting, "objecting_party_id").organisation_id
        if objecting
        else None,
        created_by=actor.user_id,
        **_duration_terms(data, effective_on),
    )
    db.session.add(terms)
    db.session.flush()
    for index, item in enumerate(data.get("resources") or []):
        _add_resource(convention, item, 0, f"resources.{index}")
    for index, item in enumerate(data.get("commitments") or []):
        _add_commitment(convention, item, 0, f"commitments.{index}")
    for index, item in enumerate(data.get("obligations") or []):
        _add_obligation(convention, item, 0, f"obligations.{index}")
    audit.record(
        "convention.created",
        actor,
        "convention",
        convention.id,
        {"référence": reference, "type": convention.kind, "signée le": str(signed_on) if signed_on else None},
    )
    if signed_on:
        sync_occurrences(convention)
    return convention


def _articles(value) -> list[dict]:
    articles = []
    for index, item in enumerate(value or []):
        text = (item.get("texte") or "").strip()
        if not text:
            raise ValidationError(f"articles.{index}", "Un article sans texte ne peut être enregistré.")
        articles.append(
            {
                "numero": str(item.get("numero") or index + 1),
                "titre": (item.get("titre") or "").strip(),
                "texte": text,
            }
        )
    return articles


def _add_party(convention: Convention, data: Mapping, key: str) -> ConventionParty:
    with _within(key):
        organisation = _organisation(data.get("organisation_id"), f"{key}.organisation_id")
        if any(p.organisation_id == organisation.id for p in parties_of(convention.id)):
            raise ValidationError(
                f"{key}.organisation_id", f"{organisation.name} est déjà partie à la convention."
            )
        party = ConventionParty(
            tenant_id=convention.tenant_id,
            convention_id=convention.id,
            organisation_id=organisation.id,
            role=_choice(data, "role", enums.PARTY_ROLES, "Choisissez le rôle de la partie."),
            signatory=data.get("signatory", True) is not False,
            represented_by=_optional_text(data, "represented_by", 200),
            is_guichet=bool(data.get("is_guichet")),
        )
        db.session.add(party)
        db.session.flush()
        return party


def _add_resource(convention, data: Mapping, number: int, key: str) -> ConventionResource:
    with _within(key):
        provider = _party_of(convention, data.get("provider_id"), f"{key}.provider_id")
        fte = _decimal(data, "fte", "Indiquez le temps mis à disposition en ETP (par exemple 0,5).")
        if fte > 50:
            raise ValidationError(f"{key}.fte", "50 ETP au plus.")
        fte = fte.quantize(CENT, ROUND_HALF_UP)
        resource = ConventionResource(
            tenant_id=convention.tenant_id,
            convention_id=convention.id,
            provider_id=provider.organisation_id,
            label=_text(data, "label", "Indiquez la fonction mise à disposition.", 200),
            fte=fte,
            person_name=_optional_text(data, "person_name", 200),
            from_terms=number,
        )
        db.session.add(resource)
        return resource


def _add_commitment(convention, data: Mapping, number: int, key: str) -> FinancialCommitment:
    with _within(key):
        payer = _party_of(convention, data.get("payer_id"), f"{key}.payer_id")
        payee = _party_of(convention, data.get("payee_id"), f"{key}.payee_id")
        if payer.organisation_id == payee.organisation_id:
            raise ValidationError(
                f"{key}.payee_id", "Le bénéficiaire doit être une autre partie que le payeur."
            )
        basis = _choice(
            data, "basis", enums.COMMITMENT_BASES, "Choisissez la base de l'engagement financier."
        )
        commitment = FinancialCommitment(
            tenant_id=convention.tenant_id,
            convention_id=convention.id,
            payer_id=payer.organisation_id,
            payee_id=payee.organisation_id,
            label=_text(data, "label", "Indiquez l'objet de l'engagement financier.", 200),
            basis=basis,
            recurrence=_choice(
                data, "recurrence", enums.RECURRENCES, "Choisissez la récurrence.", "each_period"
            ),
            article=_optional_text(data, "article", 40),
            from_terms=number,
        )
        if basis == "fixed":
            commitment.amount = _decimal(data, "amount", "Indiquez un montant en euros.").quantize(
                CENT, ROUND_HALF_UP
            )
        else:
            commitment.rate_per_post = _decimal(
                data, "rate_per_post", "Indiquez le montant par poste à temps plein."
            ).quantize(CENT, ROUND_HALF_UP)
            commitment.posts_fte = _decimal(
                data,
                "posts_fte",
                "Indiquez le temps travaillé sur la fonction, en postes à temps plein (ex. 0,8).",
            ).quantize(CENT, ROUND_HALF_UP)
            if commitment.posts_fte > 100:
                raise ValidationError("posts_fte", "100 postes au plus.")
        db.session.add(commitment)
        db.session.flush()
        schedule = data.get("schedule") or [
            {"label": "Versement unique", "percent": 100, "trigger": "signature"}
        ]
        total = Decimal(0)
        for seq, line in enumerate(schedule, start=1):
            line_key = f"{key}.schedule.{seq - 1}"
            with _within(line_key):
                percent = _decimal(line, "percent", "Indiquez le pourcentage de l'échéance.").quantize(
                    CENT, ROUND_HALF_UP
                )
                if percent > 100:
                    raise ValidationError(f"{line_key}.percent", "Une échéance ne dépasse pas 100 %.")
                required = list(line.get("required_deliverables") or [])
                unknown = [c for c in required if c not in enums.DELIVERABLE_CATEGORIES]
                if unknown:
                    raise ValidationError(
                        f"{line_key}.required_deliverables", f"Pièce inconnue : {', '.join(unknown)}."
                    )
                total += percent
                db.session.add(
                    ScheduleLine(
                        tenant_id=convention.tenant_id,
                        commitment_id=commitment.id,
                        seq=seq,
                        label=_text(line, "label", "Indiquez le libellé de l'échéance.", 200),
                        percent=percent,
                        trigger=_choice(
                            line, "trigger", enums.TRIGGERS, "Choisissez quand l'échéance est due."
                        ),
                        offset_days=_int(
                            line, "offset_days", 0, 365, "Le délai est compris entre 0 et 365 jours.", 0
                        ),
                        required_deliverables=required,
                    )
                )
        if total != 100:
            raise ValidationError(
                f"{key}.schedule", f"Les échéances doivent totaliser 100 % (elles totalisent {_fr(total)} %)."
            )
        return commitment


def _add_obligation(convention, data: Mapping, number: int, key: str) -> Obligation:
    with _within(key):
        responsible = _party_of(convention, data.get("responsible_id"), f"{key}.responsible_id")
        recipient = (
            _party_of(convention, data.get("recipient_id"), f"{key}.recipient_id").organisation_id
            if data.get("recipient_id")
            else None
        )
        nature = _choice(data, "nature", enums.NATURES, "Choisissez livrable ou réunion.")
        categories = enums.DELIVERABLE_CATEGORIES if nature == "deliverable" else enums.MEETING_CATEGORIES
        category = _choice(data, "category", categories, "Choisissez la catégorie de l'obligation.")
        cadence = _choice(data, "cadence", enums.CADENCES, "Choisissez la périodicité.")
        if cadence == "mission_end" and nature != "deliverable":
            raise ValidationError(f"{key}.cadence", "Seul un livrable peut suivre chaque fin de mission.")
        obligation = Obligation(
            tenant_id=convention.tenant_id,
            convention_id=convention.id,
            responsible_id=responsible.organisation_id,
            recipient_id=recipient,
            nature=nature,
            category=category,
            label=(_optional_text(data, "label", 300) or categories[category]),
            cadence=cadence,
            day_of_month=_int(data, "day_of_month", 1, 28, "Le jour du mois est compris entre 1 et 28.")
            if cadence == "monthly"
            else None,
            weekday=_int(data, "weekday", 0, 6, "Choisissez le jour de la semaine.", 4)
            if cadence == "weekly"
            else None,
            offset_days=_int(data, "offset_days", 0, 365, "Le délai est compris entre 0 et 365 jours.", 0),
            offset_months=_int(
                data,
                "offset_months",
                0,
                12,
                "Le délai est compris entre 0 et 12 mois.",
                1 if cadence == "monthly" else 0,
            ),
            event_label=_optional_text(data, "event_label", 100) if cadence == "after_event" else None,
            event_default_month=_int(
                data, "event_default_month", 1, 12, "Choisissez le mois habituel de l'événement.", 6
            )
            if cadence == "after_event"
            else None,
            article=_optional_text(data, "article", 40),
            from_terms=number,
        )
        if cadence == "monthly" and obligation.day_of_month is None:
            raise ValidationError(f"{key}.day_of_month", "Indiquez le jour du mois de l'échéance.")
        if cadence == "after_event" and not obligation.event_label:
            raise ValidationError(
                f"{key}.event_label", "Indiquez l'événement (par exemple « assemblée générale »)."
            )
        db.session.add(obligation)
        return obligation


def _require_draft(convention: Convention) -> None:
    if convention.signed_on is not None:
        raise DomainError("La convention est signée : toute modification de ses termes passe par un avenant.")


def add_party(actor, convention: Convention, data: Mapping) -> ConventionParty:
    _require_draft(convention)
    party = _add_party(convention, data, "party")
    audit.record(
        "convention.completed", actor, "convention", convention.id, {"partie": party.organisation_id}
    )
    return party


def add_resource(actor, convention: Convention, data: Mapping) -> ConventionResource:
    _require_draft(convention)
    resource = _add_resource(convention, data, 0, "resource")
    audit.record("convention.completed", actor, "convention", convention.id, {"moyen": resource.label})
    return resource


def add_commitment(actor, convention: Convention, data: Mapping) -> FinancialCommitment:
    _require_draft(convention)
    commitment = _add_commitment(convention, data, 0, "commitment")
    audit.record("convention.completed", actor, "convention", convention.id, {"engagement": commitment.label})
    return commitment


def add_obligation(actor, convention: Convention, data: Mapping) -> Obligation:
    _require_draft(convention)
    obligation = _add_obligation(convention, data, 0, "obligation")
    audit.record("convention.completed", actor, "convention", convention.id, {"obligation": obligation.label})
    return obligation


def sign(actor, convention: Convention, signed_on: date | None, place: str | None = None) -> None:
    """Record the signature; the calendar starts from there."""
    _require_draft(convention)
    if signed_on is None:
        raise ValidationError("signed_on", "Indiquez la date de signature.")
    convention.signed_on = signed_on
    convention.signed_at_place = (place or "").strip()[:120] or convention.signed_at_place
    for version in versions_of(convention.id):
        if version.signed_on is None:
            version.signed_on = signed_on
    audit.record("convention.signed", actor, "convention", convention.id, {"signée le": str(signed_on)})
    db.session.flush()
    sync_occurrences(convention)


# --------------------------------------------------------------------------- avenants


@dataclass
class TermsInForce:
    terms: ConventionTerms
    resources: list[ConventionResource]
    commitments: list[FinancialCommitment]
    obligations: list[Obligation]


def terms_in_force(convention: Convention, day: date | None = None) -> TermsInForce:
    """The signed terms as changed by every avenant effective on or before ``day``."""
    day = day or clock.today()
    versions = versions_of(convention.id)
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
    if convention.signed_on is None:
        raise DomainError("Une convention non signée se complète directement ; l'avenant suit la signature.")
    if convention.terminated_on is not None:
        raise DomainError("La convention est résiliée : elle ne peut plus être modifiée.")
    versions = versions_of(convention.id)
    latest = versions[-1]
    signed_on = _date(data, "signed_on", "Indiquez la date de signature de l'avenant.")
    effective_from = _date(data, "effective_from", "Indiquez la date d'effet de l'avenant.")
    if effective_from <= latest.effective_from:
        raise ValidationError(
            "effective_from",
            f"Un avenant prend effet après les termes précédents (en vigueur depuis le {_fr_date(latest.effective_from)}).",
        )
    all_periods = periods_of(convention, until=effective_from)
    if cal.terms_at([_view(v) for v in versions], effective_from).amendments_at_renewal_only:
        starts = [p.start for p in all_periods if p.number > 1]
        if effective_from not in starts:
            following = next((p.end for p in all_periods if p.start <= effective_from <= p.end), None)
            hint = (
                f" ; prochain renouvellement le {_fr_date(following + timedelta(days=1))}"
                if following
                else ""
            )
            raise ValidationError(
                "effective_from",
                "Cette convention ne peut être modifiée par avenant qu'au moment de son renouvellement annuel"
                + hint
                + ".",
            )
    period = cal.period_at(all_periods, effective_from)
    if period is None:
        raise ValidationError("effective_from", "La convention n'est plus en vigueur à cette date.")
    summary = _text(data, "summary", "Décrivez ce que change l'avenant.", 5000)
    number = latest.number + 1
    scalar: dict[str, Any] = {
        "duration_kind": latest.duration_kind,
        "period_months": latest.period_months,
        "end_on": latest.end_on,
        "max_renewals": latest.max_renewals,
        "notice_months": latest.notice_months,
        "amendments_at_renewal_only": latest.amendments_at_renewal_only,
    }
    if any(
        key in data for key in ("duration_kind", "end_on", "max_renewals", "notice_months", "period_months")
    ):
        if objection_of(convention.id) is not None:
            raise DomainError("La convention est dénoncée : sa durée ne peut plus changer par avenant.")
        merged = {**scalar, **{k: v for k, v in data.items() if k in scalar}}
        scalar = _duration_terms(merged, convention.effective_on)
        if scalar["end_on"] is not None and scalar["end_on"] < effective_from:
            raise ValidationError("end_on", "La nouvelle date de fin précède la date d'effet de l'avenant.")
    if "amendments_at_renewal_only" in data:
        scalar["amendments_at_renewal_only"] = bool(data["amendments_at_renewal_only"])
    terms = ConventionTerms(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        number=number,
        signed_on=signed_on,
        effective_from=effective_from,
        summary=summary,
        object=_optional_text(data, "object", 5000) or latest.object,
        articles=_articles(data["articles"]) if data.get("articles") is not None else latest.articles,
        objecting_party_id=(
            (
                _party_of(convention, data["objecting_party_id"], "objecting_party_id").organisation_id
                if data["objecting_party_id"]
                else None
            )
            if "objecting_party_id" in data
            else latest.objecting_party_id
        ),
        created_by=actor.user_id,
        **scalar,
    )
    db.session.add(terms)
    db.session.flush()
    closed: dict[str, list[int]] = {}
    for kind, model in (
        ("resources", ConventionResource),
        ("commitments", FinancialCommitment),
        ("obligations", Obligation),
    ):
        for raw_id in (data.get("close") or {}).get(kind) or []:
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
    added = data.get("add") or {}
    for index, item in enumerate(added.get("resources") or []):
        _add_resource(convention, item, number, f"add.resources.{index}")
    for index, item in enumerate(added.get("commitments") or []):
        _add_commitment(convention, item, number, f"add.commitments.{index}")
    for index, item in enumerate(added.get("obligations") or []):
        _add_obligation(convention, item, number, f"add.obligations.{index}")
    db.session.flush()
    audit.record(
        "convention.amended",
        actor,
        "convention",
        convention.id,
        {"avenant": number, "effet": str(effective_from), "résumé": summary, "clos": closed},
    )
    sync_occurrences(convention)
    return terms


# --------------------------------------------------------------------------- duration, renewal


def periods_of(convention: Convention, until: date | None = None) -> list[cal.Period]:
    objection = objection_of(convention.id)
    return cal.periods(
        convention.effective_on,
        [_view(v) for v in versions_of(convention.id)],
        objection_term=objection.effective_term if objection else None,
        terminated_on=convention.terminated_on,
        until=until or clock.today(),
    )


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
        return enums.CONVENTION_STATUSES[self.status]


def standing(convention: Convention, day: date | None = None) -> Standing:
    day = day or clock.today()
    all_periods = periods_of(convention, until=day)
    objection = objection_of(convention.id)
    period = cal.period_at(all_periods, day)
    # the whole life, as far as it is known: finite when the terms cap the renewals, an objection
    # fixes the last term, or the convention was terminated
    whole = cal.periods(
        convention.effective_on,
        [_view(v) for v in versions_of(convention.id)],
        objection_term=objection.effective_term if objection else None,
        terminated_on=convention.terminated_on,
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
        views = [_view(v) for v in versions_of(convention.id)]
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


def objection_deadlines(day: date | None = None, within_days: int = 30) -> list[tuple[Convention, Standing]]:
    """Signed conventions whose last day to object falls within ``within_days``, nearest first."""
    day = day or clock.today()
    found = []
    for convention in conventions():
        if convention.signed_on is None:
            continue
        current = standing(convention, day)
        deadline = current.last_day_to_object
        if deadline is not None and day <= deadline <= day + timedelta(days=within_days):
            found.append((convention, current))
    return sorted(found, key=lambda pair: pair[1].last_day_to_object or day)  # set on every one found


def object_to_renewal(actor, convention: Convention, data: Mapping) -> ConventionObjection:
    """A party objects to the tacit renewal (dénonciation): the convention ends at the first term
    whose notice period is still open on the day the objection is received."""
    if convention.signed_on is None:
        raise DomainError("Une convention non signée ne se dénonce pas.")
    if objection_of(convention.id) is not None:
        raise DomainError("La convention a déjà été dénoncée.")
    party = _party_of(convention, data.get("party_id"), "party_id")
    received_on = _date(data, "received_on", "Indiquez la date de réception de la dénonciation.")
    if received_on > clock.today():
        raise ValidationError("received_on", "La date de réception ne peut pas être dans le futur.")
    if received_on < convention.effective_on:
        raise ValidationError(
            "received_on", "La date de réception précède la prise d'effet de la convention."
        )
    versions = [_view(v) for v in versions_of(convention.id)]
    allowed = cal.terms_at(versions, received_on).objecting_party_id
    if allowed is not None and allowed != party.organisation_id:
        name = db.session.get_one(Organisation, (convention.tenant_id, allowed)).name
        raise ValidationError(
            "party_id", f"Seul(e) {name} peut mettre fin à cette convention à son échéance."
        )
    all_periods = cal.periods(
        convention.effective_on, versions, terminated_on=convention.terminated_on, until=received_on
    )
    candidates = [
        p for p in all_periods if p.renewable and p.last_day_to_object and p.last_day_to_object >= received_on
    ]
    while not candidates:
        last = all_periods[-1]
        if not last.renewable:
            raise DomainError(
                "La convention prend fin à son terme sans reconduction : aucune dénonciation n'est nécessaire."
            )
        all_periods = cal.periods(
            convention.effective_on,
            versions,
            terminated_on=convention.terminated_on,
            until=last.end + timedelta(days=1),
        )
        candidates = [
            p
            for p in all_periods
            if p.renewable and p.last_day_to_object and p.last_day_to_object >= received_on
        ]
    term = candidates[0]
    objection = ConventionObjection(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        party_id=party.organisation_id,
        received_on=received_on,
        effective_term=term.end,
        reason=_optional_text(data, "reason", 500),
        recorded_by=actor.user_id,
    )
    db.session.add(objection)
    db.session.flush()
    audit.record(
        "convention.objected",
        actor,
        "convention",
        convention.id,
        {"partie": party.organisation_id, "reçue le": str(received_on), "fin le": str(term.end)},
    )
    sync_occurrences(convention)
    return objection


def objection_was_late(objection: ConventionObjection, convention: Convention) -> bool:
    """True when the objection came after the notice period of the term under way: it then takes
    effect at the following term."""
    day_periods = periods_of(convention, until=objection.received_on)
    period = cal.period_at(day_periods, objection.received_on)
    return period is not None and objection.effective_term != period.end


def terminate(actor, convention: Convention, data: Mapping) -> None:
    """Early termination for breach (seed 000 art. 13; seed 003 art. 8), from a date."""
    if convention.terminated_on is not None:
        raise DomainError("La convention est déjà résiliée.")
    on = _date(data, "terminated_on", "Indiquez la date de résiliation.")
    if on < convention.effective_on:
        raise ValidationError("terminated_on", "La résiliation ne peut précéder la prise d'effet.")
    convention.terminated_on = on
    convention.termination_reason = _text(data, "reason", "Indiquez le motif de la résiliation.", 500)
    db.session.flush()
    audit.record("convention.terminated", actor, "convention", convention.id, {"le": str(on)})
    sync_occurrences(convention)


def renew_due(actor, day: date | None = None) -> list[ConventionRenewal]:
    """Record the tacit renewals that have happened by ``day`` (nobody objected in time).

    Idempotent: a renewal is one row per period; running twice records nothing more.
    """
    day = day or clock.today()
    done = []
    for convention in conventions():
        if convention.signed_on is None:
            continue
        known = {r.period_no for r in renewals_of(convention.id)}
        for period in periods_of(convention, until=day):
            if period.number < 2 or period.number in known or period.start > day:
                continue
            renewal = ConventionRenewal(
                tenant_id=convention.tenant_id,
                convention_id=convention.id,
                period_no=period.number,
                starts_on=period.start,
                ends_on=period.end,
            )
            db.session.add(renewal)
            db.session.flush()
            audit.record(
                "convention.renewed",
                actor,
                "convention",
                convention.id,
                {"période": period.number, "du": str(period.start), "au": str(period.end)},
            )
            done.append(renewal)
    return done


# --------------------------------------------------------------------------- documents


def add_document(
    actor, convention: Convention, kind: str, title: str, filename: str, mimetype: str, content: bytes
):
    if kind not in enums.DOCUMENT_KINDS:
        raise ValidationError("kind", "Choisissez le type de document.")
    if not content:
        raise ValidationError("file", "Le fichier est vide.")
    if len(content) > DOCUMENT_MAX_BYTES:
        raise ValidationError("file", "Le fichier dépasse 15 Mo.")
    mimetype = uploads.checked_type(
        "file", content, DOCUMENT_MIMETYPES, "Seuls les fichiers PDF, PNG et JPEG sont acceptés."
    )
    document = ConventionDocument(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        kind=kind,
        title=(title or "").strip()[:200] or enums.DOCUMENT_KINDS[kind],
        filename=filename[:200],
        mimetype=mimetype,
        size=len(content),
        content=content,
        uploaded_by=actor.user_id,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "convention.document_added", actor, "convention", convention.id, {"document": document.title}
    )
    return document


def read_document(actor, document: ConventionDocument) -> bytes:
    audit.record("convention.document_read", actor, "convention_document", document.id)
    return document.content


# --------------------------------------------------------------------------- calendar


def _mission_ends(obligation: Obligation, period: cal.Period) -> list[cal.Due]:
    from saas.parcours.models import Mission

    rows = db.session.execute(
        select(Mission.id, Mission.end_date, Mission.exit_date).where(
            Mission.tenant_id == obligation.tenant_id, Mission.employer_id == obligation.responsible_id
        )
    ).all()
    dues = []
    for mission_id, end_date, exit_date in rows:
        ended = exit_date or end_date
        if ended is not None and period.start <= ended <= period.end:
            due = cal.due_after_event(ended, obligation.offset_days, obligation.offset_months)
            dues.append(cal.Due(mission_id, due, ended))
    return dues


def _windows(convention_id: int) -> dict[int, tuple[date, date | None]]:
    """Terms number -> [effective_from, next version's effective_from)."""
    versions = versions_of(convention_id)
    result = {}
    for index, version in enumerate(versions):
        following = versions[index + 1].effective_from if index + 1 < len(versions) else None
        result[version.number] = (version.effective_from, following)
    return result


def expected_occurrences(
    convention: Convention, day: date | None = None
) -> dict[tuple[int, int, int], cal.Due]:
    """(obligation, period, seq) -> due, for every period started by ``day`` (and the first)."""
    day = day or clock.today()
    if convention.signed_on is None:
        return {}
    versions = versions_of(convention.id)
    windows = _windows(convention.id)
    numbers = [v.number for v in versions]
    expected: dict[tuple[int, int, int], cal.Due] = {}
    all_periods = [p for p in periods_of(convention, until=day) if p.number == 1 or p.start <= day]
    for obligation in repository.all_obligations(convention.id):
        start = windows[obligation.from_terms][0]
        until = windows[obligation.until_terms][0] if obligation.until_terms in numbers else None
        for period in all_periods:
            if obligation.cadence == "mission_end":
                dues = _mission_ends(obligation, period)
            else:
                dues = cal.due_dates(
                    obligation.cadence,
                    period,
                    day_of_month=obligation.day_of_month,
                    weekday=obligation.weekday,
                    offset_days=obligation.offset_days,
                    offset_months=obligation.offset_months,
                    event_default_month=obligation.event_default_month,
                )
            for due in dues:
                if due.anchor < start or (until is not None and due.anchor >= until):
                    continue
                if convention.terminated_on is not None and due.anchor > convention.terminated_on:
                    continue
                expected[(obligation.id, period.number, due.seq)] = due
    return expected


def sync_occurrences(convention: Convention, day: date | None = None) -> dict[str, int]:
    """Bring the calendar of one convention in line with its terms: add the occurrences now due
    to exist, move the due date of those still open, drop open ones the terms no longer call for.
    Received or held occurrences are never touched, nor those dated by hand (an event date), nor
    those of periods after ``day`` that the convention still has (replaying a past day keeps them
    and the reminders already sent for them)."""
    day = day or clock.today()
    expected = expected_occurrences(convention, day)
    considered = {p.number for p in periods_of(convention, until=day) if p.number == 1 or p.start <= day}
    whole = periods_of(convention, until=date.max) if convention.signed_on else []
    still_there = {p.number for p in whole}
    existing = {(o.obligation_id, o.period_no, o.seq): o for o in repository.occurrences_of(convention.id)}
    counts = {"ajoutées": 0, "déplacées": 0, "retirées": 0}
    for key, due in expected.items():
        row = existing.get(key)
        if row is None:
            db.session.add(
                Occurrence(
                    tenant_id=convention.tenant_id,
                    obligation_id=key[0],
                    convention_id=convention.id,
                    period_no=key[1],
                    seq=key[2],
                    due_on=due.due_on,
                    provisional=due.provisional,
                )
            )
            counts["ajoutées"] += 1
        elif row.received_on is None and row.event_on is None and row.due_on != due.due_on:
            row.due_on = due.due_on
            counts["déplacées"] += 1
    for key, row in existing.items():
        if key in expected or row.received_on is not None or row.meeting_id is not None or row.event_on:
            continue
        if row.period_no in considered or row.period_no not in still_there:
            db.session.delete(row)
            counts["retirées"] += 1
    db.session.flush()
    return counts


def occurrence_status(row: Occurrence, nature: str, day: date | None = None, grace: int | None = None) -> str:
    day = day or clock.today()
    grace = tenant_settings.get("obligation_missing_after_days") if grace is None else grace
    if row.received_on is not None:
        if nature == "meeting":
            return "held" if row.received_on <= row.due_on else "held_late"
        return "received" if row.received_on <= row.due_on else "received_late"
    if row.due_on >= day:
        return "upcoming"
    return "late" if (day - row.due_on).days <= grace else "missing"


def record_receipt(actor, row: Occurrence, received_on: date | None, note: str | None = None) -> Occurrence:
    if row.received_on is not None:
        raise DomainError("Cette échéance est déjà marquée reçue.")
    received_on = received_on or clock.today()
    if received_on > clock.today():
        raise ValidationError("received_on", "La date de réception ne peut pas être dans le futur.")
    row.received_on = received_on
    row.received_by = actor.user_id
    row.note = (note or "").strip()[:500] or None
    db.session.flush()
    audit.record(
        "obligation.received",
        actor,
        "obligation_occurrence",
        row.id,
        {"échéance": str(row.due_on), "reçu le": str(received_on)},
    )
    return row


def cancel_receipt(actor, row: Occurrence) -> Occurrence:
    if row.received_on is None:
        raise DomainError("Cette échéance n'est pas marquée reçue.")
    if row.meeting_id is not None:
        raise DomainError("Cette réunion est liée à un compte rendu de comité : annulez-la depuis le comité.")
    audit.record(
        "obligation.receipt_cancelled",
        actor,
        "obligation_occurrence",
        row.id,
        {"reçu le": str(row.received_on)},
    )
    row.received_on = None
    row.received_by = None
    row.note = None
    db.session.flush()
    return row


def record_event(actor, row: Occurrence, event_on: date) -> Occurrence:
    """Date the event an ``after_event`` obligation waits for (the partner's general assembly)."""
    obligation = db.session.get_one(Obligation, (row.tenant_id, row.obligation_id))
    if obligation.cadence != "after_event":
        raise DomainError("Cette échéance ne dépend pas d'un événement.")
    if row.received_on is not None:
        raise DomainError("Cette échéance est déjà reçue : sa date ne change plus.")
    if event_on is None:
        raise ValidationError("event_on", "Indiquez la date de l'événement.")
    row.event_on = event_on
    row.due_on = cal.due_after_event(event_on, obligation.offset_days, obligation.offset_months)
    row.provisional = False
    db.session.flush()
    audit.record(
        "obligation.event_dated", actor, "obligation_occurrence", row.id, {"événement": str(event_on)}
    )
    return row


# --------------------------------------------------------------------------- money


def commitment_amount(commitment: FinancialCommitment) -> Decimal:
    """The amount of one period: fixed, or rate x full-time posts worked on the function."""
    if commitment.basis == "fixed":
        assert commitment.amount is not None, "a fixed commitment has an amount"
        return commitment.amount
    assert commitment.rate_per_post is not None and commitment.posts_fte is not None, "per post: both set"
    return (commitment.rate_per_post * commitment.posts_fte).quantize(CENT, ROUND_HALF_UP)


def split(amount: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Instalment amounts to the cent; the last one takes the remainder so they add up exactly."""
    parts = [(amount * p / 100).quantize(CENT, ROUND_HALF_UP) for p in percents[:-1]]
    return [*parts, amount - sum(parts, Decimal(0))]


@dataclass
class Instalment:
    convention: Convention
    commitment: FinancialCommitment
    line: ScheduleLine
    period: cal.Period
    amount: Decimal
    due_on: date
    status: str
    missing: list[str] = field(default_factory=list)
    payable_since: date | None = None
    payment: Payment | None = None

    @property
    def status_label(self) -> str:
        return enums.INSTALMENT_STATUSES[self.status]


def instalments(day: date | None = None, convention_id: int | None = None) -> list[Instalment]:
    """What is due, payable, paid and late across the conventions of the tenant (or one)."""
    day = day or clock.today()
    delay = tenant_settings.get("payment_delay_days")
    result: list[Instalment] = []
    payments = repository.payments_by_instalment()
    for convention in conventions():
        if convention.signed_on is None or (convention_id is not None and convention.id != convention_id):
            continue
        windows = _windows(convention.id)
        received = repository.received_categories(convention.id)
        all_periods = [p for p in periods_of(convention, until=day) if p.number == 1 or p.start <= day]
        for commitment in repository.all_commitments(convention.id):
            start = windows[commitment.from_terms][0]
            until = windows[commitment.until_terms][0] if commitment.until_terms in windows else None
            lines = schedule_lines_of(commitment.id)
            # a commitment applies to the periods that start under the terms that carry it
            applicable = [p for p in all_periods if start <= p.start and (until is None or p.start < until)]
            if commitment.recurrence == "once":
                applicable = applicable[:1]
            amount = commitment_amount(commitment)
            for period in applicable:
                amounts = split(amount, [line.percent for line in lines])
                for line, part in zip(lines, amounts, strict=True):
                    if line.trigger == "end":
                        due_on = period.end
                    elif line.trigger == "signature" and period.number == 1:
                        due_on = convention.signed_on
                    else:  # at start, and "at signature" of a period renewed tacitly
                        due_on = period.start
                    due_on = due_on + timedelta(days=line.offset_days)
                    missing, last_received = [], None
                    for category in line.required_deliverables or []:
                        got = received.get((category, period.number))
                        if got is None:
                            missing.append(enums.DELIVERABLE_CATEGORIES[category])
                        else:
                            last_received = max(last_received or got, got)
                    payment = payments.get((line.id, period.number))
                    if payment is None and convention.terminated_on and due_on >= convention.terminated_on:
                        continue  # terminated before it fell due: nothing more is owed
                    payable_since = max(due_on, last_received) if last_received else due_on
                    if payment is not None:
                        status = "paid"
                    elif missing:
                        status = "waiting"
                    elif due_on > day:
                        status = "not_due"
                    elif (day - payable_since).days > delay:
                        status = "late"
                    else:
                        status = "payable"
                    result.append(
                        Instalment(
                            convention,
                            commitment,
                            line,
                            period,
                            part,
                            due_on,
                            status,
                            missing,
                            None if missing else payable_since,
                            payment,
                        )
                    )
    result.sort(key=lambda i: (i.due_on, i.convention.reference, i.line.seq))
    return result


def record_payment(
    actor, line: ScheduleLine, period_no: int, paid_on: date, amount=None, reference=None
) -> Payment:
    """Record an instalment as paid; it must be payable (its deliverables received) and paid in full."""
    commitment = db.session.get_one(FinancialCommitment, (line.tenant_id, line.commitment_id))
    convention = db.session.get_one(Convention, (line.tenant_id, commitment.convention_id))
    if paid_on is None:
        raise ValidationError("paid_on", "Indiquez la date du paiement.")
    if paid_on > clock.today():
        raise ValidationError("paid_on", "La date de paiement ne peut pas être dans le futur.")
    instalment = next(
        (
            i
            for i in instalments(convention_id=convention.id)
            if i.line.id == line.id and i.period.number == period_no
        ),
        None,
    )
    if instalment is None:
        raise ValidationError("period_no", "Cette échéance n'existe pas (encore) pour cette période.")
    if instalment.payment is not None:
        raise DomainError("Cette échéance est déjà payée.")
    if instalment.missing:
        raise DomainError("Échéance non exigible : pièces attendues — " + ", ".join(instalment.missing) + ".")
    paid = (
        _decimal({"amount": amount}, "amount", "Indiquez le montant payé.", required=False)
        or instalment.amount
    )
    if paid.quantize(CENT, ROUND_HALF_UP) != instalment.amount:
        raise ValidationError(
            "amount",
            f"Le montant payé ({_fr(paid)} €) diffère du montant de l'échéance ({_fr(instalment.amount)} €).",
        )
    payment = Payment(
        tenant_id=line.tenant_id,
        line_id=line.id,
        period_no=period_no,
        paid_on=paid_on,
        amount=instalment.amount,
        reference=(reference or "").strip()[:100] or None,
        recorded_by=actor.user_id,
    )
    db.session.add(payment)
    db.session.flush()
    audit.record(
        "payment.recorded",
        actor,
        "convention",
        convention.id,
        {
            "échéance": line.label,
            "période": period_no,
            "montant": str(instalment.amount),
            "payé le": str(paid_on),
        },
    )
    return payment


# --------------------------------------------------------------------------- formatting


def _fr(number: Decimal) -> str:
    text = f"{number:,.2f}".replace(",", "\u202f").replace(".", ",")
    return text[:-3] if text.endswith(",00") else text


def _fr_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")
