"""JSON shapes of participants, prescriptions, eligibility validations and CV profiles.

Field names are the parameter names of ``saas.participants.api`` (``create``, ``update``,
``add_prescription``, ``validate_eligibility``, ``revoke_eligibility``, ``record_bilan``,
``save_profile``), so a loaded dict can be passed as keyword arguments. The rules (plausible birth
date, known INSEE / QPV / ROME codes, proof type accepted for each criterion) stay in the api,
which names the field of a refused value.

The identity is dumped only from ``(participant, identity)`` where the identity was obtained with
``api.read_file`` (which audits the read); a participant alone dumps without it.
"""

from __future__ import annotations

from marshmallow import fields, post_load, pre_dump

from saas import schemas as s
from saas.participants.models import CvProfile, Participant

SEXES = ["F", "M", "X"]
PARTICIPANT_COLUMNS = (
    "id",
    "reference",
    "qualification_level",
    "freins",
    "projet_professionnel",
    "referent_organisation_id",
    "bilan_entree",
    "bilan_entree_on",
    "last_contact_on",
    "created_at",
)
IDENTITY_COLUMNS = (
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "email",
    "phone",
    "commune_insee",
    "qpv_code",
)


class ParticipantSchema(s.Schema):
    """A participant with their identity, as ``create`` takes it and as the file reads it."""

    id = s.Integer(dump_only=True)
    reference = s.String(dump_only=True, metadata={"description": "Référence pseudonyme (P-AAAA-NNNNN)"})
    last_name = s.String(required=True, validate=s.max_length(100), metadata={"description": "Nom"})
    first_name = s.String(required=True, validate=s.max_length(100), metadata={"description": "Prénom"})
    birth_date = s.Date(allow_none=True, metadata={"description": "Date de naissance (14 ans au moins)"})
    sex = s.String(allow_none=True, validate=s.one_of(SEXES), metadata={"description": "F, M ou X"})
    email = s.String(allow_none=True, validate=s.max_length(254))
    phone = s.String(allow_none=True, validate=s.max_length(30))
    commune_insee = s.String(
        allow_none=True,
        validate=s.max_length(5),
        metadata={"description": "Code INSEE de la commune de résidence"},
    )
    qpv_code = s.String(
        allow_none=True,
        validate=s.max_length(12),
        metadata={"description": "Code du quartier prioritaire (QPV)"},
    )
    qualification_level = s.String(
        allow_none=True,
        validate=s.max_length(40),
        metadata={"description": "Code du niveau de qualification (liste niveau_qualification)"},
    )
    freins = s.List(
        s.String(validate=s.max_length(40)), metadata={"description": "Codes des freins (liste frein)"}
    )
    projet_professionnel = s.String(allow_none=True)
    referent_organisation_id = s.Integer(
        allow_none=True, metadata={"description": "Organisation qui accompagne le participant"}
    )
    recorded = s.Columns(Participant, "bilan_entree", "bilan_entree_on", "last_contact_on", "created_at")

    @pre_dump
    def _with_identity(self, data, **kwargs):
        """Accept ``(participant, identity)``: the identity read through ``api.read_file``."""
        if isinstance(data, tuple):
            participant, identity = data
        elif isinstance(data, Participant):
            participant, identity = data, None
        else:
            return data
        merged = {column: getattr(participant, column) for column in PARTICIPANT_COLUMNS}
        if identity is not None:
            merged.update({column: getattr(identity, column) for column in IDENTITY_COLUMNS})
        return merged


class ParticipantUpdateSchema(ParticipantSchema):
    """Every field optional (PATCH): only the fields sent are changed."""

    last_name = s.String(validate=s.max_length(100))
    first_name = s.String(validate=s.max_length(100))


class ParticipantSummarySchema(s.Schema):
    """A row of the list of participants (``api.overview_query``): the pseudonymous reference and
    the state of the file, never the identity (the row holds it; this schema does not dump it)."""

    id = s.Integer(dump_only=True)
    reference = s.String(dump_only=True, metadata={"description": "Référence pseudonyme (P-AAAA-NNNNN)"})
    eligible = s.Boolean(dump_only=True, metadata={"description": "Éligibilité valide aujourd'hui"})
    eligible_until = s.Date(
        dump_only=True, metadata={"description": "Fin de l'éligibilité en cours (null : sans fin fixée)"}
    )
    prescription_until = s.Date(
        dump_only=True, metadata={"description": "Fin de validité de la dernière prescription"}
    )
    cv_validated = s.Boolean(dump_only=True, metadata={"description": "Profil validé pour la CVthèque"})


class ParticipantFilterSchema(s.Schema):
    q = s.String(metadata={"description": "Nom, prénom ou référence (contient)"})
    eligible = s.Boolean(
        metadata={"description": "true : éligibles aujourd'hui ; false : sans éligibilité valide"}
    )


class PrescriptionSchema(s.Schema):
    id = s.Integer(dump_only=True)
    participant_id = s.Integer(dump_only=True)
    prescripteur_id = s.Integer(
        required=True, metadata={"description": "Organisation prescriptrice (type prescripteur)"}
    )
    prescribed_on = s.Date(
        required=True, metadata={"description": "Date de la prescription (pas dans le futur)"}
    )
    content = s.String(
        allow_none=True, load_default=None, metadata={"description": "Contenu de la fiche de prescription"}
    )
    valid_until = s.Date(
        dump_only=True,
        metadata={"description": "Fin de validité (durée fixée par le territoire, 2 mois par défaut)"},
    )
    state = fields.Method("_state", dump_only=True, metadata={"description": "valid, expiring ou expired"})
    created_at = s.DateTime(dump_only=True)

    def _state(self, prescription) -> str | None:
        """``prescription.state``: prepared by the caller (``Prepared``), it reads a setting."""
        return prescription.state


class EligibilityCriterionSchema(s.Schema):
    """One chosen criterion and the proof type seen (the document itself is not kept)."""

    code = s.String(
        required=True, validate=s.max_length(40), metadata={"description": "Code du critère (référentiel)"}
    )
    proof_type = s.String(
        required=True,
        validate=s.max_length(40),
        metadata={"description": "Code du justificatif, parmi ceux acceptés pour ce critère"},
    )


class EligibilitySchema(s.Schema):
    """A validation as ``validate_eligibility`` takes it (``criteria`` loads as (code, proof) pairs)."""

    id = s.Integer(dump_only=True)
    participant_id = s.Integer(dump_only=True)
    criteria = s.List(s.Nested(EligibilityCriterionSchema), required=True)
    validated_on = s.Date(
        allow_none=True, metadata={"description": "Date de validation (aujourd'hui par défaut)"}
    )
    notes = s.String(allow_none=True)
    validated_by = s.Integer(dump_only=True)
    anchor = s.String(dump_only=True, metadata={"description": "validation ou first_mission"})
    validity_months = s.Integer(dump_only=True)
    valid_from = s.Date(dump_only=True)
    valid_until = s.Date(
        dump_only=True,
        metadata={"description": "Fin de validité ; null tant que la première mission n'a pas commencé"},
    )
    revoked_at = s.DateTime(dump_only=True)
    revoked_reason = s.String(dump_only=True)
    created_at = s.DateTime(dump_only=True)

    @post_load
    def _pairs(self, data, **kwargs):
        if "criteria" in data:
            data["criteria"] = [(c["code"], c["proof_type"]) for c in data["criteria"]]
        return data


class RevocationSchema(s.Schema):
    reason = s.String(required=True, validate=s.max_length(300), metadata={"description": "Motif du retrait"})


class BilanSchema(s.Schema):
    bilan = s.String(required=True, metadata={"description": "Bilan individuel d'entrée"})
    on = s.Date(allow_none=True, metadata={"description": "Date du bilan (aujourd'hui par défaut)"})


class CvProfileSchema(s.Schema):
    """The CV profile as ``save_profile`` takes it; saving takes it out of the library until validated."""

    participant_id = s.Integer(dump_only=True)
    rome_codes = s.List(
        s.String(validate=s.max_length(5)), metadata={"description": "Codes ROME des métiers visés"}
    )
    skills = s.String(allow_none=True, metadata={"description": "Compétences"})
    available_from = s.Date(allow_none=True, metadata={"description": "Disponible à partir du"})
    availability = s.String(
        allow_none=True, validate=s.max_length(200), metadata={"description": "Disponibilités"}
    )
    mobility = s.List(
        s.String(validate=s.max_length(40)), metadata={"description": "Codes de mobilité (liste mobilite)"}
    )
    mobility_radius_km = s.Integer(
        allow_none=True, metadata={"description": "Rayon de mobilité en km (0 à 500)"}
    )
    recorded = s.Columns(CvProfile, "cv_filename", "cv_mimetype", "validated_at", "validated_by", "published")
    in_library = fields.Method(
        "_in_library", dump_only=True, metadata={"description": "Visible dans la CVthèque (validé et publié)"}
    )
    updated_at = s.DateTime(dump_only=True)

    def _in_library(self, profile) -> bool:
        return profile.validated_at is not None and bool(profile.published)


class CvLibraryFilterSchema(s.Schema):
    rome = s.String(validate=s.max_length(5), metadata={"description": "Code ROME"})
    commune = s.String(validate=s.max_length(5), metadata={"description": "Code INSEE de la commune"})
    available_by = s.Date(metadata={"description": "Disponible au plus tard à cette date"})
