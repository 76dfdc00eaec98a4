"""API resources: participants, their prescriptions, eligibility validations and CV profile.

Personal data (docs/domain.md, RGPD): the list and the answers to writes carry the pseudonymous
reference and the parcours data, never the identity. The identity is read only on the detail of
one participant, through ``participants.read_file``, which writes a ``participant.file_read``
audit entry naming the token.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.common import PageArgs, page_schema, paginate, paginate_list
from saas.db import db
from saas.participants import api as participants
from saas.participants.models import Participant
from saas.participants.schemas import (
    CvProfileSchema,
    EligibilitySchema,
    ParticipantFilterSchema,
    ParticipantSchema,
    ParticipantSummarySchema,
    ParticipantUpdateSchema,
    PrescriptionSchema,
)
from tenants.web import load_scoped

blp = token_blueprint(
    "api_participants",
    __name__,
    "Participants (identité lue une personne à la fois, lecture tracée), prescriptions, "
    "éligibilité et CVthèque",
    ids={"participant_id": Participant},
)


class ParticipantQueryArgs(ParticipantFilterSchema, PageArgs):
    pass


@blp.route("/participants")
class Participants(MethodView):
    @blp.arguments(ParticipantQueryArgs, location="query")
    @blp.response(200, page_schema(ParticipantSummarySchema))
    def get(self, args):
        """Participants, sans identité.

        Référence pseudonyme et état du dossier seulement ; filtres : texte (nom, prénom ou
        référence), éligibilité valide aujourd'hui.
        """
        query = participants.overview_query(args.get("q"), args.get("eligible"))
        return paginate(query.order_by(Participant.id), args, rows=True)

    @blp.arguments(ParticipantSchema)
    @blp.response(201, ParticipantUpdateSchema)
    def post(self, data):
        """Créer un participant avec son identité ; la réponse ne la renvoie pas (lisez le dossier)."""
        participant = participants.create(api_actor(), **data)
        db.session.commit()
        return participant


@blp.route("/participants/<int:participant_id>")
class ParticipantItem(MethodView):
    @blp.response(200, ParticipantSchema)
    def get(self, participant_id: int):
        """Le dossier d'un participant, identité comprise : chaque lecture est tracée au journal."""
        participant = load_scoped(Participant, participant_id)
        identity = participants.read_file(api_actor(), participant)
        db.session.commit()
        # the status is explicit: flask-smorest would read a bare 2-tuple as (body, status)
        return (participant, identity), 200

    @blp.arguments(ParticipantUpdateSchema)
    @blp.response(200, ParticipantUpdateSchema)
    def patch(self, data, participant_id: int):
        """Modifier les champs envoyés ; la réponse ne renvoie pas l'identité."""
        participant = load_scoped(Participant, participant_id)
        participants.update(api_actor(), participant, **data)
        db.session.commit()
        return participant


@blp.route("/participants/<int:participant_id>/prescriptions")
class ParticipantPrescriptions(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(PrescriptionSchema))
    def get(self, args, participant_id: int):
        """Les prescriptions du participant, la plus récente en premier."""
        participant = load_scoped(Participant, participant_id)
        return paginate_list(participants.prescriptions_of(participant.id), args)

    @blp.arguments(PrescriptionSchema)
    @blp.response(201, PrescriptionSchema)
    def post(self, data, participant_id: int):
        """Enregistrer une prescription ; sa fin de validité suit le réglage du territoire."""
        participant = load_scoped(Participant, participant_id)
        prescription = participants.add_prescription(api_actor(), participant, **data)
        db.session.commit()
        return prescription


@blp.route("/participants/<int:participant_id>/eligibilites")
class ParticipantEligibilities(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(EligibilitySchema))
    def get(self, args, participant_id: int):
        """Les validations d'éligibilité, critères et types de justificatif compris."""
        participant = load_scoped(Participant, participant_id)
        return paginate_list(participants.eligibilities_of(participant.id), args)

    @blp.arguments(EligibilitySchema)
    @blp.response(201, EligibilitySchema)
    def post(self, data, participant_id: int):
        """Valider l'éligibilité.

        Un ou plusieurs critères, chacun avec le type de justificatif vu (le document n'est pas
        conservé).
        """
        participant = load_scoped(Participant, participant_id)
        eligibility = participants.validate_eligibility(api_actor(), participant, **data)
        db.session.commit()
        return eligibility


@blp.route("/participants/<int:participant_id>/cv")
class ParticipantCv(MethodView):
    @blp.response(200, CvProfileSchema)
    def get(self, participant_id: int):
        """Le profil CVthèque du participant (sans le fichier du CV) ; 404 s'il n'en a pas."""
        participant = load_scoped(Participant, participant_id)
        profile = participants.profile_of(participant.id)
        if profile is None:
            abort(404, message="Ce participant n'a pas encore de profil.")
        return profile

    @blp.arguments(CvProfileSchema)
    @blp.response(200, CvProfileSchema)
    def put(self, data, participant_id: int):
        """Remplacer le profil CVthèque.

        Les champs absents sont vidés ; le profil sort de la CVthèque jusqu'à une nouvelle
        validation par le facilitateur.
        """
        participant = load_scoped(Participant, participant_id)
        profile = participants.save_profile(api_actor(), participant, **data)
        db.session.commit()
        return profile
