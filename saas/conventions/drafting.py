"""Drafting a convention: its creation with parties and signed terms, the completion of a draft
(parties, resources, commitments and their instalments, obligations) and its signature. The
``insert_*`` steps are shared with the avenants, which add terms to a signed convention."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from saas.audit import api as audit
from saas.conventions import bounds, checks, enums, occurrences, repository
from saas.conventions.checks import CENT
from saas.conventions.models import (
    Convention,
    ConventionParty,
    ConventionResource,
    ConventionTerms,
    FinancialCommitment,
    Obligation,
    ScheduleLine,
)
from saas.db import db, insert
from saas.errors import DomainError, ValidationError
from tenants.context import require_tenant_id


def duration_terms(data: Mapping, effective_on: date) -> dict:
    kind = checks.choice(data, "duration_kind", enums.DurationKind, "Choisissez la durée de la convention.")
    terms = {
        "duration_kind": kind,
        "period_months": checks.integer(
            data, "period_months", bounds.PERIOD_MONTHS, bounds.DEFAULT_PERIOD_MONTHS
        ),
        "end_on": None,
        "max_renewals": None,
        "notice_months": checks.integer(data, "notice_months", bounds.NOTICE_MONTHS, 0),
        "amendments_at_renewal_only": bool(data.get("amendments_at_renewal_only")),
    }
    if kind == "fixed":
        end_on = checks.date_of(data, "end_on", "Indiquez la date de fin de la convention.")
        if end_on < effective_on:
            raise ValidationError("end_on", "La date de fin précède la prise d'effet.")
        terms["end_on"] = end_on
        terms["notice_months"] = 0
    else:
        terms["max_renewals"] = checks.integer(data, "max_renewals", bounds.MAX_RENEWALS)
    return terms


def create(actor: audit.Actor, data: Mapping) -> Convention:
    """A convention with its parties and signed terms (obligations, money, resources may follow).

    ``data``: reference, title, kind, effective_on, signed_on, signed_at_place, object, articles,
    duration_kind, period_months, end_on, max_renewals, notice_months, objecting_party_id,
    amendments_at_renewal_only, parties [{organisation_id, role, signatory, represented_by,
    is_guichet}], and optionally resources, commitments, obligations (see the ``add_*`` functions).
    """
    convention = _new_convention(actor, data)
    parties = data.get("parties") or []
    if len(parties) < 2:
        raise ValidationError("parties", "Une convention lie au moins deux parties.")
    for index, party in enumerate(parties):
        insert_party(convention, party, f"parties.{index}")
    _signed_terms(actor, convention, data)
    insert_terms(convention, data, 0)
    audit.record(
        "convention.created",
        actor,
        "convention",
        convention.id,
        {
            "référence": convention.reference,
            "type": convention.kind,
            "signée le": str(convention.signed_on) if convention.signed_on else None,
        },
    )
    if convention.signed_on:
        occurrences.sync_occurrences(convention)
    return convention


def _new_convention(actor, data: Mapping) -> Convention:
    """The convention row, its reference unique in the territory."""
    tenant_id = require_tenant_id()
    reference = checks.text(data, "reference", "Indiquez la référence de la convention.", 40)
    if db.session.scalar(
        select(Convention.id).where(Convention.tenant_id == tenant_id, Convention.reference == reference)
    ):
        raise ValidationError("reference", "Une convention porte déjà cette référence.")
    effective_on = checks.date_of(data, "effective_on", "Indiquez la date de prise d'effet.")
    signed_on = checks.date_of(data, "signed_on", "Date de signature invalide.", required=False)
    convention = Convention(
        tenant_id=tenant_id,
        reference=reference,
        title=checks.text(data, "title", "Indiquez l'intitulé de la convention."),
        kind=checks.choice(data, "kind", enums.Kind, "Choisissez le type de convention."),
        signed_on=signed_on,
        signed_at_place=checks.optional_text(data, "signed_at_place", 120),
        effective_on=effective_on,
        created_by=actor.user_id,
    )
    insert(convention)
    return convention


def _signed_terms(actor, convention: Convention, data: Mapping) -> ConventionTerms:
    """Version 0 of the terms: as signed (or as drafted, until the signature)."""
    objecting = data.get("objecting_party_id")
    terms = ConventionTerms(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        number=0,
        signed_on=convention.signed_on,
        effective_from=convention.effective_on,
        object=checks.text(data, "object", "Indiquez l'objet de la convention.", 5000),
        articles=clean_articles(data.get("articles")),
        objecting_party_id=checks.party_of(convention, objecting, "objecting_party_id").organisation_id
        if objecting
        else None,
        created_by=actor.user_id,
        **duration_terms(data, convention.effective_on),
    )
    insert(terms)
    return terms


def insert_terms(convention: Convention, data: Mapping, number: int, prefix: str = "") -> None:
    """The resources, commitments and obligations of ``data`` added by terms ``number`` (errors
    named ``{prefix}resources.0.label``...)."""
    for index, item in enumerate(data.get("resources") or []):
        insert_resource(convention, item, number, f"{prefix}resources.{index}")
    for index, item in enumerate(data.get("commitments") or []):
        insert_commitment(convention, item, number, f"{prefix}commitments.{index}")
    for index, item in enumerate(data.get("obligations") or []):
        insert_obligation(convention, item, number, f"{prefix}obligations.{index}")


def clean_articles(value) -> list[dict]:
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


def insert_party(convention: Convention, data: Mapping, key: str) -> ConventionParty:
    with checks.within(key):
        organisation = checks.organisation(data.get("organisation_id"), f"{key}.organisation_id")
        if any(p.organisation_id == organisation.id for p in repository.parties_of(convention.id)):
            raise ValidationError(
                f"{key}.organisation_id", f"{organisation.name} est déjà partie à la convention."
            )
        party = ConventionParty(
            tenant_id=convention.tenant_id,
            convention_id=convention.id,
            organisation_id=organisation.id,
            role=checks.choice(data, "role", enums.PartyRole, "Choisissez le rôle de la partie."),
            signatory=data.get("signatory", True) is not False,
            represented_by=checks.optional_text(data, "represented_by", 200),
            is_guichet=bool(data.get("is_guichet")),
        )
        insert(party)
        return party


def insert_resource(convention, data: Mapping, number: int, key: str) -> ConventionResource:
    with checks.within(key):
        provider = checks.party_of(convention, data.get("provider_id"), f"{key}.provider_id")
        fte = checks.decimal(data, "fte", "Indiquez le temps mis à disposition en ETP (par exemple 0,5).")
        if fte > bounds.MAX_FTE:
            raise ValidationError(f"{key}.fte", f"{bounds.MAX_FTE} ETP au plus.")
        resource = ConventionResource(
            tenant_id=convention.tenant_id,
            convention_id=convention.id,
            provider_id=provider.organisation_id,
            label=checks.text(data, "label", "Indiquez la fonction mise à disposition.", 200),
            fte=_cents(fte),
            person_name=checks.optional_text(data, "person_name", 200),
            from_terms=number,
        )
        db.session.add(resource)
        return resource


def _cents(number: Decimal) -> Decimal:
    return number.quantize(CENT, ROUND_HALF_UP)


def insert_commitment(convention, data: Mapping, number: int, key: str) -> FinancialCommitment:
    with checks.within(key):
        commitment = _commitment(convention, data, number, key)
        _commitment_amounts(commitment, data)
        db.session.add(commitment)
        db.session.flush()
        schedule = data.get("schedule") or [
            {"label": "Versement unique", "percent": 100, "trigger": "signature"}
        ]
        total = Decimal(0)
        for seq, line in enumerate(schedule, start=1):
            line_key = f"{key}.schedule.{seq - 1}"
            with checks.within(line_key):
                total += _insert_schedule_line(commitment, line, seq, line_key).percent
        if total != bounds.MAX_PERCENT:
            raise ValidationError(
                f"{key}.schedule",
                f"Les échéances doivent totaliser 100 % (elles totalisent {checks.fr_amount(total)} %).",
            )
        return commitment


def _commitment(convention, data: Mapping, number: int, key: str) -> FinancialCommitment:
    """Who pays whom, what for and how often (the amounts follow)."""
    payer = checks.party_of(convention, data.get("payer_id"), f"{key}.payer_id")
    payee = checks.party_of(convention, data.get("payee_id"), f"{key}.payee_id")
    if payer.organisation_id == payee.organisation_id:
        raise ValidationError(f"{key}.payee_id", "Le bénéficiaire doit être une autre partie que le payeur.")
    basis = checks.choice(
        data, "basis", enums.CommitmentBasis, "Choisissez la base de l'engagement financier."
    )
    return FinancialCommitment(
        tenant_id=convention.tenant_id,
        convention_id=convention.id,
        payer_id=payer.organisation_id,
        payee_id=payee.organisation_id,
        label=checks.text(data, "label", "Indiquez l'objet de l'engagement financier.", 200),
        basis=basis,
        recurrence=checks.choice(
            data, "recurrence", enums.Recurrence, "Choisissez la récurrence.", "each_period"
        ),
        article=checks.optional_text(data, "article", 40),
        from_terms=number,
    )


def _commitment_amounts(commitment: FinancialCommitment, data: Mapping) -> None:
    """A fixed amount, or a rate per full-time post and the posts worked on the function."""
    if commitment.basis == "fixed":
        commitment.amount = _cents(checks.decimal(data, "amount", "Indiquez un montant en euros."))
        return
    commitment.rate_per_post = _cents(
        checks.decimal(data, "rate_per_post", "Indiquez le montant par poste à temps plein.")
    )
    commitment.posts_fte = _cents(
        checks.decimal(
            data,
            "posts_fte",
            "Indiquez le temps travaillé sur la fonction, en postes à temps plein (ex. 0,8).",
        )
    )
    if commitment.posts_fte > bounds.MAX_POSTS:
        raise ValidationError("posts_fte", f"{bounds.MAX_POSTS} postes au plus.")


def _insert_schedule_line(commitment: FinancialCommitment, line: Mapping, seq: int, key: str) -> ScheduleLine:
    """One instalment of a commitment: its share, when it falls due, the deliverables it waits for."""
    percent = _cents(checks.decimal(line, "percent", "Indiquez le pourcentage de l'échéance."))
    if percent > bounds.MAX_PERCENT:
        raise ValidationError(f"{key}.percent", "Une échéance ne dépasse pas 100 %.")
    required = list(line.get("required_deliverables") or [])
    unknown = [c for c in required if c not in enums.DELIVERABLE_CATEGORIES]
    if unknown:
        raise ValidationError(f"{key}.required_deliverables", f"Pièce inconnue : {', '.join(unknown)}.")
    row = ScheduleLine(
        tenant_id=commitment.tenant_id,
        commitment_id=commitment.id,
        seq=seq,
        label=checks.text(line, "label", "Indiquez le libellé de l'échéance.", 200),
        percent=percent,
        trigger=checks.choice(line, "trigger", enums.Trigger, "Choisissez quand l'échéance est due."),
        offset_days=checks.integer(line, "offset_days", bounds.OFFSET_DAYS, 0),
        required_deliverables=required,
    )
    db.session.add(row)
    return row


def insert_obligation(convention, data: Mapping, number: int, key: str) -> Obligation:
    with checks.within(key):
        responsible = checks.party_of(convention, data.get("responsible_id"), f"{key}.responsible_id")
        recipient = (
            checks.party_of(convention, data.get("recipient_id"), f"{key}.recipient_id").organisation_id
            if data.get("recipient_id")
            else None
        )
        nature = checks.choice(data, "nature", enums.Nature, "Choisissez livrable ou réunion.")
        categories = enums.DeliverableCategory if nature == "deliverable" else enums.MeetingCategory
        category = checks.choice(data, "category", categories, "Choisissez la catégorie de l'obligation.")
        cadence = checks.choice(data, "cadence", enums.Cadence, "Choisissez la périodicité.")
        if cadence == "mission_end" and nature != "deliverable":
            raise ValidationError(f"{key}.cadence", "Seul un livrable peut suivre chaque fin de mission.")
        obligation = Obligation(
            tenant_id=convention.tenant_id,
            convention_id=convention.id,
            responsible_id=responsible.organisation_id,
            recipient_id=recipient,
            nature=nature,
            category=category,
            label=(checks.optional_text(data, "label", 300) or category.label),
            cadence=cadence,
            **_cadence_terms(data, cadence),
            article=checks.optional_text(data, "article", 40),
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


def _cadence_terms(data: Mapping, cadence: str) -> dict:
    """When an obligation falls due: the day of the month or of the week, the delay, the event."""
    after_event = cadence == "after_event"
    return {
        "day_of_month": checks.integer(data, "day_of_month", bounds.DAY_OF_MONTH)
        if cadence == "monthly"
        else None,
        "weekday": checks.integer(data, "weekday", bounds.WEEKDAY, 4) if cadence == "weekly" else None,
        "offset_days": checks.integer(data, "offset_days", bounds.OFFSET_DAYS, 0),
        "offset_months": checks.integer(
            data, "offset_months", bounds.OFFSET_MONTHS, 1 if cadence == "monthly" else 0
        ),
        "event_label": checks.optional_text(data, "event_label", 100) if after_event else None,
        "event_default_month": checks.integer(data, "event_default_month", bounds.EVENT_MONTH, 6)
        if after_event
        else None,
    }


def require_draft(convention: Convention) -> None:
    if convention.signed_on is not None:
        raise DomainError("La convention est signée : toute modification de ses termes passe par un avenant.")


def add_party(actor, convention: Convention, data: Mapping) -> ConventionParty:
    return _complete(
        actor, convention, lambda: insert_party(convention, data, "party"), "partie", "organisation_id"
    )


def add_resource(actor, convention: Convention, data: Mapping) -> ConventionResource:
    return _complete(actor, convention, lambda: insert_resource(convention, data, 0, "resource"), "moyen")


def add_commitment(actor, convention: Convention, data: Mapping) -> FinancialCommitment:
    return _complete(
        actor, convention, lambda: insert_commitment(convention, data, 0, "commitment"), "engagement"
    )


def add_obligation(actor, convention: Convention, data: Mapping) -> Obligation:
    return _complete(
        actor, convention, lambda: insert_obligation(convention, data, 0, "obligation"), "obligation"
    )


def _complete(actor, convention: Convention, insert, what: str, attribute: str = "label"):
    """Complete a draft with the row ``insert()`` adds; the audit names it by its ``attribute``."""
    require_draft(convention)
    row = insert()
    audit.record("convention.completed", actor, "convention", convention.id, {what: getattr(row, attribute)})
    return row


def sign(actor, convention: Convention, signed_on: date | None, place: str | None = None) -> None:
    """Record the signature; the calendar starts from there."""
    require_draft(convention)
    if signed_on is None:
        raise ValidationError("signed_on", "Indiquez la date de signature.")
    convention.signed_on = signed_on
    convention.signed_at_place = (place or "").strip()[:120] or convention.signed_at_place
    for version in repository.versions_of(convention.id):
        if version.signed_on is None:
            version.signed_on = signed_on
    audit.record("convention.signed", actor, "convention", convention.id, {"signée le": str(signed_on)})
    db.session.flush()
    occurrences.sync_occurrences(convention)
