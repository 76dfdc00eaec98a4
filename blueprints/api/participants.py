"""API resources: participants, their prescriptions, eligibility validations and CV profile.

Personal data (docs/domain.md, RGPD): the list and the answers to writes carry the pseudonymous
reference and the parcours data, never the identity. The identity is read only on the detail of
one participant, through ``participants.read_file``, which writes a ``participant.file_read``
audit entry naming the token.
"""

from __future__ import annotations

from flask_smorest import abort

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.resource import Operation, change, creation, listing, route
from saas.participants import api as participants
from saas.participants.models import Eligibility, Participant, Prescription
from saas.participants.schemas import (
    CvProfileSchema,
    EligibilitySchema,
    ParticipantFilterSchema,
    ParticipantSchema,
    ParticipantSummarySchema,
    ParticipantUpdateSchema,
    PrescriptionSchema,
)
from saas.schemas import Prepared

blp = token_blueprint(
    "api_participants",
    __name__,
    "Participants (identité lue une personne à la fois, lecture tracée), prescriptions, "
    "éligibilité et CVthèque",
    ids={"participant_id": Participant},
)


def present_prescription(prescription: Prescription) -> Prepared:
    """What ``PrescriptionSchema`` dumps: the prescription and its state today."""
    return Prepared(prescription, state=participants.prescription_state(prescription).value)


def present_eligibilities(eligibilities: list[Eligibility]) -> list[Prepared]:
    """What ``EligibilitySchema`` dumps of each validation: it and its criteria (one query for all)."""
    chosen = participants.criteria_by_eligibility([eligibility.id for eligibility in eligibilities])
    return [
        Prepared(
            eligibility,
            criteria=[{"code": c.criterion_code, "proof_type": c.proof_type} for c in chosen[eligibility.id]],
        )
        for eligibility in eligibilities
    ]


def present_eligibility(eligibility: Eligibility) -> Prepared:
    """:func:`present_eligibilities` of one validation."""
    return present_eligibilities([eligibility])[0]


def _with_identity(participant: Participant, _):
    """The file and the identity, read through ``read_file`` (which audits the read)."""
    identity = participants.read_file(api_actor(), participant)
    # the status is explicit: flask-smorest would read a bare 2-tuple as (body, status)
    return (participant, identity), 200


def _profile(participant: Participant, _):
    profile = participants.profile_of(participant.id)
    if profile is None:
        abort(404, message="Ce participant n'a pas encore de profil.")
    return profile


route(
    blp,
    "/participants",
    "Participants",
    get=listing(
        ParticipantSummarySchema,
        """Participants, sans identité.

        Référence pseudonyme et état du dossier seulement ; filtres : texte (nom, prénom ou
        référence), éligibilité valide aujourd'hui.
        """,
        lambda args: participants.overview_query(args.get("q"), args.get("eligible")).order_by(
            Participant.id
        ),
        ParticipantFilterSchema,
        rows=True,
    ),
    post=creation(
        ParticipantUpdateSchema,
        "Créer un participant avec son identité ; la réponse ne la renvoie pas (lisez le dossier).",
        participants.create,
        spread=True,
        body=ParticipantSchema,
    ),
)
route(
    blp,
    "/participants/<int:participant_id>",
    "ParticipantItem",
    Participant,
    get=Operation(
        "Le dossier d'un participant, identité comprise : chaque lecture est tracée au journal.",
        ParticipantSchema,
        _with_identity,
        write=True,
    ),
    patch=change(
        ParticipantUpdateSchema,
        ParticipantUpdateSchema,
        "Modifier les champs envoyés ; la réponse ne renvoie pas l'identité.",
        participants.update,
        spread=True,
    ),
)
route(
    blp,
    "/participants/<int:participant_id>/prescriptions",
    "ParticipantPrescriptions",
    Participant,
    get=listing(
        PrescriptionSchema,
        "Les prescriptions du participant, la plus récente en premier.",
        lambda participant, _: participants.prescriptions_of(participant.id),
        present=present_prescription,
    ),
    post=creation(
        PrescriptionSchema,
        "Enregistrer une prescription ; sa fin de validité suit le réglage du territoire.",
        participants.add_prescription,
        spread=True,
        present=present_prescription,
    ),
)
route(
    blp,
    "/participants/<int:participant_id>/eligibilites",
    "ParticipantEligibilities",
    Participant,
    get=listing(
        EligibilitySchema,
        "Les validations d'éligibilité, critères et types de justificatif compris.",
        lambda participant, _: participants.eligibilities_of(participant.id),
        present_page=present_eligibilities,
    ),
    post=creation(
        EligibilitySchema,
        """Valider l'éligibilité.

        Un ou plusieurs critères, chacun avec le type de justificatif vu (le document n'est pas
        conservé).
        """,
        participants.validate_eligibility,
        spread=True,
        present=present_eligibility,
    ),
)
route(
    blp,
    "/participants/<int:participant_id>/cv",
    "ParticipantCv",
    Participant,
    get=Operation(
        "Le profil CVthèque du participant (sans le fichier du CV) ; 404 s'il n'en a pas.",
        CvProfileSchema,
        _profile,
    ),
    put=creation(
        CvProfileSchema,
        """Remplacer le profil CVthèque.

        Les champs absents sont vidés ; le profil sort de la CVthèque jusqu'à une nouvelle
        validation par le facilitateur.
        """,
        participants.save_profile,
        spread=True,
        status=200,
    ),
)
