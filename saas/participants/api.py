"""Participants: identity, prescriptions, eligibility validation, CV library.

Every read of a participant's identity goes through :func:`read_file`, which writes an audit
entry (docs/domain.md: every read of a participant file is logged). Lists show the pseudonymous
reference and the name, and are not audited per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import text

from saas import cleaning, clock, settings, uploads
from saas.audit import api as audit
from saas.db import db, insert
from saas.errors import ConflictError, DomainError, ValidationError
from saas.partenaires import api as partenaires
from saas.partenaires.enums import OrganisationKind
from saas.participants import repository
from saas.participants.enums import PrescriptionState
from saas.participants.models import (
    CvProfile,
    Eligibility,
    EligibilityCriterion,
    Identity,
    Participant,
    Prescription,
)
from saas.referentiels import api as referentiels
from tenants.context import require_tenant_id

get = repository.get
identity_of = repository.identity_of
prescriptions_of = repository.prescriptions_of
eligibilities_of = repository.eligibilities_of
criteria_of = repository.criteria_of
criteria_by_eligibility = repository.criteria_by_eligibility
eligibility_at = repository.eligibility_at
profile_of = repository.profile_of
matching = repository.matching
names_of = repository.names_of
accompaniment_of = repository.accompaniment_of
list_query = repository.list_query
cv_query = repository.cv_query
cv_library_query = repository.cv_library_query

#: how the audit log names the actions of this domain.
audit.ACTION_LABELS.update(
    {
        "participant.created": "Création d'un participant",
        "participant.updated": "Modification d'un participant",
        "participant.file_read": "Consultation d'un dossier de participant",
        "participant.bilan_recorded": "Bilan d'entrée d'un participant",
        "prescription.created": "Enregistrement d'une prescription",
        "eligibility.validated": "Validation de l'éligibilité",
        "eligibility.revoked": "Retrait d'une validation d'éligibilité",
        "cv.saved": "Modification d'un profil de la CVthèque",
        "cv.validated": "Validation d'un profil de la CVthèque",
    }
)


def overview_query(text_filter: str | None = None, eligible: bool | None = None, today: date | None = None):
    """The workspace list of participants, with their eligibility state ``today``."""
    return repository.overview_query(today or clock.today(), text_filter, eligible)


def _check_identity(last_name, first_name, birth_date, sex, commune_insee, qpv_code) -> None:
    cleaning.required_text(last_name, "last_name", "Indiquez le nom.")
    cleaning.required_text(first_name, "first_name", "Indiquez le prénom.")
    if birth_date is not None and not (
        date(1900, 1, 1) <= birth_date <= clock.today() - relativedelta(years=14)
    ):
        raise ValidationError("birth_date", "La date de naissance n'est pas plausible (14 ans au moins).")
    if sex not in (None, "", "F", "M", "X"):
        raise ValidationError("sex", "Le sexe doit être F, M ou X.")
    if commune_insee and referentiels.commune(commune_insee) is None:
        raise ValidationError("commune_insee", "Ce code INSEE ne correspond à aucune commune.")
    if qpv_code and referentiels.qpv(qpv_code) is None:
        raise ValidationError("qpv_code", "Ce code ne correspond à aucun quartier prioritaire (QPV).")


def _check_profile_fields(qualification_level, freins, referent_organisation_id) -> None:
    ref = referentiels
    if qualification_level and ref.item_label("niveau_qualification", qualification_level) is None:
        raise ValidationError("qualification_level", "Niveau de qualification inconnu.")
    for frein in freins or []:
        if ref.item_label("frein", frein) is None:
            raise ValidationError("freins", f"Frein inconnu : {frein}.")
    if referent_organisation_id is not None and partenaires.get(referent_organisation_id) is None:
        raise ValidationError("referent_organisation_id", "Organisation inconnue.")


def create(
    actor: audit.Actor,
    last_name: str,
    first_name: str,
    birth_date: date | None = None,
    sex: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    commune_insee: str | None = None,
    qpv_code: str | None = None,
    qualification_level: str | None = None,
    freins: Sequence[str] = (),
    projet_professionnel: str | None = None,
    referent_organisation_id: int | None = None,
) -> Participant:
    commune_insee, qpv_code = cleaning.code(commune_insee), cleaning.code(qpv_code)
    _check_identity(last_name, first_name, birth_date, sex, commune_insee, qpv_code)
    _check_profile_fields(qualification_level, freins, referent_organisation_id)
    number = repository.next_number()
    reference = f"P-{clock.today().year}-{number:05d}"
    while repository.reference_taken(reference):
        number += 1
        reference = f"P-{clock.today().year}-{number:05d}"
    participant = Participant(
        tenant_id=require_tenant_id(),
        reference=reference,
        qualification_level=qualification_level or None,
        freins=list(freins or []),
        projet_professionnel=cleaning.optional(projet_professionnel),
        referent_organisation_id=referent_organisation_id,
        last_contact_on=clock.today(),
    )
    insert(participant)
    db.session.add(
        Identity(
            tenant_id=participant.tenant_id,
            participant_id=participant.id,
            last_name=last_name.strip(),
            first_name=first_name.strip(),
            birth_date=birth_date,
            sex=sex or None,
            email=cleaning.optional(email),
            phone=cleaning.optional(phone),
            commune_insee=commune_insee,
            qpv_code=qpv_code,
        )
    )
    db.session.flush()
    audit.record("participant.created", actor, "participant", participant.id, {"reference": reference})
    return participant


ANONYMISED = (
    "Les données de cette personne ont été anonymisées : son dossier ne change plus. Si elle revient, "
    "créez un nouveau dossier."
)


def check_not_anonymised(participant: Participant | None) -> None:
    """An anonymised file is never written again (saas.privacy.anonymise): nothing would say who it is.
    (None: no such person, which the caller reports.)"""
    if participant is not None and participant.anonymised_at is not None:
        raise ConflictError(ANONYMISED)


def update(actor: audit.Actor, participant: Participant, **fields) -> Participant:
    """Update identity and parcours fields given by name (the identity is in its own table)."""
    check_not_anonymised(participant)
    identity = repository.identity_of(participant.id)
    merged = {
        "last_name": identity.last_name,
        "first_name": identity.first_name,
        "birth_date": identity.birth_date,
        "sex": identity.sex,
        "commune_insee": identity.commune_insee,
        "qpv_code": identity.qpv_code,
        **{k: fields[k] for k in fields if k in ("last_name", "first_name", "birth_date", "sex")},
    }
    if "sex" in fields:
        merged["sex"] = fields["sex"] or None
    for key in ("commune_insee", "qpv_code"):
        if key in fields:
            merged[key] = cleaning.code(fields[key])
    _check_identity(**merged)
    _check_profile_fields(
        fields.get("qualification_level", participant.qualification_level),
        fields.get("freins", participant.freins),
        fields.get("referent_organisation_id", participant.referent_organisation_id),
    )
    for key, value in merged.items():
        setattr(identity, key, value.strip() if isinstance(value, str) else value)
    for key in ("email", "phone"):
        if key in fields:
            setattr(identity, key, cleaning.optional(fields[key]))
    if "qualification_level" in fields:
        participant.qualification_level = fields["qualification_level"] or None
    if "freins" in fields:
        participant.freins = list(fields["freins"] or [])
    if "projet_professionnel" in fields:
        participant.projet_professionnel = cleaning.optional(fields["projet_professionnel"])
    if "referent_organisation_id" in fields:
        participant.referent_organisation_id = fields["referent_organisation_id"] or None
    participant.last_contact_on = clock.today()
    audit.record("participant.updated", actor, "participant", participant.id, {"champs": sorted(fields)})
    return participant


def read_file(actor: audit.Actor, participant: Participant) -> Identity:
    """The identity of ``participant``, and an audit entry saying who read it."""
    audit.record(
        "participant.file_read", actor, "participant", participant.id, {"reference": participant.reference}
    )
    return repository.identity_of(participant.id)


def record_bilan(actor: audit.Actor, participant: Participant, bilan: str, on: date | None = None) -> None:
    check_not_anonymised(participant)
    participant.bilan_entree = cleaning.required_text(bilan, "bilan_entree", "Rédigez le bilan d'entrée.")
    participant.bilan_entree_on = on or clock.today()
    audit.record("participant.bilan_recorded", actor, "participant", participant.id)


# --- prescriptions -------------------------------------------------------------------------------


def add_prescription(
    actor: audit.Actor,
    participant: Participant,
    prescripteur_id: int,
    prescribed_on: date,
    content: str | None,
) -> Prescription:
    check_not_anonymised(participant)
    organisation = partenaires.get(prescripteur_id) if prescripteur_id else None
    if organisation is None or organisation.kind != OrganisationKind.prescripteur:
        raise ValidationError("prescripteur_id", "Choisissez un prescripteur du territoire.")
    if prescribed_on is None or prescribed_on > clock.today():
        raise ValidationError("prescribed_on", "La date de prescription ne peut pas être dans le futur.")
    months = int(settings.get("prescription_validity_months"))
    prescription = Prescription(
        tenant_id=require_tenant_id(),
        participant_id=participant.id,
        prescripteur_id=organisation.id,
        prescribed_on=prescribed_on,
        valid_until=prescribed_on + relativedelta(months=months) - timedelta(days=1),
        content=cleaning.optional(content),
        created_by=actor.user_id,
    )
    insert(prescription)
    audit.record(
        "prescription.created", actor, "participant", participant.id, {"prescription": prescription.id}
    )
    return prescription


def prescription_state(prescription: Prescription, today: date | None = None) -> PrescriptionState:
    return prescription_state_on(prescription.valid_until, today)


def prescription_state_on(
    valid_until: date, today: date | None = None, warning_days: int | None = None
) -> PrescriptionState:
    """The state of a prescription valid until ``valid_until`` (lists pass ``warning_days`` once)."""
    today = today or clock.today()
    if warning_days is None:
        warning_days = int(settings.get("prescription_warning_days"))
    if valid_until < today:
        return PrescriptionState.expired
    if valid_until <= today + timedelta(days=warning_days):
        return PrescriptionState.expiring
    return PrescriptionState.valid


def prescriptions_expiring(today: date | None = None) -> list[Prescription]:
    today = today or clock.today()
    return repository.prescriptions_expiring(
        today + timedelta(days=int(settings.get("prescription_warning_days"))), today
    )


# --- eligibility ---------------------------------------------------------------------------------


def _check_criteria(criteria: Sequence[tuple[str, str]]) -> None:
    """Each criterion known, chosen once, with a proof of a type it accepts."""
    if not criteria:
        raise ValidationError("criteria", "Choisissez au moins un critère d'éligibilité.")
    seen = set()
    for code, proof in criteria:
        criterion = referentiels.criterion(code)
        if criterion is None:
            raise ValidationError("criteria", f"Critère inconnu : {code}.")
        if code in seen:
            raise ValidationError("criteria", f"Le critère « {criterion.label} » est choisi deux fois.")
        seen.add(code)
        if not proof or (criterion.proof_types and proof not in criterion.proof_types):
            raise ValidationError(
                "criteria", f"Indiquez un justificatif accepté pour le critère « {criterion.label} »."
            )


def _validity_end(start: date, months: int) -> date:
    """The last day of a validity of ``months`` months from ``start``."""
    return start + relativedelta(months=months) - timedelta(days=1)


def _valid_until(participant_id: int, validated_on: date, anchor: str, months: int) -> date | None:
    """Counted from the validation, or from the first mission starting on or after it: until that
    mission starts, the validation holds with no end; hours before the validation never count."""
    if anchor != "first_mission":
        return _validity_end(validated_on, months)
    first_start = _first_mission_start(participant_id, on_or_after=validated_on)
    return None if first_start is None else _validity_end(first_start, months)


def validate_eligibility(
    actor: audit.Actor,
    participant: Participant,
    criteria: Sequence[tuple[str, str]],
    validated_on: date | None = None,
    notes: str | None = None,
) -> Eligibility:
    """Record the guichet's validation: criteria from the referential, each with its proof type."""
    check_not_anonymised(participant)
    validated_on = validated_on or clock.today()
    if validated_on > clock.today():
        raise ValidationError("validated_on", "La date de validation ne peut pas être dans le futur.")
    _check_criteria(criteria)
    anchor = settings.get("eligibility_anchor")
    months = int(settings.get("eligibility_validity_months"))
    valid_until = _valid_until(participant.id, validated_on, anchor, months)
    eligibility = Eligibility(
        tenant_id=require_tenant_id(),
        participant_id=participant.id,
        validated_on=validated_on,
        validated_by=actor.user_id,
        anchor=anchor,
        validity_months=months,
        valid_from=validated_on,
        valid_until=valid_until,
        notes=cleaning.optional(notes),
    )
    insert(eligibility)
    for code, proof in criteria:
        db.session.add(
            EligibilityCriterion(
                tenant_id=eligibility.tenant_id,
                eligibility_id=eligibility.id,
                criterion_code=code,
                proof_type=proof,
            )
        )
    db.session.flush()
    audit.record(
        "eligibility.validated",
        actor,
        "participant",
        participant.id,
        {
            "criteres": [code for code, _ in criteria],
            "valide_jusqu_au": str(valid_until or "première mission"),
        },
    )
    return eligibility


def _first_mission_start(participant_id: int, on_or_after: date) -> date | None:
    return db.session.execute(
        text(
            "SELECT min(start_date) FROM missions "
            "WHERE tenant_id = :t AND participant_id = :p AND start_date >= :d"
        ),
        {"t": require_tenant_id(), "p": participant_id, "d": on_or_after},
    ).scalar()


def open_window_at_first_mission(participant_id: int, start: date) -> None:
    """When the tenant counts the validity from the first mission, the window runs from ``start``.

    Only validations given on or before ``start`` are concerned; their ``valid_from`` (the
    validation date) does not move: hours before the validation never count as eligible.
    """
    for eligibility in repository.eligibilities_of(participant_id):
        if (
            eligibility.anchor == "first_mission"
            and eligibility.valid_until is None
            and eligibility.revoked_at is None
            and eligibility.valid_from <= start
        ):
            eligibility.valid_until = _validity_end(start, eligibility.validity_months)


def revoke_eligibility(actor: audit.Actor, eligibility: Eligibility, reason: str) -> None:
    check_not_anonymised(get(eligibility.participant_id))
    reason = cleaning.required_text(reason, "reason", "Indiquez le motif du retrait.")
    if eligibility.revoked_at is not None:
        raise DomainError("Cette validation est déjà retirée.")
    eligibility.revoked_at = datetime.now(UTC)
    eligibility.revoked_reason = reason
    audit.record("eligibility.revoked", actor, "participant", eligibility.participant_id, {"motif": reason})


def is_eligible_on(participant_id: int, on: date) -> bool:
    return repository.eligibility_at(participant_id, on) is not None


def eligibility_windows(participant_id: int, first: date, last: date) -> list[tuple[date, date | None, date]]:
    """``(valid_from, valid_until, validated_on)`` of the validations (not revoked) valid on at
    least one day from ``first`` to ``last``, for counting hours of part of a month."""
    return repository.eligibility_windows(participant_id, first, last)


eligibility_windows_by_participant = repository.eligibility_windows_by_participant
windows_within = repository.windows_within


# --- CV library ----------------------------------------------------------------------------------


def save_profile(
    actor: audit.Actor,
    participant: Participant,
    rome_codes: Sequence[str] = (),
    skills: str | None = None,
    available_from: date | None = None,
    availability: str | None = None,
    mobility: Sequence[str] = (),
    mobility_radius_km: int | None = None,
    cv: tuple[str, str, bytes] | None = None,
) -> CvProfile:
    """Create or change the CV profile; any change takes it out of the library until revalidated."""
    check_not_anonymised(participant)
    rome_codes = cleaning.codes(rome_codes)
    for code in rome_codes:
        if referentiels.rome(code) is None:
            raise ValidationError("rome_codes", f"Code ROME inconnu : {code}.")
    for code in mobility:
        if referentiels.item_label("mobilite", code) is None:
            raise ValidationError("mobility", f"Mobilité inconnue : {code}.")
    if mobility_radius_km is not None and not 0 <= mobility_radius_km <= 500:
        raise ValidationError(
            "mobility_radius_km", "Le rayon de mobilité doit être compris entre 0 et 500 km."
        )
    if cv is not None:
        filename, _declared, content = cv
        mimetype = uploads.CV.check(content)
    profile = repository.profile_of(participant.id)
    if profile is None:
        profile = CvProfile(tenant_id=require_tenant_id(), participant_id=participant.id)
        db.session.add(profile)
    profile.rome_codes = list(rome_codes)
    profile.skills = cleaning.optional(skills)
    profile.available_from = available_from
    profile.availability = cleaning.optional(availability)
    profile.mobility = list(mobility)
    profile.mobility_radius_km = mobility_radius_km
    if cv is not None:
        profile.cv_filename, profile.cv_mimetype, profile.cv_content = (
            uploads.filename_of(filename, "cv"),
            mimetype,
            content,
        )
    profile.validated_at = None
    profile.validated_by = None
    profile.updated_at = datetime.now(UTC)
    db.session.flush()
    audit.record("cv.saved", actor, "participant", participant.id)
    return profile


def validate_profile(actor: audit.Actor, participant: Participant) -> CvProfile:
    """Seed 000 art. 2: a profile enters the CV library only once the facilitateur validated it."""
    profile = repository.profile_of(participant.id)
    if profile is None:
        raise DomainError("Ce participant n'a pas encore de profil.")
    if not profile.rome_codes:
        raise ValidationError(
            "rome_codes", "Indiquez au moins un métier (code ROME) avant de valider le profil."
        )
    profile.validated_at = datetime.now(UTC)
    profile.validated_by = actor.user_id
    audit.record("cv.validated", actor, "participant", participant.id)
    return profile


def read_cv(actor: audit.Actor, participant: Participant) -> CvProfile | None:
    """The profile with its CV file, and an audit entry: downloading the CV is a read of the file."""
    profile = repository.profile_with_cv(participant.id)
    if profile is None or profile.cv_content is None:
        return None
    audit.record(
        "participant.file_read",
        actor,
        "participant",
        participant.id,
        {"reference": participant.reference, "piece": "cv", "fichier": profile.cv_filename},
    )
    return profile
